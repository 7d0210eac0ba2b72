using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text.Unicode;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using OpenDump.Decoding;

namespace OpenDump.Output;

/// <summary>
/// The JSON <see cref="ProtobufJson.Write"/> gives for a message, written straight from the message's wire bytes
/// without building the message, for bodies in the plain canonical form every protobuf serializer emits (fields
/// in field-number order, each singular field once, a repeated field's elements together). Anything else
/// writes nothing and returns false, so the caller parses the body and formats the message instead.
/// </summary>
/// <remarks>
/// <para>What "the same bytes" means: <c>TryWrite(d, body, output)</c> returns true only when
/// <c>var m = (IMessage)Activator.CreateInstance(d.ClrType); m.MergeFrom(body);</c> succeeds and
/// <c>ProtobufJson.Write(m, output)</c> writes exactly what it wrote. The values are read as Google.Protobuf
/// reads them: varints of up to 10 bytes (32-bit fields keep the low 32 bits, so a negative int32 in its
/// 10-byte form reads back; the 10th byte's bits past bit 63 are dropped), bool as "any varint but 0", sint
/// zigzag, fixed and float/double as little-endian bit patterns, enums as their int (a number without a name
/// is written as a number), strings only when valid UTF-8 (the parser throws otherwise). The text is written
/// with <see cref="ProtobufJson"/>'s own number, enum and escaping rules, the strings escaped from UTF-8 with
/// the same character set (a supplementary character as its two escaped UTF-16 halves).</para>
/// <para>False, nothing written, when the body is not in that form: malformed wire data (truncated or overlong
/// varints, lengths past the end, a packed run that does not end on an element, field number 0, wire types 3,
/// 4, 6 and 7); known fields out of strictly increasing field-number order, i.e. a singular field twice or a
/// repeated field's elements not all together; an empty packed run; two members of one oneof; a known field
/// with a wire type its type does not take (not packed-vs-unpacked, which are both read); a string that is not
/// valid UTF-8; nesting deeper than <see cref="MaxDepth"/>; and messages this writer does not handle: a file
/// that is not proto2, a type of the google.protobuf package, one without a generated CLR type, one that
/// <see cref="ProtobufJson"/> formats through its boxed fallback, field numbers past 4095, more than 64 oneofs;
/// fields (when present on the wire) that are maps, groups, of a google.protobuf message type, singular
/// without presence, or enums whose names <see cref="ProtobufJson"/> cannot read. Unknown field numbers with
/// wire types 0, 1, 2 and 5 are skipped when well-formed (neither JSON writer prints unknown fields).</para>
/// <para>The JSON goes to a per-thread scratch buffer and is copied to the output on success, so a call
/// allocates nothing once the buffer has grown (and the type's plan is built).</para>
/// </remarks>
public static class ProtobufWireJson
{
    /// <summary>Deepest nesting taken (the parser's own limit is 100).</summary>
    public const int MaxDepth = 64;

    private const int MaxFieldNumber = 4095;
    private const int ScratchKeep = 1 << 20;

    private static readonly ConcurrentDictionary<MessageDescriptor, WirePlan> Plans = new();
    private static readonly ConcurrentDictionary<FileDescriptor, bool> Proto2Files = new();

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_scratch;

