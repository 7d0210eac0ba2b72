using OpenDump.Crypto;
using OpenDump.Diagnostics;
using OpenDump.Reassembly;

namespace OpenDump.Session;

/// <summary>What the handshake and the traffic told about one connection.</summary>
public sealed record ConnectionSummary
{
    public required TcpConnection Connection { get; init; }
    public string? ConnId { get; init; }
    public string? ClientId { get; init; }
    public int? ClientVer { get; init; }
    public string? ProgrammingLanguage { get; init; }
    public int? PacketEncAlgo { get; init; }
    public int? PushProtoFmt { get; init; }
    public bool? RecvNotify { get; init; }
    public int? ServerVer { get; init; }
    public string? LoginUserId { get; init; }
    public int? KeepAliveInterval { get; init; }
    public required EncryptionKind Encryption { get; init; }
    public required bool KeysKnown { get; init; }
    public long FirstTimestampMicros { get; init; }
    public long LastTimestampMicros { get; init; }
    public long Frames { get; init; }
    public long FrameBytesC2S { get; init; }
    public long FrameBytesS2C { get; init; }
    public long GapBytes { get; init; }
    public long GarbageBytes { get; init; }
    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];
}
