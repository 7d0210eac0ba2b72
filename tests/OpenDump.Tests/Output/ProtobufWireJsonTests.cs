using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using OpenDump.Capture;
using OpenDump.Crypto;
using OpenDump.Decoding;
using OpenDump.Output;
using OpenDump.Tests.EndToEnd;
using OpenDump.Tests.Support;
using OpenDump.Tests.WireJsonTest;
using OpenDump.Tests.WireJsonTest3;
using OpenDump.Testing;
using Xunit;

// Not OpenDump.Tests.Output: that namespace would hide OpenDump.Output from the other test files.
namespace OpenDump.Tests.ProtobufWireJsonCheck
{
    /// <summary>
    /// <see cref="ProtobufWireJson.TryWrite"/> against its definition: true only with exactly the bytes
    /// <see cref="ProtobufJson.Write"/> writes for the message <c>MergeFrom</c> parses from the same body, false
    /// with nothing written otherwise; true for every canonical body (what ToByteArray and the capture fixtures
    /// hold), false for the non-canonical forms it declines.
    /// </summary>
    public sealed class ProtobufWireJsonTests
    {
        // ---- canonical bodies: always the fast path ---------------------------------------------------------

        [Fact]
        public void Random_canonical_messages_of_every_type_take_the_fast_path_and_match()
        {
            var generator = new RandomMessages(seed: 20250101);
            var types = JsonWriterChecks.MessageTypes();
            Assert.True(types.Count > 300, $"only {types.Count} message types");
            var compared = 0;
            long length = 0;
            for (var round = 0; round < 56; round++)
            {
                foreach (var type in types)
                {
                    var body = generator.Create(type, depth: 0).ToByteArray();
                    length += AssertFastPath(type, body, $"{type.FullName} round {round}");
                    compared++;
                }
            }
            Assert.True(compared > 20_000 && length > 5_000_000, $"{compared} messages, {length} bytes of JSON");
        }

        [Fact]
        public void Random_canonical_messages_of_every_field_type_take_the_fast_path_and_match()
        {
            // The test schema (Protos/wire_json_test*.proto) has what the OpenD schemas lack: sint, fixed, sfixed, float, enums with negative
            // numbers, packed and unpacked repeated fields of each kind, a oneof, a recursive message.
            var generator = new RandomMessages(seed: 7);
            long length = 0;
            for (var i = 0; i < 4_000; i++)
                length += AssertFastPath(Kitchen.Descriptor, generator.Create(Kitchen.Descriptor, depth: 0).ToByteArray(), $"Kitchen {i}");
            Assert.True(length > 2_000_000, $"{length} bytes of JSON");
        }

        [Theory]
        [InlineData("plain")]
        [InlineData("ftaes")]
        [InlineData("cbc")]
        public void Sdk_capture_bodies_take_the_fast_path_and_match(string name) =>
            AssertFixtureBodies(SdkCaptureTests.Decode(name, withKey: name != "plain"), name);

        [Fact]
        public void Sdk_websocket_capture_bodies_take_the_fast_path_and_match()
        {
            var sink = new CollectingSink();
            using (var source = new PcapFileSource(Fixtures.SdkWs("ws_basic.pcap")))
                CaptureAnalyzer.Run(source, new AnalyzerOptions(), sink);
            AssertFixtureBodies(sink, "ws_basic");
        }

        [Fact]
        public void Sample_capture_bodies_take_the_fast_path_and_match()
        {
            var captures = Path.Combine(Fixtures.RepoRoot, "captures");
            var sink = new CollectingSink();
            using (var source = new PcapFileSource(Path.Combine(captures, "sample.pcap")))
                CaptureAnalyzer.Run(source, new AnalyzerOptions { RsaKey = RsaPrivateKey.Load(Path.Combine(captures, "sample_rsa1024.pem")) }, sink);
            AssertFixtureBodies(sink, "sample");
        }

        /// <summary>
        /// Every decoded body, re-serialized (ToByteArray); on TCP, where the header carries the body's SHA-1,
        /// those bytes are checked to be the very bytes of the capture.
        /// </summary>
        private static void AssertFixtureBodies(CollectingSink sink, string capture)
        {
            int bodies = 0, checkedAgainstWire = 0;
            foreach (var frame in sink.Frames)
            {
                if (frame.Message is not { } message) continue;
                var body = message.ToByteArray();
                if (frame.Header is { } header && frame.ProtoFmt == 0)
                {
                    Assert.True(header.Sha1Equals(SHA1.HashData(body)), $"{capture} frame {frame.Number}: the re-serialized body is not the captured one");
                    checkedAgainstWire++;
                }
                AssertFastPath(message.Descriptor, body, $"{capture} frame {frame.Number} ({frame.ProtoName})");
                bodies++;
            }
            Assert.True(bodies > 10, $"{capture}: only {bodies} decoded bodies");
            if (capture != "ws_basic") Assert.True(checkedAgainstWire > 10, $"{capture}: only {checkedAgainstWire} bodies checked against the wire");
        }

        // ---- non-canonical and damaged bodies ---------------------------------------------------------------

        private enum Expect { Match, Decline, Either }

        private enum Mutation
        {
            Reorder,
            DuplicateSingular,
            DuplicateRepeated,
            SplitRun,
            WrongWireType,
            InvalidUtf8,
            UnknownFields,
            UnknownGroup,
            EmptyPacked,
            Rechunk,
            OverlongVarints,
            Truncate,
            ByteFlips,
        }

