using OpenDump.Capture;
using OpenDump.Crypto;
using OpenDump.Diagnostics;
using OpenDump.Output;
using OpenDump.Reassembly;
using OpenDump.Session;

namespace OpenDump.Cli;

/// <summary>`opendump read`: a thin shell that turns arguments into options and a sink, then runs the library.</summary>
internal static class ReadCommand
{
    public const string Help = """
        usage: opendump read <capture.pcap|capture.pcapng|-> [options]

          --format <f>          timeline (default), jsonl (one JSON object per frame), json (per connection)
          -v, --verbose         timeline: show each decoded body
          -o, --output <file>   write to a file instead of standard output

        """ + Terminal.ColorHelp + CaptureArguments.Help + FilterArguments.Help + """

        examples:
          opendump read capture.pcap --rsa-key conn_key.pem
          opendump read capture.pcapng --format jsonl -o frames.jsonl
          opendump read late-start.pcap --keylog keys.log
          opendump read capture.pcap --rsa-key conn_key.pem --proto Trd_PlaceOrder --errors
          opendump read capture.pcap --filter 'body.s2c.basicQotList[*].security.code == "00700"' --since +60
          tcpdump -i lo -w - port 11111 | opendump read -
        """;

    public static int Run(string[] args, Stream stdout, TextWriter stderr)
    {
        var capture = new CaptureArguments();
        var filters = new FilterArguments();
        string? outPath = null;
        var format = "timeline";
        var verbose = false;
        var color = "auto";

        for (var i = 0; i < args.Length; i++)
        {
            if (capture.TryTake(args, ref i) || filters.TryTake(args, ref i) || Terminal.TryTakeColor(args, ref i, ref color)) continue;
            switch (args[i])
            {
                case "--format":
                    format = CaptureArguments.Value(args, ref i);
                    if (format is not ("timeline" or "jsonl" or "json")) throw new UsageException($"--format: '{format}' is not one of timeline, jsonl, json");
                    break;
                case "-v" or "--verbose": verbose = true; break;
                case "-o" or "--output": outPath = CaptureArguments.Value(args, ref i); break;
                case "-h" or "--help":
                    using (var help = new StreamWriter(stdout, leaveOpen: true)) help.WriteLine(Help);
                    return ExitCodes.Ok;
                default:
                    throw new UsageException($"unknown option {args[i]}");
            }
        }
        if (capture.Path is null) throw new UsageException("read needs a capture file (or - for standard input)");

        var selection = filters.Build(stderr);
        var options = capture.BuildOptions(stderr, out var problems);
        var source = capture.Open(stderr);
        if (source is null) return ExitCodes.CannotOpen;

        using var _ = source;
        return CommandOutput.Write(stdout, outPath, stderr, output =>
        {
            var progress = Progress.ForTerminal(stderr, dataOnTerminal: Terminal.IsTerminal(stdout, outPath));
            var messages = new ProgressAwareWriter(stderr, progress);
            using var frames = new FrameOutput(format, verbose, output, messages, toFile: outPath is not null, live: false, Terminal.Palette(color, Terminal.IsTerminal(stdout, outPath)), selection);
            var summary = CaptureAnalyzer.Run(source, options with { Bodies = frames.Bodies, LendPlaintext = frames.LendPlaintext }, frames.Sink, progress.Report);
            frames.Complete();

            progress.Clear();
            if (summary.Connections == 0 && summary.CaptureProblem is null)
                messages.WriteLine($"opendump: no OpenD connections in {source.Name} ({summary.Packets} packets, {summary.TcpSegments} TCP segments); OpenD ports watched: {string.Join(", ", options.Reassembly.ServerPorts)}, WebSocket: {string.Join(", ", options.Reassembly.WebSocketPorts)} (use --port, --ws-port)");
            return problems || frames.Counter.Errors > 0 ? ExitCodes.Problems : ExitCodes.Ok;
        });
    }
}

internal sealed class UsageException(string message) : Exception(message);
