using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace OpenDump.Testing;

/// <summary>
/// How a frame's payload length is written. RFC 6455 §5.2 asks for the shortest form, but a receiver
/// has to read the longer ones too, so tests can force them on payloads that would fit in fewer bytes.
/// </summary>
public enum WsLengthForm
{
    Shortest,
    /// <summary>126 and a 16-bit length, even for a payload of 125 bytes or less.</summary>
    Force16,
    /// <summary>127 and a 64-bit length, even for a payload that fits in 16 bits.</summary>
    Force64,
}

/// <summary>
/// Writes WebSocket frames (RFC 6455 §5) and the JavaScript SDK's messages (PROTOCOL.md §6) byte by byte,
/// without the library's parsing code, so that a shared misunderstanding cannot hide in both.
/// <code>
/// client -> server                      server -> client
/// offset size field                     offset size field
///  0      8   sign "ft-v1.0\0"           0      8   sign "ft-v1.0\0"
///  8      4   cmd       u32 BE           8      4   cmd       u32 BE
/// 12      8   section   u64 BE          12      8   section   u64 BE
/// 20      -   protobuf Request          20      4   error     i32 BE
///                                       24     20   errmsg    UTF-8, zero padded
///                                       44      -   protobuf Response
/// </code>
/// There is no length field: the WebSocket message is the boundary, and there is no SHA-1 either.
/// </summary>
public static class WsFrames
{
    public const int DefaultPort = 33333;

    public const byte OpContinuation = 0x0;
    public const byte OpText = 0x1;
    public const byte OpBinary = 0x2;
    public const byte OpClose = 0x8;
    public const byte OpPing = 0x9;
    public const byte OpPong = 0xA;

    public const int ClientHeaderLength = 20;
    public const int ServerHeaderLength = 44;
    public const int ErrmsgLength = 20;

    /// <summary>The SDK's own commands below OpenD's protoIDs: the login and OpenD's disconnect notice.</summary>
    public const uint CmdInitWebSocket = 1;
    public const uint CmdOpenDDisconnected = 2;

    /// <summary>RFC 6455 §1.3: the server proves it read the key by hashing it with this GUID.</summary>
    public const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>The largest length the 7-bit field holds; 126 and 127 announce the longer forms.</summary>
    private const int MaxShortLength = 125;

    private const int CmdOffset = 8;
    private const int SectionOffset = 12;
    private const int ErrorOffset = 20;
    private const int ErrmsgOffset = 24;

    /// <summary>"ft-v1.0" padded with a zero byte to 8, as base.js packBuff writes it.</summary>
    public static ReadOnlySpan<byte> Sign => "ft-v1.0\0"u8;

    /// <summary>
    /// One frame. A mask key makes it a masked frame (what every client frame must be); the payload is
    /// copied, never masked in place. Nothing is checked against the opcode, so control frames that are
    /// fragmented or too long, or reserved opcodes, can be written for negative tests.
    /// </summary>
    public static byte[] Frame(byte opcode, ReadOnlySpan<byte> payload, bool fin = true, bool rsv1 = false,
        byte[]? maskKey = null, WsLengthForm form = WsLengthForm.Shortest)
    {
        if (opcode > 0xF) throw new ArgumentOutOfRangeException(nameof(opcode), "an opcode is 4 bits");
        if (maskKey is not null && maskKey.Length != 4) throw new ArgumentException("a mask key is 4 bytes", nameof(maskKey));
        if (form == WsLengthForm.Force16 && payload.Length > ushort.MaxValue)
            throw new ArgumentException($"{payload.Length} bytes do not fit a 16-bit length", nameof(form));

        var lengthForm = form switch
        {
            WsLengthForm.Shortest when payload.Length <= MaxShortLength => 0,
            WsLengthForm.Shortest when payload.Length <= ushort.MaxValue => 2,
            WsLengthForm.Shortest => 8,
            WsLengthForm.Force16 => 2,
            WsLengthForm.Force64 => 8,
            _ => throw new ArgumentOutOfRangeException(nameof(form)),
        };
        var headerLength = 2 + lengthForm + (maskKey is null ? 0 : 4);
        var frame = new byte[headerLength + payload.Length];

        frame[0] = (byte)((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
        frame[1] = (byte)(maskKey is null ? 0 : 0x80);
        switch (lengthForm)
        {
            case 0:
                frame[1] |= (byte)payload.Length;
                break;
            case 2:
                frame[1] |= 126;
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
                break;
            default:
                frame[1] |= 127;
                BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length);
                break;
        }

        var body = frame.AsSpan(headerLength);
        payload.CopyTo(body);
        if (maskKey is not null)
        {
            maskKey.CopyTo(frame, 2 + lengthForm);
            for (var i = 0; i < body.Length; i++) body[i] ^= maskKey[i & 3];
        }
        return frame;
    }

    /// <summary>
    /// RFC 6455 §5.5.1: a close body is either empty or a big-endian status code and a UTF-8 reason.
    /// A reason without a code cannot be written, so asking for one is a mistake in the test.
    /// </summary>
    public static byte[] ClosePayload(ushort? code, string reason = "")
    {
        if (code is null)
            return reason.Length == 0 ? [] : throw new ArgumentException("a close reason needs a status code", nameof(reason));
        var payload = new byte[2 + Encoding.UTF8.GetByteCount(reason)];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code.Value);
        Encoding.UTF8.GetBytes(reason, payload.AsSpan(2));
        return payload;
    }

    /// <summary>Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64 of SHA-1 over the key and <see cref="AcceptGuid"/>.</summary>
    public static string AcceptKey(string secWebSocketKey) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(secWebSocketKey + AcceptGuid)));

    /// <summary>What the SDK puts in one binary message to OpenD: the 20-byte header and the protobuf Request.</summary>
    public static byte[] ClientMessage(uint cmd, ulong section, ReadOnlySpan<byte> body)
    {
        var message = new byte[ClientHeaderLength + body.Length];
        WriteCommon(message, cmd, section);
        body.CopyTo(message.AsSpan(ClientHeaderLength));
        return message;
    }

    /// <summary>
    /// What OpenD sends back: the 44-byte header and the protobuf Response, which may be empty when the
    /// header's error says it all. errmsg is cut to 20 bytes, possibly mid-character, because the field is
    /// fixed-size and need not end with a zero; the SDK only strips the zero padding.
    /// </summary>
    public static byte[] ServerMessage(uint cmd, ulong section, int error, string errmsg, ReadOnlySpan<byte> body)
    {
        var message = new byte[ServerHeaderLength + body.Length];
        WriteCommon(message, cmd, section);
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(ErrorOffset), error);
        var text = Encoding.UTF8.GetBytes(errmsg);
        text.AsSpan(0, Math.Min(text.Length, ErrmsgLength)).CopyTo(message.AsSpan(ErrmsgOffset));
        body.CopyTo(message.AsSpan(ServerHeaderLength));
        return message;
    }

    private static void WriteCommon(Span<byte> destination, uint cmd, ulong section)
    {
        Sign.CopyTo(destination);
        BinaryPrimitives.WriteUInt32BigEndian(destination[CmdOffset..], cmd);
        BinaryPrimitives.WriteUInt64BigEndian(destination[SectionOffset..], section);
    }
}
