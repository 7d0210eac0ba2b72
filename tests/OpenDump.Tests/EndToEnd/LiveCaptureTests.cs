using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using OpenDump.Cli;
using OpenDump.Decoding;
using OpenDump.Link;
using OpenDump.Testing;
using OpenDump.Tests.Cli;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.EndToEnd;

/// <summary>
/// `opendump live` on the loopback interface while a real TCP server and client on a free port
/// exchange encrypted OpenD frames made by the builders. Capturing needs root (CI runs as root).
/// </summary>
public sealed class LiveCaptureTests
{
    [Fact]
    public async Task Live_capture_decodes_what_crossed_loopback_and_its_pcapng_reads_back_identically()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var pcapng = Path.Combine(Path.GetTempPath(), $"opendump-live-{Guid.NewGuid():N}.pcapng");
        var stdout = new MemoryStream();
        var stderr = new StringBuilder();
        var stderrWriter = TextWriter.Synchronized(new StringWriter(stderr));
        using var stop = new CancellationTokenSource();

        var keyPair = TestCrypto.LoadRsaKeyPair(Fixtures.SdkKey);
        var conversation = new ConversationBuilder(Endpoint.Parse("127.0.0.1:1"), Endpoint.Parse($"127.0.0.1:{port}")).WithRsaKey(keyPair)
            .InitConnect(serialNo: 11, packetEncAlgo: 2, aesCbcIv: "live-capture-iv!", aesKey: "live-capture-key", connId: 99)
            .Request(3004, 12, new QotGetBasicQot.Request { C2S = new QotGetBasicQot.C2S { SecurityList = { new QotCommon.Security { Market = 1, Code = "00700" } } } })
            .Reply(3004, 12, new QotGetBasicQot.Response { RetType = -1, RetMsg = "security not subscribed", ErrCode = 10005 })
            .Push(3005, 1, new QotUpdateBasicQot.Response { RetType = 0, S2C = new QotUpdateBasicQot.S2C() })
            .Request(1004, 13, new KeepAlive.Request { C2S = new KeepAlive.C2S { Time = 1_790_000_000 } })
            .Reply(1004, 13, new KeepAlive.Response { RetType = 0, S2C = new KeepAlive.S2C { Time = 1_790_000_000 } })
            .Build();

        var live = Task.Run(() => LiveCommand.Run(
            ["-i", "lo", "--port", port.ToString(), "--format", "jsonl", "--rsa-key", Fixtures.SdkKey, "-w", pcapng, "--count", conversation.Messages.Count.ToString()],
            stdout, stderrWriter, stop.Token));
        try
        {
            await WaitFor(() => stderr.ToString().Contains("capturing on lo") || live.IsCompleted, TimeSpan.FromSeconds(15));
            Assert.False(live.IsCompleted, $"live capture did not start (it needs root or cap_net_raw): {stderr}");

            await Loopback.ReplayAsync(listener, conversation);
            // --count stops the capture by itself once every frame is decoded.
            await WaitFor(() => live.IsCompleted, TimeSpan.FromSeconds(15));
            Assert.True(live.IsCompleted, "--count did not stop the capture");
        }
        finally
        {
            stop.Cancel();
        }
        var code = await live;

