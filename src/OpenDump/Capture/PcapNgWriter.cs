using System.Buffers.Binary;

namespace OpenDump.Capture;

/// <summary>
/// Writes captured packets as pcapng (section header, one interface, enhanced packet blocks), so a
/// live session can be read again later with `opendump read` or Wireshark. Little-endian,
/// microsecond timestamps (the pcapng default resolution).
/// </summary>
public sealed class PcapNgWriter : IDisposable
{
    private const uint SectionHeaderBlock = 0x0A0D0D0A;
    private const uint InterfaceDescriptionBlock = 0x00000001;
    private const uint EnhancedPacketBlock = 0x00000006;
    private readonly Stream _out;
    private byte[] _block = new byte[4096];

    public PcapNgWriter(Stream output, int linkType, int snapLength = 262144)
    {
        _out = output;
        Span<byte> shb = stackalloc byte[28];
        BinaryPrimitives.WriteUInt32LittleEndian(shb, SectionHeaderBlock);
        BinaryPrimitives.WriteUInt32LittleEndian(shb[4..], 28);
        BinaryPrimitives.WriteUInt32LittleEndian(shb[8..], 0x1A2B3C4D); // byte-order magic
        BinaryPrimitives.WriteUInt16LittleEndian(shb[12..], 1);          // version 1.0
        BinaryPrimitives.WriteUInt16LittleEndian(shb[14..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(shb[16..], -1);          // section length unknown
        BinaryPrimitives.WriteUInt32LittleEndian(shb[24..], 28);
        _out.Write(shb);

        Span<byte> idb = stackalloc byte[20];
        BinaryPrimitives.WriteUInt32LittleEndian(idb, InterfaceDescriptionBlock);
        BinaryPrimitives.WriteUInt32LittleEndian(idb[4..], 20);
        BinaryPrimitives.WriteUInt16LittleEndian(idb[8..], (ushort)linkType);
        BinaryPrimitives.WriteUInt16LittleEndian(idb[10..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(idb[12..], (uint)snapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(idb[16..], 20);
        _out.Write(idb);
    }

    public void Write(in CapturedPacket packet)
    {
        var data = packet.Data.Span;
        var padded = (data.Length + 3) & ~3;
        var total = 32 + padded;
        if (_block.Length < total) _block = new byte[Math.Max(total, _block.Length * 2)];
        var b = _block.AsSpan(0, total);
        b.Clear();
        var ts = (ulong)packet.TimestampMicros;
        BinaryPrimitives.WriteUInt32LittleEndian(b, EnhancedPacketBlock);
        BinaryPrimitives.WriteUInt32LittleEndian(b[4..], (uint)total);
        BinaryPrimitives.WriteUInt32LittleEndian(b[8..], 0);                  // interface 0
        BinaryPrimitives.WriteUInt32LittleEndian(b[12..], (uint)(ts >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(b[16..], (uint)ts);
        BinaryPrimitives.WriteUInt32LittleEndian(b[20..], (uint)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(b[24..], (uint)Math.Max(packet.OriginalLength, data.Length));
        data.CopyTo(b[28..]);
        BinaryPrimitives.WriteUInt32LittleEndian(b[(28 + padded)..], (uint)total);
        _out.Write(b);
    }

    public void Flush() => _out.Flush();

    /// <summary>Flushes and closes the stream: the writer owns it.</summary>
    public void Dispose() => _out.Dispose();
}
