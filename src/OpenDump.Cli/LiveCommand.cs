using OpenDump.Framing;
using OpenDump.Capture;
using OpenDump.Diagnostics;
using OpenDump.Reassembly;
using OpenDump.Session;

namespace OpenDump.Cli;

/// <summary>
/// `opendump live`: the read pipeline on packets as they arrive. Frames are written the moment they
/// complete; Ctrl-C, --duration or --count stop it, after which held frames are flushed and a
/// summary (with the kernel's drop counters) is printed.
/// </summary>
internal static class LiveCommand
{
    public const string Help = """
        usage: opendump live [-i <interface>] [options]

          -i, --interface <if>  interface to capture on (default: lo; `any` for all; see `opendump interfaces`)
          --bpf <filter>        BPF filter instead of the one built from the ports ("tcp port 11111 or ...")
          -w, --write <file>    also write the raw packets to a pcapng file, to read again later
          --duration <seconds>  stop after this long
          --count <n>           stop after n OpenD frames (that pass the filters)
          --format <f>          timeline (default) or jsonl, one line per frame as it completes
          -v, --verbose         timeline: show each decoded body

        """ + Terminal.ColorHelp + CaptureArguments.Help + FilterArguments.Help + """

        Capturing needs root, or the capabilities cap_net_raw and cap_net_admin (see the README).
        examples:
          sudo opendump live --rsa-key conn_key.pem
          sudo opendump live -i any --port 11111 --format jsonl -w session.pcapng
          sudo opendump live --rsa-key conn_key.pem --errors
        """;

    public static int Run(string[] args, Stream stdout, TextWriter stderr, CancellationToken stop = default)
    {
        var capture = new CaptureArguments();
        var filters = new FilterArguments();
        string iface = "lo", format = "timeline";
        string? bpf = null, writePath = null;
        var verbose = false;
        double? duration = null;
        long? count = null;
        var color = "auto";
        for (var i = 0; i < args.Length; i++)
        {
            if (Terminal.TryTakeColor(args, ref i, ref color) || filters.TryTake(args, ref i)) continue;
            if (args[i] is "-i" or "--interface") { iface = CaptureArguments.Value(args, ref i); continue; }
            if (args[i] != "-" && capture.TryTake(args, ref i))
            {
                if (capture.Path is not null) throw new UsageException($"live reads an interface, not a file ('{capture.Path}'); use -i");
                continue;
            }
            switch (args[i])
            {
                case "--bpf": bpf = CaptureArguments.Value(args, ref i); break;
                case "-w" or "--write": writePath = CaptureArguments.Value(args, ref i); break;
                case "--duration":
                    if (!double.TryParse(CaptureArguments.Value(args, ref i), System.Globalization.CultureInfo.InvariantCulture, out var d) || d <= 0) throw new UsageException($"--duration: '{args[i]}' is not a positive number of seconds");
                    duration = d;
                    break;
                case "--count":
                    if (!long.TryParse(CaptureArguments.Value(args, ref i), out var n) || n <= 0) throw new UsageException($"--count: '{args[i]}' is not a positive number");
                    count = n;
                    break;
                case "--format":
                    format = CaptureArguments.Value(args, ref i);
                    if (format is not ("timeline" or "jsonl")) throw new UsageException($"--format: live writes timeline or jsonl, not '{format}'");
                    break;
                case "-v" or "--verbose": verbose = true; break;
                case "-h" or "--help":
                    using (var help = new StreamWriter(stdout, leaveOpen: true)) help.WriteLine(Help);
                    return ExitCodes.Ok;
                default:
                    throw new UsageException($"unknown option {args[i]}");
            }
        }

        var selection = filters.Build(stderr);
        // One thread: a live frame is printed as soon as it completes, not when a batch of them has.
        var options = capture.BuildOptions(stderr, out var problems) with { Threads = 1 };
        var filter = bpf ?? string.Join(" or ", options.Reassembly.ServerPorts.Concat(options.Reassembly.WebSocketPorts).Distinct().Order().Select(p => $"tcp port {p}"));

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
        if (duration is { } seconds) cancel.CancelAfter(TimeSpan.FromSeconds(seconds));

        ICaptureSource source;
        LiveCaptureSource live;
        try
        {
            live = new LiveCaptureSource(iface, filter, cancel.Token);
        }
        catch (CaptureOpenException e)
        {
            stderr.WriteLine($"opendump: error: {e.Message}");
            return ExitCodes.CannotOpen;
        }
        source = live;
        var recordingFailed = false;
        RecordingCaptureSource? recording = null;
        if (writePath is not null)
        {
            try
            {
                var file = new FileStream(writePath, FileMode.Create, FileAccess.Write, FileShare.Read);
                source = recording = new RecordingCaptureSource(live, new PcapNgWriter(file, live.LinkType), problem =>
                {
                    recordingFailed = true;
                    stderr.WriteLine($"opendump: error: {writePath}: {problem}; decoding goes on");
                });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                live.Dispose();
                stderr.WriteLine($"opendump: error: cannot write {writePath}: {e.Message}");
                return ExitCodes.CannotOpen;
            }
        }

        using var _ = source;
        return CommandOutput.Guarded(new GuardedOutput(stdout, "standard output", ownsInner: false), stderr, output =>
        {
            using var frames = new FrameOutput(format, verbose, output, stderr, toFile: false, live: true, Terminal.Palette(color, Terminal.IsTerminal(stdout, null)), selection);
            var stopper = new FrameCountStop(count, cancel);
            stderr.WriteLine($"opendump: capturing on {iface} with filter \"{filter}\"{(writePath is null ? "" : $", writing {writePath}")}; Ctrl-C stops");
            // --count counts the frames shown, so with a filter it waits for that many matching frames.
            IAnalysisSink counted = selection.IsEverything ? stopper : new Filtering.FilteringSink(stopper, selection);
            var summary = CaptureAnalyzer.Run(source, options with { Bodies = frames.Bodies, LendPlaintext = frames.LendPlaintext }, new TeeSink(frames.Sink, counted));
            frames.Complete();
            recording?.FinishRecording();

            var stats = live.Statistics;
            stderr.WriteLine($"opendump: {summary.Packets} packets captured ({stats.DroppedByKernel} dropped by the kernel, {stats.DroppedByInterface} by the interface); " +
                             $"{summary.Connections} OpenD connection(s), {summary.Frames} frames, {stopper.Bytes} frame bytes");
            return problems || recordingFailed || frames.Counter.Errors > 0 ? ExitCodes.Problems : ExitCodes.Ok;
        });
    }

    /// <summary>Counts frames (and their bytes) and stops the capture after --count of them.</summary>
    private sealed class FrameCountStop(long? limit, CancellationTokenSource cancel) : IAnalysisSink
    {
        private long _frames;
        public long Bytes { get; private set; }

        public void OnFrame(OpenDFrame frame)
        {
            Bytes += (frame.Header is null ? 0 : FrameHeader.Size) + frame.BodyLen;
            if (++_frames == limit) cancel.Cancel();
        }

        public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros) { }
        public void OnCaptureDiagnostic(Diagnostic diagnostic) { }
        public void OnComplete(IReadOnlyList<ConnectionSummary> connections) { }
    }
}
