using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using OpenDump.Capture;
using OpenDump.Crypto;
using OpenDump.Decoding;
using OpenDump.Output;
using OpenDump.Tests.EndToEnd;
using OpenDump.Testing;
using OpenDump.Tests.Support;
using Xunit;

// Not OpenDump.Tests.Output: that namespace would hide OpenDump.Output from the other test files.
namespace OpenDump.Tests.ProtobufJsonCheck;

/// <summary>
/// <see cref="ProtobufJson"/> writes exactly what Google.Protobuf's <see cref="JsonFormatter"/> with default
/// settings writes: for every body of the SDK and sample captures, and for random messages of every type in
/// the registry filled with awkward strings and numbers.
/// </summary>
public sealed class ProtobufJsonTests
{
    private static readonly JsonFormatter Reference = new(JsonFormatter.Settings.Default);

    [Theory]
    [InlineData("plain")]
    [InlineData("ftaes")]
    [InlineData("cbc")]
    public void Sdk_capture_bodies_format_identically(string name)
    {
        var sink = SdkCaptureTests.Decode(name, withKey: name != "plain");
        AssertAllBodies(sink, name);
    }

    [Fact]
    public void Sdk_websocket_capture_bodies_format_identically()
    {
        var sink = new CollectingSink();
        using (var source = new PcapFileSource(Fixtures.SdkWs("ws_basic.pcap")))
            CaptureAnalyzer.Run(source, new AnalyzerOptions(), sink);
        AssertAllBodies(sink, "ws_basic");
    }

    [Fact]
    public void Sample_capture_bodies_format_identically()
    {
        var captures = Path.Combine(Fixtures.RepoRoot, "captures");
        var sink = new CollectingSink();
        using (var source = new PcapFileSource(Path.Combine(captures, "sample.pcap")))
            CaptureAnalyzer.Run(source, new AnalyzerOptions { RsaKey = RsaPrivateKey.Load(Path.Combine(captures, "sample_rsa1024.pem")) }, sink);
        AssertAllBodies(sink, "sample");
    }

    [Fact]
    public void Random_messages_of_every_type_format_identically()
    {
        var generator = new RandomMessages(seed: 20240611);
        var types = JsonWriterChecks.MessageTypes();
        Assert.True(types.Count > 300, $"only {types.Count} message types");
        var compared = 0;
        long length = 0;
        for (var round = 0; round < 24; round++)
        {
            foreach (var type in types)
            {
                var message = generator.Create(type, depth: 0);
                AssertSame(message, $"{type.FullName} round {round}");
                compared++;
                length += ProtobufJson.Format(message).Length;
            }
        }
        Assert.True(compared > 20_000 && length > 3_000_000, $"{compared} messages, {length} chars");
    }

    [Fact]
    public void Random_messages_with_lone_surrogates_fail_the_same_way()
    {
        var generator = new RandomMessages(seed: 77, loneSurrogates: true);
        var failures = 0;
        foreach (var type in JsonWriterChecks.MessageTypes())
        {
            var message = generator.Create(type, depth: 0);
            if (AssertSame(message, type.FullName) is not null) failures++;
        }
        Assert.True(failures > 20, $"only {failures} messages held a lone surrogate");
    }

    [Fact]
    public void Every_plan_of_the_opend_schemas_is_typed()
    {
        foreach (var type in JsonWriterChecks.MessageTypes()) Assert.Equal(0, ProtobufJson.PlanFor(type).BoxedFields);
    }

    [Fact]
    public void Whether_a_type_has_a_boxed_field_is_known_without_building_its_plan()
    {
        // The wire writer takes a type only when its typed plan boxes no field, and asks AllTyped, which builds no plan.
        // The OpenD types box none, so types that do are added: a map, a group, proto3, and the well-known types.
        var files = new[]
        {
            OpenDump.Tests.WireJsonTest.WireJsonTestReflection.Descriptor, OpenDump.Tests.WireJsonTest3.WireJsonTest3Reflection.Descriptor,
            OpenDump.Tests.Decoding.WireCheckTypes.WireCheckTestReflection.Descriptor, StructReflection.Descriptor, ApiReflection.Descriptor,
            TypeReflection.Descriptor, AnyReflection.Descriptor, TimestampReflection.Descriptor, DescriptorReflection.Descriptor,
        };
        var types = JsonWriterChecks.MessageTypes();
        void Visit(MessageDescriptor d)
        {
            types.Add(d);
            foreach (var nested in d.NestedTypes) Visit(nested);
        }
        foreach (var file in files)
            foreach (var type in file.MessageTypes) Visit(type);

        var boxing = 0;
        foreach (var type in types)
        {
            var typed = ProtobufJson.PlanFor(type).BoxedFields == 0;
            Assert.True(typed == ProtobufJson.AllTyped(type), $"{type.FullName}: the plan boxes {ProtobufJson.PlanFor(type).BoxedFields} field(s), AllTyped says {ProtobufJson.AllTyped(type)}");
            if (!typed) boxing++;
        }
        Assert.True(boxing >= 5, $"only {boxing} of {types.Count} types box a field");
    }

