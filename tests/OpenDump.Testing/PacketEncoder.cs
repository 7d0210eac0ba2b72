using OpenDump.Link;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace OpenDump.Testing;

/// <summary>The link layers a capture of OpenD traffic is likely to come with.</summary>
public enum LinkKind
{
    /// <summary>DLT 1: a NIC capture, or Linux loopback (all-zero MACs).</summary>
    Ethernet,
    /// <summary>DLT 1 with an 802.1Q tag between the MACs and the EtherType.</summary>
    EthernetVlan,
    /// <summary>DLT 0: BSD/macOS loopback, a 4-byte address family in the capturing host's byte order.</summary>
    Null,
    /// <summary>DLT 113: Linux "any" device, 16-byte cooked header.</summary>
    LinuxSll,
    /// <summary>DLT 276: newer libpcap's "any" device, 20-byte cooked header with the interface index.</summary>
    LinuxSll2,
    /// <summary>DLT 101: bare IPv4/IPv6 packets, e.g. from tun devices.</summary>
    RawIp,
}

/// <summary>
/// Wraps a TestSegment in TCP, IPv4/IPv6 and a link header, with valid checksums, so that the
/// capture opens cleanly in Wireshark and the library's link decoder sees real-world framing.
/// </summary>
public static class PacketEncoder
{
    public const ushort VlanId = 100;
    public const ushort TcpWindow = 65535;

    private const int TcpHeaderLength = 20;
    private const int Ipv4HeaderLength = 20;
    private const int Ipv6HeaderLength = 40;
    private const byte ProtocolTcp = 6;
    private const byte DefaultTtl = 64;

    private const ushort EtherTypeIpv4 = 0x0800;
    private const ushort EtherTypeIpv6 = 0x86DD;
    private const ushort EtherTypeVlan = 0x8100;

    private const uint BsdAfInet = 2;
    // DLT_NULL records the sender's own AF_INET6, which differs by OS; 30 is macOS, where such captures come from.
    private const uint BsdAfInet6 = 30;

    // Linux if_arp.h hardware types and if_packet.h packet types for the cooked headers.
    private const ushort ArphrdEther = 1;
    private const ushort ArphrdLoopback = 772;
    private const byte PacketHost = 0;
    private const uint LoopbackIfIndex = 1;

    public static uint DataLinkType(LinkKind link) => link switch
    {
        LinkKind.Ethernet or LinkKind.EthernetVlan => 1,
        LinkKind.Null => 0,
        LinkKind.LinuxSll => 113,
        LinkKind.LinuxSll2 => 276,
        LinkKind.RawIp => 101,
        _ => throw new ArgumentOutOfRangeException(nameof(link)),
    };

