using OpenDump.Diagnostics;
using OpenDump.Reassembly;
using OpenDump.Session;

namespace OpenDump.Cli;

/// <summary>Counts error-severity diagnostics to choose the exit code.</summary>
internal sealed class ProblemCounter : IAnalysisSink
{
    public int Errors { get; private set; }
    public List<string> Messages { get; } = [];

    public void OnFrame(OpenDFrame frame)
    {
        foreach (var d in frame.DiagnosticSpan) if (d.Severity == Severity.Error) Errors++;
    }

    public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros)
    {
        if (diagnostic.Severity == Severity.Error) Errors++;
        Messages.Add($"conn {connection.Number} ({connection.Client}-{connection.Server}): {diagnostic.Code}: {diagnostic.Message}");
    }

    public void OnCaptureDiagnostic(Diagnostic diagnostic)
    {
        if (diagnostic.Severity == Severity.Error) Errors++;
        Messages.Add($"{diagnostic.Code}: {diagnostic.Message}");
    }

    public void OnComplete(IReadOnlyList<ConnectionSummary> connections) { }
}

/// <summary>When data goes to a file or is JSON, messages still reach the user on stderr.</summary>
internal sealed class StderrDiagnostics(TextWriter stderr) : IAnalysisSink
{
    public void OnFrame(OpenDFrame frame) { }
    public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic d, long timestampMicros) =>
        stderr.WriteLine($"opendump: {d.Severity.ToString().ToLowerInvariant()}: conn {connection.Number} ({connection.Client}-{connection.Server}): {d.Code}: {d.Message}");
    public void OnCaptureDiagnostic(Diagnostic d) => stderr.WriteLine($"opendump: {d.Severity.ToString().ToLowerInvariant()}: {d.Code}: {d.Message}");
    public void OnComplete(IReadOnlyList<ConnectionSummary> connections) { }
    public void Replay(ProblemCounter counter)
    {
        foreach (var m in counter.Messages) stderr.WriteLine($"opendump: {m}");
    }
}
