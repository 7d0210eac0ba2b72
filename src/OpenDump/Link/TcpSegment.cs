namespace OpenDump.Link;

[Flags]
public enum TcpFlags : byte
{
    None = 0,
    Fin = 0x01,
    Syn = 0x02,
    Rst = 0x04,
    Psh = 0x08,
    Ack = 0x10,
}

/// <summary>
/// A TCP segment lifted out of a packet. <see cref="Payload"/> may point into the capture source's
/// buffer and is valid only until the next packet is read.
/// </summary>
public readonly record struct TcpSegment(
    long PacketNumber,
    long TimestampMicros,
    Endpoint Source,
    Endpoint Destination,
    uint Sequence,
    uint Acknowledgment,
    TcpFlags Flags,
    ReadOnlyMemory<byte> Payload)
{
    public bool Has(TcpFlags flag) => (Flags & flag) == flag;
}
