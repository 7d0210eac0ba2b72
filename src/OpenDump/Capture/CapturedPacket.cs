namespace OpenDump.Capture;

/// <summary>
/// One packet as the capture file or interface gave it. <see cref="Data"/> belongs to the source
/// and is valid until the next read, so a packet is processed before the next one is fetched.
/// </summary>
public readonly record struct CapturedPacket(long Number, long TimestampMicros, int LinkType, ReadOnlyMemory<byte> Data, int OriginalLength);

/// <summary>A problem with the capture itself (not with the traffic in it).</summary>
public sealed record CaptureProblem(string Code, string Message);
