using OpenDump.Diagnostics;
using OpenDump.Reassembly;

namespace OpenDump.Session;

/// <summary>Where analysed traffic goes: the outputs implement this; tests collect from it.</summary>
public interface IAnalysisSink
{
    void OnFrame(OpenDFrame frame);

    /// <summary>Something about a connection that is not one frame: a gap, bytes that are not OpenD, a missing key (said once).</summary>
    void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros);

    /// <summary>Something about the capture or the options (damaged file, bad key file).</summary>
    void OnCaptureDiagnostic(Diagnostic diagnostic);

    /// <summary>The end: one summary per connection, in connection order.</summary>
    void OnComplete(IReadOnlyList<ConnectionSummary> connections);
}
