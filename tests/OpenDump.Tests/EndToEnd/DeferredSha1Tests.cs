using System.Collections.Concurrent;
using OpenDump.Capture;
using OpenDump.Crypto;
using OpenDump.Diagnostics;
using OpenDump.Framing;
using OpenDump.Link;
using OpenDump.Output;
using OpenDump.Reassembly;
using OpenDump.Session;
using OpenDump.Testing;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.EndToEnd;

/// <summary>
/// With a decoding thread beside the framing one, a proven connection's bodies are hashed
/// there, and on an AES connection decrypted there too (Session/Sha1Speculation). A body that then fails its SHA-1 makes the analysis read the capture again, hashing
/// in place; the sink must hear exactly what one thread tells it, once, wherever in a batch the failing body fell.
/// </summary>
public sealed class DeferredSha1Tests
{
    private static readonly Endpoint Server = ImperfectCaptureTests.Server;
    private static readonly RsaPrivateKey Key = ImperfectCaptureTests.Key;

    public enum Damage
    {
        None,
        /// <summary>A push's bodyLen 16 too large: its body, read that long, fails the SHA-1 (a false sync).</summary>
        BodyLength,
        /// <summary>A byte of a push's body flipped: the header is right, the body fails the SHA-1.</summary>
        BodyByte,
    }

    private static string Capture(int? packetEncAlgo, Damage damage, int push)
    {
        var segments = ImperfectCaptureTests.PushSession(pushes: 40, packetEncAlgo).Segment().ToList();
        if (damage != Damage.None)
        {
            // The server's first data segment is the InitConnect reply; each push has a segment of its own after it.
            var victim = segments.Where(s => s.Source == Server && s.Payload.Length > 0).ElementAt(1 + push);
            var bytes = victim.Payload.ToArray();
            if (damage == Damage.BodyLength) bytes[FrameHeader.BodyLenOffset] ^= 0x10;
            else bytes[FrameHeader.Size + 3] ^= 0x01;
            segments[segments.IndexOf(victim)] = victim with { Payload = bytes };
        }
        return segments.WriteTemp();
    }