        Assert.Equal(ExitCodes.Ok, code);
        var lines = Encoding.UTF8.GetString(stdout.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(conversation.Messages.Count, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var frame = JsonNode.Parse(lines[i])!;
            var sent = conversation.Messages[i];
            Assert.Equal(sent.Dir == Direction.ClientToServer ? "c2s" : "s2c", frame["dir"]!.GetValue<string>());
            Assert.Equal((sent.ProtoId, sent.SerialNo), (frame["protoId"]!.GetValue<uint>(), frame["serialNo"]!.GetValue<uint>()));
            Assert.True(frame["sha1Ok"]!.GetValue<bool>());
            Assert.Equal(i < 2 ? "rsa" : "aes-cbc", frame["encryption"]!.GetValue<string>());
            Assert.Equal($"127.0.0.1:{port}", frame["server"]!.GetValue<string>());
            var proto = ProtoRegistry.Default.Find(sent.ProtoId!.Value)!;
            var descriptor = proto.For(sent.Dir == Direction.ClientToServer)!;
            var body = JsonParser.Default.Parse(frame["body"]!.ToJsonString(), descriptor);
            Assert.Equal(sent.Plaintext, body.ToByteArray());
        }
        Assert.Contains("security not subscribed", lines[3]);
        Assert.Matches(@"\d+ packets captured \(0 dropped by the kernel", stderr.ToString());

        try
        {
            var (readCode, readBack, _) = ReadCommandTests.Read(pcapng, "--format", "jsonl", "--rsa-key", Fixtures.SdkKey, "--port", port.ToString());
            Assert.Equal(ExitCodes.Ok, readCode);
            Assert.Equal(Encoding.UTF8.GetString(stdout.ToArray()), readBack);
        }
        finally
        {
            File.Delete(pcapng);
        }
    }

    [Fact]
    public void An_unknown_interface_is_one_clear_message()
    {
        var stderr = new StringWriter();
        var code = LiveCommand.Run(["-i", "no-such-if0", "--duration", "1"], new MemoryStream(), stderr);
        Assert.Equal(ExitCodes.CannotOpen, code);
        Assert.Contains("no capture interface named 'no-such-if0'", stderr.ToString());
        Assert.DoesNotContain("   at ", stderr.ToString());
    }

    [Fact]
    public void A_bad_bpf_filter_is_one_clear_message()
    {
        var stderr = new StringWriter();
        var code = LiveCommand.Run(["-i", "lo", "--bpf", "tcp port banana"], new MemoryStream(), stderr);
        Assert.Equal(ExitCodes.CannotOpen, code);
        Assert.Contains("BPF filter 'tcp port banana' is not valid", stderr.ToString());
    }

    [Fact]
    public async Task Duration_stops_a_capture_on_a_quiet_interface_with_a_summary()
    {
        // On Linux libpcap's read timeout starts only with a first packet; a stop must not depend on traffic.
        var (code, stderr) = await QuietCapture();
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("0 packets captured (0 dropped by the kernel, 0 by the interface); 0 OpenD connection(s), 0 frames", stderr);
    }

    [Fact]
    public async Task A_recording_that_cannot_be_written_is_said_and_the_capture_still_ends_with_its_summary()
    {
        // /dev/full takes the file's header into its buffer and fails when that is written out.
        var (code, text) = await QuietCapture("-w", "/dev/full");
        Assert.Equal(ExitCodes.Problems, code);
        Assert.Contains("opendump: error: /dev/full: recording stopped after 0 packets: No space left on device", text);
        Assert.Contains("0 packets captured (0 dropped by the kernel, 0 by the interface)", text);
        Assert.DoesNotContain("   at ", text);
    }

    [Fact]
    public void Interfaces_lists_loopback_with_its_address()
    {
        var stdout = new StringWriter();
        Assert.Equal(ExitCodes.Ok, InterfacesCommand.Run(stdout, new StringWriter()));
        var lo = Assert.Single(stdout.ToString().Split('\n'), l => l.StartsWith("lo "));
        Assert.Contains("127.0.0.1", lo);
    }

    /// <summary>Half a second of `live` on loopback, filtered to a port nobody uses: its exit code and what it said.</summary>
    private static async Task<(int Code, string Stderr)> QuietCapture(params string[] extra)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var stderr = new StringWriter();
        var run = Task.Run(() => LiveCommand.Run(["--port", port.ToString(), "--duration", "0.5", .. extra], new MemoryStream(), stderr));
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(15)));
        Assert.True(finished == run, $"live --duration 0.5 {string.Join(' ', extra)} did not stop on a quiet interface");
        return (await run, stderr.ToString());
    }

    private static async Task WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(20);
    }
}
