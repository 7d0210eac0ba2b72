using OpenDump.Capture;
using OpenDump.Link;
using OpenDump.Testing;
using Xunit;

namespace OpenDump.Tests.Link;

public sealed class LinkDecoderTests
{
    [Theory]
    [InlineData(LinkKind.Ethernet, "10.1.2.3:40000", "10.1.2.4:11111")]
    [InlineData(LinkKind.EthernetVlan, "10.1.2.3:40000", "10.1.2.4:11111")]
    [InlineData(LinkKind.Null, "10.1.2.3:40000", "10.1.2.4:11111")]
    [InlineData(LinkKind.LinuxSll, "10.1.2.3:40000", "10.1.2.4:11111")]
    [InlineData(LinkKind.LinuxSll2, "[fe80::1]:40000", "[fe80::2]:11111")]
    [InlineData(LinkKind.RawIp, "[2001:db8::7]:40000", "[2001:db8::8]:11111")]
    [InlineData(LinkKind.Null, "[::1]:40000", "[::1]:11111")]
    public void Every_supported_link_type_yields_the_tcp_segment(LinkKind link, string from, string to)
    {
        var sent = new TestSegment(1_700_000_000_123_456, Endpoint.Parse(from), Endpoint.Parse(to), 0xfffffff0, 77, TcpFlags.Psh | TcpFlags.Ack, [1, 2, 3, 4, 5]);
        var bytes = PacketEncoder.LinkFrame(sent, link);
        var packet = new CapturedPacket(9, sent.TimestampMicros, (int)PacketEncoder.DataLinkType(link), bytes, bytes.Length);

        Assert.Equal(LinkDecodeStatus.Tcp, new PacketDotNetLinkDecoder().TryDecode(packet, out var segment, out var problem));
        Assert.Null(problem);
        Assert.Equal((sent.Source, sent.Destination, 0xfffffff0u, 77u, TcpFlags.Psh | TcpFlags.Ack), (segment.Source, segment.Destination, segment.Sequence, segment.Acknowledgment, segment.Flags));
        Assert.Equal(sent.Payload, segment.Payload.ToArray());
        Assert.Equal((9L, sent.TimestampMicros), (segment.PacketNumber, segment.TimestampMicros));
    }

    [Fact]
    public void Udp_is_not_tcp_and_says_nothing()
    {
        // Ethernet + IPv4 + UDP 53 -> 53, 4 bytes of payload.
        byte[] frame =
        [
            0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0x08, 0x00,
            0x45, 0, 0, 32, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
            0, 53, 0, 53, 0, 12, 0, 0, 1, 2, 3, 4,
        ];
        var status = new PacketDotNetLinkDecoder().TryDecode(new CapturedPacket(1, 0, 1, frame, frame.Length), out _, out var problem);
        Assert.Equal(LinkDecodeStatus.NotTcp, status);
        Assert.Null(problem);
    }
}
