namespace OpenDump.Reassembly;

public sealed record ReassemblyOptions
{
    /// <summary>Ports OpenD listens on; a connection to one of them is OpenD whatever it carries.</summary>
    public IReadOnlySet<ushort> ServerPorts { get; init; } = new HashSet<ushort> { 11111 };

    /// <summary>Also follow connections on other ports whose first bytes are an OpenD header.</summary>
    public bool DetectByContent { get; init; } = true;

    /// <summary>Out-of-order bytes held per connection before the missing bytes are declared lost.</summary>
    public long MaxOutOfOrderBytesPerConnection { get; init; } = 16L * 1024 * 1024;
}
