using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Unicode;
using Google.Protobuf;

namespace OpenDump.Decoding;

/// <summary>One field of a protobuf body read without a schema.</summary>
public sealed record RawField(int Number, WireFormat.WireType WireType, string Value, IReadOnlyList<RawField>? Children = null);

/// <summary>
/// A schema-less view of a protobuf body (field number, wire type, value), for frames whose
/// protoID is unknown or whose body does not match its schema. Length-delimited fields are shown
/// as nested messages when they parse as one, as text when they are printable UTF-8, else as hex.
/// </summary>
public static class RawProtobuf
{
    private const int MaxDepth = 8;

    public static bool TryParse(ReadOnlySpan<byte> data, out IReadOnlyList<RawField> fields) =>
        TryParse(data, 0, out fields);

    private static bool TryParse(ReadOnlySpan<byte> data, int depth, out IReadOnlyList<RawField> fields)
    {
        var list = new List<RawField>();
        fields = list;
        var pos = 0;
        while (pos < data.Length)
        {
            if (!TryVarint(data, ref pos, out var tag)) return false;
            var number = (int)(tag >> 3);
            var wire = (WireFormat.WireType)(tag & 7);
            if (number <= 0) return false;
            switch (wire)
            {
                case WireFormat.WireType.Varint:
                    if (!TryVarint(data, ref pos, out var v)) return false;
                    list.Add(new RawField(number, wire, ((long)v).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    break;
                case WireFormat.WireType.Fixed64:
                    if (pos + 8 > data.Length) return false;
                    var f64 = BitConverter.ToUInt64(data.Slice(pos, 8));
                    list.Add(new RawField(number, wire, $"0x{f64:x16} ({BitConverter.UInt64BitsToDouble(f64).ToString("R", System.Globalization.CultureInfo.InvariantCulture)})"));
                    pos += 8;
                    break;
                case WireFormat.WireType.Fixed32:
                    if (pos + 4 > data.Length) return false;
                    var f32 = BitConverter.ToUInt32(data.Slice(pos, 4));
                    list.Add(new RawField(number, wire, $"0x{f32:x8} ({BitConverter.UInt32BitsToSingle(f32).ToString("R", System.Globalization.CultureInfo.InvariantCulture)})"));
                    pos += 4;
                    break;
                case WireFormat.WireType.LengthDelimited:
                    if (!TryVarint(data, ref pos, out var len) || len > (ulong)(data.Length - pos)) return false;
                    var bytes = data.Slice(pos, (int)len);
                    pos += (int)len;
                    list.Add(Describe(number, bytes, depth));
                    break;
                default:
                    return false;
            }
        }
        return true;
    }

    private static RawField Describe(int number, ReadOnlySpan<byte> bytes, int depth)
    {
        if (IsPrintableUtf8(bytes)) return new RawField(number, WireFormat.WireType.LengthDelimited, Encoding.UTF8.GetString(bytes));
        if (depth < MaxDepth && bytes.Length > 0 && TryParse(bytes, depth + 1, out var children))
            return new RawField(number, WireFormat.WireType.LengthDelimited, $"{bytes.Length} bytes", children);
        return new RawField(number, WireFormat.WireType.LengthDelimited, Convert.ToHexStringLower(bytes));
    }

    private static bool IsPrintableUtf8(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return true;
        if (!Utf8.IsValid(bytes)) return false;
        foreach (var c in Encoding.UTF8.GetString(bytes))
            if (char.IsControl(c) && c is not ('\n' or '\r' or '\t')) return false;
        return true;
    }

    /// <summary>
    /// A varint as Google.Protobuf reads one (ParseRawVarint64): at most ten bytes, bits past 63 dropped; false when
    /// it is longer or cut short. The one every wire reader here uses: a one-byte varint is read without a call, and
    /// long ones (volumes, sequence numbers, times in market data) eight bytes at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryVarint(ReadOnlySpan<byte> data, ref int pos, out ulong value)
    {
        if ((uint)pos < (uint)data.Length && data[pos] < 0x80)
        {
            value = data[pos++];
            return true;
        }
        return TryLongVarint(data, ref pos, out value);
    }

    /// <summary><see cref="TryVarint"/> without the value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TrySkipVarint(ReadOnlySpan<byte> data, ref int pos)
    {
        if ((uint)pos < (uint)data.Length && data[pos] < 0x80)
        {
            pos++;
            return true;
        }
        if (data.Length - pos >= 8 && StopByte(data, pos) is var stop and > 0)
        {
            pos += stop;
            return true;
        }
        return TryLongVarint(data, ref pos, out _);
    }

    /// <summary>
    /// <see cref="TryVarint"/> of a varint that must end by <paramref name="end"/> (a nested message's end) while the
    /// bytes after it, up to the span's end, may be looked at: a nested message's last varints are then read eight
    /// bytes at a time too, instead of byte by byte (an order book level's volume starts 5 or 6 bytes from its end).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryVarint(ReadOnlySpan<byte> data, ref int pos, int end, out ulong value)
    {
        if ((uint)pos < (uint)end && data.Length - pos >= 8 && StopByte(data, pos) is var length and > 0)
        {
            // The first byte without the continuation bit is past the end: the bytes up to the end all have it.
            if (length > end - pos)
            {
                value = 0;
                return false;
            }
            value = Pack(data, pos, length);
            pos += length;
            return true;
        }
        // Through a copy: the caller's position, passed on by ref to a call that is not inlined, would be kept in memory.
        var at = pos;
        var ok = TryLongVarint(data[..end], ref at, out value);
        pos = at;
        return ok;
    }

    /// <summary><see cref="TryVarint(ReadOnlySpan{byte}, ref int, int, out ulong)"/> without the value.</summary>
    // Not that method with the value discarded: measured so, the body check was slower (stats, one thread, 2.265 against
    // 2.355 s in 10 interleaved pairs).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TrySkipVarint(ReadOnlySpan<byte> data, ref int pos, int end)
    {
        if ((uint)pos < (uint)end && data.Length - pos >= 8 && StopByte(data, pos) is var length and > 0)
        {
            if (length > end - pos) return false;
            pos += length;
            return true;
        }
        var at = pos;
        var ok = TryLongVarint(data[..end], ref at, out _);
        pos = at;
        return ok;
    }

    private static bool TryLongVarint(ReadOnlySpan<byte> data, ref int pos, out ulong value)
    {
        if (data.Length - pos >= 8 && StopByte(data, pos) is var length and > 0)
        {
            value = Pack(data, pos, length);
            pos += length;
            return true;
        }
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length) return false;
            var b = data[pos++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return true;
        }
        return false;
    }

    /// <summary>
    /// Whether the <paramref name="length"/> bytes at <paramref name="pos"/> are valid UTF-8, as a string field must be.
    /// Most strings in market data are short ASCII (codes, times): those are told by two loads (the second overlapping
    /// the first) without a call; the rest, or any with a byte of 0x80 and up, go to <see cref="Utf8.IsValid"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsValidUtf8(ReadOnlySpan<byte> data, int pos, int length)
    {
        const ulong High = 0x8080808080808080UL;
        if (length <= 8)
        {
            if (length == 0) return true;
            if (data.Length - pos >= 8)
            {
                var word = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(pos, 8));
                var mask = length == 8 ? ulong.MaxValue : (1UL << (8 * length)) - 1;
                if ((word & mask & High) == 0) return true;
            }
        }
        else if (length <= 16)
        {
            var word = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(pos, 8)) | BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(pos + length - 8, 8));
            if ((word & High) == 0) return true;
        }
        else if (length <= 32)
        {
            var v = Vector128.Create(data.Slice(pos, 16)) | Vector128.Create(data.Slice(pos + length - 16, 16));
            if (v.ExtractMostSignificantBits() == 0) return true;
        }
        return Utf8.IsValid(data.Slice(pos, length));
    }

    /// <summary>The 7-bit groups of the <paramref name="length"/> (1 to 8) bytes at <paramref name="pos"/>, packed together by halves.</summary>
    private static ulong Pack(ReadOnlySpan<byte> data, int pos, int length)
    {
        var word = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(pos, 8));
        var x = length == 8 ? word : word & ((1UL << (8 * length)) - 1);
        x = ((x & 0x7f007f007f007f00UL) >> 1) | (x & 0x007f007f007f007fUL);
        x = ((x & 0x3fff00003fff0000UL) >> 2) | (x & 0x00003fff00003fffUL);
        return ((x & 0x0fffffff00000000UL) >> 4) | (x & 0x000000000fffffffUL);
    }

    /// <summary>The length of the varint at <paramref name="pos"/> when it ends within the next eight bytes (which must be there), else 0.</summary>
    private static int StopByte(ReadOnlySpan<byte> data, int pos)
    {
        var stops = ~BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(pos, 8)) & 0x8080808080808080UL;
        return stops == 0 ? 0 : (BitOperations.TrailingZeroCount(stops) >> 3) + 1;
    }

    /// <summary>One line per field, indented by nesting, for the timeline's verbose view.</summary>
    public static void Render(IReadOnlyList<RawField> fields, StringBuilder into, int indent = 0)
    {
        foreach (var f in fields)
        {
            into.Append(' ', indent * 2).Append('#').Append(f.Number).Append(' ').Append(WireName(f.WireType)).Append(": ").Append(f.Value).Append('\n');
            if (f.Children is { } c) Render(c, into, indent + 1);
        }
    }

    private static string WireName(WireFormat.WireType w) => w switch
    {
        WireFormat.WireType.Varint => "varint",
        WireFormat.WireType.Fixed64 => "fixed64",
        WireFormat.WireType.Fixed32 => "fixed32",
        WireFormat.WireType.LengthDelimited => "bytes",
        _ => w.ToString(),
    };
}
