using OpenDump.Link;

namespace OpenDump.Testing;

/// <summary>One TCP segment as a capture would show it, before any link or IP header is chosen.</summary>
public sealed record TestSegment(
    long TimestampMicros,
    Endpoint Source,
    Endpoint Destination,
    uint Seq,
    uint Ack,
    TcpFlags Flags,
    byte[] Payload);

public enum TcpClose
{
    /// <summary>The capture just stops, as when it was cut off mid-connection.</summary>
    None,
    /// <summary>Client FIN, server FIN-ACK, client ACK.</summary>
    Fin,
    /// <summary>The client aborts with RST.</summary>
    Rst,
}

/// <summary>
/// How a conversation is cut into segments. The defaults look like a healthy loopback connection;
/// the other knobs produce the traffic a reassembler must survive. Each random choice has its own
/// stream derived from <see cref="Seed"/>, so turning on reordering does not change the ISNs or splits.
/// </summary>
public sealed record SegmenterOptions
{
    public bool Handshake { get; init; } = true;

    public long Seed { get; init; } = 1;

    public uint? ClientIsn { get; init; }

    public uint? ServerIsn { get; init; }

    /// <summary>Puts both ISNs a few hundred bytes below 2^32 so that sequence numbers wrap early in the stream.</summary>
    public bool IsnNearWrap { get; init; }

    /// <summary>1448 is what a 1500-byte MTU leaves once IP, TCP and the timestamp option are paid for.</summary>
    public int MaxSegmentSize { get; init; } = 1448;

    /// <summary>
    /// Consecutive messages of one direction share segments, as Nagle or a busy sender makes them;
    /// the shared segments carry the time of the last message in the run.
    /// </summary>
    public bool Coalesce { get; init; }

    public bool OneBytePerSegment { get; init; }

    /// <summary>Random cut points, half of them in the first 64 bytes so that headers get split too.</summary>
    public bool RandomSplits { get; init; }

    /// <summary>
    /// Data segments are shuffled within blocks of this many, each block inside one run of a single
    /// direction's data, so a request still precedes its reply. 0 or 1 keeps order.
    /// </summary>
    public int ReorderWindow { get; init; }

    /// <summary>Share of data segments sent a second time, either whole or as a segment overlapping the next one.</summary>
    public double RetransmitRate { get; init; }

    /// <summary>Receiver ACKs every two full segments and after each burst it does not answer at once.</summary>
    public bool PureAcks { get; init; } = true;

    public TcpClose Close { get; init; } = TcpClose.Fin;

    public static SegmenterOptions Default => new();

    public static SegmenterOptions OneByte => new() { OneBytePerSegment = true };

    public static SegmenterOptions Splits(long seed) => new() { RandomSplits = true, Seed = seed };

    public static SegmenterOptions Hostile(long seed) =>
        new() { RandomSplits = true, ReorderWindow = 4, RetransmitRate = 0.2, Seed = seed };
}
