using OpenDump.Crypto;
using OpenDump.Reassembly;

namespace OpenDump;

public sealed record AnalyzerOptions
{
    public ReassemblyOptions Reassembly { get; init; } = new();

    /// <summary>A larger bodyLen is taken as lost sync rather than waited for.</summary>
    public uint MaxBodyLen { get; init; } = 64 * 1024 * 1024;

    /// <summary>
    /// Threads in all, counting the caller's: above 1, bodies are decoded (and frames prepared by the
    /// sink) on other threads. The sink hears the same calls in the same order whatever the number.
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>Frames handed to a decoding thread at a time (with <see cref="Threads"/> above 1).</summary>
    internal int BatchFrames { get; init; } = 256;

    /// <summary>
    /// What frames keep of their bodies. Below <see cref="BodyDetail.Message"/> a protobuf body is only checked
    /// against its schema on the wire, which builds no object: result fields, diagnostics and everything else
    /// about the frame are the same, and a body that fails the check is decoded in full as usual.
    /// </summary>
    public BodyDetail Bodies { get; init; } = BodyDetail.Message;

    /// <summary>
    /// With <see cref="BodyDetail.Plaintext"/> or <see cref="BodyDetail.Json"/>: a frame's <see cref="Session.OpenDFrame.Plaintext"/>
    /// is lent, and then null. A frame the sink prepares (PrepareFrame leaves its rendering on the frame) has it during
    /// PrepareFrame only; any other frame until OnFrame returns. The array then holds a later frame's body. For sinks that
    /// render each frame in PrepareFrame, or write it as it comes, and keep none (JSON Lines, the timeline).
    /// </summary>
    public bool LendPlaintext { get; init; }

    public RsaPrivateKey? RsaKey { get; init; }

    /// <summary>AES keys from a key log or the command line, for connections whose handshake is not in the capture.</summary>
    public IReadOnlyList<KeyLogEntry> SuppliedKeys { get; init; } = [];
}

/// <summary>What a frame keeps of its body, for the outputs that will read it.</summary>
public enum BodyDetail
{
    /// <summary>The decoded message (<see cref="Session.OpenDFrame.Message"/>): what the timeline, follow and body filters read.</summary>
    Message,

    /// <summary>The plaintext (<see cref="Session.OpenDFrame.Plaintext"/>), checked on the wire: for outputs that write bodies from their bytes (JSON).</summary>
    Plaintext,

    /// <summary>Only what the wire check finds (result fields, diagnostics): for outputs that count.</summary>
    Verdict,

    /// <summary>
    /// As <see cref="Plaintext"/>, with the body's JSON written in the walk that checks it, and left for the output to take
    /// on the same thread: for an output that writes each frame's JSON as soon as it has the frame (JSON Lines), which so
    /// walks each body once. An output that writes later gets the same bytes, from a second walk.
    /// </summary>
    Json,
}
