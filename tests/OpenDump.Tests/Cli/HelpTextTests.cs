using System.Text;
using System.Text.RegularExpressions;
using OpenDump.Cli;
using Xunit;

namespace OpenDump.Tests.Cli;

/// <summary>The help of each command is put together from shared blocks of options; every option must start a line of its own.</summary>
public sealed class HelpTextTests
{
    // The commands that read a capture share its options; fields has options of its own.
    private static readonly string[] CaptureCommandNames = ["read", "stats", "follow", "live", "keys"];

    public static TheoryData<string> CaptureCommands => new(CaptureCommandNames);

    public static TheoryData<string> AllCommands => new([.. CaptureCommandNames, "fields"]);

    [Theory]
    [MemberData(nameof(AllCommands))]
    public void No_option_runs_on_after_the_text_of_another(string command)
    {
        var help = PrintedHelp(command);
        // Two spaces then an option name inside a line: a block that did not end its last line.
        var joined = help.Split('\n').Where(line => Regex.IsMatch(line, @"\S {2,}-{1,2}[a-z]")).ToList();
        Assert.True(joined.Count == 0, $"{command}: {string.Join(" | ", joined)}");
        Assert.DoesNotContain("\n\n\n", help);
        Assert.EndsWith("\n", help);
        Assert.False(help.EndsWith("\n\n", StringComparison.Ordinal), $"{command}: the help ends with a blank line");
    }

    [Theory]
    [MemberData(nameof(CaptureCommands))]
    public void The_shared_options_each_start_a_line(string command)
    {
        var lines = PrintedHelp(command).Split('\n');
        foreach (var option in new[] { "--rsa-key <pem>", "--keylog <file>", "--threads <n>" })
            Assert.Single(lines, line => line.StartsWith("  " + option, StringComparison.Ordinal));
        if (command == "keys") return;
        var filters = Array.FindIndex(lines, line => line.StartsWith("filters (", StringComparison.Ordinal));
        Assert.True(filters > 0, $"{command}: no line starts the filters");
        Assert.Equal("", lines[filters - 1]);
        if (command == "stats") return;
        Assert.Single(lines, line => line.StartsWith("  --color <when>", StringComparison.Ordinal));
    }

    private static string PrintedHelp(string command)
    {
        string[] args = ["--help"];
        if (command == "fields")
        {
            var text = new StringWriter();
            FieldsCommand.Run(args, text);
            return text.ToString();
        }
        using var stdout = new MemoryStream();
        var code = command switch
        {
            "read" => ReadCommand.Run(args, stdout, TextWriter.Null),
            "stats" => StatsCommand.Run(args, stdout, TextWriter.Null),
            "follow" => FollowCommand.Run(args, stdout, TextWriter.Null),
            "live" => LiveCommand.Run(args, stdout, TextWriter.Null, CancellationToken.None),
            "keys" => KeysCommand.Run(args, stdout, TextWriter.Null),
            _ => throw new ArgumentException(command),
        };
        Assert.Equal(ExitCodes.Ok, code);
        return Encoding.UTF8.GetString(stdout.ToArray()).Replace("\r\n", "\n");
    }
}
