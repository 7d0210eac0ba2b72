using System.Buffers.Binary;
using System.Net;
using OpenDump.Capture;

namespace OpenDump.Link;

/// <summary>
/// The fast path of link decoding: walks the headers of the common case (Ethernet with VLAN tags,
/// BSD loopback, Linux cooked SLL/SLL2 or raw IP; IPv4 without fragmentation or IPv6 without extension
/// headers; TCP) in place, without copying the packet or allocating. Anything else, and anything that
/// does not look right, goes to <see cref="PacketDotNetLinkDecoder"/>, so odd packets get exactly the
/// same treatment and messages as before.
/// </summary>
public sealed class SpanLinkDecoder : ILinkDecoder
{
    private const int LinkNull = 0, LinkEthernet = 1, LinkRaw = 101, LinkRawLegacy = 12, LinkRawOpenBsd = 14,
        LinkLoop = 108, LinkSll = 113, LinkSll2 = 276, LinkIPv4 = 228, LinkIPv6 = 229;

    // Addresses are interned: a capture has few distinct ones, and an IPAddress per packet is most of what
    // decoding a packet would otherwise allocate. The bound keeps a scan of many hosts from growing it forever.
    private const int MaxInterned = 1 << 16;
    private readonly Dictionary<uint, IPAddress> _v4 = new();
    private const int RecentV4Bits = 4;
    private readonly (uint Key, IPAddress? Address)[] _recentV4 = new (uint, IPAddress?)[1 << RecentV4Bits];
    private readonly Dictionary<(ulong, ulong), IPAddress> _v6 = new();
    private readonly PacketDotNetLinkDecoder _fallback = new();

    public LinkDecodeStatus TryDecode(in CapturedPacket packet, out TcpSegment segment, out string? problem)
    {
        segment = default;
        var data = packet.Data.Span;
        var (ipStart, version) = IpOffset(packet.LinkType, data);
        if (ipStart >= 0 && ipStart < data.Length && (version == 0 || data[ipStart] >> 4 == version))
        {
            var status = (data[ipStart] >> 4) switch
            {
                4 => TryIPv4(packet, ipStart, out segment),
                6 => TryIPv6(packet, ipStart, out segment),
                _ => Fallback,
            };
            if (status != Fallback)
            {
                problem = null;
                return status;
            }
        }
        return _fallback.TryDecode(packet, out segment, out problem);
    }

    private const LinkDecodeStatus Fallback = (LinkDecodeStatus)(-1);

    /// <summary>
    /// Where the IP header starts and which IP version the link header announces (0: read it from the IP
    /// header), or -1 when the link header is not one this path knows, or not IP.
    /// </summary>
    private static (int Offset, int Version) IpOffset(int linkType, ReadOnlySpan<byte> data)
    {
        switch (linkType)
        {
            case LinkEthernet:
            {
                var at = 12;
                while (data.Length >= at + 2)
                {
                    var etherType = BinaryPrimitives.ReadUInt16BigEndian(data[at..]);
                    if (etherType is 0x8100 or 0x88a8)
                    {
                        at += 4;
                        continue;
                    }
                    return etherType switch { 0x0800 => (at + 2, 4), 0x86dd => (at + 2, 6), _ => (-1, 0) };
                }
                return (-1, 0);
            }
            case LinkNull:
                // The address family in the capturing host's byte order: 2 is IPv4 everywhere, and IPv6 is 24, 28 or 30.
                if (data.Length < 4) return (-1, 0);
                var family = BinaryPrimitives.ReadUInt32LittleEndian(data);
                if (family > 0xffff) family = BinaryPrimitives.ReadUInt32BigEndian(data);
                return Family(family);
            case LinkLoop:
                return data.Length >= 4 ? Family(BinaryPrimitives.ReadUInt32BigEndian(data)) : (-1, 0);
            case LinkSll:
                return data.Length >= 16 ? EtherType(BinaryPrimitives.ReadUInt16BigEndian(data[14..]), 16) : (-1, 0);
            case LinkSll2:
                return data.Length >= 20 ? EtherType(BinaryPrimitives.ReadUInt16BigEndian(data), 20) : (-1, 0);
            case LinkIPv4:
                return (0, 4);
            case LinkIPv6:
                return (0, 6);
            case LinkRaw or LinkRawLegacy or LinkRawOpenBsd:
                return (0, 0);
            default:
                return (-1, 0);
        }
    }

    private static (int, int) Family(uint family) => family switch
    {
        2 => (4, 4),
        24 or 28 or 30 => (4, 6),
        _ => (-1, 0),
    };

