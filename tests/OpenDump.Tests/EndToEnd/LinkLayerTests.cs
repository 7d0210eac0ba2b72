using OpenDump.Capture;
using OpenDump.Crypto;
using OpenDump.Link;
using OpenDump.Testing;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.EndToEnd;

public sealed class LinkLayerTests
{
    [Fact]
    public void Ethernet_padding_after_a_short_ip_packet_is_not_tcp_payload()
    {
        // Frames under 60 bytes are padded on the wire; a NIC capture keeps the padding, but the IP
        // total length says where the packet ends.
        var conversation = new ConversationBuilder(Endpoint.Parse("10.0.0.2:50000"), Endpoint.Parse("10.0.0.1:11111"))
            .InitConnect(serialNo: 1, packetEncAlgo: -1)
            .Build();
        var segments = conversation.Segment(SegmenterOptions.OneByte);
        var path = Path.Combine(Path.GetTempPath(), $"opendump-pad-{Guid.NewGuid():N}.pcap");
        using (var file = File.Create(path))
        using (var writer = new PcapWriter(file, LinkKind.Ethernet))
        {
            foreach (var s in segments)
            {
                var frame = PacketEncoder.LinkFrame(s, LinkKind.Ethernet);
                writer.WritePacket(s.TimestampMicros, frame.Length < 60 ? frame.Concat(new byte[60 - frame.Length]).ToArray() : frame);
            }
        }
        try
        {
            var sink = new CollectingSink();
            using var source = new PcapFileSource(path);
            CaptureAnalyzer.Run(source, new AnalyzerOptions(), sink);
            Assert.Equal(2, sink.Frames.Count);
            Assert.All(sink.Frames, f => Assert.True(f.Sha1Ok));
            Assert.Empty(sink.AllCodes);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_unsupported_link_type_is_said_once_not_per_packet()
    {
        var sink = new CollectingSink();
        using var analyzer = new CaptureAnalyzer(new AnalyzerOptions(), sink);
        for (var i = 1; i <= 5; i++) analyzer.ProcessPacket(new CapturedPacket(i, i, 147, new byte[40], 40));
        analyzer.Finish();
        var d = Assert.Single(sink.CaptureDiagnostics);
        Assert.Equal(Diagnostics.DiagnosticCodes.LinkTypeUnsupported, d.Code);
        Assert.Contains("147", d.Message);
    }

    [Fact]
    public void A_malformed_packet_is_a_diagnostic_and_the_run_goes_on()
    {
        var sink = new CollectingSink();
        using var analyzer = new CaptureAnalyzer(new AnalyzerOptions(), sink);
        // An Ethernet frame claiming IPv4 with a header cut after 6 bytes.
        analyzer.ProcessPacket(new CapturedPacket(1, 1, 1, new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00, 0x45, 0, 0, 40, 0, 0 }, 20));
        var summary = analyzer.Finish();
        Assert.Equal(1, summary.Packets);
        Assert.Equal(0, summary.Connections);
        Assert.Equal((1L, 0L), (summary.MalformedPackets, summary.NonTcpPackets));
        Assert.Equal(Diagnostics.DiagnosticCodes.PacketMalformed, Assert.Single(sink.CaptureDiagnostics).Code);
    }
}
