using System.Text;
using System.Text.Json.Nodes;
using OpenDump.Cli;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.Cli;

/// <summary>The command line as a user meets it: outputs, messages and exit codes.</summary>
public sealed class ReadCommandTests
{
    internal static (int Code, string Stdout, string Stderr) Read(params string[] args)
    {
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        var code = ReadCommand.Run(args, stdout, stderr);
        return (code, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }

    private static readonly string[] JsonlKeys =
    [
        "frame", "ts", "conn", "transport", "client", "server", "connId", "dir", "protoId", "proto", "kind", "protoFmt", "protoVer",
        "serialNo", "bodyLen", "encryption", "decrypted", "sha1Ok", "wsError", "wsErrmsg", "wsFrames", "wsCompressed",
        "latencyMs", "retType", "retMsg", "body", "raw", "diagnostics",
    ];

    [Fact]
    public void Jsonl_has_one_object_per_frame_with_exactly_the_documented_keys()
    {
        var (code, stdout, stderr) = Read(Fixtures.SdkTcp("cbc.pcap"), "--rsa-key", Fixtures.SdkKey, "--format", "jsonl");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(146, lines.Count);
        Assert.All(lines, o => Assert.Equal(JsonlKeys, o.Select(p => p.Key)));
        Assert.Equal(Enumerable.Range(1, 146), lines.Select(o => o["frame"]!.GetValue<int>()));

        var first = lines[0];
        Assert.Equal(("c2s", "request", "rsa", "InitConnect", 1), (first["dir"]!.GetValue<string>(), first["kind"]!.GetValue<string>(),
            first["encryption"]!.GetValue<string>(), first["proto"]!.GetValue<string>(), first["conn"]!.GetValue<int>()));
        Assert.Null(first["connId"]);
        Assert.Equal("1795566770.888722", lines[0]["ts"]!.ToJsonString());

        var failed = lines.Single(o => o["protoId"]!.GetValue<int>() == 3004 && o["retType"]?.GetValue<int>() == -1);
        Assert.Equal("response", failed["kind"]!.GetValue<string>());
        Assert.Equal("aes-cbc", failed["encryption"]!.GetValue<string>());
        Assert.True(failed["decrypted"]!.GetValue<bool>());
        Assert.NotNull(failed["latencyMs"]);
        Assert.Contains("security not subscribed", failed["retMsg"]!.GetValue<string>());
        Assert.Equal("3274675210954266009", failed["connId"]!.GetValue<string>());
        Assert.Null(failed["raw"]);
        Assert.Equal(-1, failed["body"]!["retType"]!.GetValue<int>());
    }

    [Fact]
    public void Websocket_frames_carry_their_transport_and_header_error_and_other_ports_need_ws_port()
    {
        var (code, stdout, stderr) = Read(Fixtures.SdkWs("ws_basic.pcap"), "--format", "jsonl");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(36, lines.Count);
        Assert.All(lines, o => Assert.Equal(JsonlKeys, o.Select(p => p.Key)));
        Assert.All(lines, o => Assert.Equal(("ws", "none"), (o["transport"]!.GetValue<string>(), o["encryption"]!.GetValue<string>())));
        Assert.All(lines, o => Assert.Null(o["sha1Ok"]));
        var timedOut = lines.Single(o => o["wsError"]?.GetValue<int>() is 2);
        Assert.Equal(("proto 3010 timed out", 3010, 8, "response"), (timedOut["wsErrmsg"]!.GetValue<string>(), timedOut["protoId"]!.GetValue<int>(), timedOut["serialNo"]!.GetValue<int>(), timedOut["kind"]!.GetValue<string>()));
        Assert.Equal(3, lines.Single(o => o["protoId"]!.GetValue<int>() == 3012 && o["dir"]!.GetValue<string>() == "s2c")["wsFrames"]!.GetValue<int>());

        // The same capture with OpenD's WebSocket API moved: --ws-port follows it there, --port does not read it as TCP.
        var (_, json, _) = Read(Fixtures.SdkWs("ws_basic.pcap"), "--format", "json", "--ws-port", "33333", "--port", "11111");
        var conn = JsonNode.Parse(json)!["connections"]![0]!;
        Assert.Equal("ws", conn["transport"]!.GetValue<string>());
        Assert.Equal("/", conn["webSocket"]!["path"]!.GetValue<string>());
        Assert.Equal("b169335c403e60ff41d179928175e46c", conn["webSocket"]!["loginKeyMd5"]!.GetValue<string>());
        Assert.Contains("--ws-port", Assert.Throws<UsageException>(() => Read(Fixtures.SdkWs("ws_basic.pcap"), "--ws-port", "0")).Message);
    }

    [Fact]
    public void Json_groups_frames_per_connection_under_a_header()
    {
        var (code, stdout, _) = Read(Fixtures.SdkTcp("ftaes.pcap"), "--rsa-key", Fixtures.SdkKey, "--format", "json");
        Assert.Equal(ExitCodes.Ok, code);
        var doc = JsonNode.Parse(stdout)!;
        var conns = doc["connections"]!.AsArray();
        Assert.Equal(2, conns.Count);
        Assert.Equal([106, 47], conns.Select(c => c!["frames"]!.AsArray().Count));
        Assert.Equal([106, 47], conns.Select(c => c!["frameCount"]!.GetValue<int>()));
        var quote = conns[0]!;
        Assert.Equal(("LabClient", 1002, "Python", "ftaes-ecb"), (quote["clientID"]!.GetValue<string>(), quote["clientVer"]!.GetValue<int>(),
            quote["programmingLanguage"]!.GetValue<string>(), quote["encryption"]!.GetValue<string>()));
        Assert.Equal("3454042746039760076", quote["connId"]!.GetValue<string>());
        Assert.True(quote["lastTs"]!.GetValue<decimal>() > quote["firstTs"]!.GetValue<decimal>());
        Assert.All(quote["frames"]!.AsArray(), f => Assert.Equal(1, f!["conn"]!.GetValue<int>()));
    }

    [Fact]
    public void The_timeline_shows_failures_latency_and_securities()
    {
        var (code, stdout, _) = Read(Fixtures.SdkTcp("plain.pcap"));
        Assert.Equal(ExitCodes.Ok, code);
        var failed = stdout.Split('\n').Single(l => l.Contains("errCode=10005"));
        Assert.Contains("Qot_GetBasicQot", failed);
        Assert.Contains("FAILED retType=-1", failed);
        Assert.Matches(@"\d+\.\d+ms", failed);
        Assert.Contains(stdout.Split('\n'), l => l.Contains("Qot_Sub") && l.Contains("HK.00700 US.AAPL"));
        Assert.Contains(stdout.Split('\n'), l => l.Contains("Trd_PlaceOrder") && l.Contains("acc="));
        Assert.Equal(76, stdout.Split('\n').Count(l => l.Contains(" ⇐ ") && l.Contains(" push")));
    }

    [Fact]
    public void Verbose_adds_decoded_bodies()
    {
        var (_, stdout, _) = Read(Fixtures.SdkTcp("plain.pcap"), "-v");
        Assert.Contains("\"connAESKey\": \"gIGLBahtTd3uK00n\"", stdout);
    }

    [Fact]
    public void Output_goes_to_a_file_with_o()
    {
        var file = Path.GetTempFileName();
        try
        {
            var (code, stdout, _) = Read(Fixtures.SdkTcp("plain.pcap"), "--format", "jsonl", "-o", file);
            Assert.Equal(ExitCodes.Ok, code);
            Assert.Equal("", stdout);
            Assert.Equal(148, File.ReadAllLines(file).Length);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_missing_capture_exits_3_with_one_message()
    {
        var (code, stdout, stderr) = Read("/nonexistent/x.pcap");
        Assert.Equal(ExitCodes.CannotOpen, code);
        Assert.Equal("", stdout);
        Assert.Contains("/nonexistent/x.pcap: no such file", stderr);
    }

    [Fact]
    public void A_directory_given_as_the_capture_exits_3_saying_so()
    {
        var dir = Directory.CreateTempSubdirectory("opendump-dir").FullName;
        try
        {
            var (code, stdout, stderr) = Read(dir);
            Assert.Equal(ExitCodes.CannotOpen, code);
            Assert.Equal("", stdout);
            Assert.Contains($"{dir}: is a directory, not a capture file", stderr);
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Fact]
    public void A_file_that_is_not_a_capture_exits_3_naming_it()
    {
        var (code, _, stderr) = Read(Fixtures.SdkTcp("plain.jsonl"));
        Assert.Equal(ExitCodes.CannotOpen, code);
        Assert.Contains("plain.jsonl: not a readable pcap or pcapng file", stderr);
    }

    [Fact]
    public void A_malformed_key_is_reported_and_everything_else_is_still_shown()
    {
        var bad = Path.GetTempFileName();
        File.WriteAllText(bad, "-----BEGIN RSA PRIVATE KEY-----\nnot base64!\n-----END RSA PRIVATE KEY-----\n");
        try
        {
            var (code, stdout, stderr) = Read(Fixtures.SdkTcp("ftaes.pcap"), "--rsa-key", bad, "--format", "jsonl");
            Assert.Equal(ExitCodes.Problems, code);
            Assert.Contains("malformed PEM", stderr);
            Assert.Contains("continuing without a key", stderr);
            Assert.Equal(153, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public void A_wrong_key_is_said_once_per_connection_with_the_evidence_and_exits_1()
    {
        var (code, stdout, stderr) = Read(Fixtures.SdkTcp("cbc.pcap"), "--rsa-key", Fixtures.Path("keys", "other_rsa1024.pem"), "--format", "jsonl");
        Assert.Equal(ExitCodes.Problems, code);
        var wrongKey = stderr.Split('\n').Where(l => l.Contains("opendump.wrong_key")).ToList();
        Assert.Equal(2, wrongKey.Count);
        Assert.Contains("conn 1", wrongKey[0]);
        Assert.Contains("conn 2", wrongKey[1]);
        var frames = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(146, frames.Count);
        Assert.All(frames, f => Assert.Null(f["body"]));
        Assert.All(frames, f => Assert.NotNull(f["raw"]));
    }

    [Theory]
    [InlineData(new[] { "--format", "xml", "x.pcap" }, "--format")]
    [InlineData(new[] { "--port", "99999", "x.pcap" }, "--port")]
    [InlineData(new[] { "--bogus", "x.pcap" }, "unknown option --bogus")]
    [InlineData(new string[0], "needs a capture file")]
    public void Bad_command_lines_are_usage_errors(string[] args, string message)
    {
        var e = Assert.Throws<UsageException>(() => Read(args));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData(1, 2, false)]
    [InlineData(2, 2, false)]
    [InlineData(4, 2, false)]
    [InlineData(2, 8, false)]
    [InlineData(3, 8, true)]
    [InlineData(8, 8, true)]
    public void Reading_runs_ahead_on_a_thread_of_its_own_only_with_a_core_to_spare(int threads, int cores, bool ahead) =>
        Assert.Equal(ahead, CaptureArguments.ReadsAhead(threads, cores));
}
