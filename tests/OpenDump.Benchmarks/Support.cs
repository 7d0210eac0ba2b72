using OpenDump.Diagnostics;
using OpenDump.Framing;
using OpenDump.Reassembly;
using OpenDump.Session;

namespace OpenDump.Benchmarks;

/// <summary>Counts frames and anything that went wrong; a benchmark whose frames do not all decode measures the wrong path.</summary>
public sealed class CountingSink : IAnalysisSink
{
    public long Frames;
    public long Problems;
    public string? FirstProblem;

    public void OnFrame(OpenDFrame frame)
    {
        Frames++;
        if (frame.Sha1Ok != true || frame.Message is null || frame.Diagnostics.Count > 0) Problem($"frame {frame.Number} ({frame.ProtoName}): sha1Ok={frame.Sha1Ok} decoded={frame.Message is not null} {string.Join("; ", frame.Diagnostics.Select(d => d.Message))}");
    }

    public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros) => Problem($"conn {connection.Number}: {diagnostic.Code}: {diagnostic.Message}");
    public void OnCaptureDiagnostic(Diagnostic diagnostic) => Problem($"{diagnostic.Code}: {diagnostic.Message}");
    public void OnComplete(IReadOnlyList<ConnectionSummary> connections) { }

    private void Problem(string text)
    {
        Problems++;
        FirstProblem ??= text;
    }

    /// <summary>Throws unless exactly <paramref name="expectedFrames"/> clean frames came out.</summary>
    public void Check(long expectedFrames, string what)
    {
        if (Frames != expectedFrames || Problems != 0)
            throw new InvalidOperationException($"{what}: {Frames} frames (expected {expectedFrames}), {Problems} problems; first: {FirstProblem}");
    }
}

/// <summary>Keeps every frame, for benchmarks that need decoded OpenDFrame records.</summary>
public sealed class CollectingSink : IAnalysisSink
{
    public List<OpenDFrame> Frames { get; } = [];
    public List<Diagnostic> Diagnostics { get; } = [];
    public void OnFrame(OpenDFrame frame) => Frames.Add(frame);
    public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros) => Diagnostics.Add(diagnostic);
    public void OnCaptureDiagnostic(Diagnostic diagnostic) => Diagnostics.Add(diagnostic);
    public void OnComplete(IReadOnlyList<ConnectionSummary> connections) { }
}

/// <summary>Takes the reassembled bytes and does nothing with them but count, so only reassembly is measured.</summary>
public sealed class NullStreamHandler : IStreamHandler
{
    public long Bytes;
    public int Connections;
    public void OnConnectionOpened(TcpConnection connection) => Connections++;
    public void OnData(TcpConnection connection, FlowDirection direction, ReadOnlySpan<byte> data, long timestampMicros, long packetNumber) => Bytes += data.Length;
    public void OnGap(TcpConnection connection, FlowDirection direction, long missingBytes, GapReason reason, long timestampMicros, long packetNumber) =>
        throw new InvalidOperationException($"unexpected gap of {missingBytes} bytes on {connection}");
    public void OnLimitReached(string message) => throw new InvalidOperationException(message);
    public void OnDirectionClosed(TcpConnection connection, FlowDirection direction, string reason, long timestampMicros, long packetNumber) { }
}

/// <summary>Accepts every frame and does nothing with it, so only framing is measured.</summary>
public sealed class NullFrameHandler : IFrameHandler
{
    public long Frames;
    public long BodyBytes;
    public bool OnFrame(in FrameHeader header, ReadOnlySpan<byte> body, in StreamPosition position)
    {
        Frames++;
        BodyBytes += body.Length;
        return true;
    }
    public bool IsExpected(in FrameHeader header) => true;
    public void OnGarbage(ReadOnlySpan<byte> sample, long length, HeaderProblem firstProblem, bool frameFollows, in StreamPosition position) =>
        throw new InvalidOperationException($"unexpected garbage: {length} bytes, {firstProblem}");
    public void OnTruncatedFrame(FrameHeader? header, int bytesSeen, string reason, in StreamPosition position) =>
        throw new InvalidOperationException($"unexpected truncated frame: {reason}");
}
