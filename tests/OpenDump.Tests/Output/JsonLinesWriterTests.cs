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

    [Fact]
    public void Lines_rendered_on_worker_threads_are_flushed_one_by_one_when_asked_and_are_the_same_lines()
    {
        string Run(bool flushEachLine, int threads, out int flushes, out int lines)
        {
            var output = new FlushCountingStream();
            using (var writer = new JsonLinesWriter(output, _ => { }) { FlushEachLine = flushEachLine })
            using (var source = new PcapFileSource(Fixtures.SdkTcp("ftaes.pcap")))
                CaptureAnalyzer.Run(source, new AnalyzerOptions { RsaKey = OpenDump.Crypto.RsaPrivateKey.Load(Fixtures.SdkKey), Threads = threads, BatchFrames = 3, Bodies = BodyDetail.Plaintext }, writer);
            flushes = output.FlushesWithNewData;
            var text = System.Text.Encoding.UTF8.GetString(output.ToArray());
            lines = text.Count(c => c == '\n');
            return text;
        }
        var expected = Run(false, 1, out _, out var count);
        var live = Run(true, 3, out var flushes, out var liveCount);
        Assert.True(count > 20, $"{count} lines");
        Assert.Equal(count, liveCount);
        Assert.Equal(expected, live);
        // Every line reached the stream and was flushed before the next one was written.
        Assert.Equal(count, flushes);
    }

    private sealed class FlushCountingStream : MemoryStream
    {
        private long _flushedAt;
        public int FlushesWithNewData { get; private set; }

        public override void Flush()
        {
            if (Length > _flushedAt) FlushesWithNewData++;
            _flushedAt = Length;
            base.Flush();
        }
    }
}