    public static TheoryData<int?, Damage, int, int> Cases()
    {
        var cases = new TheoryData<int?, Damage, int, int>();
        foreach (var algo in new int?[] { null, 0, 1, 2 })
        foreach (var damage in new[] { Damage.BodyLength, Damage.BodyByte })
        foreach (var (push, batch) in new[] { (3, 1), (17, 5), (30, 64) })
            cases.Add(algo, damage, push, batch);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_body_that_fails_its_deferred_SHA1_makes_a_second_reading_with_the_outputs_of_one_thread(int? packetEncAlgo, Damage damage, int push, int batch)
    {
        var path = Capture(packetEncAlgo, damage, push);
        try
        {
            var options = new AnalyzerOptions { RsaKey = packetEncAlgo is null ? null : Key };
            var one = ThreadingTests.Outputs(path, options);
            // One thread found the frame wrong and framed its bytes again, as garbage.
            Assert.Contains("bytes that are not an OpenD frame", one.Messages);
            Assert.False(one.ReadTwice);

            var two = ThreadingTests.Outputs(path, options with { Threads = 3, BatchFrames = batch });
            // A bodyLen 16 off makes an AES body fail its padding or FTAES tail before any hash: with AES-NI on the decoding
            // thread too (decryption is left to it), with the OpenSSL transform in place. An AES-ECB body 16 bytes short can
            // also be the whole plaintext (a block of padding lost), which then matches as it does with one thread.
            if (damage == Damage.BodyByte || packetEncAlgo is null || (packetEncAlgo != 1 && AesNiDecryptor.IsSupported))
                Assert.True(two.ReadTwice, "the failed deferred SHA-1 went unnoticed");
            ThreadingTests.AssertSame(one, two, $"algo {packetEncAlgo}, {damage} at push {push}, batches of {batch}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    [InlineData(2)]
    public void Sound_bodies_are_read_once(int? packetEncAlgo)
    {
        var path = Capture(packetEncAlgo, Damage.None, 0);
        try
        {
            var options = new AnalyzerOptions { RsaKey = packetEncAlgo is null ? null : Key };
            var one = ThreadingTests.Outputs(path, options);
            var two = ThreadingTests.Outputs(path, options with { Threads = 3, BatchFrames = 3 });
            Assert.False(two.ReadTwice);
            Assert.Equal(2 + 40, one.Frames); // InitConnect's request and reply, and the pushes
            ThreadingTests.AssertSame(one, two, $"algo {packetEncAlgo}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(BodyDetail.Verdict)]
    [InlineData(BodyDetail.Plaintext)]
    [InlineData(BodyDetail.Message)]
    [InlineData(BodyDetail.Json)]
    public void Two_threads_leave_the_hashes_to_the_decoding_thread_whatever_the_output_needs_of_bodies(BodyDetail bodies)
    {
        var path = Capture(0, Damage.BodyByte, 20);
        try
        {
            (string Stats, bool ReadTwice) Count(int threads)
            {
                var stats = new StatisticsCollector();
                using var source = new PcapFileSource(path);
                var summary = CaptureAnalyzer.Run(source, new AnalyzerOptions { RsaKey = Key, Bodies = bodies, Threads = threads, BatchFrames = 4 }, stats);
                var text = new StringWriter();
                StatisticsTextWriter.Write(stats.Report, text);
                return (text.ToString(), summary.ReadTwice);
            }
            var one = Count(1);
            var two = Count(2);
            Assert.False(one.ReadTwice);
            Assert.True(two.ReadTwice);
            Assert.Equal(one.Stats, two.Stats);
            Assert.Contains("3011", one.Stats);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_second_reading_does_not_prepare_the_frames_the_first_delivered()
    {
        // Late in the capture, with frames one at a time: the first reading delivers most frames before the failure.
        var path = Capture(2, Damage.BodyByte, 30);
        try
        {
            var sink = new PreparationLog();
            bool readTwice;
            using (var source = new PcapFileSource(path))
                readTwice = CaptureAnalyzer.Run(source, new AnalyzerOptions { RsaKey = Key, Threads = 3, BatchFrames = 1 }, sink).ReadTwice;

            Assert.True(readTwice);
            // Every frame once, in order: the handshake, and the pushes but the damaged one (its bytes become garbage).
            Assert.Equal(Enumerable.Range(1, 2 + 39).Select(n => (long)n), sink.Delivered);
            Assert.Empty(sink.PreparedAfterDelivery);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The frames delivered, and those prepared (on any thread) after they had been delivered.</summary>
    private sealed class PreparationLog : IAnalysisSink
    {
        private readonly ConcurrentDictionary<long, bool> _delivered = new();
        public List<long> Delivered { get; } = [];
        public ConcurrentBag<long> PreparedAfterDelivery { get; } = [];

        public void OnFrame(OpenDFrame frame)
        {
            Delivered.Add(frame.Number);
            _delivered[frame.Number] = true;
        }

        public void PrepareFrame(OpenDFrame frame)
        {
            if (_delivered.ContainsKey(frame.Number)) PreparedAfterDelivery.Add(frame.Number);
        }

        public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros) { }
        public void OnCaptureDiagnostic(Diagnostic diagnostic) { }
        public void OnComplete(IReadOnlyList<ConnectionSummary> connections) { }
    }

    [Fact]
    public void A_capture_that_cannot_be_read_again_is_hashed_in_place()
    {
        var path = Capture(2, Damage.BodyByte, 10);
        try
        {
            var options = new AnalyzerOptions { RsaKey = Key };
            var one = ThreadingTests.Outputs(path, options);
            var two = ThreadingTests.Outputs(path, options with { Threads = 3, BatchFrames = 2 }, open: p => new ReadOnce(new PcapFileSource(p)));
            Assert.False(two.ReadTwice);
            ThreadingTests.AssertSame(one, two, "a source that cannot reopen");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A file source that, like standard input, cannot be read a second time.</summary>
    private sealed class ReadOnce(ICaptureSource inner) : ICaptureSource
    {
        public string Name => inner.Name;
        public bool TryReadNext(out CapturedPacket packet) => inner.TryReadNext(out packet);
        public CaptureProblem? Problem => inner.Problem;
        public long? Position => inner.Position;
        public long? Length => inner.Length;
        public void Dispose() => inner.Dispose();
    }
}
