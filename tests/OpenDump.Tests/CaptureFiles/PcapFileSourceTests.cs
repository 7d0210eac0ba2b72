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

    /// <summary>
    /// Records read from libpcap's header pointer must be SharpPcap's packets: the same bytes and times (a
    /// nanosecond file's fractions that round either way included), and the same problem where the file is cut.
    /// </summary>
    [Theory]
    [InlineData("sdk/tcp/ftaes.pcap", 0)]
    [InlineData("sdk/ws/ws_basic.pcap", 0)]
    [InlineData("nanosecond", 0)]
    [InlineData("nanosecond", 37)]
    [InlineData("sdk/tcp/cbc.pcap", 1000)]
    [InlineData("sdk/tcp/cbc.pcap", 10)]
    [InlineData("pcapng", 0)]
    [InlineData("pcapng", 29)]
    public void Record_pointers_give_sharppcaps_packets_times_and_problems(string name, int cutBytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"opendump-records-{Guid.NewGuid():N}.pcap");
        var bytes = name switch
        {
            "nanosecond" => NanosecondPcap(),
            "pcapng" => AsPcapNg(Fixtures.Path("sdk", "tcp", "ftaes.pcap")),
            _ => File.ReadAllBytes(Fixtures.Path(name.Split('/'))),
        };
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length - cutBytes).ToArray());
        try
        {
            using var viaPointers = new PcapFileSource(path);
            using var viaObjects = new PcapFileSource(path);
            if (OperatingSystem.IsLinux()) Assert.True(viaPointers.ReadsRecordPointers);
            var count = 0;
            while (true)
            {
                var more = viaPointers.TryReadNext(out var a);
                Assert.Equal(more, viaObjects.TryReadNextCapture(out var b));
                if (!more) break;
                count++;
                Assert.Equal(b.Number, a.Number);
                Assert.Equal(b.TimestampMicros, a.TimestampMicros);
                Assert.Equal(b.OriginalLength, a.OriginalLength);
                Assert.Equal(b.Data.ToArray(), a.Data.ToArray());
            }
            Assert.True(count >= 5, $"{count} packets");
            Assert.Equal(viaObjects.Problem, viaPointers.Problem);
            Assert.Equal(cutBytes > 0, viaPointers.Problem is not null);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Reading_after_dispose_fails_cleanly_instead_of_touching_the_closed_handle()
    {
        var source = new PcapFileSource(Fixtures.Path("sdk", "tcp", "ftaes.pcap"));
        Assert.True(source.TryReadNext(out _));
        source.Dispose();
        Assert.False(source.TryReadNext(out _));
        Assert.NotNull(source.Problem);
        Assert.False(source.TryReadNext(out _));
        source.Dispose();
    }

    // The same packets in pcapng, which libpcap reads through its other parser.
    private static byte[] AsPcapNg(string pcap)
    {
        using var stream = new MemoryStream();
        using (var writer = new OpenDump.Testing.PcapNgWriter(stream, OpenDump.Testing.LinkKind.Ethernet, leaveOpen: true))
        using (var source = new PcapFileSource(pcap))
        {
            while (source.TryReadNext(out var packet)) writer.WritePacket(packet.TimestampMicros, packet.Data.Span);
        }
        return stream.ToArray();
    }

    // A classic pcap with nanosecond times (magic a1b23c4d): fractions just under, at and over each rounding point.
    private static byte[] NanosecondPcap()
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write(0xa1b23c4du);
        w.Write((ushort)2);
        w.Write((ushort)4);
        w.Write(0);
        w.Write(0u);
        w.Write(65535u);
        w.Write(1u); // Ethernet
        uint[] fractions = [0, 1, 499, 500, 501, 999, 1000, 123_456_789, 999_999_499, 999_999_500, 999_999_999];
        for (var i = 0; i < fractions.Length; i++)
        {
            w.Write(1_764_000_000u + (uint)i);
            w.Write(fractions[i]);
            w.Write(60u);
            w.Write(60u);
            w.Write(Enumerable.Range(i, 60).Select(b => (byte)b).ToArray());
        }
        return stream.ToArray();
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
