using OpenDump.Capture;
using OpenDump.Tests.Support;
using SharpPcap;
using SharpPcap.LibPcap;
using Xunit;

namespace OpenDump.Tests.CaptureFiles;

public sealed class PcapFileSourceTests
{
    public static TheoryData<string> Files => new() { "sdk/tcp/ftaes.pcap", "sdk/ws/ws_basic.pcap" };

    /// <summary>The large-buffer open must hand over exactly the packets libpcap's own open reads.</summary>
    [Theory]
    [MemberData(nameof(Files))]
    public void Buffered_reading_gives_the_packets_libpcap_reads_itself(string name)
    {
        var path = Fixtures.Path(name.Split('/'));
        var expected = new List<(long Ts, byte[] Data)>();
        using (var device = new CaptureFileReaderDevice(path))
        {
            device.Open();
            while (device.GetNextPacket(out var p) == GetPacketStatus.PacketRead)
                expected.Add(((long)p.Header.Timeval.Seconds * 1_000_000 + (long)p.Header.Timeval.MicroSeconds, p.Data.ToArray()));
        }

        using var source = new PcapFileSource(path);
        if (OperatingSystem.IsLinux()) Assert.True(source.ReadsThroughLargeBuffer);
        var actual = new List<(long Ts, byte[] Data)>();
        while (source.TryReadNext(out var packet)) actual.Add((packet.TimestampMicros, packet.Data.ToArray()));

        Assert.True(expected.Count > 50, $"{name}: {expected.Count} packets");
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Ts, actual[i].Ts);
            Assert.Equal(expected[i].Data, actual[i].Data);
        }
        Assert.Null(source.Problem);
    }

    [Fact]
    public void A_file_that_is_not_a_capture_is_refused_with_libpcaps_reason()
    {
        var path = Path.Combine(Path.GetTempPath(), $"opendump-notpcap-{Guid.NewGuid():N}.pcap");
        File.WriteAllText(path, "this is not a capture file at all, just some text that is long enough");
        try
        {
            var e = Assert.Throws<CaptureOpenException>(() => new PcapFileSource(path));
            Assert.Contains("not a readable pcap or pcapng file", e.Message);
            Assert.Contains("unknown file format", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
