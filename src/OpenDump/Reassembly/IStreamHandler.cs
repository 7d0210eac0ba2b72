namespace OpenDump.Reassembly;

/// <summary>
/// What reassembly hands on: per connection and direction, contiguous bytes in order, and
/// explicit gaps where bytes were never captured. Nothing is skipped silently.
/// </summary>
public interface IStreamHandler
{
    void OnConnectionOpened(TcpConnection connection);

    /// <summary>In-order bytes; <paramref name="data"/> is valid only during the call.</summary>
    void OnData(TcpConnection connection, FlowDirection direction, ReadOnlySpan<byte> data, long timestampMicros, long packetNumber);

    /// <summary><paramref name="missingBytes"/> bytes of this direction were not captured before the next data.</summary>
    void OnGap(TcpConnection connection, FlowDirection direction, long missingBytes, long timestampMicros, long packetNumber);

    /// <summary>The direction ended: FIN, RST or the end of the capture.</summary>
    void OnDirectionClosed(TcpConnection connection, FlowDirection direction, string reason, long timestampMicros, long packetNumber);
}
