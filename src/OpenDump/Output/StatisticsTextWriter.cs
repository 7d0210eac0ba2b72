using System.Globalization;
using System.Text;
using OpenDump.Crypto;
using OpenDump.Reassembly;

namespace OpenDump.Output;

/// <summary>
/// `opendump stats` for a terminal: the totals, then aligned tables of connections, protocols and
/// failed calls. Times are seconds since the capture's first frame, as in the timeline.
/// </summary>
public static class StatisticsTextWriter
{
    public static void Write(StatisticsReport report, TextWriter output)
    {
        var t = report.Totals;
        if (t.FirstTimestampMicros is not { } origin)
        {
            output.WriteLine(t.Connections == 0 ? "no OpenD connections found" : $"no OpenD frames on {t.Connections} connection(s)");
            output.Flush();
            return;
        }
        var duration = t.LastTimestampMicros!.Value - origin;
        output.WriteLine($"capture: {t.Frames} frames on {t.Connections} connection(s) over {Seconds(duration)}s, from {DateTimeOffset.UnixEpoch.AddTicks(origin * 10):yyyy-MM-dd HH:mm:ss.ffffff} UTC");
        output.WriteLine($"  requests {t.Requests}, responses {t.Responses} ({t.UnpairedResponses} unpaired), pushes {t.Pushes}, failed calls {t.FailedCalls}, diagnostics {t.Diagnostics}");

        output.WriteLine();
        output.WriteLine("connections:");
        var who = new Table(("#", true), ("transport", false), ("client", false), ("server", false), ("connID", false), ("clientID", false),
            ("ver", true), ("language", false), ("encryption", false), ("push fmt", false));
        var traffic = new Table(("#", true), ("start", true), ("duration", true), ("frames", true), ("req", true), ("resp", true), ("push", true),
            ("c2s bytes", true), ("s2c bytes", true), ("gap bytes", true), ("unparsed", true), ("diag", true));
        foreach (var c in report.Connections)
        {
            var n = Count(c.Number);
            who.Add(n, c.Transport.Name(), c.Client.ToString(), c.Server.ToString(), c.ConnId ?? "-", c.ClientId ?? "-",
                c.ClientVer is { } v ? Count(v) : "-", c.ProgrammingLanguage ?? "-", c.Encryption.Name(), c.PushFormatName ?? "-");
            traffic.Add(n, Offset(c.FirstTimestampMicros - origin), Seconds(c.DurationMicros) + "s", Count(c.Frames), Count(c.Requests),
                Count(c.Responses), Count(c.Pushes), Count(c.ClientToServerBytes), Count(c.ServerToClientBytes), Count(c.GapBytes), Count(c.UnparsedBytes), Count(c.Diagnostics));
        }
        who.WriteTo(output);
        output.WriteLine();
        traffic.WriteTo(output);

        output.WriteLine();
        output.WriteLine("protocols (latency in ms; peak = most requests in any 1 s / 30 s window @ its start):");
        var protocols = new Table(("protoId", true), ("name", false), ("req", true), ("resp", true), ("push", true), ("fail", true),
            ("c2s bytes", true), ("s2c bytes", true), ("lat min", true), ("p50", true), ("p95", true), ("p99", true), ("max", true),
            ("peak 1s", false), ("peak 30s", false));
        foreach (var p in report.Protocols)
        {
            var l = p.Latency;
            protocols.Add(Count(p.ProtoId), p.Name ?? "?", Count(p.Requests), Count(p.Responses), Count(p.Pushes), Count(p.Failed),
                Count(p.ClientToServerBodyBytes), Count(p.ServerToClientBodyBytes),
                Millis(l?.MinMicros), Millis(l?.P50Micros), Millis(l?.P95Micros), Millis(l?.P99Micros), Millis(l?.MaxMicros),
                Peak(p.Peak1s, origin), Peak(p.Peak30s, origin));
        }
        protocols.WriteTo(output);

        output.WriteLine();
        if (report.FailedCalls.Count == 0)
        {
            output.WriteLine("failed calls: none");
        }
        else
        {
            output.WriteLine("failed calls:");
            var failed = new Table(("frame", true), ("time", true), ("conn", true), ("protoId", true), ("name", false), ("sn", true),
                ("error", false), ("latency", true), ("message", false));
            foreach (var f in report.FailedCalls)
            {
                var error = new StringBuilder();
                if (f.RetType is { } rt) error.Append("retType ").Append(Count(rt)).Append(f.ErrCode is { } ec ? $" errCode {Count(ec)}" : "");
                if (f.WsError is { } we and not 0) error.Append(error.Length > 0 ? ", " : "").Append("wsError ").Append(Count(we));
                var message = string.Join(" / ", new[] { f.RetMsg, f.WsErrmsg }.Where(m => !string.IsNullOrEmpty(m)));
                failed.Add("#" + Count(f.Frame), Offset(f.TimestampMicros - origin), "#" + Count(f.Conn), Count(f.ProtoId), f.Proto ?? "?",
                    Count(f.SerialNo), error.ToString(), f.LatencyMicros is { } lat ? FrameJson.FormatMillis(lat) + "ms" : "-", message);
            }
            failed.WriteTo(output);
        }
        output.Flush();
    }

    private static string Count<T>(T n) where T : IFormattable => n.ToString(null, CultureInfo.InvariantCulture);

    private static string Seconds(long micros) => (micros / 1e6).ToString("0.000000", CultureInfo.InvariantCulture);

    // A connection's TCP handshake comes before its first frame, so its start can be negative.
    private static string Offset(long micros) => (micros < 0 ? "-" : "+") + Seconds(Math.Abs(micros));

    private static string Millis(long? micros) => micros is { } m ? FrameJson.FormatMillis(m) : "-";

    private static string Peak(RequestPeak? peak, long origin) =>
        peak is null ? "-" : $"{Count(peak.Requests)} @{((peak.StartTimestampMicros - origin) / 1e6).ToString("0.###", CultureInfo.InvariantCulture)}s";

    /// <summary>Columns as wide as their widest cell; the last column is not padded, so long messages do not widen the rest.</summary>
    private sealed class Table(params (string Header, bool Right)[] columns)
    {
        private readonly List<string[]> _rows = [];

        public void Add(params string[] cells) => _rows.Add(cells);

        public void WriteTo(TextWriter output)
        {
            var widths = new int[columns.Length];
            for (var i = 0; i < columns.Length; i++)
                widths[i] = Math.Max(columns[i].Header.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length));
            WriteRow(output, columns.Select(c => c.Header).ToArray(), widths);
            foreach (var row in _rows) WriteRow(output, row, widths);
        }

        private void WriteRow(TextWriter output, string[] cells, int[] widths)
        {
            var line = new StringBuilder("  ");
            for (var i = 0; i < cells.Length; i++)
            {
                if (i > 0) line.Append("  ");
                var last = i == cells.Length - 1;
                line.Append(columns[i].Right ? cells[i].PadLeft(widths[i]) : last ? cells[i] : cells[i].PadRight(widths[i]));
            }
            output.WriteLine(line.ToString().TrimEnd());
        }
    }
}
