using OpenDump.Link;

namespace OpenDump.Reassembly;

public enum FlowDirection
{
    ClientToServer,
    ServerToClient,
}

public static class FlowDirectionNames
{
    public static string Name(this FlowDirection d) => d == FlowDirection.ClientToServer ? "c2s" : "s2c";
}

/// <summary>How an SDK talks to OpenD: its own framing over TCP, or the JavaScript SDK's over WebSocket.</summary>
public enum Transport
{
    Tcp,
    WebSocket,
}

public static class TransportNames
{
    public static string Name(this Transport t) => t == Transport.Tcp ? "tcp" : "ws";
}

/// <summary>One TCP connection that carries OpenD traffic, numbered from 1 in order of first sight.</summary>
public sealed record TcpConnection(int Number, Endpoint Client, Endpoint Server, long FirstTimestampMicros, bool HandshakeSeen, Transport Transport = Transport.Tcp)
{
    // Every frame's JSON names both ends; formatting an address per frame would be most of writing them.
    private string? _clientText, _serverText;

    public string ClientText => _clientText ??= Client.ToString();
    public string ServerText => _serverText ??= Server.ToString();

    // Equality is the connection's identity; the cached texts above are not part of it.
    public bool Equals(TcpConnection? other) =>
        other is not null && Number == other.Number && Client == other.Client && Server == other.Server
        && FirstTimestampMicros == other.FirstTimestampMicros && HandshakeSeen == other.HandshakeSeen && Transport == other.Transport;

    public override int GetHashCode() => HashCode.Combine(Number, Client, Server, FirstTimestampMicros, HandshakeSeen, Transport);

    public override string ToString() => $"#{Number} {Client}-{Server}";
}