    [Fact]
    public void Utf8Out_writes_spans_of_every_length_whole_and_in_place()
    {
        // Short writes are copied by overlapping moves, longer ones by the general copy: every length on each side of
        // the bounds (8, 16, 32), after a run of other writes, into a roomy buffer and into spans handed out one at a time
        // (SmallSpanWriter), so that writes cross from one span to the next.
        var rng = new Random(17);
        var pieces = new List<byte[]>();
        for (var round = 0; round < 3; round++)
            for (var length = 0; length <= 70; length++)
            {
                var piece = new byte[length];
                rng.NextBytes(piece);
                pieces.Add(piece);
            }
        var expected = pieces.SelectMany(p => p).ToArray();

        var roomy = new ArrayBufferWriter<byte>();
        var w = new Utf8Out(roomy);
        foreach (var piece in pieces) w.Write(piece);
        w.Flush();
        Assert.Equal(expected, roomy.WrittenSpan.ToArray());

        var exact = new JsonWriterChecks.SmallSpanWriter();
        var x = new Utf8Out(exact);
        // Each piece from inside a larger array padded with 0xEE, so a copy that takes bytes from outside the piece shows.
        foreach (var piece in pieces)
        {
            var padded = new byte[piece.Length + 64];
            Array.Fill(padded, (byte)0xEE);
            piece.CopyTo(padded, 32);
            x.Write(padded.AsSpan(32, piece.Length));
        }
        x.Flush();
        Assert.Equal(expected, exact.Written.ToArray());

        // A source inside the span being written to, a few bytes past where the writing goes: copied as memmove copies.
        for (var length = 8; length <= 32; length++)
            for (var shift = 1; shift < length; shift++)
            {
                var array = new byte[128];
                rng.NextBytes(array);
                var wanted = array.AsSpan(shift, length).ToArray();
                var into = new ArrayWriterOver(array);
                var o = new Utf8Out(into);
                o.Write(array.AsSpan(shift, length));
                o.Flush();
                Assert.Equal(wanted, array.AsSpan(0, length).ToArray());
            }
    }

    /// <summary>Hands out the rest of the one array it was given, whatever size is asked (the test writes less than it holds).</summary>
    private sealed class ArrayWriterOver(byte[] array) : IBufferWriter<byte>
    {
        private int _written;

        public void Advance(int count) => _written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => array.AsMemory(_written);

        public Span<byte> GetSpan(int sizeHint = 0) => array.AsSpan(_written);
    }

