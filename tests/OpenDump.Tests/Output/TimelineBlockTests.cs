using System.Collections.Concurrent;
using System.Text;
using OpenDump.Capture;
using OpenDump.Crypto;
using OpenDump.Diagnostics;
using OpenDump.Link;
using OpenDump.Output;
using OpenDump.Reassembly;
using OpenDump.Session;
using OpenDump.Testing;
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
    private static readonly Endpoint Client = Endpoint.Parse("10.0.0.2:50000");
    private static readonly Endpoint Server = Endpoint.Parse("10.0.0.1:11111");

    [Theory]
    // Lines are prepared in blocks only when frames go to worker threads.
    [InlineData(2)]
    [InlineData(3)]
    public void Every_block_a_worker_has_left_goes_back_to_the_pool(int threads)
    {
        const int pushes = 30_000; // about 4 MB of lines: several 1 MiB blocks per thread
        var keyPair = TestCrypto.GenerateRsaKeyPair(1024, seed: 5);
        var b = new ConversationBuilder(Client, Server).WithRsaKey(keyPair).InitConnect(serialNo: 1, packetEncAlgo: 0, connId: 9);
        for (var i = 0; i < pushes; i++)
            b.Push(3011, (uint)(100 + i), new QotUpdateTicker.Response
            {
                RetType = 0,
                S2C = new QotUpdateTicker.S2C
                {
                    Security = new QotCommon.Security { Market = 1, Code = "00700" },
                    TickerList = { new QotCommon.Ticker { Time = "10:00:00", Sequence = i, Dir = 1, Price = 400 + i % 10, Volume = 100, Turnover = 40000 } },
                },
            }, afterMicros: 100);

        var output = new MemoryStream();
        var blocks = new BlockRecorder(new TimelineWriter(new StreamWriter(output, new UTF8Encoding(false))));
        var segments = b.Build().Segment().ToList();
        // On a thread of its own: the calling thread renders lines too when the workers fall behind, into its
        // thread's block, and a test thread's block can hold lines an earlier test left unwritten.
        var run = new Thread(() =>
        {
            using var analyzer = new CaptureAnalyzer(new AnalyzerOptions { RsaKey = RsaPrivateKey.Parse(TestCrypto.ToPem(keyPair)), Threads = threads, Bodies = BodyDetail.Plaintext }, blocks);
            var number = 0;
            foreach (var s in segments)
            {
                var bytes = PacketEncoder.LinkFrame(s, LinkKind.Ethernet);
                analyzer.ProcessPacket(new CapturedPacket(++number, s.TimestampMicros, 1, bytes, bytes.Length));
            }
            analyzer.Finish();
        });
        run.Start();
        run.Join();

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n');
        Assert.Equal(pushes + 2, lines.Count(l => l.Contains("sn=", StringComparison.Ordinal)));
        var used = blocks.Used.Keys.ToList();
        Assert.True(used.Count > 3, $"only {used.Count} blocks");
        // Only the block each thread is still writing into may be held: a worker leaves a block when it is full.
        var held = used.Count(block => !block.Released);
        Assert.True(held <= threads, $"{held} of {used.Count} blocks not returned");
    }

    private sealed class BlockRecorder(TimelineWriter inner) : IAnalysisSink
    {
        public readonly ConcurrentDictionary<LineBlock, bool> Used = new(ReferenceEqualityComparer.Instance);

        public void PrepareFrame(OpenDFrame frame)
        {
            ((IAnalysisSink)inner).PrepareFrame(frame);
            if (frame.Prepared?.Block is { } block) Used.TryAdd(block, true);
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
