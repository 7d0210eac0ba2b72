using System.Buffers.Binary;
using System.Text;

namespace OpenDump.Framing;

/// <summary>
/// The JavaScript SDK's header in front of each protobuf body inside one binary WebSocket message
/// (PROTOCOL.md §6). All integers big-endian; no length (the message delimits the body) and no SHA-1.
/// <code>
/// client (20 bytes):  "ft-v1.0\0" | cmd u32 | section u64
/// server (44 bytes):  "ft-v1.0\0" | cmd u32 | section u64 | error i32 | errmsg 20 bytes, zero padded
/// </code>
/// </summary>
public readonly record struct SdkMessageHeader(uint Cmd, ulong Section, int? Error, string? Errmsg)
{
    public const int ClientSize = 20;
    public const int ServerSize = 44;
    public const int ErrmsgSize = 20;
    public const uint LoginCmd = 1;
    public const uint DisconnectedCmd = 2;

    public static ReadOnlySpan<byte> Sign => "ft-v1.0\0"u8;

    public static int SizeFor(bool fromServer) => fromServer ? ServerSize : ClientSize;

    /// <summary>Reads the header of one SDK message; the problem says why the bytes are not one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> message, bool fromServer, out SdkMessageHeader header, out string? problem)
    {
        header = default;
        var size = SizeFor(fromServer);
        if (!message[..Math.Min(message.Length, Sign.Length)].SequenceEqual(Sign[..Math.Min(message.Length, Sign.Length)]))
        {
            problem = "does not start with the SDK sign \"ft-v1.0\"";
            return false;
        }
        if (message.Length < size)
        {
            problem = $"{message.Length} bytes, shorter than the {size}-byte {(fromServer ? "server" : "client")} header";
            return false;
        }
        problem = null;
        var cmd = BinaryPrimitives.ReadUInt32BigEndian(message[8..]);
        var section = BinaryPrimitives.ReadUInt64BigEndian(message[12..]);
        if (!fromServer)
        {
            header = new SdkMessageHeader(cmd, section, null, null);
            return true;
        }
        var error = BinaryPrimitives.ReadInt32BigEndian(message[20..]);
        var errmsg = message.Slice(24, ErrmsgSize);
        var end = errmsg.IndexOf((byte)0);
        header = new SdkMessageHeader(cmd, section, error, Encoding.UTF8.GetString(end < 0 ? errmsg : errmsg[..end]));
        return true;
    }
}
