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

          --rsa-key <pem>       RSA private key configured in OpenD and the SDK (PKCS#1 or PKCS#8 PEM)
          --port <n>            OpenD server port (repeatable; default 11111). Connections whose first
                                bytes are an OpenD header are followed on any port.
          --format <f>          timeline (default), jsonl (one JSON object per frame), json (per connection)
          -v, --verbose         timeline: show each decoded body
          -o, --output <file>   write to a file instead of standard output
          --max-body-len <n>    largest plausible bodyLen in bytes (default 67108864); larger = lost sync

        examples:
          opendump read capture.pcap --rsa-key conn_key.pem
          opendump read capture.pcapng --format jsonl -o frames.jsonl
          tcpdump -i lo -w - port 11111 | opendump read -
        """;

    public static int Run(string[] args, Stream stdout, TextWriter stderr)
    {
        string? path = null, keyPath = null, outPath = null;
        var format = "timeline";
        var verbose = false;
        var ports = new HashSet<ushort>();
        uint maxBodyLen = 64 * 1024 * 1024;

        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            string Value()
            {
                if (i + 1 >= args.Length) throw new UsageException($"{a} needs a value");
                return args[++i];
            }
            switch (a)
            {
                case "--rsa-key": keyPath = Value(); break;
                case "--port":
                    if (!ushort.TryParse(Value(), out var port) || port == 0) throw new UsageException($"--port: '{args[i]}' is not a TCP port");
                    ports.Add(port);
                    break;
                case "--format":
                    format = Value();
                    if (format is not ("timeline" or "jsonl" or "json")) throw new UsageException($"--format: '{format}' is not one of timeline, jsonl, json");
                    break;
                case "-v" or "--verbose": verbose = true; break;
                case "-o" or "--output": outPath = Value(); break;
                case "--max-body-len":
                    if (!uint.TryParse(Value(), out maxBodyLen) || maxBodyLen == 0) throw new UsageException($"--max-body-len: '{args[i]}' is not a positive byte count");
                    break;
                case "-h" or "--help":
                    using (var help = new StreamWriter(stdout, leaveOpen: true)) help.WriteLine(Help);
                    return ExitCodes.Ok;
                default:
                    if (a.StartsWith('-') && a != "-") throw new UsageException($"unknown option {a}");
                    if (path is not null) throw new UsageException($"only one capture at a time (got '{path}' and '{a}')");
                    path = a;
                    break;
            }
        }
        if (path is null) throw new UsageException("read needs a capture file (or - for standard input)");

        var problems = false;
        RsaPrivateKey? key = null;
        if (keyPath is not null)
        {
            try
            {
                key = RsaPrivateKey.Load(keyPath);
            }
            catch (KeyLoadException e)
            {
                // The headers and any plaintext connections are still worth showing.
                stderr.WriteLine($"opendump: error: {e.Message}; continuing without a key");
                problems = true;
            }
        }

        ICaptureSource source;
        try
        {
            source = new PcapFileSource(path);
        }
        catch (CaptureOpenException e)
        {
            stderr.WriteLine($"opendump: error: {e.Message}");
            return ExitCodes.CannotOpen;
        }

        using var _ = source;
        Stream outStream;
        try
        {
            outStream = outPath is null ? stdout : File.Create(outPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"opendump: error: cannot write {outPath}: {e.Message}");
            return ExitCodes.CannotOpen;
        }

        using var output = outStream;
        var counting = new ProblemCounter();
        var options = new AnalyzerOptions
        {
            RsaKey = key,
            MaxBodyLen = maxBodyLen,
            Reassembly = new ReassemblyOptions { ServerPorts = ports.Count > 0 ? ports : new HashSet<ushort> { 11111 } },
        };

        // Progress only when the data does not go to the same terminal: there the output is the progress.
        var progress = Progress.ForTerminal(stderr, dataOnTerminal: outPath is null && !Console.IsOutputRedirected && stdout is not MemoryStream);
        stderr = new ProgressAwareWriter(stderr, progress);
        AnalysisSummary summary;
        switch (format)
        {
            case "jsonl":
            {
                using var w = new JsonLinesWriter(output, line => stderr.WriteLine(line));
                summary = CaptureAnalyzer.Run(source, options, new TeeSink(w, counting), progress.Report);
                break;
            }
            case "json":
                summary = CaptureAnalyzer.Run(source, options, new TeeSink(new JsonSessionsWriter(output), counting, new StderrDiagnostics(stderr)), progress.Report);
                break;
            default:
            {
                using var text = new StreamWriter(output, new System.Text.UTF8Encoding(false), 1 << 16);
                summary = CaptureAnalyzer.Run(source, options, new TeeSink(new TimelineWriter(text, verbose), counting), progress.Report);
                text.Flush();
                if (outPath is not null) new StderrDiagnostics(stderr).Replay(counting);
                break;
            }
        }

        progress.Clear();
        if (summary.Connections == 0 && summary.CaptureProblem is null)
            stderr.WriteLine($"opendump: no OpenD connections in {source.Name} ({summary.Packets} packets, {summary.TcpSegments} TCP segments); OpenD ports watched: {string.Join(", ", options.Reassembly.ServerPorts)} (use --port)");
        return problems || counting.Errors > 0 ? ExitCodes.Problems : ExitCodes.Ok;
    }

    /// <summary>Counts error-severity diagnostics to choose the exit code.</summary>
    private sealed class ProblemCounter : IAnalysisSink
    {
        public int Errors { get; private set; }
        public List<string> Messages { get; } = [];

        public void OnFrame(OpenDFrame frame)
        {
            foreach (var d in frame.Diagnostics) if (d.Severity == Severity.Error) Errors++;
        }

        public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros)
        {
            if (diagnostic.Severity == Severity.Error) Errors++;
            Messages.Add($"conn {connection.Number} ({connection.Client}-{connection.Server}): {diagnostic.Code}: {diagnostic.Message}");
        }

        public void OnCaptureDiagnostic(Diagnostic diagnostic)
        {
            if (diagnostic.Severity == Severity.Error) Errors++;
            Messages.Add($"{diagnostic.Code}: {diagnostic.Message}");
        }

        public void OnComplete(IReadOnlyList<ConnectionSummary> connections) { }
    }

    /// <summary>When data goes to a file or is JSON, messages still reach the user on stderr.</summary>
    private sealed class StderrDiagnostics(TextWriter stderr) : IAnalysisSink
    {
        public void OnFrame(OpenDFrame frame) { }
        public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic d, long timestampMicros) =>
            stderr.WriteLine($"opendump: {d.Severity.ToString().ToLowerInvariant()}: conn {connection.Number} ({connection.Client}-{connection.Server}): {d.Code}: {d.Message}");
        public void OnCaptureDiagnostic(Diagnostic d) => stderr.WriteLine($"opendump: {d.Severity.ToString().ToLowerInvariant()}: {d.Code}: {d.Message}");
        public void OnComplete(IReadOnlyList<ConnectionSummary> connections) { }
        public void Replay(ProblemCounter counter)
        {
            foreach (var m in counter.Messages) stderr.WriteLine($"opendump: {m}");
        }
    }
}

internal sealed class UsageException(string message) : Exception(message);
