using OpenDump.Capture;
using OpenDump.Crypto;
using OpenDump.Diagnostics;
using OpenDump.Link;
using OpenDump.Reassembly;
using OpenDump.Session;
using OpenDump.Testing;
using Xunit;
using Xunit.Abstractions;

namespace OpenDump.Tests.Performance;

/// <summary>
/// Allocation budgets for the hot path, so a regression shows in CI without timing anything: a steady
/// stream of encrypted pushes is decoded twice over, and the second pass (everything warm) may allocate
/// only what each frame's own results need (the protobuf message and the frame record), nothing per packet.
/// </summary>
public sealed class AllocationBudgetTests(ITestOutputHelper output)
{
    private static readonly Endpoint Client = Endpoint.Parse("10.0.0.2:50000");
    private static readonly Endpoint Server = Endpoint.Parse("10.0.0.1:11111");

    /// <summary>One encrypted connection pushing a ticker every 100 µs, as link-layer packets (also the timeline's block test).</summary>
    internal static (List<CapturedPacket> Packets, RsaPrivateKey Key, int Pushes) SteadyStream(int pushes)
    {
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
        var packets = b.Build().Segment().Select((s, i) =>
        {
            var bytes = PacketEncoder.LinkFrame(s, LinkKind.Ethernet);
            return new CapturedPacket(i + 1, s.TimestampMicros, 1, bytes, bytes.Length);
        }).ToList();
        return (packets, RsaPrivateKey.Parse(TestCrypto.ToPem(keyPair)), pushes);
    }

    [Fact]
    public void Decoding_a_steady_encrypted_push_stream_allocates_only_each_frames_results()
    {
        var perFrame = WarmBytesPerFrame(BodyDetail.Message);
        // A decoded QotUpdateTicker.Response (message, S2C, Security, a repeated field, one Ticker, two strings)
        // is about 400 bytes and the OpenDFrame record about 200; the budget leaves room for those and no more.
        Assert.InRange(perFrame, 1, 850);
    }

    /// <summary>
    /// Counting (stats) and the JSON outputs keep less of a body than its message: the frame record alone (208
    /// bytes), or the frame record and a copy of the plaintext (80 more). The budgets leave less than the 32 bytes of
    /// a closure more a frame, which the protoID lookup once built for every frame unnoticed, and less than the 64
    /// bytes the record lost to its packing (see OpenDFrame).
    /// </summary>
    [Theory]
    [InlineData(BodyDetail.Verdict, 236)]
    [InlineData(BodyDetail.Plaintext, 316)]
    [InlineData(BodyDetail.Json, 316)]
    public void Without_messages_a_frame_allocates_its_record_and_at_most_its_plaintext(BodyDetail bodies, int budget)
    {
        Assert.InRange(WarmBytesPerFrame(bodies), 1, budget);
    }

    /// <summary>A lent plaintext (AnalyzerOptions.LendPlaintext) is an array the thread reuses: the frame allocates its record alone.</summary>
    [Theory]
    [InlineData(BodyDetail.Plaintext)]
    [InlineData(BodyDetail.Json)]
    public void With_lent_bodies_a_frame_allocates_its_record_alone(BodyDetail bodies)
    {
        Assert.InRange(WarmBytesPerFrame(bodies, lendPlaintext: true), 1, 236);
    }

