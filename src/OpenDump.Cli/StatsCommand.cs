using System.Text;
using OpenDump.Filtering;
using OpenDump.Output;
using OpenDump.Session;

namespace OpenDump.Cli;

/// <summary>`opendump stats`: a thin shell over <see cref="StatisticsCollector"/> and its writers.</summary>
internal static class StatsCommand
{
    public const string Help = """
        usage: opendump stats <capture.pcap|capture.pcapng|-> [options]

        The capture's statistics: per connection (client, encryption, frames, bytes), per protocol
        (requests, responses, pushes, failures, body bytes, latency min/p50/p95/p99/max, the busiest
        1 s and 30 s of requests, the span of OpenD's frequency limits) and every failed call.
        Failures (retType) are read from the bodies: an encrypted capture needs its keys.

          --format <f>          text (default): tables for a terminal; json: one object with
                                totals, connections, protocols (with requests per second), failedCalls
          -o, --output <file>   write to a file instead of standard output

        """ + CaptureArguments.Help + FilterArguments.Help + """

        examples:
          opendump stats capture.pcap
          opendump stats capture.pcapng --rsa-key conn_key.pem --format json -o stats.json
          opendump stats late-start.pcap --keylog keys.log
          opendump stats capture.pcap --proto 'Qot_*' --since 2026-11-25T01:30:00Z --until +600
        """;

    public static int Run(string[] args, Stream stdout, TextWriter stderr)
    {
        var capture = new CaptureArguments();
        var filters = new FilterArguments();
        string? outPath = null;
        var format = "text";

        for (var i = 0; i < args.Length; i++)
        {
            if (capture.TryTake(args, ref i) || filters.TryTake(args, ref i)) continue;
            switch (args[i])
            {
                case "--format":
                    format = CaptureArguments.Value(args, ref i);
                    if (format is not ("text" or "json")) throw new UsageException($"--format: '{format}' is not one of text, json");
                    break;
                case "-o" or "--output": outPath = CaptureArguments.Value(args, ref i); break;
                case "-h" or "--help":
                    using (var help = new StreamWriter(stdout, leaveOpen: true)) help.WriteLine(Help);
                    return ExitCodes.Ok;
                default:
                    throw new UsageException($"unknown option {args[i]}");
            }
        }
        if (capture.Path is null) throw new UsageException("stats needs a capture file (or - for standard input)");

        var selection = filters.Build(stderr);
        var options = capture.BuildOptions(stderr, out var problems);
        // Counting reads no body beyond its result fields; only a --filter expression may look into one.
        options = options with { Bodies = selection.Expression is null ? BodyDetail.Verdict : BodyDetail.Message };
        using var source = capture.Open(stderr);
        if (source is null) return ExitCodes.CannotOpen;

        // Nothing is written until the capture has been read, so the progress line never mixes with the tables.
        var progress = Progress.ForTerminal(stderr, dataOnTerminal: false);
        var collector = new StatisticsCollector();
        var counter = new ProblemCounter();
        IAnalysisSink counted = selection.IsEverything ? collector : new FilteringSink(collector, selection);
        var summary = CaptureAnalyzer.Run(source, options, new TeeSink(counted, counter), progress.Report);
        progress.Clear();

        var report = collector.Report;
        var written = CommandOutput.Write(stdout, outPath, stderr, output =>
        {
            if (format == "json")
            {
                StatisticsJsonWriter.Write(report, output);
            }
            else
            {
                using var text = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
                StatisticsTextWriter.Write(report, text);
            }
            return ExitCodes.Ok;
        });
        if (written != ExitCodes.Ok) return written;

        if (report.Totals.Diagnostics > 0)
            stderr.WriteLine($"opendump: {report.Totals.Diagnostics} diagnostics ({counter.Errors} errors); run opendump read for details");
        if (summary.Connections == 0 && summary.CaptureProblem is null)
            stderr.WriteLine($"opendump: no OpenD connections in {source.Name} ({summary.Packets} packets, {summary.TcpSegments} TCP segments); OpenD ports watched: {string.Join(", ", options.Reassembly.ServerPorts)}, WebSocket: {string.Join(", ", options.Reassembly.WebSocketPorts)} (use --port, --ws-port)");
        return problems || counter.Errors > 0 ? ExitCodes.Problems : ExitCodes.Ok;
    }
}
