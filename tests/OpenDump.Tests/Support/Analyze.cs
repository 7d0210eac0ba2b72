using System.Text;
using OpenDump.Capture;
using OpenDump.Crypto;
using OpenDump.Output;
using OpenDump.Testing;

namespace OpenDump.Tests.Support;

/// <summary>Runs the whole pipeline, from a capture file written by the builders, the way `opendump read` does.</summary>
public static class Analyze
{
    public static CollectingSink Capture(IEnumerable<TestSegment> segments, RsaPrivateKey? key = null, LinkKind link = LinkKind.Ethernet,
        CaptureFormat format = CaptureFormat.Pcap, AnalyzerOptions? options = null)
    {
        var sink = new CollectingSink();
        Run(segments, link, format, options ?? new AnalyzerOptions { RsaKey = key }, sink);
        return sink;
    }

    /// <summary>The JSON Lines output, byte for byte, for comparing runs.</summary>
    public static string Jsonl(IEnumerable<TestSegment> segments, RsaPrivateKey? key = null, LinkKind link = LinkKind.Ethernet)
    {
        var output = new MemoryStream();
        var messages = new StringBuilder();
        using (var writer = new JsonLinesWriter(output, m => messages.AppendLine(m)))
            Run(segments, link, CaptureFormat.Pcap, new AnalyzerOptions { RsaKey = key }, writer);
        return Encoding.UTF8.GetString(output.ToArray()) + messages;
    }

    private static void Run(IEnumerable<TestSegment> segments, LinkKind link, CaptureFormat format, AnalyzerOptions options, Session.IAnalysisSink sink)
    {
        var path = Path.Combine(Path.GetTempPath(), $"opendump-test-{Guid.NewGuid():N}.{(format == CaptureFormat.Pcap ? "pcap" : "pcapng")}");
        File.WriteAllBytes(path, segments.ToBytes(link, format));
        try
        {
            using var source = new PcapFileSource(path);
            CaptureAnalyzer.Run(source, options, sink);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
