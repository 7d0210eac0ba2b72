using Google.Protobuf;
using OpenDump.Crypto;
using OpenDump.Decoding;
using OpenDump.Diagnostics;
using OpenDump.Framing;
using OpenDump.Reassembly;

namespace OpenDump.Session;

public enum FrameKind
{
    Request,
    Response,
    Push,
}

/// <summary>
/// One OpenD frame, fully analysed: header, how it was carried, what it says, and what went wrong.
/// This is what every output renders.
/// </summary>
public sealed record OpenDFrame
{
    public required long Number { get; init; }
    public required long TimestampMicros { get; init; }
    public required long PacketNumber { get; init; }
    public required TcpConnection Connection { get; init; }
    public required string? ConnId { get; init; }
    public required FlowDirection Direction { get; init; }
    public required FrameHeader Header { get; init; }
    public required ProtoInfo? Proto { get; init; }
    public required FrameKind Kind { get; init; }
    public required EncryptionKind Encryption { get; init; }
    public required bool Decrypted { get; init; }
    /// <summary>Null when the body could not be decrypted, so there was nothing to hash.</summary>
    public required bool? Sha1Ok { get; init; }
    /// <summary>For a response: the frame number of its request and the time between them.</summary>
    public long? RequestFrame { get; init; }
    public long? LatencyMicros { get; init; }
    public int? RetType { get; init; }
    public string? RetMsg { get; init; }
    public int? ErrCode { get; init; }
    public IMessage? Message { get; init; }
    /// <summary>The body bytes kept when <see cref="Message"/> is null: plaintext when decrypted, else as on the wire.</summary>
    public byte[]? RawBody { get; init; }
    public IReadOnlyList<RawField>? RawFields { get; init; }
    public required IReadOnlyList<Diagnostic> Diagnostics { get; init; }

    public uint ProtoId => Header.ProtoId;
    public uint SerialNo => Header.SerialNo;
    public string? ProtoName => Proto?.Name;
}

public static class FrameKindNames
{
    public static string Name(this FrameKind k) => k switch
    {
        FrameKind.Request => "request",
        FrameKind.Response => "response",
        _ => "push",
    };
}
