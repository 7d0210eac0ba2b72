using System.Collections.Concurrent;
using System.Text;
using OpenDump.Diagnostics;
using OpenDump.Output;
using OpenDump.Reassembly;
using OpenDump.Session;
using Xunit;

namespace OpenDump.Tests.Timeline;

/// <summary>
/// The timeline copies each prepared line out of its worker's block and reports the block's lines done a run at a
/// time; every block a worker has left must still go back to the pool, or a long capture grows by a block per
/// few thousand lines.
/// </summary>
[Collection(nameof(TimelineBlockTests))]
public sealed class TimelineBlockTests
{
    [Theory]
    // Lines are prepared in blocks only when frames go to worker threads.
    [InlineData(2)]
    [InlineData(3)]
    public void Every_block_a_worker_has_left_goes_back_to_the_pool(int threads)
    {
        const int pushes = 30_000; // about 4 MB of lines: several 1 MiB blocks per thread
        var (packets, key, _) = Performance.AllocationBudgetTests.SteadyStream(pushes);
        var output = new MemoryStream();
        var blocks = new BlockRecorder(new TimelineWriter(new StreamWriter(output, new UTF8Encoding(false))));
        AnalyzeOnAThreadOfItsOwn(packets, key, threads, blocks);

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n');
        Assert.Equal(pushes + 2, lines.Count(l => l.Contains("sn=", StringComparison.Ordinal)));
        // A block is taken up again once given back: the blocks used are each thread's first and one per move to another.
        Assert.True(blocks.Threads + blocks.Moves > 3, $"only {blocks.Threads} threads' first blocks and {blocks.Moves} moves to another");
        var used = blocks.Used.Keys.ToList();
        // Only the block each thread is still writing into may be held: a worker leaves a block when it is full.
        var held = used.Count(block => !block.Released);
        Assert.True(held <= threads, $"{held} of {used.Count} blocks not returned");
    }

    [Fact]
    public void Two_writers_teed_each_take_back_their_own_line()
    {
        const int pushes = 30_000, threads = 2;
        var (packets, key, _) = Performance.AllocationBudgetTests.SteadyStream(pushes);
        var jsonl = new MemoryStream();
        var timeline = new MemoryStream();
        using var jsonWriter = new JsonLinesWriter(jsonl, _ => { });
        var blocks = new BlockRecorder(new OpenDump.Cli.TeeSink(jsonWriter, new TimelineWriter(new StreamWriter(timeline, new UTF8Encoding(false)))));
        AnalyzeOnAThreadOfItsOwn(packets, key, threads, blocks);

        Assert.Equal(pushes + 2, Encoding.UTF8.GetString(timeline.ToArray()).Split('\n').Count(l => l.Contains("sn=", StringComparison.Ordinal)));
        var json = Encoding.UTF8.GetString(jsonl.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(pushes + 2, json.Length);
        Assert.All(json, line => Assert.StartsWith("{", line));
        // Most frames were prepared by both writers (the calling thread renders some itself when workers fall behind).
        Assert.True(blocks.PreparedTwice > pushes / 2, $"{blocks.PreparedTwice} frames prepared by both writers");
        var used = blocks.Used.Keys.ToList();
        var held = used.Count(block => !block.Released);
        Assert.True(held <= threads, $"{held} of {used.Count} blocks not returned");
    }

    /// <summary>
    /// On a thread of its own: the calling thread renders lines too when the workers fall behind, into its thread's
    /// block, and a test thread's block can hold lines an earlier test left unwritten.
    /// </summary>
    private static void AnalyzeOnAThreadOfItsOwn(List<OpenDump.Capture.CapturedPacket> packets, OpenDump.Crypto.RsaPrivateKey key, int threads, IAnalysisSink sink)
    {
        var run = new Thread(() =>
        {
            using var analyzer = new CaptureAnalyzer(new AnalyzerOptions { RsaKey = key, Threads = threads, Bodies = BodyDetail.Plaintext }, sink);
            foreach (var packet in packets) analyzer.ProcessPacket(packet);
            analyzer.Finish();
        });
        run.Start();
        run.Join();
    }

    private sealed class BlockRecorder(IAnalysisSink inner) : IAnalysisSink
    {
        public readonly ConcurrentDictionary<LineBlock, bool> Used = new(ReferenceEqualityComparer.Instance);
        private int _preparedTwice;
        private int _moves;
        [ThreadStatic] private static LineBlock? t_last;
        public int PreparedTwice => _preparedTwice;
        public int Moves => _moves;
        private readonly ConcurrentDictionary<int, bool> _threads = new();
        public int Threads => _threads.Count;

        public void PrepareFrame(OpenDFrame frame)
        {
            inner.PrepareFrame(frame);
            var count = 0;
            for (var p = frame.Prepared; p is not null; p = p.Next, count++)
            {
                if (p.Block is not { } block) continue;
                Used.TryAdd(block, true);
                if (t_last is null) _threads.TryAdd(Environment.CurrentManagedThreadId, true);
                else if (!ReferenceEquals(block, t_last)) Interlocked.Increment(ref _moves);
                t_last = block;
            }
            if (count == 2) Interlocked.Increment(ref _preparedTwice);
        }

        public void OnFrame(OpenDFrame frame) => inner.OnFrame(frame);
        public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros) => inner.OnConnectionDiagnostic(connection, diagnostic, timestampMicros);
        public void OnCaptureDiagnostic(Diagnostic diagnostic) => inner.OnCaptureDiagnostic(diagnostic);
        public void OnComplete(IReadOnlyList<ConnectionSummary> connections) => inner.OnComplete(connections);
    }
}

/// <summary>
/// Run alone: two analyses of 30,000 frames on extra threads slow the JIT's background thread enough that another
/// test's warm-up can end before its code is optimised, and the allocation budgets then count the JIT's own objects.
/// </summary>
[CollectionDefinition(nameof(TimelineBlockTests), DisableParallelization = true)]
public sealed class TimelineBlockTestsCollection;
