using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using OpenDump.Decoding;
using OpenDump.Session;
using OpenDump.Testing;
using OpenDump.Tests.Decoding.WireCheckTypes;
using OpenDump.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace OpenDump.Tests.Decoding
{
    /// <summary>
    /// WireCheck must say exactly what BodyDecoder.Decode (a fresh instance's MergeFrom, then the required-field walk) and
    /// FrameBodies.ReadResult say. Every test compares against that oracle as well as against the verdict written down,
    /// so a rule written down wrongly here fails too.
    /// </summary>
    public sealed class WireCheckTests(ITestOutputHelper output)
    {
        private static readonly MessageDescriptor OrderBook = ProtoRegistry.Default.Find(3013)!.Response!;          // Qot_UpdateOrderBook.Response
        private static readonly MessageDescriptor DelayC2S = ProtoRegistry.Default.Find(1007)!.Request!.FindFieldByName("c2s").MessageType; // repeated int32 typeList = 1
        private static readonly MessageDescriptor SpreadS2C = ProtoRegistry.Default.Find(3258)!.Response!.FindFieldByName("s2c").MessageType; // repeated double spreadList = 1
        private static readonly MessageDescriptor NodeType = Node.Descriptor;
        private static readonly MessageDescriptor LeafType = Leaf.Descriptor;

        // ---- the oracle ----

        private readonly record struct Verdict(bool Valid, bool Missing, int? RetType, string? RetMsg, int? ErrCode)
        {
            public override string ToString() => Valid ? $"valid missing={Missing} retType={RetType} retMsg={(RetMsg is null ? "null" : $"\"{RetMsg}\"")} errCode={ErrCode}" : "invalid";
        }

        private static Verdict Oracle(MessageDescriptor descriptor, byte[] body)
        {
            var decoded = BodyDecoder.Decode(descriptor, 0, body);
            if (decoded.Message is null) return new Verdict(false, false, null, null, null);
            FrameBodies.ReadResult(decoded.Message, out var retType, out var retMsg, out var errCode);
            return new Verdict(true, decoded.MissingRequired.Count > 0, retType, retMsg, errCode);
        }

        private static Verdict Checked(MessageDescriptor descriptor, byte[] body)
        {
            var v = WireCheck.Check(descriptor, body);
            return v.Valid ? new Verdict(true, v.MissingRequired, v.RetType, v.RetMsg(body), v.ErrCode) : new Verdict(false, false, null, null, null);
        }

        /// <summary>The oracle and WireCheck both give <paramref name="expected"/>.</summary>
        private static void Expect(Verdict expected, MessageDescriptor descriptor, byte[] body)
        {
            Assert.Equal(expected, Oracle(descriptor, body));
            Assert.Equal(expected, Checked(descriptor, body));
        }

        /// <summary>The oracle finds the body valid with <paramref name="missing"/>, and WireCheck agrees on everything.</summary>
        private static void ExpectValid(MessageDescriptor d, byte[] body, bool missing = false)
        {
            var oracle = Oracle(d, body);
            Assert.Equal((true, missing), (oracle.Valid, oracle.Missing));
            Assert.Equal(oracle, Checked(d, body));
        }

        private static void ExpectInvalid(MessageDescriptor d, byte[] body) => Expect(new Verdict(false, false, null, null, null), d, body);

        // ---- byte builders ----

        private static byte[] Varint(ulong v) => Support.WireBytes.Varint(v);

        private static byte[] Tag(int field, int wireType) => Varint(((ulong)(uint)field << 3) | (uint)wireType);

        private static byte[] Cat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

        private static byte[] Ld(int field, byte[] payload) => Cat(Tag(field, 2), Varint((ulong)payload.Length), payload);

        private static byte[] VarintField(int field, ulong value) => Cat(Tag(field, 0), Varint(value));

        private static byte[] LeafBytes(int? a = null, string? b = null, byte[]? next = null) =>
            Cat(a is null ? [] : VarintField(1, (ulong)(long)a.Value), b is null ? [] : Ld(2, Encoding.UTF8.GetBytes(b)), next is null ? [] : Ld(3, next));

        private static readonly byte[] RetType0 = VarintField(1, 0);

        // ---- tags and wire types ----

        [Fact]
        public void Field_number_zero_is_invalid_whatever_the_wire_type_or_tag_length()
        {
            ExpectInvalid(OrderBook, [0x00]);
            ExpectInvalid(OrderBook, Cat(RetType0, [0x00]));
            ExpectInvalid(OrderBook, Cat(RetType0, [0x02, 0x00]));                    // field 0, length-delimited
            ExpectInvalid(OrderBook, Cat(RetType0, [0x80, 0x80, 0x80, 0x80, 0x10])); // 1 << 32: the low 32 bits are zero
            ExpectInvalid(NodeType, [0x07]);
        }

        [Fact]
        public void Tags_are_32_bit_varints_of_at_most_10_bytes()
        {
            // Non-canonical tag for field 1 varint, and one whose bits above 32 are dropped.
            Expect(new Verdict(true, false, 5, null, null), OrderBook, [0x88, 0x80, 0x80, 0x80, 0x00, 5]);
            Expect(new Verdict(true, false, 5, null, null), OrderBook, [0x88, 0x80, 0x80, 0x80, 0xF0, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 5]);
            ExpectInvalid(OrderBook, [0x88, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 5]); // 11 bytes
            ExpectInvalid(OrderBook, Cat(RetType0, [0x88, 0x80]));                                          // truncated tag
            // The largest field number is just an unknown field.
            ExpectValid(OrderBook, Cat(RetType0, Tag(0x1FFFFFFF, 0), [1]));
        }

        [Fact]
        public void Wire_types_6_and_7_are_invalid_on_known_and_unknown_numbers()
        {
            ExpectInvalid(OrderBook, Cat(RetType0, Tag(1, 6)));
            ExpectInvalid(OrderBook, Cat(RetType0, Tag(1, 7), [1]));
            ExpectInvalid(OrderBook, Cat(RetType0, Tag(9, 6), [1]));
            ExpectInvalid(OrderBook, Cat(RetType0, Tag(9, 7)));
            ExpectInvalid(OrderBook, Cat(RetType0, Ld(4, Cat(Tag(77, 6), [0]))));
        }

        [Fact]
        public void A_known_field_with_another_wire_type_is_an_unknown_field_and_does_not_count_as_present()
        {
            // retType (required int32) arrives as fixed32: the body parses, retType is missing and not read.
            Expect(new Verdict(true, true, null, null, null), OrderBook, Cat(Tag(1, 5), [1, 2, 3, 4]));
            // ... or as a length-delimited field, or a group.
            Expect(new Verdict(true, true, null, null, null), OrderBook, Ld(1, [1, 2, 3]));
            Expect(new Verdict(true, true, null, null, null), OrderBook, Cat(Tag(1, 3), VarintField(2, 1), Tag(1, 4)));
            // retMsg as a varint and errCode as fixed64: not read.
            Expect(new Verdict(true, false, 0, null, null), OrderBook, Cat(RetType0, VarintField(2, 7), Tag(3, 1), new byte[8]));
            // A required message field arriving as a varint is missing too: Leaf's required b as varint.
            Expect(new Verdict(true, true, null, null, null), LeafType, Cat(VarintField(1, 1), VarintField(2, 1)));
            // The unknown field still has to be well formed for its wire type.
            ExpectInvalid(OrderBook, Cat(Tag(1, 5), [1, 2, 3]));
            ExpectInvalid(OrderBook, Cat(RetType0, Tag(2, 2), Varint(10), [1]));
        }

        // ---- varints ----

        [Fact]
        public void Varints_have_at_most_10_bytes_and_int32_fields_keep_the_low_32_bits()
        {
            // 10 bytes, all 64 bits set (the 10th byte's high bits are dropped): int32 -1.
            Expect(new Verdict(true, false, -1, null, null), OrderBook, Cat(Tag(1, 0), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]));
            // 2^32 + 7 in ten bytes: 7.
            Expect(new Verdict(true, false, 7, null, null), OrderBook, Cat(Tag(1, 0), [0x87, 0x80, 0x80, 0x80, 0x90, 0x80, 0x80, 0x80, 0x80, 0x00]));
            ExpectInvalid(OrderBook, Cat(Tag(1, 0), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])); // 11 bytes
            ExpectInvalid(OrderBook, Cat(Tag(1, 0), [0xFF, 0xFF]));                                                        // truncated
            // Unknown varints follow the same rule.
            ExpectValid(OrderBook, Cat(RetType0, Tag(50, 0), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]));
            ExpectInvalid(OrderBook, Cat(RetType0, Tag(50, 0), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]));
            // int64 / sint64 and bool too (Node.values is sint64).
            ExpectValid(NodeType, Cat(Tag(8, 0), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]));
            ExpectInvalid(NodeType, Cat(Tag(8, 0), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x81, 0x00]));
        }

        [Fact]
        public void A_varint_must_end_inside_its_message_or_packed_run_whatever_bytes_follow()
        {
            // Varints are read eight bytes at a time, past a nested message's end when the body goes on: a varint cut at
            // that end is still truncated, though the byte after it (0x08) would end it; what follows that byte is well
            // formed, so a reader that took the byte would find the body valid.
            var after = Cat(VarintField(1, 5), Ld(10, "twenty ascii letters"u8.ToArray()));
            var stopThenAfter = Cat([0x08], after);
            for (var k = 1; k <= 9; k++)
            {
                var cut = Enumerable.Repeat((byte)0x80, k).ToArray();
                var whole = Cat(cut[..^1], [0x01]);
                ExpectInvalid(NodeType, Cat(Ld(2, Cat(Tag(1, 0), cut)), stopThenAfter));                          // Node.child.id
                ExpectInvalid(NodeType, Cat(Ld(2, Cat(Tag(50, 0), cut)), stopThenAfter));                         // an unknown varint
                ExpectInvalid(NodeType, Cat(Ld(2, Cat(Ld(8, Cat([0x02], cut)), [0x08], VarintField(1, 3))), after)); // a packed run's last element
                ExpectInvalid(NodeType, Cat(Ld(2, Cat(Tag(1, 0), cut)), [0x80, 0x80, 0x08], after));              // more continuation bytes first
                ExpectValid(NodeType, Cat(Ld(2, Cat(Tag(1, 0), whole)), after));
                ExpectValid(NodeType, Cat(Ld(2, Cat(Tag(50, 0), whole)), after));
                ExpectValid(NodeType, Cat(Ld(2, Cat(Ld(8, Cat([0x02], whole)), VarintField(1, 3))), after));
            }
            // A tag or a length cut at a nested message's end (Leaf.next holds the cut one).
            ExpectInvalid(NodeType, Cat(Ld(4, Cat(VarintField(1, 1), Ld(2, "b"u8.ToArray()), Ld(3, [0x80]))), after));
            ExpectInvalid(NodeType, Cat(Ld(4, Cat(VarintField(1, 1), Ld(2, "b"u8.ToArray()), Ld(3, [0x12, 0x81]))), after));
            // Varints ending within the eight bytes at the end of a nested message keep their values.
            Expect(new Verdict(true, false, 0x1234567, null, null), OrderBook, Cat(Tag(1, 0), Varint(0x1234567), Ld(3, Cat(Ld(4, "t"u8.ToArray()), Tag(1, 0), Varint(300))), Ld(50, new byte[12])));
        }

        [Fact]
        public void Short_strings_are_valid_utf8_exactly_when_every_byte_is_whatever_surrounds_them()
        {
            // Short strings are checked a word at a time: the bytes around one (here bytes of 0x80 and up) must not count, and
            // every byte of it must. Each length up to 40, with no byte, a valid two-byte character or a stray continuation
            // byte at each place.
            var surround = Enumerable.Repeat((byte)0xFF, 40).ToArray();
            for (var length = 0; length <= 40; length++)
            {
                for (var at = -1; at < length; at++)
                {
                    var ascii = Enumerable.Repeat((byte)'a', length).ToArray();
                    var stray = (byte[])ascii.Clone();
                    var accented = (byte[])ascii.Clone();
                    if (at >= 0)
                    {
                        stray[at] = 0x80;
                        if (at + 1 < length) (accented[at], accented[at + 1]) = (0xC3, 0xA9); // é
                    }
                    foreach (var (text, valid) in new[] { (ascii, true), (stray, at < 0), (accented, true) })
                    {
                        var retMsg = Cat(RetType0, Ld(2, text), Ld(42, surround));
                        Assert.Equal(valid, WireCheck.Check(OrderBook, retMsg).Valid);
                        Assert.Equal(valid, Oracle(OrderBook, retMsg).Valid);
                        var nested = Cat(Ld(10, text), Ld(42, surround));                             // Node.text
                        Assert.Equal(valid, WireCheck.Check(NodeType, nested).Valid);
                        Assert.Equal(valid, Oracle(NodeType, nested).Valid);
                    }
                }
            }
        }

        // ---- unknown fields and groups ----

        [Fact]
        public void Unknown_groups_must_end_with_their_own_end_tag_and_end_group_alone_is_invalid()
        {
            ExpectValid(OrderBook, Cat(RetType0, Tag(5, 3), VarintField(1, 1), Ld(2, [0xFF]), Tag(5, 4)));
            ExpectValid(OrderBook, Cat(RetType0, Tag(5, 3), Tag(6, 3), Tag(6, 4), Tag(5, 4)));                 // nested
            ExpectInvalid(OrderBook, Cat(RetType0, Tag(5, 3), VarintField(1, 1), Tag(6, 4)));                  // mismatched
            ExpectInvalid(OrderBook, Cat(RetType0, Tag(5, 3), Tag(6, 3), Tag(5, 4), Tag(6, 4)));                // crossed
            ExpectInvalid(OrderBook, Cat(RetType0, Tag(5, 3), VarintField(1, 1)));                             // input ends in the group
            ExpectInvalid(OrderBook, Cat(RetType0, Tag(5, 4)));                                                // end-group at top level
            ExpectInvalid(OrderBook, Cat(Tag(1, 4), RetType0));                                                // ... even with a known number
            ExpectInvalid(OrderBook, Cat(RetType0, Ld(4, Tag(9, 4))));                                         // ... or in a nested message
            ExpectInvalid(OrderBook, Cat(RetType0, Ld(4, Tag(9, 3)), Tag(9, 4)));                              // a group cannot outlive its message
            ExpectInvalid(OrderBook, Cat(RetType0, Tag(5, 3), Tag(6, 7), Tag(5, 4)));                          // wire type 7 inside a group
            ExpectInvalid(OrderBook, Cat(RetType0, Tag(5, 3), Tag(0, 0), Tag(5, 4)));                          // field 0 inside a group
            ExpectInvalid(OrderBook, Cat(RetType0, Tag(5, 3), Tag(6, 2), Varint(0xFFFFFFFF), Tag(5, 4)));      // negative length in a group
            // Inside a group everything is unknown, so a known number with its own wire type is just skipped.
            ExpectValid(OrderBook, Cat(RetType0, Tag(5, 3), Ld(4, [0xFF, 0xFF]), Tag(5, 4)));
        }

        [Fact]
        public void Unknown_fixed_and_length_delimited_fields_must_fit()
        {
            ExpectValid(OrderBook, Cat(RetType0, Tag(40, 1), new byte[8], Tag(41, 5), new byte[4], Ld(42, [0xC3, 0x28])));
            ExpectInvalid(OrderBook, Cat(RetType0, Tag(40, 1), new byte[7]));
            ExpectInvalid(OrderBook, Cat(RetType0, Tag(41, 5), new byte[3]));
            ExpectInvalid(OrderBook, Cat(RetType0, Tag(42, 2), Varint(3), new byte[2]));
            ExpectInvalid(OrderBook, Cat(RetType0, Tag(42, 2), Varint(0xFFFFFFFF)));
        }

        // ---- lengths ----

        [Fact]
        public void Lengths_are_32_bit_varints_negative_or_past_the_end_is_invalid()
        {
            var s2c = Ld(1, Cat(VarintField(1, 1), Ld(2, "00700"u8.ToArray())));
            ExpectValid(OrderBook, Cat(RetType0, Ld(4, s2c)));
            // A 10-byte length whose low 32 bits are the true length is accepted.
            Expect(new Verdict(true, false, 0, "A", null), OrderBook, Cat(RetType0, Tag(2, 2), [0x81, 0x80, 0x80, 0x80, 0xF0, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], "A"u8.ToArray()));
            foreach (var field in new[] { 2, 4, 42 }) // string, message, unknown
            {
                ExpectInvalid(OrderBook, Cat(RetType0, Tag(field, 2), Varint(0xFFFFFFFF)));                     // -1
                ExpectInvalid(OrderBook, Cat(RetType0, Tag(field, 2), Varint(0x80000000), [1, 2]));            // int.MinValue
                ExpectInvalid(OrderBook, Cat(RetType0, Tag(field, 2), Varint(0x7FFFFFFF), [1, 2]));            // past the end
                ExpectInvalid(OrderBook, Cat(RetType0, Tag(field, 2), Varint(3), [0x08, 0x01]));              // one byte short
            }
            // A nested field cannot run past its message's end even when the body has the bytes.
            ExpectInvalid(OrderBook, Cat(RetType0, Tag(4, 2), Varint(3), Tag(5, 2), Varint(3), [1, 2, 3, 4, 5]));
            ExpectInvalid(OrderBook, Cat(RetType0, Tag(4, 2), Varint(2), Tag(5, 5), [1, 2, 3, 4, 5]));
        }

        // ---- packed and unpacked repeated fields ----

        [Fact]
        public void Repeated_numeric_fields_accept_packed_and_unpacked_runs()
        {
            ExpectValid(DelayC2S, Cat(VarintField(1, 1), VarintField(1, 2)));
            ExpectValid(DelayC2S, Cat(Tag(1, 2), Varint(3), [1, 0x80, 1]));
            ExpectValid(DelayC2S, Cat(VarintField(1, 1), Tag(1, 2), Varint(1), [5], VarintField(1, 2)));
            ExpectValid(DelayC2S, Cat(Tag(1, 2), Varint(0)));
            ExpectInvalid(DelayC2S, Cat(Tag(1, 2), Varint(2), [1, 0x80], [1]));                       // the last varint runs past the run
            ExpectInvalid(DelayC2S, Cat(Tag(1, 2), Varint(11), Enumerable.Repeat((byte)0xFF, 10).ToArray(), [1])); // 11-byte element
            ExpectInvalid(DelayC2S, Cat(Tag(1, 2), Varint(5), [1, 2]));                               // past the end
            // A packed run with a negative length is read as empty (RepeatedField.AddEntriesFrom only reads lengths > 0).
            ExpectValid(DelayC2S, Cat(Tag(1, 2), Varint(0xFFFFFFFF), VarintField(1, 5)));
            ExpectValid(DelayC2S, Cat(Tag(1, 2), Varint(ulong.MaxValue)));
            ExpectValid(DelayC2S, Cat(Tag(1, 2), Varint(0x80000000)));
            // ... but a singular field does not take the packed form: then it is an unknown length-delimited field.
            ExpectInvalid(OrderBook, Cat(RetType0, Tag(3, 2), Varint(0xFFFFFFFF)));
            Expect(new Verdict(true, false, 0, null, null), OrderBook, Cat(RetType0, Ld(3, [7])));
        }

        [Fact]
        public void Packed_fixed_width_runs_must_hold_whole_elements()
        {
            ExpectValid(SpreadS2C, Cat(Tag(1, 2), Varint(16), new byte[16]));
            ExpectValid(SpreadS2C, Cat(Tag(1, 1), new byte[8], Tag(1, 1), new byte[8]));
            ExpectInvalid(SpreadS2C, Cat(Tag(1, 2), Varint(12), new byte[12]));
            ExpectInvalid(SpreadS2C, Cat(Tag(1, 2), Varint(7), new byte[7]));
            ExpectInvalid(SpreadS2C, Cat(Tag(1, 2), Varint(24), new byte[16]));
            ExpectValid(SpreadS2C, Cat(Tag(1, 5), new byte[4]));                                      // a double as fixed32: unknown
            ExpectValid(NodeType, Cat(Tag(9, 2), Varint(8), new byte[8], Tag(9, 5), new byte[4]));   // fixed32
            ExpectInvalid(NodeType, Cat(Tag(9, 2), Varint(6), new byte[6]));
            ExpectValid(NodeType, Cat(Tag(9, 2), Varint(0xFFFFFFF0)));
        }

        // ---- strings ----

        [Fact]
        public void Strings_must_be_valid_utf8_bytes_and_unknown_fields_are_not_checked()
        {
            Expect(new Verdict(true, false, 0, "é中😀", null), OrderBook, Cat(RetType0, Ld(2, "é中😀"u8.ToArray())));
            Expect(new Verdict(true, false, 0, "", null), OrderBook, Cat(RetType0, Ld(2, [])));
            Expect(new Verdict(true, false, 0, "\uFEFFa\0", null), OrderBook, Cat(RetType0, Ld(2, [0xEF, 0xBB, 0xBF, (byte)'a', 0])));
            foreach (var bad in new byte[][] { [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE4, 0xB8], [0xFF], [0x80] })
            {
                ExpectInvalid(OrderBook, Cat(RetType0, Ld(2, bad)));                                  // retMsg
                ExpectInvalid(NodeType, Ld(10, bad));                                                 // Node.text
                ExpectInvalid(OrderBook, Cat(RetType0, Ld(4, Ld(4, bad))));                           // S2C.svrRecvTimeBid, nested
                ExpectValid(OrderBook, Cat(RetType0, Ld(42, bad)));                                   // unknown
                ExpectValid(NodeType, Cat(Tag(10, 3), Ld(10, bad), Tag(10, 4)));                      // in an unknown group
            }
        }

        [Fact]
        public void Utf8_validation_matches_the_strict_decoder_protobuf_uses()
        {
            var strict = new UTF8Encoding(false, true);
            var rng = new Random(11);
            var alphabet = new byte[] { 0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xF8, 0xFF };
            var bad = 0;
            for (var i = 0; i < 20_000; i++)
            {
                var bytes = new byte[rng.Next(1, 8)];
                for (var j = 0; j < bytes.Length; j++) bytes[j] = rng.Next(3) == 0 ? (byte)rng.Next(256) : alphabet[rng.Next(alphabet.Length)];
                bool valid;
                try
                {
                    strict.GetString(bytes);
                    valid = true;
                }
                catch (DecoderFallbackException)
                {
                    valid = false;
                }
                if (!valid) bad++;
                var body = Cat(RetType0, Ld(2, bytes));
                Assert.Equal(valid, WireCheck.Check(OrderBook, body).Valid);
            }
            Assert.InRange(bad, 1_000, 19_000); // both outcomes are well represented
        }

        // ---- nesting ----

        private static byte[] Nest(int levels, byte[] inner)
        {
            var body = inner;
            for (var i = 0; i < levels; i++) body = Ld(2, body); // Node.child
            return body;
        }

        [Fact]
        public void Messages_and_groups_nest_at_most_100_deep()
        {
            ExpectValid(NodeType, Nest(100, VarintField(1, 1)));
            ExpectInvalid(NodeType, Nest(101, VarintField(1, 1)));
            ExpectValid(NodeType, Nest(100, []));
            ExpectInvalid(NodeType, Nest(101, []));

            static byte[] Groups(int n) => Cat(Enumerable.Range(0, n).Select(_ => Tag(20, 3)).Concat(Enumerable.Range(0, n).Select(_ => Tag(20, 4))).ToArray());
            ExpectValid(OrderBook, Cat(RetType0, Groups(100)), missing: false);
            ExpectInvalid(OrderBook, Cat(RetType0, Groups(101)));
            ExpectValid(NodeType, Nest(40, Groups(60)));
            ExpectInvalid(NodeType, Nest(40, Groups(61)));
            ExpectValid(NodeType, Nest(99, Groups(1)));
            ExpectInvalid(NodeType, Nest(100, Groups(1)));
        }

        [Fact]
        public void Required_fields_are_checked_to_depth_32_as_BodyDecoder_walks()
        {
            // Node at depth k holds leaf (depth k + 1) with b missing.
            var missingLeaf = Ld(4, LeafBytes(a: 1));
            ExpectValid(NodeType, Nest(31, missingLeaf), missing: true);   // leaf at depth 32
            ExpectValid(NodeType, Nest(32, missingLeaf), missing: false);  // leaf at depth 33: not walked
            ExpectValid(NodeType, Nest(60, missingLeaf), missing: false);
            // ... in repeated fields too (Node.children).
            var viaChildren = missingLeaf;
            for (var i = 0; i < 31; i++) viaChildren = Ld(3, viaChildren);
            ExpectValid(NodeType, viaChildren, missing: true);
            ExpectValid(NodeType, Ld(3, viaChildren), missing: false);
        }

        // ---- required fields and merging ----

        [Fact]
        public void A_singular_message_field_that_occurs_twice_is_the_merge_of_both()
        {
            ExpectValid(NodeType, Ld(4, LeafBytes(a: 1)), missing: true);
            ExpectValid(NodeType, Cat(Ld(4, LeafBytes(a: 1)), Ld(4, LeafBytes(b: "x"))), missing: false);
            ExpectValid(NodeType, Cat(Ld(4, LeafBytes(a: 1)), Ld(1, []), Ld(4, LeafBytes(a: 2))), missing: true);
            // Nested: leaf.next's required fields come from two occurrences of leaf.
            ExpectValid(NodeType, Cat(Ld(4, LeafBytes(1, "x", LeafBytes(a: 1))), Ld(4, LeafBytes(next: LeafBytes(b: "y")))), missing: false);
            ExpectValid(NodeType, Cat(Ld(4, LeafBytes(1, "x", LeafBytes(a: 1))), Ld(4, LeafBytes(next: LeafBytes(a: 3)))), missing: true);
            // Far field numbers (looked up outside the direct table) merge the same way.
            ExpectValid(NodeType, Cat(Ld(100000, LeafBytes(a: 1)), Ld(100000, LeafBytes(b: ""))), missing: false);
            ExpectValid(NodeType, Ld(100000, LeafBytes(a: 1)), missing: true);
            // Elements of a repeated field never merge.
            ExpectValid(NodeType, Cat(Ld(3, Ld(4, LeafBytes(a: 1))), Ld(3, Ld(4, LeafBytes(b: "x")))), missing: true);
            // Merged occurrences inside elements of a repeated field.
            ExpectValid(NodeType, Cat(Ld(3, Cat(Ld(4, LeafBytes(a: 1)), Ld(4, LeafBytes(b: "x")))), Ld(3, [])), missing: false);
            // The whole body twice: the merged top level.
            var once = Cat(VarintField(1, 1), Ld(2, Ld(4, LeafBytes(a: 1))));
            ExpectValid(NodeType, Cat(once, Ld(2, Ld(4, LeafBytes(b: "z")))), missing: false);
            // The same for the OpenD types: Security's required market and code from two occurrences.
            var security1 = Ld(1, VarintField(1, 1));
            var security2 = Ld(1, Ld(2, "00700"u8.ToArray()));
            ExpectValid(OrderBook, Cat(RetType0, Ld(4, Cat(security1, security2))), missing: false);
            ExpectValid(OrderBook, Cat(RetType0, Ld(4, security1), Ld(4, security2)), missing: false);
            ExpectValid(OrderBook, Cat(RetType0, Ld(4, security1)), missing: true);
        }

        [Fact]
        public void Oneof_members_replace_each_other_and_a_repeated_member_merges()
        {
            ExpectValid(NodeType, Ld(5, LeafBytes(a: 1)), missing: true);
            ExpectValid(NodeType, Cat(Ld(5, LeafBytes(a: 1)), VarintField(6, 3)), missing: false);            // number clears first
            ExpectValid(NodeType, Cat(Ld(5, LeafBytes(a: 1)), Ld(5, LeafBytes(b: "x"))), missing: false);           // first merges
            ExpectValid(NodeType, Cat(Ld(5, LeafBytes(a: 1)), Ld(7, LeafBytes(b: "x"))), missing: true);            // second replaces first
            ExpectValid(NodeType, Cat(Ld(5, LeafBytes(1, "x")), Ld(7, LeafBytes(1, "y"))), missing: false);
            ExpectValid(NodeType, Cat(Ld(5, LeafBytes(a: 1)), VarintField(6, 3), Ld(5, LeafBytes(b: "x"))), missing: true); // a fresh first
            ExpectValid(NodeType, Cat(VarintField(6, 3), Ld(5, LeafBytes(1, "x"))), missing: false);
            // A oneof member with a wrong wire type is unknown and clears nothing.
            ExpectValid(NodeType, Cat(Ld(5, LeafBytes(a: 1)), Ld(6, [1])), missing: true);
            // The two occurrences of the top level each set a member.
            ExpectValid(NodeType, Cat(Ld(2, Ld(5, LeafBytes(a: 1))), Ld(2, VarintField(6, 1))), missing: false);
        }

        [Fact]
        public void Required_fields_of_the_OpenD_types()
        {
            ExpectValid(OrderBook, [], missing: true);                     // retType is required
            Expect(new Verdict(true, false, 0, null, null), OrderBook, RetType0);
            // S2C.security is required, and Security requires market and code.
            Expect(new Verdict(true, true, 0, null, null), OrderBook, Cat(RetType0, Ld(4, [])));
            Expect(new Verdict(true, true, 0, null, null), OrderBook, Cat(RetType0, Ld(4, Ld(1, VarintField(1, 1)))));
            Expect(new Verdict(true, false, 0, null, null), OrderBook, Cat(RetType0, Ld(4, Ld(1, Cat(VarintField(1, 1), Ld(2, "00700"u8.ToArray()))))));
            // A required field set twice is still just present.
            Expect(new Verdict(true, false, 3, null, null), OrderBook, Cat(RetType0, VarintField(1, 3)));
        }

        [Fact]
        public void Enum_numbers_outside_the_enum_are_kept()
        {
            // Qot_Common.Security.market is an int32 in the schema; find real proto2 enum fields instead.
            var enumFields = ProtoRegistry.Default.All.SelectMany(p => new[] { p.Request, p.Response }).OfType<MessageDescriptor>()
                .SelectMany(Reachable).Distinct().SelectMany(m => m.Fields.InDeclarationOrder().Where(f => f.FieldType == FieldType.Enum).Select(f => (m, f))).Take(20).ToList();
            Assert.NotEmpty(enumFields);
            foreach (var (m, f) in enumFields)
            {
                foreach (var value in new ulong[] { 9999, ulong.MaxValue, 0x7FFFFFFF })
                {
                    var body = Cat(Tag(f.FieldNumber, 0), Varint(value));
                    Assert.True(Oracle(m, body).Valid, $"{m.FullName}.{f.Name} = {value}");
                    Assert.Equal(Oracle(m, body), Checked(m, body));
                }
            }
        }

        // ---- result fields ----

        [Fact]
        public void Result_fields_are_read_as_ReadResult_reads_them_and_the_last_occurrence_wins()
        {
            var body = Cat(VarintField(1, 5), Ld(2, "first"u8.ToArray()), VarintField(3, 100), VarintField(1, unchecked((ulong)-1L)), Ld(2, "最后"u8.ToArray()), VarintField(3, 7));
            Expect(new Verdict(true, false, -1, "最后", 7), OrderBook, body);
            var v = WireCheck.Check(OrderBook, body);
            Assert.Equal("最后"u8.ToArray(), body.AsSpan(v.RetMsgOffset, v.RetMsgLength).ToArray());
            // Only fields of these names count: a type without them has no result.
            Expect(new Verdict(true, false, null, null, null), NodeType, Cat(Ld(4, LeafBytes(1, "x")), Ld(10, "retMsg"u8.ToArray())));
            // A request has none.
            var request = new QotGetBasicQot.Request { C2S = new QotGetBasicQot.C2S { SecurityList = { new QotCommon.Security { Market = 1, Code = "00700" } } } }.ToByteArray();
            Expect(new Verdict(true, false, null, null, null), ProtoRegistry.Default.Find(3004)!.Request!, request);
            // Absent retMsg / errCode.
            Assert.False(WireCheck.Check(OrderBook, RetType0).HasRetMsg);
            Assert.Null(WireCheck.Check(OrderBook, RetType0).RetMsg(RetType0));
        }

        [Fact]
        public void Maps_and_groups_are_refused_rather_than_guessed()
        {
            Assert.False(WireCheck.IsSupported(Google.Protobuf.WellKnownTypes.Struct.Descriptor));
            Assert.Throws<NotSupportedException>(() => WireCheck.Check(Google.Protobuf.WellKnownTypes.Struct.Descriptor, []));
            Assert.True(WireCheck.IsSupported(OrderBook));
            Assert.True(WireCheck.IsSupported(NodeType));
        }

        // ---- allocation ----

        [Fact]
        public void Checking_push_bodies_allocates_nothing()
        {
            var bodies = new List<(MessageDescriptor, byte[])>();
            foreach (var id in new uint[] { 3005, 3011, 3013, 3007 })
            {
                var d = ProtoRegistry.Default.Find(id)!.Response!;
                for (var seed = 0; seed < 20; seed++) bodies.Add((d, new RandomMessages(seed).Create(d, 0).ToByteArray()));
            }
            foreach (var (d, b) in bodies) WireCheck.Check(d, b); // plans built
            var valid = 0;
            var allocated = Allocations.OfQuietestRun(() =>
            {
                valid = 0;
                for (var round = 0; round < 50; round++)
                    foreach (var (d, b) in bodies)
                        if (WireCheck.Check(d, b).Valid) valid++;
            });
            Assert.Equal(0, allocated);
            Assert.Equal(50 * bodies.Count, valid);
        }

        // ---- parity over every schema type ----

        private static IEnumerable<MessageDescriptor> Reachable(MessageDescriptor root)
        {
            var seen = new HashSet<MessageDescriptor>();
            var stack = new Stack<MessageDescriptor>([root]);
            while (stack.Count > 0)
            {
                var d = stack.Pop();
                if (!seen.Add(d)) continue;
                yield return d;
                foreach (var f in d.Fields.InDeclarationOrder())
                    if (f.FieldType == FieldType.Message) stack.Push(f.MessageType);
            }
        }

        private static readonly Lazy<MessageDescriptor[]> SchemaTypes = new(() => ProtoRegistry.Default.All
            .SelectMany(p => new[] { p.Request, p.Response }).OfType<MessageDescriptor>()
            .SelectMany(Reachable).Distinct().OrderBy(d => d.FullName, StringComparer.Ordinal).ToArray());

        [Fact]
        public void Parity_with_BodyDecoder_on_random_and_mutated_bodies_of_every_schema_type()
        {
            var types = SchemaTypes.Value;
            Assert.True(types.Length > 900, $"{types.Length} types");
            // The push types the statistics see most get more cases.
            var pushes = new uint[] { 3005, 3011, 3013, 3007, 3009, 3015 }.Select(id => ProtoRegistry.Default.Find(id)!.Response!).ToArray();
            var stats = RunParity(types.Concat(Enumerable.Repeat(pushes, 20).SelectMany(x => x)).ToArray(), cases: 45_000, seed: 1);
            output.WriteLine(stats.ToString());
            stats.AssertCoverage();
            // The JSON writer's verdict (JSON Lines checks bodies in the walk that formats them) must be tried often too.
            Assert.True(stats.Formatted > stats.Cases / 5, stats.ToString());
            Assert.True(stats.FormattedMissing > stats.Cases / 50, stats.ToString());
        }

        [Fact]
        public void Parity_with_BodyDecoder_on_a_recursive_type_with_a_oneof()
        {
            var stats = RunParity([NodeType, LeafType], cases: 12_000, seed: 2);
            output.WriteLine(stats.ToString());
            stats.AssertCoverage();
        }

        private sealed class Stats
        {
            public int Cases, Invalid, Missing, Complete, WithRetMsg, Mutated, Formatted, FormattedMissing;

            public override string ToString() => $"{Cases} cases ({Mutated} mutated): {Invalid} invalid, {Missing} valid with a required field missing, {Complete} valid and complete, {WithRetMsg} with retMsg; {Formatted} taken by the JSON writer's checked walk ({FormattedMissing} of them missing a required field)";

            public void AssertCoverage()
            {
                // The generator has to reach each verdict often, or the parity proves little.
                Assert.True(Invalid > Cases / 20, ToString());
                Assert.True(Missing > Cases / 20, ToString());
                Assert.True(Complete > Cases / 20, ToString());
            }
        }

        private static Stats RunParity(MessageDescriptor[] types, int cases, int seed)
        {
            var stats = new Stats();
            var rng = new Random(seed);
            for (var i = 0; i < cases; i++)
            {
                var type = types[i % types.Length];
                var caseSeed = rng.Next();
                var body = Mutator.Body(type, caseSeed, out var mutated);
                Verdict expected;
                try
                {
                    expected = Oracle(type, body);
                }
                catch (Exception e)
                {
                    throw new Xunit.Sdk.XunitException($"BodyDecoder threw {e.GetType().Name} on {type.FullName} case {caseSeed}: {Convert.ToHexString(body)}");
                }
                var actual = Checked(type, body);
                if (expected != actual)
                    throw new Xunit.Sdk.XunitException($"{type.FullName} case {caseSeed}: BodyDecoder says {expected}, WireCheck says {actual}\n{Convert.ToHexString(body)}");
                if (OpenDump.Output.ProtobufWireJson.TryFormatChecked(type, body, out var fv))
                {
                    Assert.True(OpenDump.Output.ProtobufWireJson.TryTakeFormatted(type, body, out var taken));
                    var formatted = taken.ToArray();
                    var walked = new Verdict(fv.Valid, fv.MissingRequired, fv.RetType, fv.RetMsg(body), fv.ErrCode);
                    if (expected != walked || fv.RetMsgOffset != WireCheck.Check(type, body).RetMsgOffset)
                        throw new Xunit.Sdk.XunitException($"{type.FullName} case {caseSeed}: BodyDecoder says {expected}, the JSON writer's walk says {walked}\n{Convert.ToHexString(body)}");
                    Assert.True(OpenDump.Output.ProtobufWireJson.TryFormat(type, body, out var json));
                    Assert.True(json.SequenceEqual(formatted), $"{type.FullName} case {caseSeed}: checked and plain walks wrote different JSON");
                    Assert.False(OpenDump.Output.ProtobufWireJson.TryTakeFormatted(type, body, out _)); // taken once, and gone after another walk
                    stats.Formatted++;
                    if (walked.Missing) stats.FormattedMissing++;
                }
                stats.Cases++;
                if (mutated) stats.Mutated++;
                if (!expected.Valid) stats.Invalid++;
                else if (expected.Missing) stats.Missing++;
                else stats.Complete++;
                if (expected.RetMsg is not null) stats.WithRetMsg++;
            }
            return stats;
        }

        /// <summary>
        /// Bodies for the parity test: a random message, serialized, then edited field by field (duplicated, dropped,
        /// reordered, given another wire type, packed, replaced with a second random instance, unknown fields and groups added,
        /// strings made invalid UTF-8, lengths and tags spelled oddly) and finally byte by byte (flipped, truncated, inserted).
        /// </summary>
        private static class Mutator
        {
            private sealed class Field
            {
                public uint Tag;
                public byte[]? TagBytes;           // a non-canonical spelling of the tag
                public byte[] Value = [];          // after the tag; for length-delimited fields without Sub, the payload
                public Level? Sub;                 // a length-delimited payload read as a message
                public byte[]? LengthBytes;        // a non-canonical spelling of the length
                public bool Raw;                   // Value is written as it is, no length (groups, odd encodings)

                public Field Clone() => new() { Tag = Tag, TagBytes = TagBytes, Value = Value, Sub = Sub?.Clone(), LengthBytes = LengthBytes, Raw = Raw };
            }

            private sealed class Level(MessageDescriptor? type, List<Field> fields)
            {
                public readonly MessageDescriptor? Type = type;
                public readonly List<Field> Fields = fields;

                public Level Clone() => new(Type, Fields.Select(f => f.Clone()).ToList());
            }

            public static byte[] Body(MessageDescriptor type, int seed, out bool mutated)
            {
                var rng = new Random(seed);
                var message = new RandomMessages(seed).Create(type, 0);
                var bytes = message.ToByteArray();
                mutated = false;
                if (rng.Next(6) == 0) return bytes;
                var root = Parse(type, bytes)!;
                var edits = rng.Next(1, 5);
                for (var i = 0; i < edits; i++) Edit(root, rng, seed + i);
                bytes = Write(root);
                mutated = true;
                if (rng.Next(3) == 0) bytes = ByteEdit(bytes, rng);
                return bytes;
            }

            private static Level? Parse(MessageDescriptor? type, ReadOnlySpan<byte> data)
            {
                var fields = new List<Field>();
                var pos = 0;
                while (pos < data.Length)
                {
                    if (!TryVarint(data, ref pos, out var tag) || tag >> 3 == 0) return null;
                    var f = new Field { Tag = (uint)tag };
                    var start = pos;
                    switch (tag & 7)
                    {
                        case 0:
                            if (!TryVarint(data, ref pos, out _)) return null;
                            f.Value = data[start..pos].ToArray();
                            break;
                        case 1:
                            if (pos + 8 > data.Length) return null;
                            pos += 8;
                            f.Value = data[start..pos].ToArray();
                            break;
                        case 5:
                            if (pos + 4 > data.Length) return null;
                            pos += 4;
                            f.Value = data[start..pos].ToArray();
                            break;
                        case 2:
                            if (!TryVarint(data, ref pos, out var len) || len > (ulong)(data.Length - pos)) return null;
                            var payload = data.Slice(pos, (int)len);
                            pos += (int)len;
                            var field = type?.FindFieldByNumber((int)(tag >> 3));
                            if (field?.FieldType == FieldType.Message && Parse(field.MessageType, payload) is { } sub) f.Sub = sub;
                            else f.Value = payload.ToArray();
                            break;
                        default:
                            return null;
                    }
                    fields.Add(f);
                }
                return new Level(type, fields);
            }

            private static bool TryVarint(ReadOnlySpan<byte> data, ref int pos, out ulong value)
            {
                value = 0;
                for (var shift = 0; shift < 64 && pos < data.Length; shift += 7)
                {
                    var b = data[pos++];
                    value |= (ulong)(b & 0x7F) << shift;
                    if (b < 0x80) return true;
                }
                return false;
            }

            private static byte[] Write(Level level)
            {
                var output = new List<byte>();
                Write(level, output);
                return output.ToArray();
            }

            private static void Write(Level level, List<byte> output)
            {
                foreach (var f in level.Fields)
                {
                    output.AddRange(f.TagBytes ?? Varint(f.Tag));
                    if (f.Raw || (f.Tag & 7) != 2)
                    {
                        output.AddRange(f.Value);
                        continue;
                    }
                    var payload = f.Sub is null ? f.Value : Write(f.Sub);
                    output.AddRange(f.LengthBytes ?? Varint((ulong)payload.Length));
                    output.AddRange(payload);
                }
            }

            private static List<Level> Levels(Level root)
            {
                var all = new List<Level>();
                var stack = new Stack<Level>([root]);
                while (stack.Count > 0)
                {
                    var l = stack.Pop();
                    all.Add(l);
                    foreach (var f in l.Fields)
                        if (f.Sub is not null) stack.Push(f.Sub);
                }
                return all;
            }

            private static void Edit(Level root, Random rng, int seed)
            {
                var levels = Levels(root);
                var level = levels[rng.Next(levels.Count)];
                var fields = level.Fields;
                var type = level.Type;
                Field? Pick() => fields.Count == 0 ? null : fields[rng.Next(fields.Count)];
                switch (rng.Next(16))
                {
                    case 0 or 1: // duplicate a field
                        if (Pick() is { } dup) fields.Insert(rng.Next(fields.Count + 1), dup.Clone());
                        break;
                    case 2: // drop a field
                        if (fields.Count > 0) fields.RemoveAt(rng.Next(fields.Count));
                        break;
                    case 3: // move a field
                        if (fields.Count > 1)
                        {
                            var i = rng.Next(fields.Count);
                            var f = fields[i];
                            fields.RemoveAt(i);
                            fields.Insert(rng.Next(fields.Count + 1), f);
                        }
                        break;
                    case 4 or 5: // another occurrence of a message field, from a second random instance
                    {
                        var candidates = type?.Fields.InDeclarationOrder().Where(f => f.FieldType == FieldType.Message).ToList();
                        if (candidates is not { Count: > 0 }) break;
                        var field = candidates[rng.Next(candidates.Count)];
                        var other = new RandomMessages(seed * 31 + 7).Create(field.MessageType, 1).ToByteArray();
                        fields.Insert(rng.Next(fields.Count + 1), new Field { Tag = (uint)(field.FieldNumber << 3 | 2), Sub = Parse(field.MessageType, other), Value = other });
                        break;
                    }
                    case 6: // a field with another wire type, well formed
                        if (Pick() is { } retyped)
                        {
                            var wt = new[] { 0, 1, 2, 5 }[rng.Next(4)];
                            var replacement = WellFormed((int)(retyped.Tag >> 3), wt, rng);
                            fields[fields.IndexOf(retyped)] = replacement;
                        }
                        break;
                    case 7: // pack a numeric field (or a whole run of them)
                        if (fields.Where(f => (f.Tag & 7) is 0 or 1 or 5).ToList() is { Count: > 0 } numeric)
                        {
                            var first = numeric[rng.Next(numeric.Count)];
                            var run = rng.Next(2) == 0 ? [first] : numeric.Where(f => f.Tag == first.Tag).ToList();
                            var packed = new Field { Tag = (first.Tag & ~7u) | 2, Value = run.SelectMany(f => f.Value).ToArray() };
                            if (rng.Next(5) == 0) packed.Value = packed.Value.Take(Math.Max(0, packed.Value.Length - 1)).ToArray(); // a partial element
                            fields[fields.IndexOf(first)] = packed;
                            foreach (var f in run.Skip(1)) fields.Remove(f);
                        }
                        break;
                    case 8: // a length-delimited field with a negative or odd length
                    {
                        var number = KnownOrRandomNumber(type, rng);
                        var lengthBytes = rng.Next(4) switch
                        {
                            0 => Varint(0xFFFFFFFF),
                            1 => Varint(ulong.MaxValue),
                            2 => Varint(0x80000000),
                            _ => [0x80, 0x80, 0x80, 0x80, 0xF0, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], // 0 in the low 32 bits
                        };
                        fields.Insert(rng.Next(fields.Count + 1), new Field { Tag = (uint)(number << 3 | 2), Value = lengthBytes, Raw = true });
                        break;
                    }
                    case 9 or 10: // an unknown (or known) field of any wire type, groups included
                        fields.Insert(rng.Next(fields.Count + 1), WellFormed(KnownOrRandomNumber(type, rng), rng.Next(8) == 0 ? 3 : new[] { 0, 1, 2, 5 }[rng.Next(4)], rng));
                        break;
                    case 11: // a string made invalid (or odd) UTF-8
                        if (fields.Where(f => (f.Tag & 7) == 2 && f.Sub is null).ToList() is { Count: > 0 } strings)
                        {
                            var s = strings[rng.Next(strings.Count)];
                            var bad = new byte[][] { [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xE4, 0xB8], [0xFF], [0xEF, 0xBB, 0xBF], [0xF0, 0x9F, 0x98, 0x80] }[rng.Next(8)];
                            var at = rng.Next(s.Value.Length + 1);
                            s.Value = s.Value.Take(at).Concat(bad).Concat(s.Value.Skip(at)).ToArray();
                        }
                        break;
                    case 12: // odd spellings: long tags, long lengths, long varints
                        if (Pick() is { } odd)
                        {
                            switch (rng.Next(3))
                            {
                                case 0:
                                    odd.TagBytes = Padded(odd.Tag, rng);
                                    break;
                                case 1 when (odd.Tag & 7) == 2 && !odd.Raw:
                                    var length = (ulong)(odd.Sub is null ? odd.Value.Length : Write(odd.Sub).Length);
                                    odd.LengthBytes = Padded(length, rng);
                                    break;
                                case 2 when (odd.Tag & 7) == 0:
                                    TryVarintValue(odd.Value, out var v);
                                    odd.Value = Padded(v, rng);
                                    break;
                            }
                        }
                        break;
                    case 13: // a stray end-group, or wire type 6/7, or field 0
                        fields.Insert(rng.Next(fields.Count + 1), new Field
                        {
                            Tag = rng.Next(4) switch
                            {
                                0 => (uint)(KnownOrRandomNumber(type, rng) << 3 | 4),
                                1 => (uint)(KnownOrRandomNumber(type, rng) << 3 | 6),
                                2 => (uint)(KnownOrRandomNumber(type, rng) << 3 | 7),
                                _ => (uint)rng.Next(8),
                            },
                            Raw = true,
                        });
                        break;
                    case 14: // deep unknown groups near the recursion limit
                    {
                        var depth = rng.Next(90, 102);
                        var number = rng.Next(1, 40);
                        var value = Cat(Enumerable.Range(0, depth - 1).Select(_ => Tag(number, 3)).Concat(Enumerable.Range(0, depth).Select(_ => Tag(number, 4))).ToArray());
                        fields.Insert(rng.Next(fields.Count + 1), new Field { Tag = (uint)(number << 3 | 3), Value = value, Raw = true });
                        break;
                    }
                    default: // a second random instance of the whole level spliced in
                        if (type is not null)
                        {
                            var again = Parse(type, new RandomMessages(seed * 17 + 3).Create(type, 1).ToByteArray());
                            if (again is not null) fields.InsertRange(rng.Next(fields.Count + 1), again.Fields.Take(rng.Next(1, 6)));
                        }
                        break;
                }
            }

            private static void TryVarintValue(byte[] bytes, out ulong value)
            {
                var pos = 0;
                TryVarint(bytes, ref pos, out value);
            }

            /// <summary>A varint of 1 to 10 bytes: padded with zero groups, sometimes with bits above 32 set.</summary>
            private static byte[] Padded(ulong value, Random rng)
            {
                var canonical = Varint(value);
                var length = rng.Next(canonical.Length, 11);
                var bytes = new byte[length];
                for (var i = 0; i < length; i++)
                {
                    var group = i * 7 < 64 ? (byte)((value >> (i * 7)) & 0x7F) : (byte)0;
                    bytes[i] = (byte)(group | (i < length - 1 ? 0x80 : 0));
                }
                if (length >= 5 && value < 0x1_0000_0000 && rng.Next(2) == 0) bytes[4] |= 0x70; // bits 32..34: dropped for 32-bit reads
                if (rng.Next(10) == 0) bytes[length - 1] |= 0x80; // runs on into the next byte
                return bytes;
            }

            private static int KnownOrRandomNumber(MessageDescriptor? type, Random rng)
            {
                var known = type?.Fields.InDeclarationOrder();
                if (known is { Count: > 0 } && rng.Next(3) != 0) return known[rng.Next(known.Count)].FieldNumber;
                return rng.Next(4) == 0 ? rng.Next(1, 0x1FFFFFFF) : rng.Next(1, 120);
            }

            private static Field WellFormed(int number, int wireType, Random rng)
            {
                var f = new Field { Tag = (uint)(number << 3 | wireType) };
                switch (wireType)
                {
                    case 0:
                        f.Value = Varint(rng.Next(3) switch { 0 => (ulong)rng.Next(128), 1 => (ulong)rng.NextInt64(), _ => ulong.MaxValue - (ulong)rng.Next(5) });
                        break;
                    case 1:
                        f.Value = new byte[8];
                        rng.NextBytes(f.Value);
                        break;
                    case 5:
                        f.Value = new byte[4];
                        rng.NextBytes(f.Value);
                        break;
                    case 2:
                        f.Value = rng.Next(3) switch
                        {
                            0 => Encoding.UTF8.GetBytes(new string('x', rng.Next(5)) + "中"),
                            1 => Cat(VarintField(1, 1), Ld(2, "ab"u8.ToArray())),
                            _ => Enumerable.Range(0, rng.Next(8)).Select(_ => (byte)rng.Next(256)).ToArray(),
                        };
                        break;
                    case 3:
                    {
                        var inner = new List<byte>();
                        for (var i = rng.Next(3); i > 0; i--) inner.AddRange(Cat(Tag(rng.Next(1, 30), 0), [1]));
                        if (rng.Next(3) == 0) inner.AddRange(Cat(Tag(number, 3), Tag(number, 4)));
                        var end = rng.Next(6) == 0 ? number + 1 : number; // sometimes the wrong end
                        f.Value = Cat(inner.ToArray(), Tag(end, 4));
                        f.Raw = true;
                        break;
                    }
                }
                return f;
            }

            private static byte[] ByteEdit(byte[] bytes, Random rng)
            {
                var list = bytes.ToList();
                switch (rng.Next(4))
                {
                    case 0 when list.Count > 0:
                        list[rng.Next(list.Count)] ^= (byte)(1 << rng.Next(8));
                        break;
                    case 1 when list.Count > 0:
                        list[rng.Next(list.Count)] = (byte)rng.Next(256);
                        break;
                    case 2:
                    {
                        var at = rng.Next(list.Count + 1);
                        list.RemoveRange(at, list.Count - at);
                        break;
                    }
                    default:
                        list.InsertRange(rng.Next(list.Count + 1), Enumerable.Range(0, rng.Next(1, 4)).Select(_ => (byte)rng.Next(256)));
                        break;
                }
                return list.ToArray();
            }
        }
    }
}
