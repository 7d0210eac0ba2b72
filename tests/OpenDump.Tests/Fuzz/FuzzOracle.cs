using OpenDump.Capture;
using OpenDump.Framing;
using OpenDump.Reassembly;
using OpenDump.Session;
using OpenDump.Tests.Support;

namespace OpenDump.Tests.Fuzz;

/// <summary>What running one mutated capture gave: a result, a refusal to open, an exception, or nothing in time.</summary>
public sealed record CaseOutcome(FuzzCase Case, CollectingSink? Sink, bool OpenRefused, Exception? Error, bool TimedOut, TimeSpan Elapsed);

/// <summary>How much of a case the oracle could hold the decoder to.</summary>
public readonly record struct CaseCounts(int ReferenceFrames, int UntouchedFrames, int MatchedFrames, int VerifiedClaims);

/// <summary>
/// Runs mutated captures through the whole pipeline and judges the result against the clean run.
/// Every violation is a line that starts with the number of the invariant it breaks (see README.md).
/// </summary>
public static class FuzzOracle
{
    public static CaseOutcome Run(FuzzCase c, TimeSpan timeout)
    {
        var path = Path.Combine(Path.GetTempPath(), $"opendump-fuzz-{c.Seed}-{Guid.NewGuid():N}.pcap");
        File.WriteAllBytes(path, c.File);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            // Its own thread, not the pool's: a hung case must not starve the cases running beside it.
            var task = Task.Factory.StartNew(() => Analyze(path, c.Source.Key), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            bool finished;
            try
            {
                finished = task.Wait(timeout);
            }
            catch (AggregateException e)
            {
                return new CaseOutcome(c, null, false, e.InnerException ?? e, false, clock.Elapsed);
            }
            if (!finished) return new CaseOutcome(c, null, false, null, true, clock.Elapsed);
            var (sink, refused) = task.Result;
            return new CaseOutcome(c, sink, refused, null, false, clock.Elapsed);
        }
        finally
        {
            // A hung analysis still holds the file open; on Linux the name can go anyway.
            try { File.Delete(path); } catch (IOException) { }
        }
    }

    private static (CollectingSink? Sink, bool Refused) Analyze(string path, OpenDump.Crypto.RsaPrivateKey? key)
    {
        PcapFileSource source;
        try
        {
            source = new PcapFileSource(path);
        }
        catch (CaptureOpenException)
        {
            return (null, true);
        }
        using (source)
        {
            var sink = new CollectingSink();
            CaptureAnalyzer.Run(source, new AnalyzerOptions { RsaKey = key }, sink);
            return (sink, false);
        }
    }

    /// <summary>
    /// The clean frames a mutation may excuse: those with a damaged byte (header or body, including an
    /// insertion inside them), and every frame of a connection whose InitConnect was damaged, since the
    /// keys of the rest come from it.
    /// </summary>
    public static HashSet<RefFrame> Touched(FuzzCase c)
    {
        var touched = new HashSet<RefFrame>(ReferenceEqualityComparer.Instance);
        foreach (var f in c.Source.AllFrames)
            if (c.Damages.Any(d => d.Touches(f))) touched.Add(f);
        foreach (var conn in c.Source.Connections.Values)
            if (conn.Frames.Any(f => f.IsInitConnect && touched.Contains(f)))
                touched.UnionWith(conn.Frames);
        return touched;
    }

    public static List<string> Check(CaseOutcome o, out CaseCounts counts) => Check(o.Case, o, o.Sink, out counts);

