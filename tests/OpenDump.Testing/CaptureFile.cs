namespace OpenDump.Testing;

public enum CaptureFormat
{
    Pcap,
    PcapNg,
}

/// <summary>The last step of the chain: segments to capture bytes or to a file the analyzer can open.</summary>
public static class CaptureFile
{
    public static byte[] ToPcap(this IEnumerable<TestSegment> segments, LinkKind link = LinkKind.Ethernet) =>
        ToBytes(segments, link, CaptureFormat.Pcap);

    public static byte[] ToPcapNg(this IEnumerable<TestSegment> segments, LinkKind link = LinkKind.Ethernet) =>
        ToBytes(segments, link, CaptureFormat.PcapNg);

    /// <summary>The whole chain in one step, for tests that do not care how the segments look.</summary>
    public static byte[] ToPcap(this Conversation conversation, LinkKind link = LinkKind.Ethernet, SegmenterOptions? options = null) =>
        conversation.Segment(options).ToPcap(link);

    public static string WriteTemp(this Conversation conversation, LinkKind link = LinkKind.Ethernet,
        SegmenterOptions? options = null, CaptureFormat format = CaptureFormat.Pcap) =>
        conversation.Segment(options).WriteTemp(link, format);

    public static byte[] ToBytes(this IEnumerable<TestSegment> segments, LinkKind link, CaptureFormat format)
    {
        using var buffer = new MemoryStream();
        Write(buffer, segments, link, format);
        return buffer.ToArray();
    }

    public static void Write(Stream output, IEnumerable<TestSegment> segments, LinkKind link = LinkKind.Ethernet,
        CaptureFormat format = CaptureFormat.Pcap)
    {
        if (format == CaptureFormat.PcapNg)
        {
            using var writer = new PcapNgWriter(output, link, leaveOpen: true);
            writer.WriteAll(segments);
        }
        else
        {
            using var writer = new PcapWriter(output, link, leaveOpen: true);
            writer.WriteAll(segments);
        }
    }

    /// <summary>
    /// Writes the capture to a new file in the temp folder and returns its path; the caller deletes it.
    /// The name is unique so parallel tests never share a file.
    /// </summary>
    public static string WriteTemp(this IEnumerable<TestSegment> segments, LinkKind link = LinkKind.Ethernet,
        CaptureFormat format = CaptureFormat.Pcap)
    {
        var extension = format == CaptureFormat.PcapNg ? "pcapng" : "pcap";
        var path = Path.Combine(Path.GetTempPath(), $"opendump-test-{Guid.NewGuid():N}.{extension}");
        using (var file = File.Create(path))
            Write(file, segments, link, format);
        return path;
    }
}
