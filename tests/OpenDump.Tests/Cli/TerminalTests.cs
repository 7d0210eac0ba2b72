using OpenDump.Cli;
using OpenDump.Link;
using OpenDump.Testing;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.Cli;

/// <summary>Colour and progress are for a person at a terminal; they must never end up in data that was redirected.</summary>
public sealed class TerminalTests
{
    [Fact]
    public void With_stderr_on_a_terminal_and_stdout_redirected_the_data_has_no_colour_or_progress()
    {
        var dir = Directory.CreateTempSubdirectory("opendump-tty");
        try
        {
            // Progress is drawn every 1024 packets, so the capture needs a few thousand of them.
            var b = new ConversationBuilder(Endpoint.Parse("10.0.0.2:50000"), Endpoint.Parse("10.0.0.1:11111")).InitConnect(serialNo: 1, connId: 3);
            for (var i = 0; i < 3000; i++) b.Push(1003, (uint)(10 + i), new Notify.Response { RetType = 0 }, afterMicros: 100);
            var capture = b.Build().WriteTemp();
            var data = Path.Combine(dir.FullName, "out.txt");
            var log = Path.Combine(dir.FullName, "tty.log");
            // script(1) gives the command a pseudo-terminal and records what reached it: stderr is the
            // terminal, stdout goes to a file.
            var command = $"TERM=xterm dotnet '{Processes.Cli}' read '{capture}' > '{data}'";
            Processes.RunOk(60_000, "script", "-qec", command, log);
            File.Delete(capture);

            var text = File.ReadAllText(data);
            Assert.Contains("Notify", text);
            Assert.DoesNotContain('\u001b', text);
            Assert.DoesNotContain('\r', text);
            // The progress line was drawn, on the terminal only.
            Assert.Contains(" frames (", File.ReadAllText(log));
            Assert.DoesNotContain(" frames (", text);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Colour_is_written_only_when_asked_for_or_to_a_terminal()
    {
        Assert.Same(OpenDump.Output.Palette.None, Terminal.Palette("auto", toTerminal: false));
        Assert.Same(OpenDump.Output.Palette.Ansi, Terminal.Palette("always", toTerminal: false));
        Assert.Same(OpenDump.Output.Palette.None, Terminal.Palette("never", toTerminal: true));

        var plain = ReadToMemory("--color", "auto");
        var coloured = ReadToMemory("--color", "always");
        Assert.DoesNotContain('\u001b', plain);
        Assert.Contains("\u001b[1;31mFAILED retType=-1", coloured);
        // Colour wraps the same text: without its escapes, the coloured output is the plain one.
        Assert.Equal(plain, System.Text.RegularExpressions.Regex.Replace(coloured, "\u001b\\[[0-9;]*m", ""));
    }

    private static string ReadToMemory(params string[] extra)
    {
        var stdout = new MemoryStream();
        var code = ReadCommand.Run([Fixtures.SdkTcp("plain.pcap"), .. extra], stdout, new StringWriter());
        Assert.Equal(ExitCodes.Ok, code);
        return System.Text.Encoding.UTF8.GetString(stdout.ToArray());
    }
}
