using OpenDump.Diagnostics;
using OpenDump.Reassembly;

namespace OpenDump.Session;

/// <summary>Where analysed traffic goes: the outputs implement this; tests collect from it.</summary>
public interface IAnalysisSink
{
    void OnFrame(OpenDFrame frame);

    /// <summary>
    /// Called before <see cref="OnFrame"/> with the frame complete, possibly on a worker thread and
    /// concurrently for other frames: a sink may do its per-frame work here (render the frame) and
    /// use it in OnFrame, which still comes in capture order on one thread. It must not touch state
    /// that OnFrame changes.
    /// </summary>
    void PrepareFrame(OpenDFrame frame) { }

    /// <summary>Something about a connection that is not one frame: a gap, bytes that are not OpenD, a missing key (said once).</summary>
    void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros);

    /// <summary>Something that happened on a connection that is neither a frame nor a problem: a WebSocket upgrade, ping, pong or close.</summary>
    void OnConnectionEvent(TcpConnection connection, ConnectionEvent connectionEvent) { }

    /// <summary>
    /// The time relative times count from (the capture's first frame or event), told by a filter that
    /// may hide that first event, so a filtered timeline keeps the times of the unfiltered one.
    /// </summary>
    void OnTimeOrigin(long timestampMicros) { }

    /// <summary>Something about the capture or the options (damaged file, bad key file).</summary>
    void OnCaptureDiagnostic(Diagnostic diagnostic);

    /// <summary>The end: one summary per connection, in connection order.</summary>
    void OnComplete(IReadOnlyList<ConnectionSummary> connections);
}

/// <summary>A connection-level event, in capture order with the frames. <see cref="Kind"/> is a stable name (ws_upgrade, ws_ping, ws_pong, ws_close).</summary>
public sealed record ConnectionEvent(long TimestampMicros, FlowDirection Direction, string Kind, string Text);
