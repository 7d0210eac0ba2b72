using System.Buffers.Binary;

namespace OpenDump.Testing;

/// <summary>
/// Classic libpcap files: a 24-byte global header (magic a1b2c3d4 written little-endian, version 2.4,
/// microsecond timestamps, snaplen 262144), then per packet ts_sec, ts_usec, incl_len, orig_len.
/// </summary>
public sealed class PcapWriter : IDisposable
{
    public const uint SnapLength = 262144;

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly LinkKind _link;

    public PcapWriter(Stream output, LinkKind link, bool leaveOpen = false)
    {
        _output = output;
        _link = link;
        _leaveOpen = leaveOpen;

        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        // thiszone and sigfigs stay zero, as every modern writer leaves them.
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], PacketEncoder.DataLinkType(link));
        _output.Write(header);
    }

    public void Write(TestSegment segment) => WritePacket(segment.TimestampMicros, PacketEncoder.LinkFrame(segment, _link));

    public void WriteAll(IEnumerable<TestSegment> segments)
    {
        foreach (var segment in segments) Write(segment);
    }

    /// <summary>
    /// A record with caller-made link bytes (a truncated packet, a foreign EtherType). With
    /// <paramref name="originalLength"/> larger than the data, the record says the packet was cut by the snaplen.
    /// </summary>
    public void WritePacket(long timestampMicros, ReadOnlySpan<byte> linkFrame, uint? originalLength = null)
    {
        if (timestampMicros < 0) throw new ArgumentOutOfRangeException(nameof(timestampMicros));
        Span<byte> record = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(timestampMicros / 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)(timestampMicros % 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)linkFrame.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[12..], originalLength ?? (uint)linkFrame.Length);
        _output.Write(record);
        _output.Write(linkFrame);
    }

    public void Dispose()
    {
        _output.Flush();
        if (!_leaveOpen) _output.Dispose();
    }
}

/// <summary>
/// pcapng with one Section Header Block, one Interface Description Block (default microsecond
/// resolution) and an Enhanced Packet Block per packet, all little-endian.
/// </summary>
public sealed class PcapNgWriter : IDisposable
{
    private const uint SectionHeaderBlock = 0x0A0D0D0A;
    private const uint InterfaceDescriptionBlock = 0x00000001;
    private const uint EnhancedPacketBlock = 0x00000006;
    private const uint ByteOrderMagic = 0x1A2B3C4D;

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly LinkKind _link;

    public PcapNgWriter(Stream output, LinkKind link, bool leaveOpen = false)
    {
        _output = output;
        _link = link;
        _leaveOpen = leaveOpen;

        Span<byte> shb = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(shb, ByteOrderMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(shb[4..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(shb[6..], 0);
        // Section length -1: "not specified", so readers do not depend on it being exact.
        BinaryPrimitives.WriteInt64LittleEndian(shb[8..], -1);
        WriteBlock(SectionHeaderBlock, shb);

        Span<byte> idb = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(idb, (ushort)PacketEncoder.DataLinkType(link));
        BinaryPrimitives.WriteUInt32LittleEndian(idb[4..], PcapWriter.SnapLength);
        WriteBlock(InterfaceDescriptionBlock, idb);
    }

    public void Write(TestSegment segment) => WritePacket(segment.TimestampMicros, PacketEncoder.LinkFrame(segment, _link));

    public void WriteAll(IEnumerable<TestSegment> segments)
    {
        foreach (var segment in segments) Write(segment);
    }

    public void WritePacket(long timestampMicros, ReadOnlySpan<byte> linkFrame, uint? originalLength = null)
    {
        if (timestampMicros < 0) throw new ArgumentOutOfRangeException(nameof(timestampMicros));
        var padded = (linkFrame.Length + 3) & ~3;
        var body = new byte[20 + padded];
        BinaryPrimitives.WriteUInt32LittleEndian(body, 0); // interface 0, the only IDB
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4), (uint)((ulong)timestampMicros >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), (uint)timestampMicros);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(12), (uint)linkFrame.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(16), originalLength ?? (uint)linkFrame.Length);
        linkFrame.CopyTo(body.AsSpan(20));
        WriteBlock(EnhancedPacketBlock, body);
    }

    /// <summary>Type, total length, body (already padded to 4), total length again — so readers can walk backwards.</summary>
    private void WriteBlock(uint type, ReadOnlySpan<byte> body)
    {
        var total = (uint)(12 + body.Length);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(word, type);
        _output.Write(word);
        BinaryPrimitives.WriteUInt32LittleEndian(word, total);
        _output.Write(word);
        _output.Write(body);
        _output.Write(word);
    }

    public void Dispose()
    {
        _output.Flush();
        if (!_leaveOpen) _output.Dispose();
    }
}
