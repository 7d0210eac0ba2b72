using System.Buffers.Binary;

namespace OpenDump.WebSocket;

public enum WebSocketOpcode : byte
{
    Continuation = 0,
    Text = 1,
    Binary = 2,
    Close = 8,
    Ping = 9,
    Pong = 10,
}

public static class WebSocketOpcodeNames
{
    public static string Name(this WebSocketOpcode op) => op switch
    {
        WebSocketOpcode.Continuation => "continuation",
        WebSocketOpcode.Text => "text",
        WebSocketOpcode.Binary => "binary",
        WebSocketOpcode.Close => "close",
        WebSocketOpcode.Ping => "ping",
        WebSocketOpcode.Pong => "pong",
        _ => $"opcode {(byte)op}",
    };

    public static bool IsControl(this WebSocketOpcode op) => ((byte)op & 0x8) != 0;
}

/// <summary>
/// The header of one WebSocket frame (RFC 6455 §5.2): 2 bytes, then a 16- or 64-bit big-endian
/// length when the 7-bit one says 126 or 127, then the 4-byte mask key of a masked frame.
/// </summary>
public readonly struct WebSocketFrameHeader
{
    public const int MaxSize = 14;
    public const int MaxControlPayload = 125;

    public bool Fin { get; }
    /// <summary>RSV1: set on the first frame of a permessage-deflate compressed message.</summary>
    public bool Rsv1 { get; }
    public byte Rsv23 { get; }
    public WebSocketOpcode Opcode { get; }
    public bool Masked { get; }
    public uint MaskKey { get; }
    public long PayloadLength { get; }
    public int Size { get; }

    private WebSocketFrameHeader(byte b0, bool masked, uint maskKey, long payloadLength, int size)
    {
        Fin = (b0 & 0x80) != 0;
        Rsv1 = (b0 & 0x40) != 0;
        Rsv23 = (byte)((b0 >> 4) & 0x3);
        Opcode = (WebSocketOpcode)(b0 & 0x0f);
        Masked = masked;
        MaskKey = maskKey;
        PayloadLength = payloadLength;
        Size = size;
    }

    public long FrameLength => Size + PayloadLength;

    /// <summary>
    /// Reads a header; false with a null problem when more bytes are needed. A problem is returned only
    /// when the frame cannot even be delimited (a 64-bit length with its top bit set).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out WebSocketFrameHeader header, out string? problem)
    {
        header = default;
        problem = null;
        if (data.Length < 2) return false;
        var masked = (data[1] & 0x80) != 0;
        var len7 = data[1] & 0x7f;
        var size = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
        if (data.Length < size) return false;
        long length = len7;
        var at = 2;
        if (len7 == 126)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
            at = 4;
        }
        else if (len7 == 127)
        {
            var big = BinaryPrimitives.ReadUInt64BigEndian(data[2..]);
            if (big > long.MaxValue)
            {
                problem = "64-bit payload length has its most significant bit set";
                return false;
            }
            length = (long)big;
            at = 10;
        }
        var key = masked ? BinaryPrimitives.ReadUInt32BigEndian(data[at..]) : 0;
        header = new WebSocketFrameHeader(data[0], masked, key, length, size);
        return true;
    }

    /// <summary>
    /// What RFC 6455 forbids in this frame, or null. Such a frame can still be delimited, so the reader
    /// reports it and goes on with the next one.
    /// </summary>
    public string? Violation()
    {
        if (Rsv23 != 0) return $"reserved bits RSV2/RSV3 set (0x{Rsv23 << 4:x2})";
        if (Opcode is not (WebSocketOpcode.Continuation or WebSocketOpcode.Text or WebSocketOpcode.Binary or WebSocketOpcode.Close or WebSocketOpcode.Ping or WebSocketOpcode.Pong))
            return $"reserved opcode {(byte)Opcode}";
        if (Opcode.IsControl() && !Fin) return $"fragmented {Opcode.Name()} frame (control frames cannot be fragmented)";
        if (Opcode.IsControl() && PayloadLength > MaxControlPayload) return $"{Opcode.Name()} frame with {PayloadLength} payload bytes (at most 125)";
        if (Opcode.IsControl() && Rsv1) return $"{Opcode.Name()} frame with RSV1 set";
        if (Opcode == WebSocketOpcode.Continuation && Rsv1) return "continuation frame with RSV1 set (only a message's first frame carries it)";
        return null;
    }

    /// <summary>XORs <paramref name="payload"/> in place with the mask key, starting <paramref name="offset"/> bytes into the payload.</summary>
    public static void Unmask(Span<byte> payload, uint maskKey, long offset)
    {
        Span<byte> key = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(key, maskKey);
        var shift = (int)(offset & 3);
        if (shift != 0) key = [key[shift], key[(shift + 1) & 3], key[(shift + 2) & 3], key[(shift + 3) & 3]];
        var i = 0;
        if (payload.Length >= 8 && BitConverter.IsLittleEndian)
        {
            var wide = BinaryPrimitives.ReadUInt32LittleEndian(key);
            var word = ((ulong)wide << 32) | wide;
            var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(payload[..(payload.Length & ~7)]);
            for (var w = 0; w < words.Length; w++) words[w] ^= word;
            i = words.Length * 8;
        }
        for (; i < payload.Length; i++) payload[i] ^= key[i & 3];
    }
}
