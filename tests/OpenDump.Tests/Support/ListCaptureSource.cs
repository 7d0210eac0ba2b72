using OpenDump.Capture;

namespace OpenDump.Tests.Support;

/// <summary>Packets from a list, numbered from 1 and 10 µs apart, on link type 1 (Ethernet).</summary>
internal sealed class ListCaptureSource(IReadOnlyList<byte[]> packets) : ICaptureSource
{
    private int _next;
    public string Name => "list";
    public CaptureProblem? Problem => null;
    public long? Position => _next;
    public long? Length => packets.Count;
    public bool Disposed { get; private set; }

    public bool TryReadNext(out CapturedPacket packet)
    {
        packet = default;
        if (_next == packets.Count) return false;
        var data = packets[_next++];
        packet = new CapturedPacket(_next, _next * 10, 1, data, data.Length);
        return true;
    }

    public void Dispose() => Disposed = true;
}
