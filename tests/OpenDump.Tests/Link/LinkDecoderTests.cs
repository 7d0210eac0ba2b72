using OpenDump.Capture;
using OpenDump.Link;
using OpenDump.Testing;
using OpenDump.Tests.Support;
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

/// <summary>
/// The span walker is an optimisation, not a second opinion: on every packet, clean or damaged, it must
/// say exactly what PacketDotNet says (status, segment fields, payload bytes, problem).
/// </summary>
public sealed class SpanLinkDecoderTests
{
    public static TheoryData<LinkKind, string, string> Links => new()
    {
        { LinkKind.Ethernet, "10.1.2.3:40000", "10.1.2.4:11111" },
        { LinkKind.EthernetVlan, "10.1.2.3:40000", "10.1.2.4:11111" },
        { LinkKind.Null, "10.1.2.3:40000", "10.1.2.4:11111" },
        { LinkKind.LinuxSll, "10.1.2.3:40000", "10.1.2.4:11111" },
        { LinkKind.LinuxSll2, "[fe80::1]:40000", "[fe80::2]:11111" },
        { LinkKind.RawIp, "[2001:db8::7]:40000", "[2001:db8::8]:11111" },
        { LinkKind.RawIp, "192.168.0.9:40000", "192.168.0.1:33333" },
        { LinkKind.Null, "[::1]:40000", "[::1]:11111" },
        { LinkKind.Ethernet, "[2001:db8::1]:40000", "[2001:db8::2]:11111" },
    };

    [Theory]
    [MemberData(nameof(Links))]
    public void Agrees_with_packetdotnet_on_clean_and_damaged_packets(LinkKind link, string from, string to)
    {
        var random = new Random(from.Length * 31 + (int)link);
        var span = new SpanLinkDecoder();
        var reference = new PacketDotNetLinkDecoder();
        for (var i = 0; i < 3000; i++)
        {
            var payload = new byte[random.Next(0, 200)];
            random.NextBytes(payload);
            var flags = (TcpFlags)random.Next(0, 32);
            var sent = new TestSegment(1_700_000_000_000_000 + i, Endpoint.Parse(from), Endpoint.Parse(to), (uint)random.Next(), (uint)random.Next(), flags, payload);
            var bytes = PacketEncoder.LinkFrame(sent, link);
            if (i % 3 != 0)
            {
                // Damage: flip bytes in the headers, cut the packet, or add trailing padding.
                switch (random.Next(3))
                {
                    case 0:
                        for (var k = random.Next(1, 4); k > 0; k--) bytes[random.Next(Math.Min(bytes.Length, 80))] ^= (byte)random.Next(1, 256);
                        break;
                    case 1:
                        bytes = bytes[..random.Next(0, bytes.Length)];
                        break;
                    default:
                        bytes = [.. bytes, .. new byte[random.Next(1, 20)]];
                        break;
                }
            }
            var packet = new CapturedPacket(i + 1, sent.TimestampMicros, (int)PacketEncoder.DataLinkType(link), bytes, bytes.Length);
            var expected = reference.TryDecode(packet, out var a, out var problemA);
            var actual = span.TryDecode(packet, out var b, out var problemB);
            var where = $"packet {i} ({Convert.ToHexStringLower(bytes.AsSpan(0, Math.Min(bytes.Length, 80)))})";
            Assert.True(expected == actual, $"{where}: {expected} vs {actual} ({problemA} / {problemB})");
            Assert.Equal(problemA, problemB);
            if (expected != LinkDecodeStatus.Tcp) continue;
            Assert.True((a.Source, a.Destination, a.Sequence, a.Acknowledgment, a.Flags, a.PacketNumber, a.TimestampMicros) ==
                        (b.Source, b.Destination, b.Sequence, b.Acknowledgment, b.Flags, b.PacketNumber, b.TimestampMicros), where);
            Assert.True(a.Payload.Span.SequenceEqual(b.Payload.Span), $"{where}: payload {a.Payload.Length} vs {b.Payload.Length}");
        }
    }

    [Fact]
    public void Packets_among_many_hosts_each_keep_their_own_addresses()
    {
        // The decoder keeps the addresses it saw last in a small table; 40 hosts share its 16 places, and 0.0.0.0 has
        // the key of a place never filled.
        var hosts = new[] { "0.0.0.0" }.Concat(Enumerable.Range(1, 39).Select(i => $"10.{i % 3}.{i / 7}.{i * 37 % 251}")).ToArray();
        Assert.Equal(hosts.Length, hosts.Distinct().Count());
        var decoder = new SpanLinkDecoder();
        for (var i = 0; i < 400; i++)
        {
            var (from, to) = (hosts[i * 7 % hosts.Length], hosts[(i * i + 3) % hosts.Length]);
            var sent = new TestSegment(1, Endpoint.Parse($"{from}:40000"), Endpoint.Parse($"{to}:11111"), 1, 1, TcpFlags.Ack, [7]);
            var bytes = PacketEncoder.LinkFrame(sent, LinkKind.Ethernet);
            Assert.Equal(LinkDecodeStatus.Tcp, decoder.TryDecode(new CapturedPacket(1, 1, 1, bytes, bytes.Length), out var segment, out _));
            Assert.Equal((sent.Source, sent.Destination), (segment.Source, segment.Destination));
        }
    }

    [Fact]
    public void A_steady_stream_of_packets_allocates_nothing_per_packet()
    {
        var sent = new TestSegment(1, Endpoint.Parse("10.0.0.1:40000"), Endpoint.Parse("10.0.0.2:11111"), 1, 1, TcpFlags.Ack | TcpFlags.Psh, new byte[300]);
        var bytes = PacketEncoder.LinkFrame(sent, LinkKind.Ethernet);
        var packet = new CapturedPacket(1, 1, 1, bytes, bytes.Length);
        var decoder = new SpanLinkDecoder();
        decoder.TryDecode(packet, out _, out _);
        var tcp = 0;
        var allocated = Allocations.OfQuietestRun(() =>
        {
            tcp = 0;
            for (var i = 0; i < 10_000; i++)
                if (decoder.TryDecode(packet, out _, out _) == LinkDecodeStatus.Tcp) tcp++;
        });
        Assert.Equal(10_000, tcp);
        Assert.Equal(0, allocated);
    }
}
