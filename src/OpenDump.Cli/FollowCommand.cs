using OpenDump.Filtering;
using OpenDump.Output;

namespace OpenDump.Cli;

/// <summary>`opendump follow`: one connection as a conversation, bodies expanded ("follow stream" for OpenD).</summary>
internal static class FollowCommand
{
    public const string Help = """
        usage: opendump follow <capture> --conn <n> [options]

          --conn <n>            the connection to follow (numbers as in `opendump read` / `opendump stats`)
          -o, --output <file>   write to a file instead of standard output

        """ + Terminal.ColorHelp + CaptureArguments.Help + FilterArguments.Help + """

        examples:
          opendump follow capture.pcap --conn 2 --rsa-key conn_key.pem
          opendump follow capture.pcap --conn 1 --proto Qot_GetBasicQot,Qot_UpdateBasicQot
        """;

    public static int Run(string[] args, Stream stdout, TextWriter stderr)
    {
        var capture = new CaptureArguments();
        var filters = new FilterArguments();
        string? outPath = null;
        var color = "auto";
        int? conn = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--conn")
            {
                var value = CaptureArguments.Value(args, ref i);
                if (!int.TryParse(value, out var n) || n <= 0) throw new UsageException($"--conn: follow takes one connection number, not '{value}'");
                conn = n;
                continue;
            }
            if (capture.TryTake(args, ref i) || filters.TryTake(args, ref i) || Terminal.TryTakeColor(args, ref i, ref color)) continue;
            switch (args[i])
            {
                case "-o" or "--output": outPath = CaptureArguments.Value(args, ref i); break;
                case "-h" or "--help":
                    using (var help = new StreamWriter(stdout, leaveOpen: true)) help.WriteLine(Help);
                    return ExitCodes.Ok;
                default:
                    throw new UsageException($"unknown option {args[i]}");
            }
        }
        if (capture.Path is null) throw new UsageException("follow needs a capture file (or - for standard input)");
        if (conn is null) throw new UsageException("follow needs --conn <n> (`opendump stats` lists the connections)");

        var selection = filters.Build(stderr, onlyConnection: conn);
        var options = capture.BuildOptions(stderr, out var problems);
        using var source = capture.Open(stderr);
        if (source is null) return ExitCodes.CannotOpen;
        return CommandOutput.Write(stdout, outPath, stderr, output =>
        {
            var text = new StreamWriter(output, new System.Text.UTF8Encoding(false), 1 << 16);
            var counter = new ProblemCounter();
            var follow = new FollowWriter(text, Terminal.Palette(color, Terminal.IsTerminal(stdout, outPath)));
            var progress = Progress.ForTerminal(stderr, dataOnTerminal: Terminal.IsTerminal(stdout, outPath));
            var summary = CaptureAnalyzer.Run(source, options, new TeeSink(new FilteringSink(follow, selection), counter), progress.Report);
            progress.Clear();
            text.Flush();
            if (summary.Connections < conn)
                stderr.WriteLine($"opendump: the capture has {summary.Connections} OpenD connection(s); there is no #{conn}");
            return problems || counter.Errors > 0 ? ExitCodes.Problems : ExitCodes.Ok;
        });
    }
}