    /// <summary>The whole captured packet: link header, IP header, TCP header, payload.</summary>
    public static byte[] LinkFrame(TestSegment segment, LinkKind link)
    {
        var ip = IpPacket(segment);
        var v6 = segment.Source.Address.AddressFamily == AddressFamily.InterNetworkV6;
        var etherType = v6 ? EtherTypeIpv6 : EtherTypeIpv4;
        var loopback = IPAddress.IsLoopback(segment.Source.Address) && IPAddress.IsLoopback(segment.Destination.Address);

        byte[] header;
        switch (link)
        {
            case LinkKind.Ethernet:
                header = new byte[14];
                Mac(segment.Destination.Address, loopback).CopyTo(header, 0);
                Mac(segment.Source.Address, loopback).CopyTo(header, 6);
                BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(12), etherType);
                break;
            case LinkKind.EthernetVlan:
                header = new byte[18];
                Mac(segment.Destination.Address, loopback).CopyTo(header, 0);
                Mac(segment.Source.Address, loopback).CopyTo(header, 6);
                BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(12), EtherTypeVlan);
                BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), VlanId); // PCP 0, DEI 0
                BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(16), etherType);
                break;
            case LinkKind.Null:
                header = new byte[4];
                // Written little-endian because PcapWriter/PcapNgWriter write little-endian files: "host order".
                BinaryPrimitives.WriteUInt32LittleEndian(header, v6 ? BsdAfInet6 : BsdAfInet);
                break;
            case LinkKind.LinuxSll:
                header = new byte[16];
                BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(0), PacketHost);
                BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), loopback ? ArphrdLoopback : ArphrdEther);
                BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), 6);
                Mac(segment.Source.Address, loopback).CopyTo(header, 6); // 8-byte field, last 2 bytes stay zero
                BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), etherType);
                break;
            case LinkKind.LinuxSll2:
                header = new byte[20];
                BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(0), etherType);
                // bytes 2-3 reserved, zero
                BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), LoopbackIfIndex);
                BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(8), loopback ? ArphrdLoopback : ArphrdEther);
                header[10] = PacketHost;
                header[11] = 6;
                Mac(segment.Source.Address, loopback).CopyTo(header, 12);
                break;
            case LinkKind.RawIp:
                return ip;
            default:
                throw new ArgumentOutOfRangeException(nameof(link));
        }

        var frame = new byte[header.Length + ip.Length];
        header.CopyTo(frame, 0);
        ip.CopyTo(frame, header.Length);
        return frame;
    }

    /// <summary>IPv4 or IPv6 (by the endpoints' family) carrying the TCP segment.</summary>
    public static byte[] IpPacket(TestSegment segment)
    {
        var family = segment.Source.Address.AddressFamily;
        if (family != segment.Destination.Address.AddressFamily)
            throw new ArgumentException("source and destination must be of one address family");
        var tcp = TcpSegment(segment);
        return family == AddressFamily.InterNetworkV6 ? Ipv6(segment, tcp) : Ipv4(segment, tcp);
    }

    private static byte[] Ipv4(TestSegment segment, byte[] tcp)
    {
        var packet = new byte[Ipv4HeaderLength + tcp.Length];
        var h = packet.AsSpan();
        h[0] = 0x45; // version 4, 5 words
        BinaryPrimitives.WriteUInt16BigEndian(h[2..], (ushort)packet.Length);
        // RFC 6864: a DF datagram's ID is meaningless, and a constant keeps the bytes independent of packet order.
        BinaryPrimitives.WriteUInt16BigEndian(h[6..], 0x4000);
        h[8] = DefaultTtl;
        h[9] = ProtocolTcp;
        segment.Source.Address.GetAddressBytes().CopyTo(h[12..]);
        segment.Destination.Address.GetAddressBytes().CopyTo(h[16..]);
        BinaryPrimitives.WriteUInt16BigEndian(h[10..], InternetChecksum.Compute(h[..Ipv4HeaderLength]));
        tcp.CopyTo(h[Ipv4HeaderLength..]);

        var pseudo = new byte[12];
        segment.Source.Address.GetAddressBytes().CopyTo(pseudo, 0);
        segment.Destination.Address.GetAddressBytes().CopyTo(pseudo, 4);
        pseudo[9] = ProtocolTcp;
        BinaryPrimitives.WriteUInt16BigEndian(pseudo.AsSpan(10), (ushort)tcp.Length);
        WriteTcpChecksum(h[Ipv4HeaderLength..], pseudo);
        return packet;
    }

    private static byte[] Ipv6(TestSegment segment, byte[] tcp)
    {
        var packet = new byte[Ipv6HeaderLength + tcp.Length];
        var h = packet.AsSpan();
        h[0] = 0x60; // version 6, traffic class 0, flow label 0
        BinaryPrimitives.WriteUInt16BigEndian(h[4..], (ushort)tcp.Length);
        h[6] = ProtocolTcp;
        h[7] = DefaultTtl;
        segment.Source.Address.GetAddressBytes().CopyTo(h[8..]);
        segment.Destination.Address.GetAddressBytes().CopyTo(h[24..]);
        tcp.CopyTo(h[Ipv6HeaderLength..]);

        var pseudo = new byte[40];
        segment.Source.Address.GetAddressBytes().CopyTo(pseudo, 0);
        segment.Destination.Address.GetAddressBytes().CopyTo(pseudo, 16);
        BinaryPrimitives.WriteUInt32BigEndian(pseudo.AsSpan(32), (uint)tcp.Length);
        pseudo[39] = ProtocolTcp;
        WriteTcpChecksum(h[Ipv6HeaderLength..], pseudo);
        return packet;
    }

    private static byte[] TcpSegment(TestSegment segment)
    {
        if (segment.Payload.Length > ushort.MaxValue - Ipv6HeaderLength - TcpHeaderLength)
            throw new ArgumentException("a segment payload must fit one IP packet");
        var tcp = new byte[TcpHeaderLength + segment.Payload.Length];
        var t = tcp.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(t, segment.Source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(t[2..], segment.Destination.Port);
        BinaryPrimitives.WriteUInt32BigEndian(t[4..], segment.Seq);
        // A receiver ignores the ack field without ACK; zero it so a stray value does not look meaningful.
        BinaryPrimitives.WriteUInt32BigEndian(t[8..], segment.Flags.HasFlag(TcpFlags.Ack) ? segment.Ack : 0);
        t[12] = TcpHeaderLength / 4 << 4;
        t[13] = (byte)segment.Flags;
        BinaryPrimitives.WriteUInt16BigEndian(t[14..], TcpWindow);
        segment.Payload.CopyTo(t[TcpHeaderLength..]);
        return tcp;
    }

    private static void WriteTcpChecksum(Span<byte> tcp, ReadOnlySpan<byte> pseudoHeader)
    {
        var sum = InternetChecksum.Add(0, pseudoHeader);
        sum = InternetChecksum.Add(sum, tcp);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], InternetChecksum.Finish(sum));
    }

    /// <summary>
    /// Linux loopback frames carry all-zero MACs; elsewhere a locally administered MAC derived from the
    /// address keeps each host's frames recognisable and the output repeatable.
    /// </summary>
    private static byte[] Mac(IPAddress address, bool loopback)
    {
        var mac = new byte[6];
        if (loopback) return mac;
        var bytes = address.GetAddressBytes();
        mac[0] = 0x02;
        bytes.AsSpan(bytes.Length - 4).CopyTo(mac.AsSpan(2));
        return mac;
    }
}

/// <summary>RFC 1071 ones' complement sum, as IPv4 and TCP use it.</summary>
public static class InternetChecksum
{
    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Add(0, data));

    /// <summary>Adds data to a running sum; every piece but the last must have an even length.</summary>
    public static ulong Add(ulong sum, ReadOnlySpan<byte> data)
    {
        var i = 0;
        for (; i + 1 < data.Length; i += 2) sum += (uint)(data[i] << 8 | data[i + 1]);
        if (i < data.Length) sum += (uint)(data[i] << 8);
        return sum;
    }

    public static ushort Finish(ulong sum)
    {
        while (sum >> 16 != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }
}
