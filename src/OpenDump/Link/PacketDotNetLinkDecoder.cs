using OpenDump.Capture;
using PacketDotNet;

namespace OpenDump.Link;

/// <summary>
/// Decodes link, IP and TCP layers with PacketDotNet: Ethernet (with 802.1Q tags), BSD loopback
/// (Null and Loop), Linux cooked SLL and SLL2, raw IP, and IPv4 / IPv6.
/// </summary>
public sealed class PacketDotNetLinkDecoder : ILinkDecoder
{
    private static readonly HashSet<int> Supported =
    [
        (int)LinkLayers.Null, (int)LinkLayers.Ethernet, (int)LinkLayers.RawLegacy, (int)LinkLayers.Raw,
        (int)LinkLayers.Loop, (int)LinkLayers.LinuxSll, (int)LinkLayers.LinuxSll2, (int)LinkLayers.IPv4, (int)LinkLayers.IPv6,
        14, // DLT_RAW on OpenBSD
    ];

    public LinkDecodeStatus TryDecode(in CapturedPacket packet, out TcpSegment segment, out string? problem)
    {
        segment = default;
        problem = null;
        if (!Supported.Contains(packet.LinkType))
        {
            problem = $"link type {packet.LinkType} is not supported";
            return LinkDecodeStatus.UnsupportedLinkType;
        }

        Packet parsed;
        try
        {
            // PacketDotNet keeps a reference to the array, so it gets its own copy.
            parsed = Packet.ParsePacket(ToPacketDotNetLinkLayer(packet.LinkType), packet.Data.ToArray());
        }
        catch (Exception e)
        {
            problem = $"packet {packet.Number}: cannot decode link/IP layers: {e.Message}";
            return LinkDecodeStatus.Malformed;
        }

        TcpPacket? tcp;
        IPPacket? ip;
        try
        {
            tcp = parsed.Extract<TcpPacket>();
            ip = parsed.Extract<IPPacket>();
        }
        catch (Exception e)
        {
            problem = $"packet {packet.Number}: malformed IP/TCP headers: {e.Message}";
            return LinkDecodeStatus.Malformed;
        }
        if (tcp is null || ip is null) return LinkDecodeStatus.NotTcp;

        // The payload is cut out here rather than taken from PacketDotNet, which refuses a packet
        // whose captured bytes end before its IP length (snaplen): the captured part is still good,
        // and reassembly reports the missing tail as a gap. The IP length also excludes Ethernet padding.
        ReadOnlyMemory<byte> payload;
        try
        {
            var header = tcp.HeaderSegment;
            var start = header.Offset + tcp.DataOffset * 4;
            var claimed = ip.PayloadLength - tcp.DataOffset * 4;
            if (tcp.DataOffset < 5 || claimed < 0 || start > header.Bytes.Length)
            {
                problem = $"packet {packet.Number}: TCP header inconsistent with the IP length (data offset {tcp.DataOffset}, IP payload {ip.PayloadLength})";
                return LinkDecodeStatus.Malformed;
            }
            payload = header.Bytes.AsMemory(start, Math.Min(claimed, header.Bytes.Length - start));
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or InvalidOperationException)
        {
            problem = $"packet {packet.Number}: TCP headers unreadable: {e.Message}";
            return LinkDecodeStatus.Malformed;
        }

        var flags = TcpFlags.None;
        if (tcp.Finished) flags |= TcpFlags.Fin;
        if (tcp.Synchronize) flags |= TcpFlags.Syn;
        if (tcp.Reset) flags |= TcpFlags.Rst;
        if (tcp.Push) flags |= TcpFlags.Psh;
        if (tcp.Acknowledgment) flags |= TcpFlags.Ack;

        segment = new TcpSegment(
            packet.Number,
            packet.TimestampMicros,
            new Endpoint(ip.SourceAddress, tcp.SourcePort),
            new Endpoint(ip.DestinationAddress, tcp.DestinationPort),
            tcp.SequenceNumber,
            tcp.AcknowledgmentNumber,
            flags,
            payload);
        return LinkDecodeStatus.Tcp;
    }

    private static LinkLayers ToPacketDotNetLinkLayer(int linkType) => linkType switch
    {
        14 => LinkLayers.Raw,
        _ => (LinkLayers)linkType,
    };
}
