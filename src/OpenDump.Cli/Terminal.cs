using OpenDump.Output;

namespace OpenDump.Cli;

/// <summary>
/// Terminal manners: colour only for text that goes to a terminal, never into a file or a pipe,
/// and never when NO_COLOR is set (https://no-color.org) unless --color always asks for it.
/// </summary>
internal static class Terminal
{
    /// <summary>Whole lines, the last one ending in a newline, like <see cref="CaptureArguments.Help"/>.</summary>
    public const string ColorHelp = """
          --color <when>        auto (default: colour when standard output is a terminal and NO_COLOR
                                is not set), always, never

        """;

    public static bool TryTakeColor(string[] args, ref int i, ref string mode)
    {
        if (args[i] != "--color" && args[i] != "--colour") return false;
        mode = CaptureArguments.Value(args, ref i);
        if (mode is not ("auto" or "always" or "never")) throw new UsageException($"--color: '{mode}' is not one of auto, always, never");
        return true;
    }

    /// <param name="toTerminal">Whether the text really reaches a terminal: not redirected, not a file.</param>
    public static Palette Palette(string mode, bool toTerminal) => mode switch
    {
        "always" => Output.Palette.Ansi,
        "never" => Output.Palette.None,
        _ => toTerminal && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")) && Environment.GetEnvironmentVariable("TERM") != "dumb"
            ? Output.Palette.Ansi
            : Output.Palette.None,
    };

    /// <summary>True when <paramref name="stdout"/> is the process's own standard output and that is a terminal.</summary>
    public static bool IsTerminal(Stream stdout, string? outPath) =>
        outPath is null && !Console.IsOutputRedirected && stdout is not MemoryStream;
}
