using OpenDump.Diagnostics;
using OpenDump.Reassembly;
using OpenDump.Session;

namespace OpenDump.Tests.Support;

/// <summary>Keeps everything the analyzer reports, for assertions.</summary>
public sealed class CollectingSink : IAnalysisSink
{
    public List<OpenDFrame> Frames { get; } = [];
    public List<(TcpConnection Connection, Diagnostic Diagnostic)> ConnectionDiagnostics { get; } = [];
    public List<Diagnostic> CaptureDiagnostics { get; } = [];
    public List<(TcpConnection Connection, ConnectionEvent Event)> ConnectionEvents { get; } = [];
    public IReadOnlyList<ConnectionSummary> Connections { get; private set; } = [];

    public void OnFrame(OpenDFrame frame) => Frames.Add(frame);
    public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros) => ConnectionDiagnostics.Add((connection, diagnostic));
    public void OnCaptureDiagnostic(Diagnostic diagnostic) => CaptureDiagnostics.Add(diagnostic);
    public void OnConnectionEvent(TcpConnection connection, ConnectionEvent connectionEvent) => ConnectionEvents.Add((connection, connectionEvent));
    public void OnComplete(IReadOnlyList<ConnectionSummary> connections) => Connections = connections;

    public IEnumerable<string> AllCodes =>
        Frames.SelectMany(f => f.Diagnostics).Concat(ConnectionDiagnostics.Select(c => c.Diagnostic)).Concat(CaptureDiagnostics).Select(d => d.Code);
}