    /// <summary>Reading a capture file hands out packets from one reused buffer: nothing is allocated per packet once warm.</summary>
    [Fact]
    public void Reading_a_capture_file_allocates_nothing_per_packet()
    {
        var keyPair = TestCrypto.GenerateRsaKeyPair(1024, seed: 5);
        var b = new ConversationBuilder(Client, Server).WithRsaKey(keyPair).InitConnect(serialNo: 1, packetEncAlgo: 0, connId: 9);
        for (var i = 0; i < 2000; i++)
            b.Push(3011, (uint)(100 + i), new QotUpdateTicker.Response { RetType = 0 }, afterMicros: 100);
        var path = b.Build().Segment().WriteTemp();
        try
        {
            using var source = new PcapFileSource(path);
            // The first thousand packets warm it up (the buffer grows to its size, the code is compiled).
            for (var i = 0; i < 1000 && source.TryReadNext(out _); i++) { }
            var bytes = 0L;
            var before = GC.GetAllocatedBytesForCurrentThread();
            var measured = 0;
            while (source.TryReadNext(out var packet))
            {
                measured++;
                bytes += packet.Data.Length;
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            output.WriteLine($"{allocated} bytes allocated reading {measured} packets ({bytes} bytes)");
            Assert.True(measured > 1000, $"{measured} packets");
            Assert.Null(source.Problem);
            Assert.InRange(allocated, 0, 1024);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// With decoding threads, JSON Lines and the timeline render each frame's line ahead, on the decoding thread, and take
    /// it back in order. That may allocate nothing beyond what rendering the line in order does: what is handed over for
    /// a line is reused with the block the line is in. Allocated for every frame, it was 180 of the 905 MB that 1 GB to
    /// JSON Lines allocated with two threads (725 MB with one). Nor may rendering a line in order allocate per frame.
    /// </summary>
    [Theory]
    [InlineData("jsonl")]
    [InlineData("timeline")]
    public void Lines_rendered_ahead_or_in_order_allocate_nothing_per_frame(string format)
    {
        // Several blocks' worth of lines (about 1 MiB each): the blocks given up are taken up again.
        var (packets, key, pushes) = SteadyStream(12_000);
        var frames = new List<OpenDFrame>();
        using (var analyzer = new CaptureAnalyzer(new AnalyzerOptions { RsaKey = key, Bodies = BodyDetail.Plaintext }, new CollectingSink(frames)))
        {
            foreach (var packet in packets) analyzer.ProcessPacket(packet);
            analyzer.Finish();
        }
        Assert.Equal(pushes + 2, frames.Count);

        // Sized for every line: its growth is not what is measured.
        var written = new MemoryStream(64 << 20);
        IAnalysisSink writer = format == "jsonl"
            ? new OpenDump.Output.JsonLinesWriter(written, _ => { })
            : new OpenDump.Output.TimelineWriter(new StreamWriter(written, new System.Text.UTF8Encoding(false), 1 << 16));
        // Ahead: as a decoding thread and the delivering thread take turns, a batch rendered, then written in order.
        long Pass(bool ahead)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var batch = 0; batch < frames.Count; batch += 64)
            {
                var end = Math.Min(batch + 64, frames.Count);
                if (ahead) for (var i = batch; i < end; i++) writer.PrepareFrame(frames[i]);
                for (var i = batch; i < end; i++) writer.OnFrame(frames[i]);
            }
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        // Until each block has held a full block of lines (a block keeps what it handed over for as many lines as it held).
        for (var i = 0; i < 3; i++) Pass(ahead: true);
        Pass(ahead: false);
        var ahead = Pass(ahead: true);
        var inOrder = Pass(ahead: false);
        writer.OnComplete([]);

        var lines = System.Text.Encoding.UTF8.GetString(written.GetBuffer(), 0, (int)written.Length).Split('\n');
        Assert.Equal(6 * frames.Count, lines.Count(l => l.Contains(format == "jsonl" ? "\"serialNo\":" : " sn=", StringComparison.Ordinal)));
        output.WriteLine($"{format}, {frames.Count} frames: {ahead} bytes rendered ahead, {inOrder} rendered in order");
        // The timeline's summary ("HK.00700") included: it is made in the rendering thread's scratch, not as strings.
        Assert.InRange(ahead / frames.Count, 0, 8);
        Assert.InRange(inOrder / frames.Count, 0, 8);
    }

    private sealed class CollectingSink(List<OpenDFrame> frames) : IAnalysisSink
    {
        public void OnFrame(OpenDFrame frame) => frames.Add(frame);
        public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros) { }
        public void OnCaptureDiagnostic(Diagnostic diagnostic) { }
        public void OnComplete(IReadOnlyList<ConnectionSummary> connections) { }
    }

    /// <summary>Decodes the steady stream in one pass, then measures what the second half of it allocates per frame.</summary>
    private long WarmBytesPerFrame(BodyDetail bodies, bool lendPlaintext = false)
    {
        var (packets, key, pushes) = SteadyStream(4000);
        var sink = new CountingSink { MessagesExpected = bodies == BodyDetail.Message };
        using var analyzer = new CaptureAnalyzer(new AnalyzerOptions { RsaKey = key, Bodies = bodies, LendPlaintext = lendPlaintext }, sink);
        var half = packets.Count / 2;
        for (var i = 0; i < half; i++) analyzer.ProcessPacket(packets[i]);
        var framesBefore = sink.Frames;

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = half; i < packets.Count; i++) analyzer.ProcessPacket(packets[i]);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var frames = sink.Frames - framesBefore;
        analyzer.Finish();

        Assert.Equal(pushes + 2, sink.Frames);
        Assert.Equal(0, sink.Problems);
        var perFrame = allocated / frames;
        output.WriteLine($"{bodies}{(lendPlaintext ? " lent" : "")}: {allocated} bytes for {frames} frames over {packets.Count - half} packets: {perFrame} bytes per frame");
        return perFrame;
    }

    private sealed class CountingSink : IAnalysisSink
    {
        public long Frames;
        public long Problems;
        public bool MessagesExpected { get; init; } = true;
        public void OnFrame(OpenDFrame frame)
        {
            Frames++;
            if (frame.Sha1Ok != true || (frame.Message is null) == MessagesExpected && frame.ProtoId != 1001) Problems++;
        }
        public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros) => Problems++;
        public void OnCaptureDiagnostic(Diagnostic diagnostic) => Problems++;
        public void OnComplete(IReadOnlyList<ConnectionSummary> connections) { }
    }
}
