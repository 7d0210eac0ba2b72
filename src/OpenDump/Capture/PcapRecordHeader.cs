using SharpPcap;

namespace OpenDump.Capture;

/// <summary>
/// Reads libpcap's <c>struct pcap_pkthdr</c> (a C <c>struct timeval</c>, then caplen and len) straight from the
/// pointer SharpPcap's <see cref="SharpPcap.LibPcap.PcapDevice.GetNextPacketPointers"/> hands back. SharpPcap's
/// own <c>GetNextPacket</c> builds a header object and a decimal-based timeval for every packet and asks libpcap
/// for the timestamp precision each time: a third of the reading thread's time on a 1 GB capture.
/// </summary>
internal static unsafe class PcapRecordHeader
{
    // timeval's fields are C longs: 8 bytes on 64-bit Linux and macOS (where tv_usec is 4 bytes and padding),
    // 4 bytes on Windows and on 32-bit systems. The fraction is read as 4 bytes, which all of them hold it in
    // on a little-endian machine (it is below 10^9).
    private static readonly int TimeFieldSize = OperatingSystem.IsWindows() ? 4 : IntPtr.Size;

    /// <summary>Whether this layout is known here; elsewhere the caller keeps to SharpPcap's GetNextPacket.</summary>
    public static bool Supported =>
        BitConverter.IsLittleEndian && (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsWindows());

    /// <summary>The record's capture time in microseconds since the epoch and its captured bytes.</summary>
    public static ReadOnlySpan<byte> Read(nint header, nint data, TimestampResolution resolution, out long timestampMicros)
    {
        var h = (byte*)header;
        long seconds = TimeFieldSize == 8 ? *(long*)h : *(int*)h;
        long fraction = *(uint*)(h + TimeFieldSize);
        var caplen = *(uint*)(h + 2 * TimeFieldSize);
        // A nanosecond fraction is truncated to the microsecond, as libpcap does when it scales a file's times down.
        timestampMicros = seconds * 1_000_000 + (resolution == TimestampResolution.Nanosecond ? fraction / 1000 : fraction);
        return new ReadOnlySpan<byte>((void*)data, checked((int)caplen));
    }
}