        private static Expect Expected(Mutation m) => m switch
        {
            Mutation.DuplicateRepeated or Mutation.UnknownFields or Mutation.Rechunk or Mutation.OverlongVarints => Expect.Match,
            Mutation.Truncate or Mutation.ByteFlips => Expect.Either,
            _ => Expect.Decline,
        };

        [Fact]
        public void Mutated_bodies_are_declined_or_match_the_parse()
        {
            var generator = new RandomMessages(seed: 99);
            var rng = new Random(4242);
            var types = JsonWriterChecks.MessageTypes();
            types.Add(Kitchen.Descriptor);
            var mutations = System.Enum.GetValues<Mutation>();
            var tally = mutations.ToDictionary(m => m, _ => (Applied: 0, Matched: 0, Declined: 0, ParseFailed: 0));
            for (var round = 0; round < 5; round++)
            {
                foreach (var type in types)
                {
                    var message = generator.Create(type, depth: 0);
                    var canonical = message.ToByteArray();
                    foreach (var mutation in mutations)
                    {
                        var body = Mutate(type, canonical, mutation, rng);
                        if (body is null) continue;
                        var where = $"{type.FullName} round {round} {mutation}: {Convert.ToHexString(body)}";
                        var outcome = Check(type, body, where);
                        var t = tally[mutation];
                        t.Applied++;
                        if (outcome.Written) t.Matched++; else t.Declined++;
                        if (!outcome.Parsed) t.ParseFailed++;
                        tally[mutation] = t;
                        switch (Expected(mutation))
                        {
                            case Expect.Match: Assert.True(outcome.Written, $"{where}: declined"); break;
                            case Expect.Decline: Assert.False(outcome.Written, $"{where}: taken"); break;
                        }
                        if (mutation == Mutation.InvalidUtf8) Assert.False(outcome.Parsed, $"{where}: parsed");
                        else if (Expected(mutation) != Expect.Either) Assert.True(outcome.Parsed, $"{where}: did not parse");
                    }
                }
                // The body hit once, in the kitchen-sink type, with every mutation nested at any depth too.
                for (var i = 0; i < 400; i++)
                {
                    var canonical = generator.Create(Kitchen.Descriptor, depth: 0).ToByteArray();
                    foreach (var mutation in mutations)
                    {
                        var body = Mutate(Kitchen.Descriptor, canonical, mutation, rng);
                        if (body is null) continue;
                        var outcome = Check(Kitchen.Descriptor, body, $"Kitchen {mutation}: {Convert.ToHexString(body)}");
                        if (Expected(mutation) == Expect.Match) Assert.True(outcome.Written, $"Kitchen {mutation}: declined {Convert.ToHexString(body)}");
                        if (Expected(mutation) == Expect.Decline) Assert.False(outcome.Written, $"Kitchen {mutation}: taken {Convert.ToHexString(body)}");
                    }
                }
            }
            var report = string.Join("; ", tally.Select(t => $"{t.Key} {t.Value.Applied}/{t.Value.Matched}/{t.Value.Declined}/{t.Value.ParseFailed}"));
            foreach (var (mutation, t) in tally) Assert.True(t.Applied > 200, $"{mutation} applied only {t.Applied} times: {report}");
            // Damage that still parses is sometimes taken (a cut at a field boundary), sometimes not.
            foreach (var m in new[] { Mutation.Truncate, Mutation.ByteFlips })
                Assert.True(tally[m].Matched > 50 && tally[m].Declined > 50 && tally[m].ParseFailed > 50, $"{m}: {report}");
        }

        /// <summary>A random mutation of the kind, at the top level or inside a nested message; null when the body has nothing to apply it to.</summary>
        private static byte[]? Mutate(MessageDescriptor type, byte[] canonical, Mutation mutation, Random rng)
        {
            switch (mutation)
            {
                case Mutation.Truncate:
                    return canonical.Length == 0 ? null : canonical[..rng.Next(canonical.Length)];
                case Mutation.ByteFlips:
                {
                    if (canonical.Length == 0) return null;
                    var body = (byte[])canonical.Clone();
                    for (var i = rng.Next(1, 4); i > 0; i--)
                        body[rng.Next(body.Length)] = rng.Next(3) == 0 ? (byte)(body[rng.Next(body.Length)] ^ (1 << rng.Next(8))) : (byte)rng.Next(256);
                    return body;
                }
                case Mutation.Rechunk:
                    return Wire.Rewrite(type, canonical, rng, overlong: false);
                case Mutation.OverlongVarints:
                    return Wire.Rewrite(type, canonical, rng, overlong: true);
                default:
                    var records = Wire.Split(canonical);
                    return ApplyNested(type, records, mutation, rng) ? Wire.Join(records) : null;
            }
        }

        /// <summary>Applies the mutation inside a nested message (half the time when there is one) or to these records.</summary>
        private static bool ApplyNested(MessageDescriptor type, List<Wire.Record> records, Mutation mutation, Random rng)
        {
            var nested = Enumerable.Range(0, records.Count)
                .Where(i => type.FindFieldByNumber((int)records[i].Number) is { FieldType: FieldType.Message } && records[i].WireType == 2).ToList();
            if (nested.Count > 0 && rng.Next(2) == 0)
            {
                var i = nested[rng.Next(nested.Count)];
                var inner = Wire.Split(records[i].Payload);
                if (ApplyNested(type.FindFieldByNumber((int)records[i].Number).MessageType, inner, mutation, rng))
                {
                    records[i] = Wire.Record.LengthDelimited(records[i].Number, Wire.Join(inner));
                    return true;
                }
            }
            return Apply(type, records, mutation, rng);
        }

