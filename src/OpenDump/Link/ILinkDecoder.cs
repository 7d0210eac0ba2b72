using OpenDump.Capture;

namespace OpenDump.Link;

public enum LinkDecodeStatus
{
    Tcp,
    /// <summary>A well-formed packet that carries no TCP (ARP, UDP, ICMP...).</summary>
    NotTcp,
    Malformed,
    UnsupportedLinkType,
}

/// <summary>Link, IP and TCP decoding behind an interface of ours, so no later stage sees the decoding library.</summary>
public interface ILinkDecoder
{
    LinkDecodeStatus TryDecode(in CapturedPacket packet, out TcpSegment segment, out string? problem);
}
