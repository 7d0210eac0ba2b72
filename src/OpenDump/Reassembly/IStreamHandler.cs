namespace OpenDump.Reassembly;

public enum GapReason
{
    /// <summary>The bytes never appeared in the capture (loss, snaplen, capture started late).</summary>
    NotCaptured,
    /// <summary>Later bytes piled up past the out-of-order bound while waiting for them, so the wait was given up.</summary>
    BufferLimit,
}

/// <summary>
/// What reassembly hands on: per connection and direction, contiguous bytes in order, and
/// explicit gaps where bytes were never captured. Nothing is skipped silently.
/// </summary>
public interface IStreamHandler
{
    void OnConnectionOpened(TcpConnection connection);

    /// <summary>In-order bytes; <paramref name="data"/> is valid only during the call.</summary>
    void OnData(TcpConnection connection, FlowDirection direction, ReadOnlySpan<byte> data, long timestampMicros, long packetNumber);

    /// <summary><paramref name="missingBytes"/> bytes of this direction will never be delivered; the next data follows them.</summary>
    void OnGap(TcpConnection connection, FlowDirection direction, long missingBytes, GapReason reason, long timestampMicros, long packetNumber);

    /// <summary>A reassembly bound was reached (see <see cref="ReassemblyOptions"/>); said once per bound.</summary>
    void OnLimitReached(string message);

    /// <summary>The direction ended: FIN, RST or the end of the capture.</summary>
    void OnDirectionClosed(TcpConnection connection, FlowDirection direction, string reason, long timestampMicros, long packetNumber);
}
