using System.Buffers.Binary;

namespace OpenDump.Framing;

/// <summary>
/// The 44-byte header in front of every OpenD TCP frame. All integers little-endian.
/// <code>
///  0      2      6   7   8          12         16                         36           44
///  +------+------+---+---+----------+----------+--------------------------+------------+
///  | "FT" |protoID|fmt|ver| serialNo | bodyLen  | SHA-1 of plaintext body  |  reserved  |
///  +------+------+---+---+----------+----------+--------------------------+------------+
///    u8x2   u32   u8  u8    u32        u32              20 bytes              8 bytes
/// </code>
/// bodyLen counts the body as it is on the wire (ciphertext when encrypted); the SHA-1 is taken
/// before encryption, which is what lets the analyzer prove a decryption right.
/// </summary>
public readonly struct FrameHeader
{
    public const int Size = 44;
    public const int MagicOffset = 0;
    public const int ProtoIdOffset = 2;
    public const int ProtoFmtOffset = 6;
    public const int ProtoVerOffset = 7;
    public const int SerialNoOffset = 8;
    public const int BodyLenOffset = 12;
    public const int Sha1Offset = 16;
    public const int Sha1Size = 20;
    public const int ReservedOffset = 36;
    public const byte Magic0 = (byte)'F';
    public const byte Magic1 = (byte)'T';

    public const byte FormatProtobuf = 0;
    public const byte FormatJson = 1;

    public uint ProtoId { get; }
    public byte ProtoFmt { get; }
    public byte ProtoVer { get; }
    public uint SerialNo { get; }
    public uint BodyLen { get; }
    // The SHA-1 is kept as three integers so the header stays a plain value with no array behind it.
    private readonly ulong _sha1a;
    private readonly ulong _sha1b;
    private readonly uint _sha1c;

    public FrameHeader(uint protoId, byte protoFmt, byte protoVer, uint serialNo, uint bodyLen, ReadOnlySpan<byte> bodySha1)
    {
        ProtoId = protoId;
        ProtoFmt = protoFmt;
        ProtoVer = protoVer;
        SerialNo = serialNo;
        BodyLen = bodyLen;
        _sha1a = BinaryPrimitives.ReadUInt64LittleEndian(bodySha1);
        _sha1b = BinaryPrimitives.ReadUInt64LittleEndian(bodySha1[8..]);
        _sha1c = BinaryPrimitives.ReadUInt32LittleEndian(bodySha1[16..]);
    }

    /// <summary>A header from fields kept apart (<see cref="Session.OpenDFrame"/> keeps its SHA-1 as <see cref="Sha1Parts"/>).</summary>
    internal FrameHeader(uint protoId, byte protoFmt, byte protoVer, uint serialNo, uint bodyLen, (ulong A, ulong B, uint C) sha1)
    {
        ProtoId = protoId;
        ProtoFmt = protoFmt;
        ProtoVer = protoVer;
        SerialNo = serialNo;
        BodyLen = bodyLen;
        (_sha1a, _sha1b, _sha1c) = sha1;
    }

    internal (ulong A, ulong B, uint C) Sha1Parts => (_sha1a, _sha1b, _sha1c);

    public void CopySha1To(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _sha1a);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _sha1b);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], _sha1c);
    }

    public bool Sha1Equals(ReadOnlySpan<byte> digest) =>
        digest.Length == Sha1Size
        && BinaryPrimitives.ReadUInt64LittleEndian(digest) == _sha1a
        && BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]) == _sha1b
        && BinaryPrimitives.ReadUInt32LittleEndian(digest[16..]) == _sha1c;

    public string Sha1Hex
    {
        get
        {
            Span<byte> b = stackalloc byte[Sha1Size];
            CopySha1To(b);
            return Convert.ToHexStringLower(b);
        }
    }

    /// <summary>Reads the fields without judging them; <see cref="Validate"/> says whether they make sense.</summary>
    public static FrameHeader Read(ReadOnlySpan<byte> header)
    {
        return new FrameHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(header[ProtoIdOffset..]),
            header[ProtoFmtOffset],
            header[ProtoVerOffset],
            BinaryPrimitives.ReadUInt32LittleEndian(header[SerialNoOffset..]),
            BinaryPrimitives.ReadUInt32LittleEndian(header[BodyLenOffset..]),
            header.Slice(Sha1Offset, Sha1Size));
    }

    public static bool HasMagic(ReadOnlySpan<byte> data) =>
        data.Length >= 2 && data[0] == Magic0 && data[1] == Magic1;

    /// <summary>
    /// Checks what can be checked before the body arrives. An absurd bodyLen means the stream is
    /// out of sync (or not OpenD), not that 4 GB are coming.
    /// </summary>
    public static HeaderProblem Validate(ReadOnlySpan<byte> header, uint maxBodyLen)
    {
        if (!HasMagic(header)) return HeaderProblem.BadMagic;
        var fmt = header[ProtoFmtOffset];
        if (fmt != FormatProtobuf && fmt != FormatJson) return HeaderProblem.BadFormat;
        var protoId = BinaryPrimitives.ReadUInt32LittleEndian(header[ProtoIdOffset..]);
        // Every OpenD protoID known so far lies in 1..9999; a value past that is a misaligned read.
        if (protoId == 0 || protoId > MaxPlausibleProtoId) return HeaderProblem.BadProtoId;
        var bodyLen = BinaryPrimitives.ReadUInt32LittleEndian(header[BodyLenOffset..]);
        if (bodyLen > maxBodyLen) return HeaderProblem.BodyTooLarge;
        return HeaderProblem.None;
    }

    public const uint MaxPlausibleProtoId = 99_999;

    /// <summary>
    /// Stricter than <see cref="Validate"/>, for picking a header out of the middle of a stream:
    /// protoVer is 0 and the reserved bytes are zero in every OpenD version so far, which random
    /// bytes that happen to start with "FT" almost never are.
    /// </summary>
    public static bool IsPlausibleResyncPoint(ReadOnlySpan<byte> header, uint maxBodyLen) =>
        Validate(header, maxBodyLen) == HeaderProblem.None
        && header[ProtoVerOffset] == 0
        && !header.Slice(ReservedOffset, 8).ContainsAnyExcept((byte)0);

    public void WriteTo(Span<byte> destination)
    {
        destination[MagicOffset] = Magic0;
        destination[MagicOffset + 1] = Magic1;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[ProtoIdOffset..], ProtoId);
        destination[ProtoFmtOffset] = ProtoFmt;
        destination[ProtoVerOffset] = ProtoVer;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[SerialNoOffset..], SerialNo);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[BodyLenOffset..], BodyLen);
        CopySha1To(destination[Sha1Offset..]);
        destination.Slice(ReservedOffset, 8).Clear();
    }
}

public enum HeaderProblem
{
    None,
    BadMagic,
    BadFormat,
    BadProtoId,
    BodyTooLarge,
    /// <summary>The header looked valid but the body did not match its SHA-1 on a connection whose keys are proven: a false sync.</summary>
    Sha1Rejected,
    /// <summary>A valid-looking header where the protocol allows none of its kind (e.g. before InitConnect).</summary>
    Unexpected,
}
