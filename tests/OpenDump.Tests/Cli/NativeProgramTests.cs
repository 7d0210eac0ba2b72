using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Google.Protobuf;
using OpenDump.Link;
using OpenDump.Testing;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.Cli;

/// <summary>
/// The program `dotnet publish -r linux-x64` makes is compiled ahead of time (Native AOT): no JIT, and reflection only
/// over what the compiler kept. The schemas are found by name and read through reflection, so this publishes it once and
/// checks that it prints, byte for byte, what the JIT-compiled CLI prints for every capture the tests bundle, in every
/// output, including the paths that only reflection reaches (PacketDotNet's link decoding, the message-based JSON
/// writer for a body out of canonical order, filters over body fields) and damaged input.
/// </summary>
[Collection(DotnetBuilds.Name)]
public sealed class NativeProgramTests(NativeProgramTests.Published published) : IClassFixture<NativeProgramTests.Published>
{
    public sealed class Published : IDisposable
    {
        private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("opendump-aot");

        public Published()
        {
            var project = Path.Combine(Fixtures.RepoRoot, "src", "OpenDump.Cli");
            Processes.RunOk(900_000, "dotnet", "publish", project, "-c", "Release", "-r", "linux-x64", "-o", _dir.FullName, "--nologo", "--verbosity", "quiet");
            Program = Path.Combine(_dir.FullName, "OpenDump.Cli");
            Assert.True(File.Exists(Program), $"the publish made no {Program}");
            // Native AOT leaves no managed assembly to run: this is the compiled program, not a ReadyToRun image.
            Assert.False(File.Exists(Path.Combine(_dir.FullName, "OpenDump.Cli.dll")), "the publish made a managed OpenDump.Cli.dll: it was not compiled ahead of time");
            Scratch = _dir.CreateSubdirectory("inputs").FullName;
        }

        public string Program { get; }

        public string Scratch { get; }

        public void Dispose() => _dir.Delete(recursive: true);
    }

    private static string Sample => Fixtures.CaptureAndKeyFile("sample").Path;
    private static string SampleKey => Fixtures.CaptureAndKeyFile("sample").KeyFile!;

    private static readonly string[] Outputs = ["read", "read -v", "read --format jsonl", "read --format json", "stats", "stats --format json", "follow --conn 1", "follow --conn 2"];

    public static TheoryData<string> Captures => Fixtures.EndToEndCaptures;

    [Theory]
    [MemberData(nameof(Captures))]
    public void Every_output_of_every_bundled_capture_is_the_jit_builds(string name)
    {
        var (path, keyFile) = Fixtures.CaptureAndKeyFile(name);
        string[] key = keyFile is null ? [] : ["--rsa-key", keyFile];
        foreach (var output in Outputs)
            AssertSameAsJit([.. output.Split(' '), path, .. key, "--color", "never"]);
        if (key.Length > 0) AssertSameAsJit(["keys", path, .. key]);
    }

    [Fact]
    public void Filters_threads_and_the_schema_listing_are_the_jit_builds()
    {
        AssertSameAsJit(["read", Sample, "--rsa-key", SampleKey, "--filter", "body.s2c.basicQotList[*].security.code == \"00700\" or retType != 0"]);
        AssertSameAsJit(["read", Sample, "--rsa-key", SampleKey, "--errors", "--format", "jsonl"]);
        AssertSameAsJit(["read", Sample, "--rsa-key", SampleKey, "--proto", "Qot_Update*", "--threads", "1"]);
        AssertSameAsJit(["read", Sample, "--rsa-key", SampleKey, "--threads", "4", "--format", "jsonl"]);
        AssertSameAsJit(["fields"]);
        AssertSameAsJit(["fields", "Qot_GetSecuritySnapshot"]);
        AssertSameAsJit(["read", "--help"]);
    }

    [Fact]
    public void Other_link_types_and_containers_are_the_jit_builds()
    {
        var key = TestCrypto.GenerateRsaKeyPair();
        var segments = SampleCapture.Segments(key);
        var keyFile = Path.Combine(published.Scratch, "links.pem");
        File.WriteAllText(keyFile, TestCrypto.ToPem(key));
        foreach (var link in new[] { LinkKind.LinuxSll, LinkKind.LinuxSll2, LinkKind.EthernetVlan, LinkKind.Null, LinkKind.RawIp })
        {
            var file = Path.Combine(published.Scratch, $"sample-{link}.pcapng");
            File.WriteAllBytes(file, segments.ToBytes(link, CaptureFormat.PcapNg));
            AssertSameAsJit(["read", file, "--rsa-key", keyFile, "--format", "jsonl"]);
        }
    }

