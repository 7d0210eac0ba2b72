using OpenDump.Diagnostics;
using OpenDump.Reassembly;
using OpenDump.Session;

namespace OpenDump.Cli;

/// <summary>Hands every event to several sinks in order.</summary>
internal sealed class TeeSink(params IAnalysisSink[] sinks) : IAnalysisSink
{
    public void OnFrame(OpenDFrame frame)
    {
        foreach (var s in sinks) s.OnFrame(frame);
    }

    public void PrepareFrame(OpenDFrame frame)
    {
        foreach (var s in sinks) s.PrepareFrame(frame);
    }

    public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros)
    {
        foreach (var s in sinks) s.OnConnectionDiagnostic(connection, diagnostic, timestampMicros);
    }

    public void OnConnectionEvent(TcpConnection connection, ConnectionEvent connectionEvent)
    {
        foreach (var s in sinks) s.OnConnectionEvent(connection, connectionEvent);
    }

    public void OnTimeOrigin(long timestampMicros)
    {
        foreach (var s in sinks) s.OnTimeOrigin(timestampMicros);
    }

    public void OnCaptureDiagnostic(Diagnostic diagnostic)
    {
        foreach (var s in sinks) s.OnCaptureDiagnostic(diagnostic);
    }

    public void OnComplete(IReadOnlyList<ConnectionSummary> connections)
    {
        foreach (var s in sinks) s.OnComplete(connections);
    }
}
