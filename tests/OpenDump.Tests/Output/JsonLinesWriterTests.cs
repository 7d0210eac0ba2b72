using OpenDump.Capture;
using OpenDump.Output;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.JsonLines;

/// <summary>JSON Lines are written in large pieces for speed, but a live capture still sees each line the moment its frame completes.</summary>
public sealed class JsonLinesWriterTests
{
    [Fact]
    public void Lines_reach_the_stream_at_once_only_when_asked_and_all_of_them_at_the_end()
    {
        var sink = new CollectingSink();
        using (var source = new PcapFileSource(Fixtures.SdkTcp("plain.pcap"))) CaptureAnalyzer.Run(source, new AnalyzerOptions(), sink);

        var live = new MemoryStream();
        using (var writer = new JsonLinesWriter(live, _ => { }) { FlushEachLine = true })
        {
            writer.OnFrame(sink.Frames[0]);
            Assert.Equal((byte)'\n', live.ToArray()[^1]);
            writer.OnFrame(sink.Frames[1]);
            Assert.Equal(2, live.ToArray().Count(b => b == '\n'));
        }

        var batched = new MemoryStream();
        using (var writer = new JsonLinesWriter(batched, _ => { }))
        {
            writer.OnFrame(sink.Frames[0]);
            Assert.Equal(0, batched.Length);
            foreach (var f in sink.Frames.Skip(1)) writer.OnFrame(f);
            writer.OnComplete(sink.Connections);
        }
        var lines = System.Text.Encoding.UTF8.GetString(batched.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(sink.Frames.Count, lines.Length);
        Assert.StartsWith(System.Text.Encoding.UTF8.GetString(live.ToArray()), string.Join('\n', lines) + "\n");
    }
}