    private static (int, int) EtherType(ushort type, int offset) => type switch
    {
        0x0800 => (offset, 4),
        0x86dd => (offset, 6),
        _ => (-1, 0),
    };

    private LinkDecodeStatus TryIPv4(in CapturedPacket packet, int at, out TcpSegment segment)
    {
        segment = default;
        var data = packet.Data.Span;
        if (data.Length < at + 20) return Fallback;
        var ip = data[at..];
        var headerLength = (ip[0] & 0x0f) * 4;
        var totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        var fragment = BinaryPrimitives.ReadUInt16BigEndian(ip[6..]);
        // Fragments, options that do not fit and lengths that do not add up are PacketDotNet's to judge.
        if (headerLength < 20 || totalLength < headerLength || (fragment & 0x3fff) != 0 || ip.Length < headerLength) return Fallback;
        if (ip[9] != 6) return Fallback; // PacketDotNet parses (and may reject) other protocols; its verdict stands
        var source = V4(BinaryPrimitives.ReadUInt32BigEndian(ip[12..]), ip[12..16]);
        var destination = V4(BinaryPrimitives.ReadUInt32BigEndian(ip[16..]), ip[16..20]);
        return Tcp(packet, at + headerLength, totalLength - headerLength, source, destination, out segment);
    }

    private LinkDecodeStatus TryIPv6(in CapturedPacket packet, int at, out TcpSegment segment)
    {
        segment = default;
        var data = packet.Data.Span;
        if (data.Length < at + 40) return Fallback;
        var ip = data[at..];
        if (ip[6] != 6) return Fallback; // extension headers, or not TCP: PacketDotNet walks those
        var payloadLength = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
        var source = V6(ip.Slice(8, 16));
        var destination = V6(ip.Slice(24, 16));
        return Tcp(packet, at + 40, payloadLength, source, destination, out segment);
    }

    private static LinkDecodeStatus Tcp(in CapturedPacket packet, int at, int ipPayloadLength, IPAddress source, IPAddress destination, out TcpSegment segment)
    {
        segment = default;
        var data = packet.Data.Span;
        if (data.Length < at + 20 || ipPayloadLength < 20) return Fallback;
        var tcp = data[at..];
        var dataOffset = tcp[12] >> 4;
        var headerLength = dataOffset * 4;
        if (dataOffset < 5 || headerLength > ipPayloadLength || tcp.Length < headerLength) return Fallback;
        var start = at + headerLength;
        // The payload is what the IP length claims, cut to what was captured (snaplen); padding is left out.
        var length = Math.Min(ipPayloadLength - headerLength, data.Length - start);
        var raw = tcp[13];
        var flags = TcpFlags.None;
        if ((raw & 0x01) != 0) flags |= TcpFlags.Fin;
        if ((raw & 0x02) != 0) flags |= TcpFlags.Syn;
        if ((raw & 0x04) != 0) flags |= TcpFlags.Rst;
        if ((raw & 0x08) != 0) flags |= TcpFlags.Psh;
        if ((raw & 0x10) != 0) flags |= TcpFlags.Ack;
        segment = new TcpSegment(
            packet.Number,
            packet.TimestampMicros,
            new Endpoint(source, BinaryPrimitives.ReadUInt16BigEndian(tcp)),
            new Endpoint(destination, BinaryPrimitives.ReadUInt16BigEndian(tcp[2..])),
            BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]),
            flags,
            packet.Data.Slice(start, length));
        return LinkDecodeStatus.Tcp;
    }

    private IPAddress V4(uint key, ReadOnlySpan<byte> bytes)
    {
        // A capture's packets carry a few addresses over and over: a small table by the address's bits answers most
        // without the dictionary (two lookups a packet were 0.9 % of a two-thread stats run's samples).
        ref var recent = ref _recentV4[(int)((key * 0x9E3779B1u) >> (32 - RecentV4Bits))];
        if (recent.Key == key && recent.Address is { } address) return address;
        if (!_v4.TryGetValue(key, out address))
        {
            if (_v4.Count >= MaxInterned) _v4.Clear();
            _v4[key] = address = new IPAddress(bytes);
        }
        recent = (key, address);
        return address;
    }

    private IPAddress V6(ReadOnlySpan<byte> bytes)
    {
        var key = (BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
        if (_v6.TryGetValue(key, out var known)) return known;
        if (_v6.Count >= MaxInterned) _v6.Clear();
        return _v6[key] = new IPAddress(bytes);
    }
}