    /// <summary>Judges <paramref name="sink"/> as the result of <paramref name="c"/>; tests of the oracle pass a doctored sink.</summary>
    public static List<string> Check(FuzzCase c, CaseOutcome o, CollectingSink? sink, out CaseCounts counts)
    {
        var v = new List<string>();
        counts = new CaseCounts(c.Source.AllFrames.Count, 0, 0, 0);

        if (o.TimedOut)
        {
            v.Add($"2: no result after {o.Elapsed.TotalSeconds:0.#} s");
            return v;
        }
        if (o.Error is { } error)
        {
            v.Add($"1: {error.GetType().FullName} escaped: {error.Message}\n      {string.Join("\n      ", (error.StackTrace ?? "").Split('\n').Take(6).Select(l => l.Trim()))}");
            return v;
        }
        if (o.OpenRefused)
        {
            if (!c.FileHeaderDamaged) v.Add("1: CaptureOpenException although the capture file header is intact");
            return v;
        }
        if (sink is null)
        {
            v.Add("1: no result");
            return v;
        }

        // 3: every byte of every direction is accounted for, and nothing is left waiting at the end.
        foreach (var summary in sink.Connections)
        foreach (var (dir, a) in new[] { (FlowDirection.ClientToServer, summary.ClientToServer), (FlowDirection.ServerToClient, summary.ServerToClient) })
        {
            if (!a.AddsUp) v.Add($"3: {ConnKey.Of(summary)} {dir.Name()}: the parts do not add up to the stream: {a}");
            if (a.PendingBytes != 0) v.Add($"3: {ConnKey.Of(summary)} {dir.Name()}: {a.PendingBytes} bytes still pending at the end");
        }

        if (c.FileLevel)
        {
            // Not required of file-level cases, but cheap and exact: a verified body is always a real one.
            var known = c.Source.AllFrames.Select(f => f.Frame.Header!.Value.Sha1Hex).ToHashSet();
            foreach (var f in sink.Frames.Where(f => f.Sha1Ok == true && !known.Contains(f.Header!.Value.Sha1Hex)))
                v.Add($"4: invented frame: {Describe(f)} claims a verified body no clean frame has");
            return v;
        }

        // 3, exactly: a direction no mutation reached frames into exactly the bytes of the clean run,
        // unless its connection's handshake was damaged: telling a frame from a false sync takes the keys.
        var touched = Touched(c);
        foreach (var conn in c.Source.Connections.Values)
        foreach (var dir in new[] { FlowDirection.ClientToServer, FlowDirection.ServerToClient })
        {
            if (c.Disturbs(conn.Key, dir) || conn.Frames.Any(f => f.IsInitConnect && touched.Contains(f))) continue;
            var summaries = sink.Connections.Where(s => ConnKey.Of(s) == conn.Key).ToList();
            if (summaries.Count != 1)
            {
                v.Add($"3: {conn.Key}: {summaries.Count} connections in the result, 1 in the clean run");
                continue;
            }
            var a = dir == FlowDirection.ClientToServer ? summaries[0].ClientToServer : summaries[0].ServerToClient;
            if (a != conn.Of(dir).Accounting) v.Add($"3: {conn.Key} {dir.Name()} was not mutated but its accounting changed: {a}, clean {conn.Of(dir).Accounting}");
        }

        // 4: every untouched frame comes back, in order, with the same header fields and the same verified body.
        int untouched = 0, matched = 0, claims = 0;
        foreach (var conn in c.Source.Connections.Values)
        foreach (var dir in new[] { FlowDirection.ClientToServer, FlowDirection.ServerToClient })
        {
            var actual = sink.Frames.Where(f => ConnKey.Of(f) == conn.Key && f.Direction == dir).OrderBy(f => f.Number).ToList();
            var next = 0;
            foreach (var expected in conn.Of(dir).Frames)
            {
                if (touched.Contains(expected)) continue;
                untouched++;
                var at = actual.FindIndex(next, f => Same(expected.Frame, f));
                if (at >= 0)
                {
                    matched++;
                    next = at + 1;
                    continue;
                }
                var near = actual.Where(f => f.ProtoId == expected.Frame.ProtoId && f.SerialNo == expected.Frame.SerialNo).Select(Describe).FirstOrDefault();
                v.Add($"4: untouched frame missing: {expected}{(near is null ? "" : $"; reported instead as {near}")}");
            }
        }

        // 4: no invented frames: a verified body is a body this connection and direction really sent,
        // and under the same protoID and format it decodes to the same message.
        foreach (var f in sink.Frames.Where(f => f.Sha1Ok == true))
        {
            claims++;
            if (!c.Source.Sha1s.TryGetValue((ConnKey.Of(f), f.Direction, f.Header!.Value.Sha1Hex), out var clean))
            {
                v.Add($"4: invented frame: {Describe(f)} claims a verified body never sent on {ConnKey.Of(f)} {f.Direction.Name()}");
                continue;
            }
            var sameSchema = clean.Where(e => e.ProtoId == f.ProtoId && e.ProtoFmt == f.ProtoFmt).ToList();
            if (sameSchema.Count > 0 && !sameSchema.Any(e => BodyEquals(e, f)))
                v.Add($"4: {Describe(f)}: a clean body decodes differently than in the clean run");
        }

        counts = new CaseCounts(c.Source.AllFrames.Count, untouched, matched, claims);
        return v;
    }

    /// <summary>The same frame: header identity, a verified body, and the same decoded content.</summary>
    public static bool Same(OpenDFrame expected, OpenDFrame actual) =>
        expected.ProtoId == actual.ProtoId
        && expected.SerialNo == actual.SerialNo
        && expected.BodyLen == actual.BodyLen
        && actual.Sha1Ok == true
        && BodyEquals(expected, actual);

    private static bool BodyEquals(OpenDFrame a, OpenDFrame b) =>
        a.Message is not null && b.Message is not null ? a.Message.Equals(b.Message)
        : a.Message is null && b.Message is null && a.RawBody is not null && b.RawBody is not null && a.RawBody.AsSpan().SequenceEqual(b.RawBody);

    public static string Describe(OpenDFrame f) =>
        $"frame {f.Number} ({f.Direction.Name()} protoId {f.ProtoId} serialNo {f.SerialNo} bodyLen {f.BodyLen} fmt {f.ProtoFmt} " +
        $"sha1Ok {f.Sha1Ok?.ToString() ?? "null"} {f.Encryption}{(f.Diagnostics.Count > 0 ? " [" + string.Join(",", f.Diagnostics.Select(d => d.Code)) + "]" : "")})";

    /// <summary>What the analyzer said about the connections a failing case touched, for the report.</summary>
    public static IEnumerable<string> Evidence(CaseOutcome o, int max = 12)
    {
        if (o.Sink is not { } sink) yield break;
        foreach (var d in sink.CaptureDiagnostics.Take(3)) yield return $"capture: {d.Code}: {d.Message}";
        foreach (var (conn, d) in sink.ConnectionDiagnostics.Take(max)) yield return $"{conn}: {d.Code}: {d.Message}";
        if (sink.ConnectionDiagnostics.Count > max) yield return $"... {sink.ConnectionDiagnostics.Count - max} more connection diagnostics";
        foreach (var s in sink.Connections)
            yield return $"{ConnKey.Of(s)}: frames {s.Frames}, c2s {s.ClientToServer}, s2c {s.ServerToClient}, keys known {s.KeysKnown}";
    }
}