    [Fact]
    public void The_boxed_field_fallback_formats_identically()
    {
        // The fallback for maps, well-known-type fields and unbindable properties, run here on every field of the
        // OpenD types (whose nested messages then go through JsonFormatter itself).
        var generator = new RandomMessages(seed: 5);
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var type in JsonWriterChecks.MessageTypes())
        {
            var plan = ProtobufJson.MessagePlan.Build(type, boxedOnly: true);
            Assert.Equal(type.Fields.InDeclarationOrder().Count, plan.BoxedFields);
            for (var i = 0; i < 2; i++)
            {
                var message = generator.Create(type, depth: 0);
                buffer.ResetWrittenCount();
                var w = new Utf8Out(buffer);
                plan.Write(message, ref w);
                w.Flush();
                JsonWriterChecks.AssertEqualText(Reference.Format(message), Encoding.UTF8.GetString(buffer.WrittenSpan), type.FullName);
            }
        }
    }

    [Fact]
    public void Enum_fields_are_written_by_their_names_without_code_generic_over_the_enum()
    {
        // The published CLI is compiled ahead of time and cannot make a writer per enum type at run time: enum fields,
        // singular and repeated, go through one writer class each. Here the messages of the OpenD types that have enum
        // fields, with those fields set and unset, against the reference formatter.
        var generator = new RandomMessages(seed: 9);
        int set = 0, unset = 0;
        foreach (var type in JsonWriterChecks.MessageTypes())
        {
            var enums = type.Fields.InDeclarationOrder().Where(f => f.FieldType == FieldType.Enum).ToList();
            if (enums.Count == 0) continue;
            for (var i = 0; i < 4; i++)
            {
                var message = generator.Create(type, depth: 0);
                foreach (var field in enums)
                {
                    var present = field.IsRepeated ? ((IList)field.Accessor.GetValue(message)).Count > 0 : field.Accessor.HasValue(message);
                    if (present) set++; else unset++;
                }
                AssertSame(message, type.FullName);
            }
        }
        Assert.True(set > 40, $"only {set} enum values were set");
        Assert.True(unset > 0, "every enum field was set: the unset case went untested");
    }

    [Fact]
    public void Every_single_character_is_escaped_as_the_reference_does()
    {
        var message = new QotGetTicker.Response();
        for (var c = 0; c <= 0xffff; c++)
        {
            if (c is >= 0xd800 and <= 0xdfff) continue;
            message.RetMsg = ((char)c).ToString();
            AssertSame(message, $"U+{c:X4}");
        }
        foreach (var text in new[]
        {
            "\U0001F600", "a\U0001F600b\U00010000\U0010FFFF", "\"\\/\b\f\n\r\t\u0000\u001f<>&'=", "\u007f\u0080\u009f\u00a0\u00ad\u00ae",
            "\u0600\u0603\u0604\u06dd\u070f\u17b3\u17b4\u17b5\u17b6\u200a\u200b\u200f\u2010\u2027\u2028\u202e\u202f",
            "\u205f\u2060\u2064\u2065\u2069\u206a\u206f\u2070\ufeff\ufff8\ufff9\ufffb\ufffc\ufffd\uffff", "中文 ＡＢＣ",
            new string('x', 10_000) + "\u2028" + new string('中', 5_000) + "\U0001F600",
        })
        {
            message.RetMsg = text;
            AssertSame(message, text.Length > 40 ? text[..40] : text);
        }
        foreach (var text in new[] { "\ud800", "a\ud800b", "\udc00", "a\udc00", "\udc00\ud800", "\U0001F600\ud83d" })
        {
            message.RetMsg = text;
            Assert.NotNull(AssertSame(message, "lone surrogate"));
        }
    }

    [Fact]
    public void Doubles_take_the_fast_path_only_where_it_matches_the_round_trip_format()
    {
        var rng = new Random(11);
        Span<byte> fast = stackalloc byte[64];
        Span<byte> slow = stackalloc byte[64];
        var taken = 0;
        for (var i = 0; i < 400_000; i++)
        {
            var v = (i % 5) switch
            {
                0 => BitConverter.Int64BitsToDouble(rng.NextInt64()),
                // Timestamps with milliseconds, and values either side of the three-decimal shortcut's bound.
                4 => rng.Next(3) switch { 0 => Math.Round(1.7e9 + rng.NextDouble() * 1e8, rng.Next(0, 4)), 1 => Math.Round(1e12 * (0.5 + rng.NextDouble()), rng.Next(0, 4)), _ => rng.Next(1, 1000) / 1000.0 },
                1 => rng.NextInt64(1, 1_000_000_000_000_000_000) / Math.Pow(10, rng.Next(0, 19)),
                2 => BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(rng.Next(1, 100_000_000) / Math.Pow(10, rng.Next(0, 9))) + rng.Next(-2, 3)),
                _ => Math.Round(rng.NextDouble() * 10_000, rng.Next(0, 5)),
            };
            if (rng.Next(2) == 0) v = -v;
            if (!ProtobufJson.ShortDecimal.TryFormat(v, fast, out var n)) continue;
            taken++;
            v.TryFormat(slow, out var m, "r", CultureInfo.InvariantCulture);
            Assert.True(fast[..n].SequenceEqual(slow[..m]), $"{v:r}: {Encoding.ASCII.GetString(fast[..n])}");
        }
        Assert.True(taken > 100_000, $"fast path taken {taken} times");
    }

    [Fact]
    public void Doubles_written_again_come_back_from_the_thread_s_texts_unchanged()
    {
        // A pool far larger than the table, drawn with repeats: slots are taken over by other values all the time,
        // and a slot's text must only ever come back for the exact bits that put it there (-0 and 0 included).
        var rng = new Random(17);
        var pool = new double[40_000];
        for (var i = 0; i < pool.Length; i++)
        {
            var v = (i % 4) switch
            {
                0 => Math.Round(rng.Next(1, 500_000) * 0.005, 3),
                1 => Math.Round(1.7e9 + rng.NextDouble() * 1e7, 3),
                2 => BitConverter.Int64BitsToDouble(rng.NextInt64()),
                _ => rng.Next(1, 1_000_000) * 100.0,
            };
            pool[i] = rng.Next(3) == 0 ? -v : v;
        }
        pool[0] = 0.0;
        pool[1] = -0.0;
        pool[2] = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(12.34) + 1);
        pool[3] = 12.34;
        var buffer = new ArrayBufferWriter<byte>();
        var texts = ProtobufJson.DoubleTexts.ForThisThread;
        Span<byte> probe = stackalloc byte[64];
        int hits = 0, writes = 0;
        for (var i = 0; i < 300_000; i++)
        {
            var v = pool[i < 4 ? i : rng.Next(i % 3 == 0 ? pool.Length : 300)];
            if (texts.TryCopy(v, probe, out _)) hits++;
            buffer.ResetWrittenCount();
            var w = new Utf8Out(buffer);
            ProtobufJson.DoubleFormat.Write(ref w, v);
            w.Flush();
            writes++;
            // JsonFormatter's rule: ToString("r"), quoted when not finite.
            var expected = double.IsFinite(v) ? v.ToString("r", CultureInfo.InvariantCulture) : $"\"{v.ToString("r", CultureInfo.InvariantCulture)}\"";
            Assert.True(expected == Encoding.ASCII.GetString(buffer.WrittenSpan), $"{v:r} (bits {BitConverter.DoubleToInt64Bits(v):x}): {Encoding.ASCII.GetString(buffer.WrittenSpan)}");
        }
        // The repeated few are found again; the table is not just passing everything to the slow path.
        Assert.True(hits > writes / 2, $"{hits} of {writes} doubles came from the table");
    }

    [Fact]
    public void Unknown_fields_are_ignored()
    {
        var generator = new RandomMessages(seed: 3);
        foreach (var type in JsonWriterChecks.MessageTypes().Take(60))
        {
            var bytes = generator.Create(type, depth: 0).ToByteArray();
            var extra = new MemoryStream();
            extra.Write(bytes);
            var output = new CodedOutputStream(extra);
            output.WriteTag(9_999, WireFormat.WireType.Varint);
            output.WriteInt64(-5);
            output.WriteTag(10_000, WireFormat.WireType.LengthDelimited);
            output.WriteString("unknown");
            output.Flush();
            var message = type.Parser.ParseFrom(extra.ToArray());
            AssertSame(message, type.FullName);
        }
    }

    [Fact]
    public void Well_known_types_at_the_top_level_go_to_the_reference()
    {
        IMessage[] messages =
        [
            new Timestamp { Seconds = 1_700_000_000, Nanos = 5_000 }, new Duration { Seconds = -3, Nanos = -500_000_000 },
            new Int32Value { Value = 7 }, new StringValue { Value = "<\u2028>" }, new Empty(),
            Struct.Parser.ParseJson("{ \"a\": [1, \"x\", null, true], \"b\": { \"c\": 2.5 } }"), Value.ForString("v"),
            new FieldMask { Paths = { "a.b", "c" } }, new ListValue { Values = { Value.ForNumber(1), Value.ForBool(false) } },
        ];
        foreach (var message in messages) AssertSame(message, message.Descriptor.FullName);
    }

    [Fact]
    public void Write_appends_through_small_spans()
    {
        var message = new RandomMessages(seed: 9).Create(QotUpdateOrderBook.Response.Descriptor, depth: 0);
        var output = new JsonWriterChecks.SmallSpanWriter();
        output.Write("prefix "u8);
        ProtobufJson.Write(message, output);
        ProtobufJson.Write(message, output);
        var expected = Reference.Format(message);
        Assert.Equal("prefix " + expected + expected, Encoding.UTF8.GetString(output.Written.ToArray()));
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static void AssertAllBodies(CollectingSink sink, string capture)
    {
        var bodies = 0;
        foreach (var frame in sink.Frames)
        {
            if (frame.Message is not { } message) continue;
            AssertSame(message, $"{capture} frame {frame.Number} ({frame.ProtoName})");
            bodies++;
        }
        Assert.True(bodies > 10, $"{capture}: only {bodies} decoded bodies");
    }

    /// <summary>Both formatters give the same text, or both throw the same <see cref="ArgumentException"/> (returned).</summary>
    private static ArgumentException? AssertSame(IMessage message, string where)
    {
        string expected;
        try
        {
            expected = Reference.Format(message);
        }
        catch (ArgumentException e)
        {
            var ours = Assert.Throws<ArgumentException>(() => ProtobufJson.Format(message));
            Assert.Equal(e.Message, ours.Message);
            return e;
        }
        JsonWriterChecks.AssertEqualText(expected, ProtobufJson.Format(message), where);
        return null;
    }
}
