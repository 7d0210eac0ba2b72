using OpenDump.Capture;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.CaptureFiles;

public sealed class ReadAheadCaptureSourceTests
{
    private sealed record Packet(long Number, long Ts, int LinkType, byte[] Data, int OriginalLength);

    private static List<Packet> ReadAll(ICaptureSource source)
    {
        var packets = new List<Packet>();
        while (source.TryReadNext(out var p)) packets.Add(new Packet(p.Number, p.TimestampMicros, p.LinkType, p.Data.ToArray(), p.OriginalLength));
        return packets;
    }

    // Blocks of 3 packets or 700 bytes, 2 in flight: a short capture crosses hundreds of block boundaries,
    // has packets larger than a block, and reuses every block many times.
    [Theory]
    [InlineData(3, 700, 2)]
    [InlineData(1, 1, 1)]
    [InlineData(2048, 1 << 20, 4)]
    public void Packets_come_out_as_the_inner_source_reads_them(int blockPackets, int blockBytes, int inFlight)
    {
        var path = Fixtures.SdkTcp("ftaes.pcap");
        List<Packet> expected;
        using (var direct = new PcapFileSource(path)) expected = ReadAll(direct);
        using var ahead = new ReadAheadCaptureSource(new PcapFileSource(path), blockBytes, blockPackets, inFlight);
        var actual = ReadAll(ahead);

        Assert.True(expected.Count > 100);
        Assert.True(expected.Any(p => p.Data.Length > 700), "no packet larger than the small blocks");
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal((expected[i].Number, expected[i].Ts, expected[i].LinkType, expected[i].OriginalLength), (actual[i].Number, actual[i].Ts, actual[i].LinkType, actual[i].OriginalLength));
            Assert.Equal(expected[i].Data, actual[i].Data);
        }
        Assert.Null(ahead.Problem);
        Assert.False(ahead.TryReadNext(out _)); // the end stays the end
    }

    [Fact]
    public void A_reopened_source_reads_the_same_packets_from_the_start_while_the_first_is_half_read()
    {
        var path = Fixtures.SdkTcp("ftaes.pcap");
        using var ahead = new ReadAheadCaptureSource(new PcapFileSource(path), 900, 4, 2);
        Assert.True(ahead.CanReopen);
        for (var i = 0; i < 50; i++) Assert.True(ahead.TryReadNext(out _));

        using var again = ahead.Reopen();
        var reread = ReadAll(again);
        List<Packet> expected;
        using (var direct = new PcapFileSource(path)) expected = ReadAll(direct);
        Assert.Equal(expected.Select(p => (p.Number, p.Ts)), reread.Select(p => (p.Number, p.Ts)));
        Assert.Equal(expected.Select(p => p.Data), reread.Select(p => p.Data));
        // The first source goes on where it was.
        Assert.True(ahead.TryReadNext(out var next));
        Assert.Equal(51, next.Number);
    }

    [Fact]
    public void A_damaged_capture_ends_after_the_same_packets_with_the_same_problem()
    {
        var whole = File.ReadAllBytes(Fixtures.SdkTcp("cbc.pcap"));
        var path = Path.Combine(Path.GetTempPath(), $"opendump-readahead-{Guid.NewGuid():N}.pcap");
        File.WriteAllBytes(path, whole[..(whole.Length * 2 / 3)]);
        try
        {
            List<Packet> expected;
            CaptureProblem? problem;
            using (var direct = new PcapFileSource(path))
            {
                expected = ReadAll(direct);
                problem = direct.Problem;
            }
            using var ahead = new ReadAheadCaptureSource(new PcapFileSource(path), 900, 4, 2);
            Assert.Null(ahead.Problem);
            var actual = ReadAll(ahead);
            Assert.NotNull(problem);
            Assert.Equal(problem, ahead.Problem);
            Assert.Equal(expected.Select(p => p.Number), actual.Select(p => p.Number));
            Assert.Equal(expected[^1].Data, actual[^1].Data);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Empty_packets_at_the_very_end_of_a_block_come_out_too()
    {
        // libpcap allows a record of no captured bytes; here they sit exactly where a 100-byte block is full,
        // one past the block's last byte (where anything that indexes the next packet's start would throw).
        byte[][] packets = [new byte[100], [], [], [1, 2, 3, 4, 5], new byte[60], new byte[40], [], new byte[100], []];
        using var ahead = new ReadAheadCaptureSource(new ListCaptureSource(packets), 100, 8, 2);
        var actual = ReadAll(ahead);
        Assert.Equal(packets.Select(p => p.Length), actual.Select(p => p.Data.Length));
        Assert.Equal(Enumerable.Range(1, packets.Length).Select(n => (long)n), actual.Select(p => p.Number));
        Assert.Equal([1, 2, 3, 4, 5], actual[3].Data);
    }

    [Fact]
    public void Stopping_early_does_not_wait_for_the_rest_of_the_capture()
    {
        var ahead = new ReadAheadCaptureSource(new PcapFileSource(Fixtures.SdkTcp("ftaes.pcap")), 600, 2, 1);
        for (var i = 0; i < 5; i++) Assert.True(ahead.TryReadNext(out _));
        var stop = Task.Run(ahead.Dispose);
        Assert.True(stop.Wait(TimeSpan.FromSeconds(10)), "Dispose hung with the reader blocked on a full queue");
    }
}
