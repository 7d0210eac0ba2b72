using System.Buffers.Binary;
using OpenDump.Link;
using OpenDump.Testing;
using Xunit;

namespace OpenDump.Tests.Builders;

public sealed class CaptureFileTests
{
    private static IReadOnlyList<TestSegment> Segments(string client, string server) =>
        new ConversationBuilder(Endpoint.Parse(client), Endpoint.Parse(server))
            .Request(1004, 1, new KeepAlive.Request { C2S = new() { Time = 1_700_000_000 } })
            .Reply(1004, 1, new KeepAlive.Response { RetType = 0, S2C = new() { Time = 1_700_000_000 } })
            .ServerBytes(new byte[3001]) // odd length: the checksum must pad the last byte
            .Build()
            .Segment();

    public static TheoryData<LinkKind, uint, int> Links => new()
    {
        { LinkKind.Ethernet, 1, 14 },
        { LinkKind.EthernetVlan, 1, 18 },
        { LinkKind.Null, 0, 4 },
        { LinkKind.LinuxSll, 113, 16 },
        { LinkKind.LinuxSll2, 276, 20 },
        { LinkKind.RawIp, 101, 0 },
    };

    /// <summary>Walks a classic pcap by its record headers, the way any reader would.</summary>
    private static List<(long Micros, byte[] Data)> ReadPcap(byte[] file, out uint linkType)
    {
        Assert.Equal(new byte[] { 0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0 }, file[..8]);
        Assert.Equal(262144u, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(16)));
        linkType = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(20));
        var records = new List<(long, byte[])>();
        for (var at = 24; at < file.Length;)
        {
            var seconds = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at));
            var micros = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 4));
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 8));
            Assert.Equal((uint)length, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 12)));
            records.Add((seconds * 1_000_000L + micros, file.AsSpan(at + 16, length).ToArray()));
            at += 16 + length;
        }
        return records;
    }

    /// <summary>Ones' complement sum written out here rather than borrowed from the builders.</summary>
    private static bool ChecksumHolds(params byte[][] parts)
    {
        var all = parts.SelectMany(p => p).ToList();
        if (all.Count % 2 == 1) all.Add(0);
        uint sum = 0;
        for (var i = 0; i < all.Count; i += 2) sum += (uint)(all[i] << 8 | all[i + 1]);
        while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
        return sum == 0xFFFF;
    }

    [Theory]
    [MemberData(nameof(Links))]
    public void Every_link_kind_wraps_valid_ipv4_and_tcp(LinkKind link, uint linkType, int linkHeader)
    {
        var segments = Segments("192.168.1.20:50001", "192.168.1.10:11111");
        var records = ReadPcap(segments.ToPcap(link), out var writtenLinkType);

        Assert.Equal(linkType, writtenLinkType);
        Assert.Equal(segments.Count, records.Count);
        foreach (var (segment, (micros, data)) in segments.Zip(records))
        {
            Assert.Equal(segment.TimestampMicros, micros);
            var ip = data[linkHeader..];
            Assert.Equal(0x45, ip[0]);
            Assert.Equal(ip.Length, BinaryPrimitives.ReadUInt16BigEndian(ip.AsSpan(2)));
            Assert.True(ChecksumHolds(ip[..20]), "IPv4 header checksum");

            var tcp = ip[20..];
            var pseudo = new byte[12];
            ip.AsSpan(12, 8).CopyTo(pseudo);
            pseudo[9] = 6;
            BinaryPrimitives.WriteUInt16BigEndian(pseudo.AsSpan(10), (ushort)tcp.Length);
            Assert.True(ChecksumHolds(pseudo, tcp), "TCP checksum");

            Assert.Equal(segment.Source.Port, BinaryPrimitives.ReadUInt16BigEndian(tcp));
            Assert.Equal(segment.Seq, BinaryPrimitives.ReadUInt32BigEndian(tcp.AsSpan(4)));
            Assert.Equal((byte)segment.Flags, tcp[13]);
            Assert.Equal(segment.Payload, tcp[20..]);
        }
    }

    [Theory]
    [MemberData(nameof(Links))]
    public void Ipv6_gets_its_own_ethertype_family_and_checksum(LinkKind link, uint linkType, int linkHeader)
    {
        var segments = Segments("[2001:db8::20]:50001", "[2001:db8::10]:11111");
        var records = ReadPcap(segments.ToPcap(link), out _);

        foreach (var (segment, (_, data)) in segments.Zip(records))
        {
            var ip = data[linkHeader..];
            Assert.Equal(0x60, ip[0] & 0xF0);
            var tcp = ip[40..];
            var pseudo = new byte[40];
            ip.AsSpan(8, 32).CopyTo(pseudo);
            BinaryPrimitives.WriteUInt32BigEndian(pseudo.AsSpan(32), (uint)tcp.Length);
            pseudo[39] = 6;
            Assert.True(ChecksumHolds(pseudo, tcp), "TCP checksum over the IPv6 pseudo-header");
            Assert.Equal(segment.Payload, tcp[20..]);
        }
        if (link is LinkKind.Ethernet) Assert.Equal(0x86DD, BinaryPrimitives.ReadUInt16BigEndian(records[0].Data.AsSpan(12)));
        if (link is LinkKind.EthernetVlan) Assert.Equal(0x86DD, BinaryPrimitives.ReadUInt16BigEndian(records[0].Data.AsSpan(16)));
        _ = linkType;
    }

    [Fact]
    public void Pcapng_holds_one_section_one_interface_and_a_packet_block_per_segment()
    {
        var segments = Segments("127.0.0.1:50001", "127.0.0.1:11111");
        var file = segments.ToPcapNg(LinkKind.LinuxSll2);

        var blocks = new List<(uint Type, byte[] Body)>();
        for (var at = 0; at < file.Length;)
        {
            var type = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at));
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 4));
            Assert.Equal(0, length % 4);
            Assert.Equal((uint)length, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + length - 4)));
            blocks.Add((type, file[(at + 8)..(at + length - 4)]));
            at += length;
        }

        Assert.Equal(0x0A0D0D0Au, blocks[0].Type);
        Assert.Equal(0x1A2B3C4Du, BinaryPrimitives.ReadUInt32LittleEndian(blocks[0].Body));
        Assert.Equal(1u, blocks[1].Type);
        Assert.Equal(276, BinaryPrimitives.ReadUInt16LittleEndian(blocks[1].Body));
        var packets = blocks.Skip(2).ToList();
        Assert.All(packets, b => Assert.Equal(6u, b.Type));
        Assert.Equal(segments.Count, packets.Count);

        var first = packets[0].Body;
        var micros = (long)BinaryPrimitives.ReadUInt32LittleEndian(first.AsSpan(4)) << 32 | BinaryPrimitives.ReadUInt32LittleEndian(first.AsSpan(8));
        Assert.Equal(segments[0].TimestampMicros, micros);
    }

    [Fact]
    public void WriteTemp_leaves_a_file_with_the_same_bytes()
    {
        var segments = Segments("127.0.0.1:50001", "127.0.0.1:11111");
        var path = segments.WriteTemp(LinkKind.Null);
        try
        {
            Assert.Equal(segments.ToPcap(LinkKind.Null), File.ReadAllBytes(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
