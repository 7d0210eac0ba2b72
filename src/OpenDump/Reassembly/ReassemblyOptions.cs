namespace OpenDump.Reassembly;

public sealed record ReassemblyOptions
{
    /// <summary>Ports OpenD listens on; a connection to one of them is OpenD whatever it carries.</summary>
    public IReadOnlySet<ushort> ServerPorts { get; init; } = new HashSet<ushort> { 11111 };

    /// <summary>Ports of OpenD's WebSocket API (the JavaScript SDK); connections to them are read as WebSocket.</summary>
    public IReadOnlySet<ushort> WebSocketPorts { get; init; } = new HashSet<ushort> { 33333 };

    /// <summary>Also follow connections on other ports whose first bytes are an OpenD header or a WebSocket upgrade.</summary>
    public bool DetectByContent { get; init; } = true;

    /// <summary>Out-of-order bytes held per connection before the missing bytes are declared lost.</summary>
    public long MaxOutOfOrderBytesPerConnection { get; init; } = 16L * 1024 * 1024;

    /// <summary>Out-of-order bytes held across all connections; past it, the connection holding most gives up its hole.</summary>
    public long MaxOutOfOrderBytesTotal { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// TCP connections tracked at once (OpenD or not). Past it, the least recently active ones are
    /// closed and forgotten (ended ones and non-OpenD ones first), so memory stays flat.
    /// </summary>
    public int MaxConnections { get; init; } = 65_536;
}
