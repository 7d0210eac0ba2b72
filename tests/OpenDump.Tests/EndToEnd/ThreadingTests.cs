using System.Text;
using OpenDump.Capture;
using OpenDump.Cli;
using OpenDump.Crypto;
using OpenDump.Filtering;
using OpenDump.Output;
using OpenDump.Session;
using OpenDump.Testing;
using OpenDump.Tests.Fuzz;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.EndToEnd;

/// <summary>
/// With more than one thread, bodies are decoded and lines rendered on workers; every output must still
/// be byte for byte what one thread writes. Small batches make even a short capture cross threads
/// hundreds of times, and damaged captures bring the diagnostics that travel between the frames.
/// </summary>
public sealed class ThreadingTests
{
    private static readonly (int Threads, int Batch)[] Layouts = [(2, 1), (3, 5), (4, 64)];

    public static TheoryData<string> Captures => Fixtures.EndToEndCaptures;

    [Theory]
    [MemberData(nameof(Captures))]
    public void Every_output_is_the_same_with_any_number_of_threads(string name)
    {
        var (path, key) = Fixtures.CaptureWithKey(name);
        var one = Outputs(path, new AnalyzerOptions { RsaKey = key });
        Assert.True(one.Frames > 20, $"{name}: only {one.Frames} frames");
        foreach (var (threads, batch) in Layouts)
            AssertSame(one, Outputs(path, new AnalyzerOptions { RsaKey = key, Threads = threads, BatchFrames = batch }), $"{name} with {threads} threads, batches of {batch}");
    }

    [Fact]
    public void Damaged_captures_give_the_same_outputs_and_diagnostics_with_any_number_of_threads()
    {
        var withDiagnostics = 0;
        var readTwice = 0;
        var compared = DamagedCaptureFiles.Compare(40, 7_919L, (path, fuzz, i) =>
        {
            var options = new AnalyzerOptions { RsaKey = fuzz.Source.Key };
            var one = Outputs(path, options);
            var (threads, batch) = Layouts[i % Layouts.Length];
            var many = Outputs(path, options with { Threads = threads, BatchFrames = batch });
            AssertSame(one, many, fuzz.Describe());
            withDiagnostics += one.Messages.Length > 0 ? 1 : 0;
            readTwice += many.ReadTwice ? 1 : 0;
        });
        Assert.Equal(40, compared);
        // Some damage makes a body fail the SHA-1 a decoding thread checked: those captures were read a second time.
        Assert.True(readTwice > 0, "no damaged capture made a deferred SHA-1 fail");
        // The point is the diagnostics' places among the frames: most damaged captures must have some.
        Assert.True(withDiagnostics >= 30, $"only {withDiagnostics} of 40 damaged captures produced diagnostics");
    }

    [Fact]
    public void A_filtered_output_is_the_same_with_any_number_of_threads()
    {
        var path = Fixtures.SdkTcp("ftaes.pcap");
        var key = RsaPrivateKey.Load(Fixtures.SdkKey);
        var selection = new FrameSelection
        {
            Kinds = new HashSet<FrameKind> { FrameKind.Response, FrameKind.Push },
            Since = TimeBound.Parse("+1"),
            Expression = FilterExpression.Parse("retType == 0 or body.s2c.security.code contains \"7\""),
        };
        string Run(int threads)
        {
            var output = new MemoryStream();
            using (var writer = new JsonLinesWriter(output, _ => { }))
            using (var source = new PcapFileSource(path))
                CaptureAnalyzer.Run(source, new AnalyzerOptions { RsaKey = key, Threads = threads, BatchFrames = 3 }, new FilteringSink(writer, selection));
            return Encoding.UTF8.GetString(output.ToArray());
        }
        var one = Run(1);
        Assert.InRange(one.Count(c => c == '\n'), 20, 140);
        Assert.Equal(one, Run(3));
    }

