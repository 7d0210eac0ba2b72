using OpenDump.Crypto;
using OpenDump.Diagnostics;
using OpenDump.Framing;
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
    /// <summary>The AES keys of this connection (from its handshake or a key log); only `opendump keys` writes them out.</summary>
    public KeyLogEntry? Keys { get; init; }
    public required bool KeysKnown { get; init; }
    public long FirstTimestampMicros { get; init; }
    public long LastTimestampMicros { get; init; }
    public long Frames { get; init; }
    public StreamAccounting ClientToServer { get; init; }
    public StreamAccounting ServerToClient { get; init; }
    public long GapBytes => ClientToServer.GapBytes + ServerToClient.GapBytes;
    public long UnparsedBytes => ClientToServer.GarbageBytes + ServerToClient.GarbageBytes + ClientToServer.LostFrameBytes + ServerToClient.LostFrameBytes;
    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];
    public Transport Transport => Connection.Transport;
    /// <summary>WebSocket connections only: the upgrade, the login and how the connection ended.</summary>
    public WebSocketSummary? WebSocket { get; init; }
}

public sealed record WebSocketSummary
{
    public string? Path { get; init; }
    public string? ExtensionsOffered { get; init; }
    public string? ExtensionsAccepted { get; init; }
    /// <summary>The HTTP status of the upgrade response (101 when accepted), null when not captured.</summary>
    public int? UpgradeStatus { get; init; }
    /// <summary>websocketKey of the login: the MD5 of the user's key, never the key.</summary>
    public string? LoginKeyMd5 { get; init; }
    public bool? LoginSucceeded { get; init; }
    public bool Tls { get; init; }
    public int Pings { get; init; }
    public int Pongs { get; init; }
    public ushort? CloseCode { get; init; }
    public string? CloseReason { get; init; }
    public bool OpenDDisconnected { get; init; }
}