        private static bool Apply(MessageDescriptor type, List<Wire.Record> records, Mutation mutation, Random rng)
        {
            FieldDescriptor? Field(int i) => type.FindFieldByNumber((int)records[i].Number);
            T Pick<T>(List<T> list) => list[rng.Next(list.Count)];
            // Positions where a record can go without splitting a repeated field's run.
            List<int> Boundaries() => Enumerable.Range(0, records.Count + 1)
                .Where(i => i == 0 || i == records.Count || records[i - 1].Number != records[i].Number).ToList();
            switch (mutation)
            {
                case Mutation.Reorder:
                {
                    var pairs = Enumerable.Range(0, Math.Max(0, records.Count - 1)).Where(i => records[i].Number != records[i + 1].Number).ToList();
                    if (pairs.Count == 0) return false;
                    var i = Pick(pairs);
                    (records[i], records[i + 1]) = (records[i + 1], records[i]);
                    return true;
                }
                case Mutation.DuplicateSingular:
                case Mutation.DuplicateRepeated:
                {
                    var repeated = mutation == Mutation.DuplicateRepeated;
                    var candidates = Enumerable.Range(0, records.Count).Where(i => Field(i)!.IsRepeated == repeated).ToList();
                    if (candidates.Count == 0) return false;
                    var i = Pick(candidates);
                    records.Insert(i + 1, records[i]);
                    return true;
                }
                case Mutation.SplitRun:
                {
                    // A repeated field's record again after a later field.
                    var candidates = Enumerable.Range(0, records.Count)
                        .Where(i => Field(i)!.IsRepeated && records.Skip(i + 1).Any(r => r.Number != records[i].Number)).ToList();
                    if (candidates.Count == 0) return false;
                    var i = Pick(candidates);
                    var later = Enumerable.Range(i + 1, records.Count - i - 1).Where(j => records[j].Number != records[i].Number).ToList();
                    records.Insert(Pick(later) + 1, records[i]);
                    return true;
                }
                case Mutation.WrongWireType:
                {
                    if (records.Count == 0) return false;
                    var i = rng.Next(records.Count);
                    var field = Field(i)!;
                    var own = Wire.ElementWireType(field);
                    var wrong = new[] { 0, 1, 2, 5 }.Where(t => t != own && !(t == 2 && Wire.Packable(field))).ToList();
                    records[i] = Wire.Record.Filler(records[i].Number, Pick(wrong), rng);
                    return true;
                }
                case Mutation.InvalidUtf8:
                {
                    var strings = Enumerable.Range(0, records.Count).Where(i => Field(i)!.FieldType == FieldType.String).ToList();
                    if (strings.Count == 0) return false;
                    var i = Pick(strings);
                    var text = new List<byte>(records[i].Payload);
                    byte[][] invalid =
                    [
                        [0xff], [0xfe], [0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf],
                        [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xf0, 0x80, 0x80, 0x80], [0xe4, 0xb8], [0xf0, 0x9f, 0x98], [0xc3],
                        [0xe4, 0x41, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80],
                    ];
                    text.InsertRange(rng.Next(text.Count + 1), Pick(invalid.ToList()));
                    records[i] = Wire.Record.LengthDelimited(records[i].Number, text.ToArray());
                    return true;
                }
                case Mutation.UnknownFields:
                {
                    var unknown = UnknownNumbers(type);
                    for (var k = rng.Next(1, 4); k > 0; k--)
                        records.Insert(Pick(Boundaries()), Wire.Record.Filler(Pick(unknown), Pick([0, 1, 2, 5]), rng));
                    return true;
                }
                case Mutation.UnknownGroup:
                {
                    var number = Pick(UnknownNumbers(type));
                    var at = Pick(Boundaries());
                    records.Insert(at, new Wire.Record(number, 4, []));
                    if (rng.Next(2) == 0) records.Insert(at, Wire.Record.Filler(Pick(UnknownNumbers(type)), 0, rng));
                    records.Insert(at, new Wire.Record(number, 3, []));
                    return true;
                }
                case Mutation.EmptyPacked:
                {
                    var packable = type.Fields.InFieldNumberOrder().Where(Wire.Packable).ToList();
                    if (packable.Count == 0) return false;
                    var field = Pick(packable);
                    var at = records.FindIndex(r => r.Number >= field.FieldNumber);
                    if (at < 0) at = records.Count;
                    else if (records[at].Number == field.FieldNumber && rng.Next(2) == 0)
                        while (at < records.Count && records[at].Number == field.FieldNumber) at++;
                    records.Insert(at, Wire.Record.LengthDelimited((uint)field.FieldNumber, []));
                    return true;
                }
                default:
                    throw new ArgumentOutOfRangeException(nameof(mutation));
            }
        }

        private static List<uint> UnknownNumbers(MessageDescriptor type) =>
            new uint[] { 7, 19, 99, 1000, 4095, 4096, 9999, 536_870_911 }.Where(n => type.FindFieldByNumber((int)n) is null).ToList();

        // ---- particular bodies --------------------------------------------------------------------------------

