using OpenDump.Cli;
using OpenDump.Link;
using OpenDump.Testing;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.Cli;

/// <summary>Data that cannot be written (a full disk, a reader that went away) is one message and exit code 3, never a crash or a hang.</summary>
public sealed class OutputErrorTests
{
    public static TheoryData<string, string[]> Commands => new()
    {
        { "read", [] },
        { "read", ["--format", "jsonl"] },
        { "read", ["--format", "json"] },
        { "read", ["-v"] },
        { "read", ["--threads", "2"] },
        { "read", ["--format", "jsonl", "--threads", "2"] },
        { "stats", [] },
        { "follow", ["--conn", "1"] },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Standard_output_that_fills_up_is_one_message_and_exit_3(string command, string[] extra)
    {
        var capture = Pushes(4000);
        try
        {
            // Takes 64 KB, then fails: the timeline and -v fail part-way through, the outputs that write larger pieces
            // (JSON Lines, JSON, follow) on their first write.
            var stdout = new FillingStream(command == "stats" ? 0 : 64 * 1024);
            var stderr = new StringWriter();
            var code = Run(command, [capture, .. extra], stdout, stderr);

            Assert.Equal(ExitCodes.CannotOpen, code);
            Assert.Contains("opendump: error: cannot write standard output: No space left on device", stderr.ToString());
            Assert.DoesNotContain("   at ", stderr.ToString());
        }
        finally
        {
            File.Delete(capture);
        }
    }

    [Fact]
    public void A_full_device_given_with_o_is_named()
    {
        var stderr = new StringWriter();
        var code = ReadCommand.Run([Fixtures.SdkTcp("cbc.pcap"), "--rsa-key", Fixtures.SdkKey, "-o", "/dev/full"], new MemoryStream(), stderr);
        Assert.Equal(ExitCodes.CannotOpen, code);
        Assert.StartsWith("opendump: error: cannot write /dev/full: No space left on device", stderr.ToString());
    }

    [Fact]
    public async Task A_named_pipe_whose_reader_leaves_ends_the_run_with_broken_pipe()
    {
        var dir = Directory.CreateTempSubdirectory("opendump-fifo");
        var fifo = Path.Combine(dir.FullName, "out");
        var capture = Pushes(20_000);
        try
        {
            Assert.Equal(0, Mkfifo(fifo, Convert.ToInt32("600", 8)));
            // The reader takes the first kilobyte and goes; the run is then writing into a pipe nobody reads.
            var reader = Task.Run(() =>
            {
                using var pipe = new FileStream(fifo, FileMode.Open, FileAccess.Read);
                var first = new byte[1024];
                pipe.ReadExactly(first);
                return first;
            });
            var stderr = new StringWriter();
            var run = Task.Run(() => ReadCommand.Run([capture, "--format", "jsonl", "-o", fifo], new MemoryStream(), stderr));

            var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.True(finished == run, "the run blocked on a pipe nobody reads");
            Assert.StartsWith("{\"frame\":1,", System.Text.Encoding.UTF8.GetString(await reader));
            Assert.Equal(ExitCodes.CannotOpen, await run);
            Assert.StartsWith($"opendump: error: cannot write {fifo}: Broken pipe", stderr.ToString());
        }
        finally
        {
            File.Delete(capture);
            dir.Delete(recursive: true);
        }
    }

    private static int Run(string command, string[] args, Stream stdout, TextWriter stderr) => command switch
    {
        "read" => ReadCommand.Run(args, stdout, stderr),
        "stats" => StatsCommand.Run(args, stdout, stderr),
        "follow" => FollowCommand.Run(args, stdout, stderr),
        _ => throw new ArgumentException(command),
    };

    // A connection with this many pushes, enough for several batches on the decoding threads.
    private static string Pushes(int count)
    {
        var b = new ConversationBuilder(Endpoint.Parse("10.0.0.2:50000"), Endpoint.Parse("10.0.0.1:11111")).InitConnect(serialNo: 1, connId: 3);
        for (var i = 0; i < count; i++) b.Push(1003, (uint)(10 + i), new Notify.Response { RetType = 0 }, afterMicros: 100);
        return b.Build().WriteTemp();
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int Mkfifo(string path, int mode);
}