    /// <summary>
    /// JSON Lines and the timeline as the CLI runs them, with bodies lent (AnalyzerOptions.LendPlaintext): each thread
    /// reuses one array per body length, so a body read after its array went to a later frame of the same length would
    /// show that frame's bytes. A filter makes the frames before the time origin go unprepared, which keep theirs.
    /// </summary>
    [Theory]
    [MemberData(nameof(Captures))]
    public void Lent_bodies_give_the_outputs_of_kept_ones(string name)
    {
        var (path, key) = Fixtures.CaptureWithKey(name);
        var filter = new FrameSelection { Kinds = new HashSet<FrameKind> { FrameKind.Push, FrameKind.Response } };
        foreach (var selection in new[] { FrameSelection.All, filter })
        foreach (var jsonl in new[] { true, false })
        {
            string Run(AnalyzerOptions options)
            {
                var output = new MemoryStream();
                using (var source = new PcapFileSource(path))
                using (var writer = new JsonLinesWriter(output, _ => { }))
                using (var text = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
                {
                    IAnalysisSink sink = jsonl ? writer : new TimelineWriter(text, verbose: false);
                    if (!selection.IsEverything) sink = new FilteringSink(sink, selection);
                    CaptureAnalyzer.Run(source, options with { RsaKey = key, Bodies = jsonl ? BodyDetail.Json : BodyDetail.Plaintext }, sink);
                }
                return Encoding.UTF8.GetString(output.ToArray());
            }
            var kept = Run(new AnalyzerOptions());
            Assert.True(kept.Count(c => c == '\n') > 20, $"{name}: only {kept.Count(c => c == '\n')} lines");
            foreach (var (threads, batch) in new[] { (1, 1) }.Concat(Layouts))
            {
                var lent = Run(new AnalyzerOptions { Threads = threads, BatchFrames = batch, LendPlaintext = true });
                Assert.True(kept == lent, $"{name}, {(jsonl ? "JSON Lines" : "timeline")}, filtered {!selection.IsEverything}, {threads} threads, batches of {batch}: differ at {FirstDifference(kept, lent)}");
            }
        }
    }

    [Theory]
    [InlineData("sdk/ws/ws_basic.pcap", 1)]
    [InlineData("sdk/ws/ws_basic.pcap", 3)]
    [InlineData("sample", 1)]
    [InlineData("sample", 2)]
    public void A_timeline_written_to_a_stream_as_bytes_is_the_text_of_one_written_to_a_text_writer(string name, int threads)
    {
        // The CLI's timeline goes to a UTF-8 StreamWriter, which the writer fills with bytes rendered on the workers.
        var (path, key) = Fixtures.CaptureWithKey(name);
        foreach (var (verbose, palette) in new[] { (false, Palette.Ansi), (true, Palette.None) })
        {
            var text = new StringWriter();
            var bytes = new MemoryStream();
            using (var streamWriter = new StreamWriter(bytes, new UTF8Encoding(false), 1024, leaveOpen: true))
            using (var source = new PcapFileSource(path))
            {
                // The byte writer comes last, so that its lines are the ones prepared on the workers.
                var sink = new TeeSink(new TimelineWriter(text, verbose, palette), new TimelineWriter(streamWriter, verbose, palette));
                CaptureAnalyzer.Run(source, new AnalyzerOptions { RsaKey = key, Threads = threads, BatchFrames = 4, Bodies = verbose ? BodyDetail.Message : BodyDetail.Plaintext }, sink);
            }
            var expected = text.ToString();
            var actual = Encoding.UTF8.GetString(bytes.ToArray());
            Assert.True(expected.Length > 1000, $"{name}: only {expected.Length} characters");
            Assert.True(expected == actual, $"{name}, verbose {verbose}: differ at {FirstDifference(expected, actual)}");
        }
    }

    /// <summary>Every output of one run; <paramref name="ReadTwice"/>: whether a deferred SHA-1 failed and the capture was read again.</summary>
    internal sealed record RunOutputs(int Frames, string Jsonl, string Messages, string Timeline, string Sessions, string Stats, bool ReadTwice);

    internal static RunOutputs Outputs(string path, AnalyzerOptions options, Func<string, ICaptureSource>? open = null)
    {
        var jsonl = new MemoryStream();
        var sessions = new MemoryStream();
        var messages = new StringBuilder();
        var timeline = new StringWriter();
        var stats = new StatisticsCollector();
        var collected = new CollectingSink();
        bool readTwice;
        using (var jsonWriter = new JsonLinesWriter(jsonl, m => messages.AppendLine(m)))
        using (var source = open?.Invoke(path) ?? new PcapFileSource(path))
        {
            var sink = new TeeSink(jsonWriter, new TimelineWriter(timeline, verbose: true), new JsonSessionsWriter(sessions), stats, collected);
            readTwice = CaptureAnalyzer.Run(source, options, sink).ReadTwice;
        }
        var statsText = new StringWriter();
        StatisticsTextWriter.Write(stats.Report, statsText);
        return new RunOutputs(collected.Frames.Count, Encoding.UTF8.GetString(jsonl.ToArray()), messages.ToString(), timeline.ToString(),
            Encoding.UTF8.GetString(sessions.ToArray()), statsText.ToString(), readTwice);
    }

    internal static void AssertSame(RunOutputs expected, RunOutputs actual, string what)
    {
        Assert.True(expected.Jsonl == actual.Jsonl, $"{what}: JSON Lines differ at byte {FirstDifference(expected.Jsonl, actual.Jsonl)}");
        Assert.True(expected.Messages == actual.Messages, $"{what}: diagnostics differ at {FirstDifference(expected.Messages, actual.Messages)}");
        Assert.True(expected.Timeline == actual.Timeline, $"{what}: timelines differ at {FirstDifference(expected.Timeline, actual.Timeline)}");
        Assert.True(expected.Sessions == actual.Sessions, $"{what}: JSON sessions differ at {FirstDifference(expected.Sessions, actual.Sessions)}");
        Assert.True(expected.Stats == actual.Stats, $"{what}: statistics differ at {FirstDifference(expected.Stats, actual.Stats)}");
        Assert.Equal(expected.Frames, actual.Frames);
    }

    private static string FirstDifference(string a, string b)
    {
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        return $"{i}: \"{Excerpt(a, i)}\" vs \"{Excerpt(b, i)}\"";
    }

    private static string Excerpt(string s, int at) => s.Substring(Math.Max(0, at - 40), Math.Min(s.Length, at + 80) - Math.Max(0, at - 40));
}
