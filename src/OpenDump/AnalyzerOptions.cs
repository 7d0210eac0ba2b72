using OpenDump.Crypto;
using OpenDump.Reassembly;

namespace OpenDump;

public sealed record AnalyzerOptions
{
    public ReassemblyOptions Reassembly { get; init; } = new();

    /// <summary>A larger bodyLen is taken as lost sync rather than waited for.</summary>
    public uint MaxBodyLen { get; init; } = 64 * 1024 * 1024;

    public RsaPrivateKey? RsaKey { get; init; }

    /// <summary>AES keys from a key log or the command line, for connections whose handshake is not in the capture.</summary>
    public IReadOnlyList<KeyLogEntry> SuppliedKeys { get; init; } = [];
}