    [Fact]
    public void Damaged_input_and_odd_packets_are_the_jit_builds()
    {
        var bytes = File.ReadAllBytes(Sample);
        var truncated = Path.Combine(published.Scratch, "truncated.pcap");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length * 2 / 3)]);
        AssertSameAsJit(["read", truncated, "--rsa-key", SampleKey]);

        var garbage = Path.Combine(published.Scratch, "garbage.pcap");
        File.WriteAllBytes(garbage, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 >> 3))]);
        AssertSameAsJit(["read", garbage]);

        AssertSameAsJit(["read", Sample, "--rsa-key", Fixtures.Path("keys", "other_rsa1024.pem")]);
        AssertSameAsJit(["read", Path.Combine(published.Scratch, "missing.pcap")]);

        // A UDP datagram and an IPv4 fragment between the frames go to PacketDotNet's decoder; a body with its fields
        // out of number order goes to the message-based JSON writer (built through reflection).
        var odd = Path.Combine(published.Scratch, "odd.pcap");
        using (var stream = File.Create(odd))
        using (var writer = new PcapWriter(stream, LinkKind.Ethernet))
        {
            var conversation = new ConversationBuilder(Endpoint.Parse("10.0.0.2:50000"), Endpoint.Parse("10.0.0.1:11111"))
                .InitConnect(serialNo: 9, connId: 3)
                .Request(3004, 1, new QotGetBasicQot.Request { C2S = new() { SecurityList = { new QotCommon.Security { Market = 1, Code = "00700" } } } })
                .ServerBody(3004, 1, OutOfOrderReply())
                .Build();
            var sent = conversation.Segment().ToList();
            writer.Write(sent[0]);
            writer.WritePacket(sent[0].TimestampMicros + 1, UdpPacket());
            writer.WritePacket(sent[0].TimestampMicros + 2, FragmentedIpv4Packet());
            foreach (var segment in sent.Skip(1)) writer.Write(segment);
        }
        var jsonl = AssertSameAsJit(["read", odd, "--format", "jsonl"]);
        // The reply's fields in number order: written from the parsed message, since the wire writer declines the body.
        Assert.Contains("\"body\":{ \"retType\": 0, \"retMsg\": \"ok\", \"s2c\": { } }", jsonl.Stdout);
        Assert.Contains("packet 3: ", jsonl.Stderr);
        AssertSameAsJit(["read", odd, "-v"]);
    }

    [Fact]
    public async Task Live_capture_and_its_recording_are_the_jit_builds()
    {
        // Root, like LiveCaptureTests (CI runs as root): the program captures on loopback while a real client and server
        // exchange an encrypted conversation, writes what it saw, and the JIT build reads that recording back the same.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var recording = Path.Combine(published.Scratch, $"live-{port}.pcapng");
        var conversation = new ConversationBuilder(Endpoint.Parse("127.0.0.1:1"), Endpoint.Parse($"127.0.0.1:{port}"))
            .WithRsaKey(TestCrypto.LoadRsaKeyPair(Fixtures.SdkKey))
            .InitConnect(serialNo: 1, packetEncAlgo: 0, aesKey: "native-live-key!", connId: 7)
            .Request(3004, 2, new QotGetBasicQot.Request { C2S = new() { SecurityList = { new QotCommon.Security { Market = 1, Code = "00700" } } } })
            .Reply(3004, 2, new QotGetBasicQot.Response { RetType = -1, RetMsg = "security not subscribed", ErrCode = 10005 })
            .Build();

        var start = new ProcessStartInfo(published.Program, ["live", "-i", "lo", "--port", port.ToString(), "--format", "jsonl", "--rsa-key", Fixtures.SdkKey,
            "-w", recording, "--count", conversation.Messages.Count.ToString(), "--duration", "60"])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var live = Process.Start(start)!;
        var stdout = live.StandardOutput.ReadToEndAsync();
        var stderr = new StringBuilder();
        var started = new TaskCompletionSource();
        live.ErrorDataReceived += (_, e) =>
        {
            lock (stderr) stderr.AppendLine(e.Data);
            if (e.Data?.Contains("capturing on lo") == true) started.TrySetResult();
        };
        live.BeginErrorReadLine();
        try
        {
            await Task.WhenAny(started.Task, live.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(15)));
            Assert.True(started.Task.IsCompleted, $"live capture did not start (it needs root or cap_net_raw): {stderr}");
            await Loopback.ReplayAsync(listener, conversation);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await live.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!live.HasExited) live.Kill();
        }

        Assert.True(live.ExitCode == 0, $"exit {live.ExitCode}: {stderr}");
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(conversation.Messages.Count, lines.Length);
        Assert.Contains("security not subscribed", lines[^1]);
        var readBack = Processes.RunOk("dotnet", Processes.Cli, "read", recording, "--format", "jsonl", "--rsa-key", Fixtures.SdkKey, "--port", port.ToString());
        Assert.Equal(await stdout, readBack);
    }

    /// <summary>A Qot_GetBasicQot reply whose retType (field 1) comes after its s2c (field 4): valid, but not canonical.</summary>
    private static byte[] OutOfOrderReply()
    {
        var s2c = new QotGetBasicQot.S2C().ToByteArray();
        return [0x22, (byte)s2c.Length, .. s2c, 0x08, 0x00, 0x12, 0x02, (byte)'o', (byte)'k'];
    }

    private static byte[] UdpPacket()
    {
        byte[] ip = [0x45, 0, 0, 32, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1];
        byte[] udp = [0x13, 0x88, 0x13, 0x89, 0, 12, 0, 0, 1, 2, 3, 4];
        return [.. Ethernet(), .. ip, .. udp];
    }

    private static byte[] FragmentedIpv4Packet()
    {
        // More-fragments set, offset 0, protocol TCP: not a whole segment.
        byte[] ip = [0x45, 0, 0, 48, 0, 2, 0x20, 0, 64, 6, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1];
        return [.. Ethernet(), .. ip, .. new byte[28]];
    }

    private static byte[] Ethernet() => [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00];

    /// <summary>Runs both builds; gives what the JIT build printed, for checks that the input took the path meant.</summary>
    private (int Code, string Stdout, string Stderr) AssertSameAsJit(string[] args)
    {
        var jit = Processes.Run("dotnet", [Processes.Cli, .. args], timeoutMs: 120_000);
        var native = Processes.Run(published.Program, args, timeoutMs: 120_000);
        var what = string.Join(' ', args);
        Assert.True(jit.Stdout.Length > 0 || jit.Stderr.Length > 0, $"{what}: the JIT build printed nothing");
        Assert.Equal(jit.Code, native.Code);
        Assert.Equal(jit.Stdout, native.Stdout);
        Assert.Equal(jit.Stderr, native.Stderr);
        return jit;
    }
}
