using OpenDump.Crypto;
using OpenDump.Diagnostics;
using OpenDump.Reassembly;
using OpenDump.Session;

namespace OpenDump.Cli;

/// <summary>
/// `opendump keys`: learns every connection's AES keys from its handshake and writes them as a key
/// log, so a later capture of the same connections (started after InitConnect) can be decoded.
/// Keys are secrets: they are written only here, where the user asks for them.
/// </summary>
internal static class KeysCommand
{
    public const string Help = """
        usage: opendump keys <capture> --rsa-key <pem> [-o <keylog>] [options]

        Writes one key log line per connection whose InitConnect handshake could be read:
          connId client server algorithm aesKeyHex ivHex
        to standard output or to the -o file; use it later with `opendump read --keylog <file>`.

          -o, --output <file>   write the key log to a file (created readable by the owner only)

        """ + CaptureArguments.Help;

    public static int Run(string[] args, Stream stdout, TextWriter stderr)
    {
        var capture = new CaptureArguments();
        string? outPath = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (capture.TryTake(args, ref i)) continue;
            switch (args[i])
            {
                case "-o" or "--output": outPath = CaptureArguments.Value(args, ref i); break;
                case "-h" or "--help":
                    using (var help = new StreamWriter(stdout, leaveOpen: true)) help.Write(Help);
                    return ExitCodes.Ok;
                default:
                    throw new UsageException($"unknown option {args[i]}");
            }
        }
        if (capture.Path is null) throw new UsageException("keys needs a capture file (or - for standard input)");

        var options = capture.BuildOptions(stderr, out var problems);
        using var source = capture.Open(stderr);
        if (source is null) return ExitCodes.CannotOpen;

        var collector = new SummaryCollector();
        var counting = new ProblemCounter();
        CaptureAnalyzer.Run(source, options, new TeeSink(collector, counting, new StderrDiagnostics(stderr)));

        var withKeys = collector.Connections.Where(c => c.Keys is not null).ToList();
        var text = new System.Text.StringBuilder(KeyLog.Header + "\n");
        foreach (var c in withKeys) text.Append(KeyLog.Format(c.Keys!)).Append('\n');
        try
        {
            if (outPath is null)
            {
                using var w = new StreamWriter(stdout, leaveOpen: true);
                w.Write(text);
            }
            else
            {
                var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                using var file = new StreamWriter(outPath, System.Text.Encoding.ASCII, fileOptions);
                file.Write(text);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"opendump: error: cannot write {outPath}: {e.Message}");
            return ExitCodes.CannotOpen;
        }

        foreach (var c in collector.Connections.Where(c => c.Keys is null && c.Encryption != EncryptionKind.None || !c.KeysKnown))
            stderr.WriteLine($"opendump: conn {c.Connection.Number} ({c.Connection.Client}-{c.Connection.Server}): no keys learned (handshake missing or unreadable)");
        stderr.WriteLine($"opendump: {withKeys.Count} of {collector.Connections.Count} connection(s) with keys{(outPath is null ? "" : $" written to {outPath}")}");
        return problems || counting.Errors > 0 ? ExitCodes.Problems : ExitCodes.Ok;
    }

    private sealed class SummaryCollector : IAnalysisSink
    {
        public IReadOnlyList<ConnectionSummary> Connections { get; private set; } = [];
        public void OnFrame(OpenDFrame frame) { }
        public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros) { }
        public void OnCaptureDiagnostic(Diagnostic diagnostic) { }
        public void OnComplete(IReadOnlyList<ConnectionSummary> connections) => Connections = connections;
    }
}
