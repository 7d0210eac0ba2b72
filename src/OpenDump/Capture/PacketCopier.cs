using SharpPcap;

namespace OpenDump.Capture;

/// <summary>
/// Turns SharpPcap's packet (valid only until the next read) into our <see cref="CapturedPacket"/>,
/// copying into one buffer reused for every packet, and numbering packets from 1.
/// </summary>
internal sealed class PacketCopier(int linkType)
{
    private byte[] _buffer = new byte[65536];

    public long Count { get; private set; }

    public CapturedPacket Copy(in PacketCapture capture)
    {
        var tv = capture.Header.Timeval;
        return Copy((long)tv.Seconds * 1_000_000 + (long)tv.MicroSeconds, capture.Data);
    }

    /// <summary>The same from libpcap's own record header (<see cref="PcapRecordHeader"/>): no SharpPcap objects per packet.</summary>
    public CapturedPacket Copy(long timestampMicros, ReadOnlySpan<byte> data)
    {
        if (_buffer.Length < data.Length) _buffer = new byte[Math.Max(data.Length, _buffer.Length * 2)];
        data.CopyTo(_buffer);
        Count++;
        return new CapturedPacket(Count, timestampMicros, linkType, _buffer.AsMemory(0, data.Length), data.Length);
    }
}