    /// <summary>
    /// Writes the JSON of the <paramref name="descriptor"/> message encoded in <paramref name="body"/> to
    /// <paramref name="output"/> and returns true; or writes nothing and returns false when the body is not in
    /// the canonical form this writer takes (the caller then parses it). Never throws on any body.
    /// </summary>
    public static bool TryWrite(MessageDescriptor descriptor, ReadOnlySpan<byte> body, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!TryFormat(descriptor, body, out var json)) return false;
        output.Write(json);
        return true;
    }

    /// <summary>
    /// <see cref="TryWrite"/> into this thread's scratch buffer: <paramref name="json"/> is valid until the next
    /// call on the same thread (for callers that copy it somewhere themselves, e.g. a raw JSON value).
    /// </summary>
    public static bool TryFormat(MessageDescriptor descriptor, ReadOnlySpan<byte> body, out ReadOnlySpan<byte> json)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        json = default;
        var plan = PlanFor(descriptor);
        if (!plan.Supported) return false;
        var verdict = new WireCheck.VerdictBuilder();
        return TryFormat(plan, body, ref verdict, out json, out _);
    }

    /// <summary>The walk into this thread's scratch buffer; <paramref name="scratch"/> is the buffer the JSON is in.</summary>
    private static bool TryFormat(WirePlan plan, ReadOnlySpan<byte> body, scoped ref WireCheck.VerdictBuilder verdict,
        out ReadOnlySpan<byte> json, out ArrayBufferWriter<byte> scratch)
    {
        json = default;
        // Every walk forgets the last body's JSON first: a lent plaintext array (Session/PlaintextLoans) comes back
        // holding another body of its length, which must not find that JSON. A body never walked here has a type
        // this writer declines, and so cannot match the type kept beside the array.
        t_formatted = null;
        scratch = t_scratch ??= new ArrayBufferWriter<byte>(4096);
        scratch.ResetWrittenCount();
        var w = new Utf8Out(scratch);
        var ok = WriteMessage(plan, body, ref w, 0, ref verdict);
        w.Flush();
        if (scratch.Capacity > ScratchKeep) t_scratch = null; // the span below keeps the array alive
        if (!ok) return false;
        json = scratch.WrittenSpan;
        return true;
    }

    // The body whose JSON TryFormatChecked left in this thread's scratch buffer (t_formattedJson), for TryTakeFormatted.
    [ThreadStatic] private static byte[]? t_formatted;
    [ThreadStatic] private static MessageDescriptor? t_formattedType;
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_formattedJson;

    /// <summary>
    /// Formats the body as <see cref="TryFormat(MessageDescriptor, ReadOnlySpan{byte}, out ReadOnlySpan{byte})"/> does and, in
    /// the same walk, finds the verdict <see cref="WireCheck.Check"/> gives for it (every body this writer takes is one the
    /// parser takes). The JSON stays in this thread's scratch buffer for <see cref="TryTakeFormatted"/> until the next
    /// call on the thread: a frame checked and written on one thread, one after the other (JSON Lines), walks its body
    /// once instead of twice. False when this writer declines the body or the check does not apply to its type.
    /// </summary>
    public static bool TryFormatChecked(MessageDescriptor descriptor, byte[] body, out WireVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        verdict = default;
        var plan = PlanFor(descriptor);
        if (!plan.Supported || !plan.Checkable) return false;
        var builder = new WireCheck.VerdictBuilder();
        // The buffer is kept here, not found again: the thread lets go of one that grew large.
        if (!TryFormat(plan, body, ref builder, out _, out var scratch)) return false;
        verdict = builder.Verdict;
        t_formatted = body;
        t_formattedType = descriptor;
        t_formattedJson = scratch;
        return true;
    }

    /// <summary>The JSON <see cref="TryFormatChecked"/> left for exactly this body (the same array) of this type, if it is still there.</summary>
    public static bool TryTakeFormatted(MessageDescriptor descriptor, byte[] body, out ReadOnlySpan<byte> json)
    {
        json = default;
        if (!ReferenceEquals(t_formatted, body) || !ReferenceEquals(t_formattedType, descriptor)) return false;
        json = t_formattedJson!.WrittenSpan;
        t_formatted = null;
        t_formattedType = null;
        t_formattedJson = null;
        return true;
    }

    /// <summary>Whether <see cref="TryWrite"/> can take messages of this type at all (it may still decline a body).</summary>
    public static bool Handles(MessageDescriptor descriptor) => PlanFor(descriptor).Supported;

    private static WirePlan PlanFor(MessageDescriptor descriptor) =>
        Plans.TryGetValue(descriptor, out var plan) ? plan : Plans.GetOrAdd(descriptor, static d => WirePlan.Build(d));

    // ---- the walk -----------------------------------------------------------------------------------------

    private static bool WriteMessage(WirePlan plan, ReadOnlySpan<byte> data, ref Utf8Out w, int depth, ref WireCheck.VerdictBuilder verdict)
    {
        w.Write("{ "u8);
        var fields = plan.ByNumber;
        var pos = 0;
        uint last = 0;
        ulong required = 0;
        var first = true;
        ulong oneofs = 0;
        while (pos < data.Length)
        {
            if (!ReadVarint32(data, ref pos, out var tag)) return false;
            var number = tag >> 3;
            var wireType = (int)(tag & 7);
            if (number == 0) return false;
            var field = number < (uint)fields.Length ? fields[number] : null;
            if (field is null)
            {
                if (!SkipUnknown(data, ref pos, wireType)) return false;
                continue;
            }
            if (number <= last || field.Kind == Kind.Unsupported) return false;
            last = number;
            if (field.OneofBit != 0)
            {
                if ((oneofs & field.OneofBit) != 0) return false;
                oneofs |= field.OneofBit;
            }
            w.Write(first ? field.Name.AsSpan(2) : field.Name);
            first = false;
            required |= field.RequiredBit;

            if (!field.Repeated)
            {
                var valueAt = pos;
                if (wireType != field.WireType || !WriteValue(field, data, ref pos, ref w, depth, ref verdict)) return false;
                if (field.Result != 0 && depth == 0 && !verdict.ReadResult(field.Result, data, valueAt)) return false;
                continue;
            }

            // A repeated field: its records one after the other, packed or not, make one JSON list.
            w.Write("[ "u8);
            var firstElement = true;
            while (true)
            {
                if (wireType == field.WireType)
                {
                    if (!firstElement) w.Write(", "u8);
                    firstElement = false;
                    if (!WriteValue(field, data, ref pos, ref w, depth, ref verdict)) return false;
                }
                else if (wireType == WireLengthDelimited && field.Packable)
                {
                    if (!ReadLength(data, ref pos, out var length) || length == 0) return false;
                    var packed = data.Slice(pos, length);
                    pos += length;
                    var p = 0;
                    while (p < packed.Length)
                    {
                        if (!firstElement) w.Write(", "u8);
                        firstElement = false;
                        if (!WriteValue(field, packed, ref p, ref w, depth, ref verdict)) return false;
                    }
                }
                else
                {
                    return false;
                }
                if (pos >= data.Length) break;
                var next = pos;
                if (!ReadVarint32(data, ref next, out var nextTag)) return false;
                if (nextTag >> 3 != number) break;
                pos = next;
                wireType = (int)(nextTag & 7);
            }
            w.Write(" ]"u8);
        }
        w.Write(first ? "}"u8 : " }"u8);
        verdict.EndMessage(required, plan.RequiredMask, depth);
        return true;
    }

    private static bool WriteValue(WireField field, ReadOnlySpan<byte> data, ref int pos, ref Utf8Out w, int depth, ref WireCheck.VerdictBuilder verdict)
    {
        ulong v;
        switch (field.Kind)
        {
            case Kind.Int32:
                if (!ReadVarint64(data, ref pos, out v)) return false;
                ProtobufJson.Int32Format.Write(ref w, (int)v);
                return true;
            case Kind.UInt32:
                if (!ReadVarint64(data, ref pos, out v)) return false;
                ProtobufJson.UInt32Format.Write(ref w, (uint)v);
                return true;
            case Kind.SInt32:
                if (!ReadVarint64(data, ref pos, out v)) return false;
                ProtobufJson.Int32Format.Write(ref w, (int)((uint)v >> 1) ^ -(int)((uint)v & 1));
                return true;
            case Kind.Int64:
                if (!ReadVarint64(data, ref pos, out v)) return false;
                ProtobufJson.Int64Format.Write(ref w, (long)v);
                return true;
            case Kind.UInt64:
                if (!ReadVarint64(data, ref pos, out v)) return false;
                ProtobufJson.UInt64Format.Write(ref w, v);
                return true;
            case Kind.SInt64:
                if (!ReadVarint64(data, ref pos, out v)) return false;
                ProtobufJson.Int64Format.Write(ref w, (long)(v >> 1) ^ -(long)(v & 1));
                return true;
            case Kind.Bool:
                if (!ReadVarint64(data, ref pos, out v)) return false;
                ProtobufJson.BoolFormat.Write(ref w, v != 0);
                return true;
            case Kind.Enum:
                if (!ReadVarint64(data, ref pos, out v)) return false;
                field.EnumNames!.Write(ref w, (int)v);
                return true;
            case Kind.Fixed32:
            case Kind.SFixed32:
            case Kind.Float:
            {
                if (data.Length - pos < 4) return false;
                var bits = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(pos, 4));
                pos += 4;
                if (field.Kind == Kind.Fixed32) ProtobufJson.UInt32Format.Write(ref w, bits);
                else if (field.Kind == Kind.SFixed32) ProtobufJson.Int32Format.Write(ref w, (int)bits);
                else ProtobufJson.FloatFormat.Write(ref w, BitConverter.UInt32BitsToSingle(bits));
                return true;
            }
            case Kind.Fixed64:
            case Kind.SFixed64:
            case Kind.Double:
            {
                if (data.Length - pos < 8) return false;
                var bits = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(pos, 8));
                pos += 8;
                if (field.Kind == Kind.Double) ProtobufJson.DoubleFormat.Write(ref w, BitConverter.UInt64BitsToDouble(bits));
                else if (field.Kind == Kind.Fixed64) ProtobufJson.UInt64Format.Write(ref w, bits);
                else ProtobufJson.Int64Format.Write(ref w, (long)bits);
                return true;
            }
            case Kind.String:
            {
                if (!ReadLength(data, ref pos, out var length)) return false;
                var text = data.Slice(pos, length);
                pos += length;
                return WriteUtf8String(ref w, text);
            }
            case Kind.Bytes:
            {
                if (!ReadLength(data, ref pos, out var length)) return false;
                WriteBase64(ref w, data.Slice(pos, length));
                pos += length;
                return true;
            }
            case Kind.Message:
            {
                if (!ReadLength(data, ref pos, out var length) || depth >= MaxDepth) return false;
                var sub = field.Sub ??= PlanFor(field.MessageType!);
                if (!sub.Supported) return false;
                var content = data.Slice(pos, length);
                pos += length;
                return WriteMessage(sub, content, ref w, depth + 1, ref verdict);
            }
            default:
                return false;
        }
    }

    // ---- wire primitives, as Google.Protobuf's ParsingPrimitives reads them -----------------------------------

    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;
    private const int WireFixed32 = 5;

    /// <summary>ParseRawVarint64: at most 10 bytes, bits past 63 dropped.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool ReadVarint64(ReadOnlySpan<byte> data, ref int pos, out ulong value) => Decoding.RawProtobuf.TryVarint(data, ref pos, out value);

    /// <summary>
    /// ParseRawVarint32 (tags and lengths): the same bytes as a 64-bit varint (up to 10, the 10th below 0x80),
    /// the low 32 bits kept.
    /// </summary>
    private static bool ReadVarint32(ReadOnlySpan<byte> data, ref int pos, out uint value)
    {
        var ok = ReadVarint64(data, ref pos, out var v);
        value = (uint)v;
        return ok;
    }

    /// <summary>ParseLength: a 32-bit varint, not negative, within what is left.</summary>
    private static bool ReadLength(ReadOnlySpan<byte> data, ref int pos, out int length)
    {
        if (!ReadVarint32(data, ref pos, out var v) || v > (uint)(data.Length - pos))
        {
            length = 0;
            return false;
        }
        length = (int)v;
        return true;
    }

    /// <summary>An unknown field as UnknownFieldSet reads it; groups (and wire types 4, 6, 7) are declined.</summary>
    private static bool SkipUnknown(ReadOnlySpan<byte> data, ref int pos, int wireType)
    {
        switch (wireType)
        {
            case WireVarint:
                return ReadVarint64(data, ref pos, out _);
            case WireFixed64:
                if (data.Length - pos < 8) return false;
                pos += 8;
                return true;
            case WireLengthDelimited:
                if (!ReadLength(data, ref pos, out var length)) return false;
                pos += length;
                return true;
            case WireFixed32:
                if (data.Length - pos < 4) return false;
                pos += 4;
                return true;
            default:
                return false;
        }
    }

    // ---- values -------------------------------------------------------------------------------------------

    private static void WriteBase64(ref Utf8Out w, ReadOnlySpan<byte> bytes)
    {
        // As ProtobufJson.BytesFormat.
        var span = w.GetSpan(Base64.GetMaxEncodedToUtf8Length(bytes.Length) + 2);
        span[0] = (byte)'"';
        Base64.EncodeToUtf8(bytes, span[1..], out _, out var n);
        span[n + 1] = (byte)'"';
        w.Advance(n + 2);
    }

    /// <summary>One bit per UTF-16 code unit: whether <see cref="ProtobufJson"/> escapes it (the same set, read from it).</summary>
    private static readonly ulong[] EscapedBits = BuildEscapedBits();

    /// <summary>ASCII bytes that are escaped, and every non-ASCII byte: where the plain copy stops.</summary>
    private static readonly SearchValues<byte> Attention = BuildAttention();

    private static ulong[] BuildEscapedBits()
    {
        var bits = new ulong[0x10000 / 64];
        for (var c = 0; c < 0x10000; c++)
            if (ProtobufJson.Escaped.Contains((char)c)) bits[c >> 6] |= 1UL << (c & 63);
        return bits;
    }

    private static SearchValues<byte> BuildAttention()
    {
        var bytes = new List<byte>();
        for (var b = 0; b < 0x100; b++)
            if (b >= 0x80 || IsEscaped(b)) bytes.Add((byte)b);
        return SearchValues.Create(bytes.ToArray());
    }

    private static bool IsEscaped(int c) => (EscapedBits[c >> 6] & (1UL << (c & 63))) != 0;

    /// <summary>
    /// A valid UTF-8 string as <see cref="ProtobufJson.WriteString"/> writes its UTF-16 decoding: quoted, the
    /// escaped set as escapes (short forms for <c>"</c>, <c>\</c>, \b \t \n \f \r), supplementary characters
    /// as their two escaped surrogates, the rest copied as it is. False when not valid UTF-8.
    /// </summary>
    private static bool WriteUtf8String(ref Utf8Out w, ReadOnlySpan<byte> s)
    {
        if (!Utf8.IsValid(s)) return false;
        w.WriteByte((byte)'"');
        var i = s.IndexOfAny(Attention);
        if (i < 0)
        {
            w.Write(s);
        }
        else
        {
            var run = 0;
            while (i < s.Length)
            {
                int b = s[i];
                if (b < 0x80)
                {
                    if (!IsEscaped(b))
                    {
                        i++;
                        continue;
                    }
                    w.Write(s[run..i]);
                    ProtobufJson.WriteEscape(ref w, (char)b);
                    run = ++i;
                }
                else if (b < 0xe0)
                {
                    var c = ((b & 0x1f) << 6) | (s[i + 1] & 0x3f);
                    if (IsEscaped(c))
                    {
                        w.Write(s[run..i]);
                        ProtobufJson.WriteHexEscape(ref w, (char)c);
                        run = i + 2;
                    }
                    i += 2;
                }
                else if (b < 0xf0)
                {
                    var c = ((b & 0x0f) << 12) | ((s[i + 1] & 0x3f) << 6) | (s[i + 2] & 0x3f);
                    if (IsEscaped(c))
                    {
                        w.Write(s[run..i]);
                        ProtobufJson.WriteHexEscape(ref w, (char)c);
                        run = i + 3;
                    }
                    i += 3;
                }
                else
                {
                    // Supplementary: JsonFormatter escapes both halves of the surrogate pair.
                    var c = ((b & 0x07) << 18) | ((s[i + 1] & 0x3f) << 12) | ((s[i + 2] & 0x3f) << 6) | (s[i + 3] & 0x3f);
                    w.Write(s[run..i]);
                    c -= 0x10000;
                    ProtobufJson.WriteHexEscape(ref w, (char)(0xd800 + (c >> 10)));
                    ProtobufJson.WriteHexEscape(ref w, (char)(0xdc00 + (c & 0x3ff)));
                    i += 4;
                    run = i;
                }
            }
            w.Write(s[run..]);
        }
        w.WriteByte((byte)'"');
        return true;
    }

    // ---- plans --------------------------------------------------------------------------------------------

    private enum Kind : byte
    {
        Unsupported,
        Int32,
        UInt32,
        SInt32,
        Int64,
        UInt64,
        SInt64,
        Bool,
        Enum,
        Fixed32,
        SFixed32,
        Float,
        Fixed64,
        SFixed64,
        Double,
        String,
        Bytes,
        Message,
    }

    private sealed class WireField
    {
        public required Kind Kind { get; init; }
        public required bool Repeated { get; init; }
        /// <summary>The wire type of one value (a packed run is length-delimited).</summary>
        public required int WireType { get; init; }
        public required bool Packable { get; init; }
        /// <summary><c>, "jsonName": </c>, as ProtobufJson's field writers have it; the first field skips two bytes.</summary>
        public required byte[] Name { get; init; }
        public ulong OneofBit { get; init; }
        /// <summary>How the field counts toward the wire check's verdict (<see cref="WireCheck.FieldRole"/>).</summary>
        public ulong RequiredBit { get; init; }
        public byte Result { get; init; }
        public ProtobufJson.EnumNames? EnumNames { get; init; }
        public MessageDescriptor? MessageType { get; init; }
        public WirePlan? Sub;
    }

    private sealed class WirePlan
    {
        private static readonly WirePlan Unsupported = new([], false);

        private WirePlan(WireField?[] byNumber, bool supported)
        {
            ByNumber = byNumber;
            Supported = supported;
        }

        public WireField?[] ByNumber { get; }
        public bool Supported { get; }
        /// <summary>Whether the wire check reads this type (no map or group reachable), so the walk can give its verdict.</summary>
        public bool Checkable { get; private init; }
        public ulong RequiredMask { get; private init; }

        public static WirePlan Build(MessageDescriptor descriptor)
        {
            try
            {
                return TryBuild(descriptor) ?? Unsupported;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or NullReferenceException
                                          or System.Reflection.TargetInvocationException or MissingMethodException)
            {
                return Unsupported;
            }
        }

        private static WirePlan? TryBuild(MessageDescriptor descriptor)
        {
            if (descriptor.ClrType is not { } clr || !typeof(IMessage).IsAssignableFrom(clr)) return null;
            if (ProtobufJson.IsGoogleType(descriptor) || !IsProto2(descriptor.File)) return null;
            if (!ProtobufJson.AllTyped(descriptor)) return null;
            var fields = descriptor.Fields.InFieldNumberOrder();
            var max = fields.Count == 0 ? 0 : fields[^1].FieldNumber;
            if (max > MaxFieldNumber) return null;
            var oneofs = descriptor.Oneofs.Where(o => !o.IsSynthetic).ToList();
            if (oneofs.Count > 64) return null;
            var checkable = IsCheckable(descriptor);
            var byNumber = new WireField?[max + 1];
            foreach (var f in fields)
            {
                var oneof = f.RealContainingOneof is { } o ? oneofs.IndexOf(o) : -1;
                byNumber[f.FieldNumber] = Field(f, oneof, checkable ? WireCheck.RoleOf(descriptor, f.FieldNumber) : default);
            }
            return new WirePlan(byNumber, true) { Checkable = checkable, RequiredMask = checkable ? WireCheck.RequiredMaskOf(descriptor) : 0 };
        }

        private static bool IsCheckable(MessageDescriptor descriptor)
        {
            try
            {
                return WireCheck.IsSupported(descriptor);
            }
            catch (NotSupportedException)
            {
                return false; // more than 64 required fields in one message
            }
        }

        private static WireField Field(FieldDescriptor f, int oneof, WireCheck.FieldRole role)
        {
            var kind = f.FieldType switch
            {
                FieldType.Int32 => Kind.Int32,
                FieldType.UInt32 => Kind.UInt32,
                FieldType.SInt32 => Kind.SInt32,
                FieldType.Int64 => Kind.Int64,
                FieldType.UInt64 => Kind.UInt64,
                FieldType.SInt64 => Kind.SInt64,
                FieldType.Bool => Kind.Bool,
                FieldType.Enum => Kind.Enum,
                FieldType.Fixed32 => Kind.Fixed32,
                FieldType.SFixed32 => Kind.SFixed32,
                FieldType.Float => Kind.Float,
                FieldType.Fixed64 => Kind.Fixed64,
                FieldType.SFixed64 => Kind.SFixed64,
                FieldType.Double => Kind.Double,
                FieldType.String => Kind.String,
                FieldType.Bytes => Kind.Bytes,
                FieldType.Message => Kind.Message,
                _ => Kind.Unsupported, // groups
            };
            ProtobufJson.EnumNames? names = null;
            if (kind == Kind.Enum && (f.EnumType.ClrType is not { } enumClr || (names = ProtobufJson.EnumNames.For(enumClr)) is null)) kind = Kind.Unsupported;
            if (f.IsMap || f.IsExtension) kind = Kind.Unsupported;
            if (kind == Kind.Message && ProtobufJson.IsGoogleType(f.MessageType)) kind = Kind.Unsupported;
            if (!f.IsRepeated && !f.HasPresence) kind = Kind.Unsupported;
            var wireType = kind switch
            {
                Kind.Fixed32 or Kind.SFixed32 or Kind.Float => WireFixed32,
                Kind.Fixed64 or Kind.SFixed64 or Kind.Double => WireFixed64,
                Kind.String or Kind.Bytes or Kind.Message => WireLengthDelimited,
                _ => WireVarint,
            };
            return new WireField
            {
                Kind = kind,
                Repeated = f.IsRepeated,
                WireType = wireType,
                Packable = f.IsRepeated && kind is not (Kind.String or Kind.Bytes or Kind.Message or Kind.Unsupported),
                Name = [.. ProtobufJson.EncodeString(f.JsonName, ", "), (byte)':', (byte)' '],
                OneofBit = oneof >= 0 ? 1UL << oneof : 0,
                RequiredBit = role.RequiredBit,
                Result = role.Result,
                EnumNames = names,
                MessageType = kind == Kind.Message ? f.MessageType : null,
            };
        }

        /// <summary>proto2 syntax (an empty syntax is proto2 too); proto3 and editions are declined.</summary>
        private static bool IsProto2(FileDescriptor file) =>
            Proto2Files.GetOrAdd(file, static f => f.ToProto().Syntax is "" or "proto2");
    }
}