        [Fact]
        public void Varints_read_as_the_parser_reads_them()
        {
            byte[] Varint(params byte[] b) => b;
            var d = Kitchen.Descriptor;
            // int32 = 1: -5 as the 10-byte two's complement, and as 5 bytes.
            AssertMatch(d, [0x08, 0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], "{ \"i32\": -5 }");
            AssertMatch(d, [0x08, 0xfb, 0xff, 0xff, 0xff, 0x0f], "{ \"i32\": -5 }");
            // Bits past 32 dropped from 32-bit fields, past 64 from the 10th byte.
            AssertMatch(d, [0x08, 0x87, 0x80, 0x80, 0x80, 0x10], "{ \"i32\": 7 }");
            AssertMatch(d, [0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], "{ \"u32\": 4294967295 }");
            AssertMatch(d, [0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], "{ \"u64\": \"18446744073709551615\" }");
            AssertMatch(d, [0x10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7e], "{ \"i64\": \"0\" }");
            // Non-minimal encodings.
            AssertMatch(d, [0x88, 0x80, 0x80, 0x00, 0x81, 0x80, 0x00], "{ \"i32\": 1 }");
            // bool: any varint but 0, including one whose low 32 bits are 0.
            AssertMatch(d, [0x68, 0x02], "{ \"b\": true }");
            AssertMatch(d, [0x68, 0x80, 0x80, 0x80, 0x80, 0x10], "{ \"b\": true }");
            AssertMatch(d, [0x68, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], "{ \"b\": true }");
            AssertMatch(d, [0x68, 0x80, 0x00], "{ \"b\": false }");
            // sint zigzag.
            AssertMatch(d, [0x28, 0x03, 0x30, 0x04], "{ \"s32\": -2, \"s64\": \"2\" }");
            AssertMatch(d, [0x28, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x30, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
                "{ \"s32\": -2147483648, \"s64\": \"-9223372036854775808\" }");
            // 11 bytes: malformed; cut short: truncated.
            AssertDeclined(d, Varint(0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00), parses: false);
            AssertDeclined(d, Varint(0x08, 0x80), parses: false);
            AssertDeclined(d, Varint(0x88), parses: false);
            // A tag of field 0, a negative or overlong length.
            AssertDeclined(d, [0x00, 0x01], parses: false);
            AssertDeclined(d, [0x72, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x41], parses: false);
            AssertDeclined(d, [0x72, 0x05, 0x41], parses: false);
        }

        [Fact]
        public void Fixed_width_values_read_as_bit_patterns()
        {
            var d = Kitchen.Descriptor;
            AssertMatch(d, [0x3d, 0xff, 0xff, 0xff, 0xff, 0x41, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x4d, 0xff, 0xff, 0xff, 0xff, 0x51, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80],
                "{ \"f32\": 4294967295, \"f64\": \"18446744073709551615\", \"sf32\": -1, \"sf64\": \"-9223372036854775808\" }");
            foreach (var bits in new uint[] { 0x7fc00000, 0x7fc00001, 0xffc00000, 0x7f800000, 0xff800000, 0x80000000, 0x00000001, 0x7f7fffff, 0x3dcccccd })
                AssertMatch(d, [0x5d, .. BitConverter.GetBytes(bits)]);
            foreach (var bits in new ulong[] { 0x7ff8000000000001, 0xfff0000000000000, 0x8000000000000000, 1, 0x3fb999999999999a, 0x4077c66666666666 })
                AssertMatch(d, [0x61, .. BitConverter.GetBytes(bits)]);
            // Cut short.
            AssertDeclined(d, [0x5d, 0x00, 0x00, 0x80], parses: false);
            AssertDeclined(d, [0x61, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80], parses: false);
        }

        [Fact]
        public void Enums_are_written_by_name_or_number()
        {
            var d = Kitchen.Descriptor;
            AssertMatch(d, [0x80, 0x01, 0x01], "{ \"colour\": \"COLOUR_GREEN\" }");
            AssertMatch(d, [0x80, 0x01, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], "{ \"colour\": \"COLOUR_BLUE\" }");
            AssertMatch(d, [0x80, 0x01, 0x07], "{ \"colour\": 7 }");
            AssertMatch(d, [0xda, 0x01, 0x03, 0x00, 0x07, 0x01, 0xd8, 0x01, 0x7f], "{ \"rColour\": [ \"COLOUR_RED\", 7, \"COLOUR_GREEN\", 127 ] }");
        }

        [Fact]
        public void Packed_and_unpacked_runs_make_one_list()
        {
            var d = Kitchen.Descriptor;
            // r_i32 (20, declared unpacked): packed [1, 2], then 3 unpacked, then packed [-1].
            AssertMatch(d, [0xa2, 0x01, 0x02, 0x01, 0x02, 0xa0, 0x01, 0x03, 0xa2, 0x01, 0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
                "{ \"rI32\": [ 1, 2, 3, -1 ] }");
            // r_db (25, declared packed) unpacked.
            AssertMatch(d, [0xc9, 0x01, .. BitConverter.GetBytes(1.5), 0xc9, 0x01, .. BitConverter.GetBytes(double.NaN)], "{ \"rDb\": [ 1.5, \"NaN\" ] }");
            // A packed run that ends inside an element; an empty packed run; a run split by another field.
            AssertDeclined(d, [0xb2, 0x01, 0x03, 0x00, 0x00, 0x00], parses: false);
            AssertDeclined(d, [0xa2, 0x01, 0x01, 0x80], parses: false);
            AssertDeclined(d, [0xa2, 0x01, 0x00], parses: true);
            AssertDeclined(d, [0xa0, 0x01, 0x01, 0xa8, 0x01, 0x02, 0xa0, 0x01, 0x03], parses: true);
            // A repeated string with a varint wire type (kept as an unknown field by the parser).
            AssertDeclined(d, [0xe0, 0x01, 0x01], parses: true);
        }

        [Fact]
        public void A_value_must_end_inside_its_packed_run_or_message_whatever_bytes_follow()
        {
            // Values are read from the whole body, eight bytes at a time, bounded by the end of the run or message that holds
            // them. Each cut value in a packed run would end at the 0x08 after it, and the bytes after that are well formed
            // fields of higher numbers: a reader bounded by the message's end instead of the run's would write them.
            var d = Kitchen.Descriptor;
            byte[] after = [0xf8, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x80, 0x02, 0x03]; // r_u64 (31), r_s32 (32)
            for (var k = 1; k <= 7; k++)
            {
                var cut = Enumerable.Repeat((byte)0x80, k).ToArray();
                AssertDeclined(d, [0xa2, 0x01, (byte)(1 + k), 0x01, .. cut, 0x08, .. after], parses: false);  // r_i32 (20), packed
                AssertDeclined(d, [0xaa, 0x01, (byte)k, .. cut, 0x08, .. after], parses: false);             // r_s64 (21), packed
                AssertDeclined(d, [0x8a, 0x01, (byte)(1 + k), 0x08, .. cut, 0x08, .. after], parses: false); // child.i32
                AssertDeclined(d, [0x8a, 0x01, (byte)(1 + k), 0x28, .. cut, 0x08, .. after], parses: false); // child.s32
                // The same values whole, ending just at the run's or the message's end.
                byte[] whole = [.. cut[..^1], 0x01];
                AssertMatch(d, [0xa2, 0x01, (byte)(1 + k), 0x01, .. whole, .. after]);
                AssertMatch(d, [0xaa, 0x01, (byte)k, .. whole, .. after]);
                AssertMatch(d, [0x8a, 0x01, (byte)(4 + k), 0x08, .. whole, 0xe0, 0x03, 0x00, .. after]);
            }
            // A fixed-width value, a length and a string cut at a nested message's end.
            AssertDeclined(d, [0x8a, 0x01, 0x03, 0x3d, 0x00, 0x00, 0x08, 0x08, .. after], parses: false);
            AssertDeclined(d, [0x8a, 0x01, 0x02, 0x72, 0x80, 0x08, .. after], parses: false);
            AssertDeclined(d, [0x8a, 0x01, 0x03, 0x72, 0x02, 0x41, 0x08, 0x08, .. after], parses: false);
        }

        [Fact]
        public void Order_duplicates_oneofs_and_wire_types_are_checked()
        {
            var d = Kitchen.Descriptor;
            AssertMatch(d, [0x08, 0x01, 0x10, 0x02], "{ \"i32\": 1, \"i64\": \"2\" }");
            AssertDeclined(d, [0x10, 0x02, 0x08, 0x01], parses: true);
            AssertDeclined(d, [0x08, 0x01, 0x08, 0x02], parses: true);
            AssertDeclined(d, [0x8a, 0x01, 0x02, 0x08, 0x01, 0x8a, 0x01, 0x02, 0x10, 0x01], parses: true); // a message twice (merged)
            // One oneof member is fine, two are not (the last wins).
            AssertMatch(d, [0xc0, 0x02, 0x05], "{ \"oneInt\": 5 }");
            AssertMatch(d, [0xd2, 0x02, 0x02, 0x08, 0x01], "{ \"oneChild\": { \"i32\": 1 } }");
            AssertDeclined(d, [0xc0, 0x02, 0x05, 0xca, 0x02, 0x01, 0x41], parses: true);
            // A known field with another wire type (kept as an unknown field by the parser).
            AssertDeclined(d, [0x0d, 0x01, 0x00, 0x00, 0x00], parses: true);
            AssertDeclined(d, [0x0a, 0x00], parses: true);
            AssertDeclined(d, [0x70, 0x01], parses: true);
            // Groups and the invalid wire types.
            AssertDeclined(d, [0xbb, 0x3e, 0xbc, 0x3e], parses: true);
            AssertDeclined(d, [0x0c], parses: null);
            AssertDeclined(d, [0x0e, 0x00], parses: false);
            AssertDeclined(d, [0x0f, 0x00], parses: false);
            // Unknown fields of the four plain wire types are skipped, between or around known ones.
            AssertMatch(d, [0x98, 0x01, 0x00, 0x08, 0x01, 0xf9, 0x3d, 1, 2, 3, 4, 5, 6, 7, 8, 0x10, 0x02, 0xfa, 0x3d, 0x01, 0xff, 0xfd, 0x3d, 0, 0, 0, 0],
                "{ \"i32\": 1, \"i64\": \"2\" }");
            AssertDeclined(d, [0xfa, 0x3d, 0x05, 0x00], parses: false);
            // The empty body; a field number past the others.
            AssertMatch(d, [], "{ }");
            AssertMatch(d, [0x80, 0xfa, 0x01, 0x2a], "{ \"bigNumber\": 42 }");
            AssertMatch(d, [0x8a, 0x01, 0x00], "{ \"child\": { } }");
        }

        [Fact]
        public void Strings_are_escaped_from_utf8_as_from_utf16()
        {
            var message = new Kitchen();
            for (var c = 0; c <= 0xffff; c++)
            {
                if (c is >= 0xd800 and <= 0xdfff) continue;
                message.Str = "a" + (char)c + "b" + (char)c;
                AssertFastPath(Kitchen.Descriptor, message.ToByteArray(), $"U+{c:X4}");
            }
            foreach (var text in new[]
            {
                "", "\U0001F600", "a\U0001F600b\U00010000\U0010FFFF", "\"\\/\b\f\n\r\t\u0000\u001f<>&'=\u007f", "\u0080\u009f\u00a0\u00ad\u00ae",
                "\u0600\u0603\u0604\u06dd\u070f\u17b3\u17b4\u17b5\u17b6\u200a\u200b\u200f\u2010\u2027\u2028\u202e\u202f", "\ufeffBOM",
                "\u205f\u2060\u2064\u2065\u2069\u206a\u206f\u2070\ufeff\ufff8\ufff9\ufffb\ufffc\ufffd\uffff", "腾讯控股 HK.00700",
                new string('x', 10_000) + "\u2028" + new string('中', 5_000) + "\U0001F600",
            })
            {
                message.Str = text;
                message.RStr.Clear();
                message.RStr.Add(text);
                message.RStr.Add(text + "<");
                AssertFastPath(Kitchen.Descriptor, message.ToByteArray(), text.Length > 40 ? text[..40] : text);
            }
        }

        [Fact]
        public void Bytes_are_base64()
        {
            var rng = new Random(1);
            for (var n = 0; n < 70; n++)
            {
                var bytes = new byte[n];
                rng.NextBytes(bytes);
                var message = new Kitchen { By = ByteString.CopyFrom(bytes) };
                message.RBy.Add(ByteString.CopyFrom(bytes));
                message.RBy.Add(ByteString.Empty);
                AssertFastPath(Kitchen.Descriptor, message.ToByteArray(), $"{n} bytes");
            }
        }

        [Fact]
        public void Nesting_is_taken_to_the_depth_limit()
        {
            Kitchen Chain(int depth)
            {
                var m = new Kitchen { I32 = depth };
                for (var i = 0; i < depth; i++) m = new Kitchen { Child = m, Str = "level" };
                return m;
            }
            AssertFastPath(Kitchen.Descriptor, Chain(ProtobufWireJson.MaxDepth).ToByteArray(), "at the limit");
            var deeper = Chain(ProtobufWireJson.MaxDepth + 1).ToByteArray();
            AssertDeclined(Kitchen.Descriptor, deeper, parses: true); // the parser's limit is 100
            AssertDeclined(Kitchen.Descriptor, Chain(150).ToByteArray(), parses: false);
        }

        [Fact]
        public void Types_it_does_not_handle_are_declined()
        {
            Assert.True(ProtobufWireJson.Handles(Kitchen.Descriptor));
            // proto3, a type with a map (ProtobufJson's boxed fallback), the well-known types.
            Assert.False(ProtobufWireJson.Handles(Plain3.Descriptor));
            AssertDeclined(Plain3.Descriptor, new Plain3 { A = 1 }.ToByteArray(), parses: true);
            AssertDeclined(Plain3.Descriptor, [], parses: true);
            Assert.False(ProtobufWireJson.Handles(WithMap.Descriptor));
            AssertDeclined(WithMap.Descriptor, new WithMap { A = 1 }.ToByteArray(), parses: true);
            Assert.False(ProtobufWireJson.Handles(Google.Protobuf.WellKnownTypes.Timestamp.Descriptor));
            AssertDeclined(Google.Protobuf.WellKnownTypes.Timestamp.Descriptor, [0x08, 0x01], parses: true);
            Assert.False(ProtobufWireJson.Handles(Google.Protobuf.WellKnownTypes.Struct.Descriptor));
            // A group field: the type is taken, the group is not.
            Assert.True(ProtobufWireJson.Handles(WithGroup.Descriptor));
            AssertMatch(WithGroup.Descriptor, new WithGroup { A = 3 }.ToByteArray(), "{ \"a\": 3 }");
            AssertDeclined(WithGroup.Descriptor, new WithGroup { A = 3, Grp = new WithGroup.Types.Grp { G = 1 } }.ToByteArray(), parses: true);
        }

        [Fact]
        public void Every_opend_type_is_handled()
        {
            foreach (var type in JsonWriterChecks.MessageTypes()) Assert.True(ProtobufWireJson.Handles(type), type.FullName);
        }

        [Fact]
        public void It_appends_through_small_spans_and_leaves_the_output_alone_when_declining()
        {
            var message = new RandomMessages(seed: 9).Create(QotUpdateOrderBook.Response.Descriptor, depth: 0);
            var body = message.ToByteArray();
            var output = new JsonWriterChecks.SmallSpanWriter();
            output.Write("prefix "u8);
            Assert.True(ProtobufWireJson.TryWrite(message.Descriptor, body, output));
            Assert.True(ProtobufWireJson.TryWrite(message.Descriptor, body, output));
            Assert.False(ProtobufWireJson.TryWrite(message.Descriptor, body.AsSpan(0, body.Length - 1), output));
            var expected = ProtobufJson.Format(message);
            Assert.Equal("prefix " + expected + expected, Encoding.UTF8.GetString(output.Written.ToArray()));
            Assert.True(ProtobufWireJson.TryFormat(message.Descriptor, body, out var json));
            Assert.Equal(expected, Encoding.UTF8.GetString(json));
        }

        [Fact]
        public void A_call_allocates_nothing_once_warm()
        {
            var generator = new RandomMessages(seed: 12);
            var bodies = new List<(MessageDescriptor Type, byte[] Body, bool Ok)>();
            foreach (var type in new[] { QotUpdateOrderBook.Response.Descriptor, QotUpdateTicker.Response.Descriptor, QotUpdateBasicQot.Response.Descriptor, QotUpdateKL.Response.Descriptor, Kitchen.Descriptor })
            {
                for (var i = 0; i < 20; i++)
                {
                    var body = generator.Create(type, depth: 0).ToByteArray();
                    bodies.Add((type, body, true));
                    if (body.Length > 2) bodies.Add((type, body[..^1], false));
                }
            }
            var output = new ArrayBufferWriter<byte>(1 << 20);
            long Run()
            {
                long taken = 0;
                foreach (var (type, body, _) in bodies)
                {
                    if (ProtobufWireJson.TryWrite(type, body, output)) taken++;
                    output.ResetWrittenCount();
                }
                return taken;
            }
            Run();
            Run();
            long taken = 0, runs = 0;
            var allocated = Allocations.OfQuietestRun(() =>
            {
                for (var i = 0; i < 20; i++) taken += Run();
                runs++;
            });
            Assert.Equal(0, allocated);
            Assert.Equal(runs * 20 * bodies.Count(b => b.Ok), taken);
        }

        // ---- helpers ----------------------------------------------------------------------------------------

        private readonly record struct Outcome(bool Written, bool Parsed);

        /// <summary>
        /// The definition: TryWrite either writes nothing and returns false, or returns true having written what
        /// ProtobufJson writes for the message MergeFrom parses (which must then parse).
        /// </summary>
        private static Outcome Check(MessageDescriptor type, byte[] body, string where)
        {
            IMessage? parsed = (IMessage)Activator.CreateInstance(type.ClrType)!;
            try
            {
                parsed.MergeFrom(body);
            }
            catch (Exception e) when (e is InvalidProtocolBufferException or DecoderFallbackException)
            {
                parsed = null;
            }
            var output = new ArrayBufferWriter<byte>();
            output.Write("<>"u8);
            var written = ProtobufWireJson.TryWrite(type, body, output);
            if (!written)
            {
                Assert.True(output.WrittenCount == 2, $"{where}: declined but wrote {output.WrittenCount - 2} bytes");
                return new Outcome(false, parsed is not null);
            }
            Assert.True(parsed is not null, $"{where}: taken but the parser throws");
            var expected = new ArrayBufferWriter<byte>();
            ProtobufJson.Write(parsed, expected);
            JsonWriterChecks.AssertEqualText(Encoding.UTF8.GetString(expected.WrittenSpan), Encoding.UTF8.GetString(output.WrittenSpan[2..]), where);
            Assert.True(expected.WrittenSpan.SequenceEqual(output.WrittenSpan[2..]), $"{where}: bytes differ");
            return new Outcome(true, true);
        }

        /// <returns>The JSON's length.</returns>
        private static int AssertFastPath(MessageDescriptor type, byte[] body, string where)
        {
            var output = new ArrayBufferWriter<byte>();
            Assert.True(ProtobufWireJson.TryWrite(type, body, output), $"{where}: declined {Convert.ToHexString(body.AsSpan(0, Math.Min(body.Length, 400)))}");
            var parsed = (IMessage)Activator.CreateInstance(type.ClrType)!;
            parsed.MergeFrom(body);
            var expected = new ArrayBufferWriter<byte>();
            ProtobufJson.Write(parsed, expected);
            if (!expected.WrittenSpan.SequenceEqual(output.WrittenSpan))
                JsonWriterChecks.AssertEqualText(Encoding.UTF8.GetString(expected.WrittenSpan), Encoding.UTF8.GetString(output.WrittenSpan), where);
            return output.WrittenCount;
        }

        private static void AssertMatch(MessageDescriptor type, byte[] body, string? json = null)
        {
            var where = Convert.ToHexString(body);
            var outcome = Check(type, body, where);
            Assert.True(outcome.Written, $"{where}: declined");
            if (json is not null)
            {
                var output = new ArrayBufferWriter<byte>();
                ProtobufWireJson.TryWrite(type, body, output);
                Assert.Equal(json, Encoding.UTF8.GetString(output.WrittenSpan));
            }
        }

        /// <param name="parses">Whether MergeFrom takes the body (null: either).</param>
        private static void AssertDeclined(MessageDescriptor type, byte[] body, bool? parses)
        {
            var where = Convert.ToHexString(body.AsSpan(0, Math.Min(body.Length, 200)));
            var outcome = Check(type, body, where);
            Assert.False(outcome.Written, $"{where}: taken");
            if (parses is { } p) Assert.True(p == outcome.Parsed, $"{where}: parsed {outcome.Parsed}");
        }



        /// <summary>Wire records of well-formed bodies, taken apart and put back, for the mutations.</summary>
        private static class Wire
        {
            /// <summary>A field record: its number, wire type and the bytes after the tag (a length-delimited value with its length).</summary>
            public sealed record Record(uint Number, int WireType, byte[] Value)
            {
                public byte[] Payload
                {
                    get
                    {
                        var pos = 0;
                        var length = (int)ReadVarint(Value, ref pos);
                        return Value[pos..(pos + length)];
                    }
                }

                public static Record LengthDelimited(uint number, byte[] payload) => new(number, 2, [.. Varint((ulong)payload.Length), .. payload]);

                /// <summary>A well-formed record of the wire type with some value.</summary>
                public static Record Filler(uint number, int wireType, Random rng) => wireType switch
                {
                    0 => new Record(number, 0, Varint((ulong)rng.NextInt64())),
                    1 => new Record(number, 1, RandomBytes(8, rng)),
                    2 => LengthDelimited(number, RandomBytes(rng.Next(0, 6), rng)),
                    5 => new Record(number, 5, RandomBytes(4, rng)),
                    _ => throw new ArgumentOutOfRangeException(nameof(wireType)),
                };
            }

            private static byte[] RandomBytes(int n, Random rng)
            {
                var b = new byte[n];
                rng.NextBytes(b);
                return b;
            }

            public static List<Record> Split(ReadOnlySpan<byte> body)
            {
                var records = new List<Record>();
                var pos = 0;
                while (pos < body.Length)
                {
                    var tag = (uint)ReadVarint(body, ref pos);
                    var start = pos;
                    switch (tag & 7)
                    {
                        case 0: ReadVarint(body, ref pos); break;
                        case 1: pos += 8; break;
                        case 2:
                        {
                            // Not "pos += ReadVarint(body, ref pos)": that adds the length to pos as it was before the length was read.
                            var length = (int)ReadVarint(body, ref pos);
                            pos += length;
                            break;
                        }
                        case 5: pos += 4; break;
                        default: throw new InvalidOperationException($"wire type {tag & 7} in a canonical body");
                    }
                    records.Add(new Record(tag >> 3, (int)(tag & 7), body[start..pos].ToArray()));
                }
                return records;
            }

            public static byte[] Join(IEnumerable<Record> records)
            {
                var bytes = new List<byte>();
                foreach (var r in records)
                {
                    bytes.AddRange(Varint(((ulong)r.Number << 3) | (uint)r.WireType));
                    bytes.AddRange(r.Value);
                }
                return bytes.ToArray();
            }

            public static bool Packable(FieldDescriptor f) => f.IsRepeated && f.FieldType is not (FieldType.String or FieldType.Bytes or FieldType.Message or FieldType.Group);

            public static int ElementWireType(FieldDescriptor f) => f.FieldType switch
            {
                FieldType.Fixed32 or FieldType.SFixed32 or FieldType.Float => 5,
                FieldType.Fixed64 or FieldType.SFixed64 or FieldType.Double => 1,
                FieldType.String or FieldType.Bytes or FieldType.Message => 2,
                FieldType.Group => 3,
                _ => 0,
            };

            /// <summary>
            /// The same message in another valid encoding, at every depth: each run of a packable field cut into
            /// packed and unpacked records at random (<paramref name="overlong"/> false), or every tag, length and
            /// varint value padded to a random longer form of at most 10 bytes (true).
            /// </summary>
            public static byte[] Rewrite(MessageDescriptor type, byte[] body, Random rng, bool overlong)
            {
                var records = Split(body);
                var output = new List<byte>();
                void Tag(uint number, int wireType) => output.AddRange(VarintOf(((ulong)number << 3) | (uint)wireType));
                byte[] VarintOf(ulong v) => overlong ? Pad(Varint(v), rng) : Varint(v);
                for (var i = 0; i < records.Count;)
                {
                    var r = records[i];
                    var field = type.FindFieldByNumber((int)r.Number);
                    if (Packable(field))
                    {
                        // The whole run's elements, each as its bytes.
                        var elements = new List<byte[]>();
                        var size = ElementWireType(field) switch { 5 => 4, 1 => 8, _ => 0 };
                        for (; i < records.Count && records[i].Number == r.Number; i++)
                        {
                            var data = records[i].WireType == 2 ? records[i].Payload : records[i].Value;
                            for (var pos = 0; pos < data.Length;)
                            {
                                var start = pos;
                                if (size == 0) ReadVarint(data, ref pos); else pos += size;
                                elements.Add(data[start..pos]);
                            }
                        }
                        if (overlong && size == 0) elements = elements.Select(e => Pad(e, rng)).ToList();
                        for (var k = 0; k < elements.Count;)
                        {
                            var take = overlong ? elements.Count : rng.Next(3) == 0 ? 1 : rng.Next(1, elements.Count - k + 1);
                            if (!overlong && take == 1 && rng.Next(2) == 0)
                            {
                                Tag(r.Number, ElementWireType(field));
                                output.AddRange(elements[k]);
                            }
                            else
                            {
                                var packed = elements.Skip(k).Take(take).SelectMany(e => e).ToArray();
                                Tag(r.Number, 2);
                                output.AddRange(VarintOf((ulong)packed.Length));
                                output.AddRange(packed);
                            }
                            k += take;
                        }
                        continue;
                    }
                    Tag(r.Number, r.WireType);
                    if (r.WireType == 2)
                    {
                        var payload = field.FieldType == FieldType.Message ? Rewrite(field.MessageType, r.Payload, rng, overlong) : r.Payload;
                        output.AddRange(VarintOf((ulong)payload.Length));
                        output.AddRange(payload);
                    }
                    else if (r.WireType == 0 && overlong)
                    {
                        output.AddRange(Pad(r.Value, rng));
                    }
                    else
                    {
                        output.AddRange(r.Value);
                    }
                    i++;
                }
                return output.ToArray();
            }

            /// <summary>A varint's bytes with continuation bytes of no value added, 10 bytes at most.</summary>
            private static byte[] Pad(byte[] varint, Random rng)
            {
                var extra = rng.Next(0, 10 - varint.Length + 1);
                if (extra == 0) return varint;
                var padded = new byte[varint.Length + extra];
                varint.CopyTo(padded, 0);
                padded[varint.Length - 1] |= 0x80;
                for (var i = varint.Length; i < padded.Length - 1; i++) padded[i] = 0x80;
                padded[^1] = 0;
                return padded;
            }

            public static byte[] Varint(ulong v) => WireBytes.Varint(v);

            public static ulong ReadVarint(ReadOnlySpan<byte> data, ref int pos)
            {
                ulong result = 0;
                for (var shift = 0; ; shift += 7)
                {
                    var b = data[pos++];
                    result |= (ulong)(b & 0x7f) << shift;
                    if (b < 0x80) return result;
                }
            }
        }
    }
}
