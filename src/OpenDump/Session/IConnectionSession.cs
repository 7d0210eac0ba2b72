using OpenDump.Reassembly;

namespace OpenDump.Session;

/// <summary>What the analyzer drives per connection, whichever transport the SDK used.</summary>
public interface IConnectionSession : IDisposable
{
    TcpConnection Connection { get; }
    void Append(FlowDirection direction, ReadOnlySpan<byte> data, long timestampMicros, long packetNumber);
    void Gap(FlowDirection direction, long missingBytes, GapReason reason, long timestampMicros, long packetNumber);
    void Close(FlowDirection direction, string reason, long timestampMicros, long packetNumber);
    ConnectionSummary Summarize();
}
