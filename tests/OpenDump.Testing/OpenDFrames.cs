using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OpenDump.Testing;

/// <summary>
/// Writes OpenD TCP frames byte by byte from PROTOCOL.md §1, without the library's header code,
/// so that a shared misunderstanding cannot hide in both.
/// <code>
/// offset size field
///  0      2   magic "FT"
///  2      4   protoID       u32 LE
///  6      1   protoFmtType  u8 (0 protobuf, 1 JSON)
///  7      1   protoVer      u8
///  8      4   serialNo      u32 LE
/// 12      4   bodyLen       u32 LE, bytes on the wire
/// 16     20   SHA-1 of the plaintext body
/// 36      8   reserved, zero
/// 44      -   body
/// </code>
/// </summary>
public static class OpenDFrames
{
    public const int HeaderLength = 44;
    public const byte FormatProtobuf = 0;
    public const byte FormatJson = 1;

    private const int MagicOffset = 0;
    private const int ProtoIdOffset = 2;
    private const int ProtoFmtOffset = 6;
    private const int ProtoVerOffset = 7;
    private const int SerialNoOffset = 8;
    private const int BodyLenOffset = 12;
    private const int Sha1Offset = 16;
    private const int ReservedOffset = 36;

    /// <summary>A frame whose wire body differs from its plaintext (encrypted); the header hashes the plaintext.</summary>
    public static byte[] Frame(uint protoId, uint serialNo, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> wireBody,
        byte protoFmt = FormatProtobuf, byte protoVer = 0)
    {
        var frame = new byte[HeaderLength + wireBody.Length];
        WriteHeader(frame, protoId, serialNo, (uint)wireBody.Length, SHA1.HashData(plaintext), protoFmt, protoVer);
        wireBody.CopyTo(frame.AsSpan(HeaderLength));
        return frame;
    }

    /// <summary>A frame sent in the clear: the wire body is the plaintext.</summary>
    public static byte[] Frame(uint protoId, uint serialNo, ReadOnlySpan<byte> body, byte protoFmt = FormatProtobuf, byte protoVer = 0) =>
        Frame(protoId, serialNo, body, body, protoFmt, protoVer);

    /// <summary>
    /// Just the 44 header bytes with every field chosen by the caller, for hand-made broken frames
    /// (a wrong SHA-1, a bodyLen that lies, a header with no body yet).
    /// </summary>
    public static byte[] Header(uint protoId, uint serialNo, uint bodyLength, ReadOnlySpan<byte> sha1,
        byte protoFmt = FormatProtobuf, byte protoVer = 0)
    {
        if (sha1.Length != 20) throw new ArgumentException("SHA-1 is 20 bytes", nameof(sha1));
        var header = new byte[HeaderLength];
        WriteHeader(header, protoId, serialNo, bodyLength, sha1, protoFmt, protoVer);
        return header;
    }

    private static void WriteHeader(Span<byte> destination, uint protoId, uint serialNo, uint bodyLength,
        ReadOnlySpan<byte> sha1, byte protoFmt, byte protoVer)
    {
        destination[MagicOffset] = (byte)'F';
        destination[MagicOffset + 1] = (byte)'T';
        BinaryPrimitives.WriteUInt32LittleEndian(destination[ProtoIdOffset..], protoId);
        destination[ProtoFmtOffset] = protoFmt;
        destination[ProtoVerOffset] = protoVer;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[SerialNoOffset..], serialNo);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[BodyLenOffset..], bodyLength);
        sha1.CopyTo(destination[Sha1Offset..]);
        destination.Slice(ReservedOffset, 8).Clear();
    }
}
