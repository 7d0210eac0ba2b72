using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenDump.Capture;
using OpenDump.Cli;
using OpenDump.Crypto;
using OpenDump.Link;
using OpenDump.Output;
using OpenDump.Reassembly;
using OpenDump.Session;
using OpenDump.Testing;
using OpenDump.Tests.Support;
using Xunit;

// Not OpenDump.Tests.Output: that namespace would hide OpenDump.Output from the tests that write `Output.FrameJson`.
namespace OpenDump.Tests.Statistics;

/// <summary>
/// `opendump stats`: every count, latency and peak is checked against values the test works out
/// on its own, from the SDK's logs of the captures or from the schedule of a built conversation.
/// </summary>
public sealed class StatisticsTests
{
    private static readonly Endpoint Client = Endpoint.Parse("192.168.1.20:53001");
    private static readonly Endpoint Server = Endpoint.Parse("192.168.1.10:11111");

    private static StatisticsReport Stats(string capture, bool withKey = false)
    {
        var collector = new StatisticsCollector();
        using var source = new PcapFileSource(capture);
        CaptureAnalyzer.Run(source, new AnalyzerOptions { RsaKey = withKey ? RsaPrivateKey.Load(Fixtures.SdkKey) : null }, collector);
        return collector.Report;
    }

    /// <summary>Hands what the pipeline reported for a built conversation to a collector.</summary>
    private static StatisticsReport Stats(Conversation conversation)
    {
        var sink = Analyze.Capture(conversation.Segment());
        var collector = new StatisticsCollector();
        foreach (var f in sink.Frames) collector.OnFrame(f);
        foreach (var (connection, diagnostic) in sink.ConnectionDiagnostics) collector.OnConnectionDiagnostic(connection, diagnostic, 0);
        foreach (var diagnostic in sink.CaptureDiagnostics) collector.OnCaptureDiagnostic(diagnostic);
        collector.OnComplete(sink.Connections);
        return collector.Report;
    }

    private static long Micros(JsonNode ts) => (long)(decimal.Parse(ts.ToJsonString().Trim('"'), System.Globalization.CultureInfo.InvariantCulture) * 1_000_000m);

    /// <summary>What the SDK's frame log says per protocol: replies matched to requests by (conn, protoId, serialNo), the rest pushes.</summary>
    private sealed record LoggedProto(int Requests, int Responses, int Pushes, List<long> Latencies);

    private static Dictionary<uint, LoggedProto> FromSdkLog(string jsonl)
    {
        var result = new Dictionary<uint, LoggedProto>();
        var pending = new Dictionary<(string, uint, ulong), long>();
        foreach (var line in File.ReadLines(jsonl).Where(l => l.Length > 0))
        {
            var o = JsonNode.Parse(line)!;
            var protoId = o["protoId"]!.GetValue<uint>();
            var key = (o["conn"]!.GetValue<string>(), protoId, o["serialNo"]!.GetValue<ulong>());
            var ts = Micros(o["ts"]!);
            var p = result.TryGetValue(protoId, out var existing) ? existing : result[protoId] = new LoggedProto(0, 0, 0, []);
            if (o["dir"]!.GetValue<string>() == "c2s")
            {
                pending[key] = ts;
                result[protoId] = p with { Requests = p.Requests + 1 };
            }
            else if (pending.Remove(key, out var sent))
            {
                p.Latencies.Add(ts - sent);
                result[protoId] = p with { Responses = p.Responses + 1 };
            }
            else
            {
                result[protoId] = p with { Pushes = p.Pushes + 1 };
            }
        }
        return result;
    }

    [Theory]
    [InlineData("plain", false)]
    [InlineData("ftaes", true)]
    [InlineData("cbc", true)]
    public void Sdk_captures_count_each_protocol_as_the_sdk_logged_it(string name, bool withKey)
    {
        var report = Stats(Fixtures.SdkTcp(name + ".pcap"), withKey);
        var summary = File.ReadAllLines(Fixtures.SdkTcp(name + ".summary.txt"));
        var table = summary.Select(l => Regex.Match(l, @"^(\d+)\s+(\w+)\s+(\d+)\s+(\d+)\s+(\d+)$")).Where(m => m.Success)
            .ToDictionary(m => uint.Parse(m.Groups[1].Value), m => (Name: m.Groups[2].Value, C2s: long.Parse(m.Groups[3].Value), S2c: long.Parse(m.Groups[4].Value), Push: long.Parse(m.Groups[5].Value)));
        var logged = FromSdkLog(Fixtures.SdkTcp(name + ".jsonl"));

        Assert.NotEmpty(table);
        Assert.Equal(table.Keys.Order(), report.Protocols.Select(p => p.ProtoId));
        Assert.Equal(logged.Keys.Order(), report.Protocols.Select(p => p.ProtoId));
        foreach (var p in report.Protocols)
        {
            var t = table[p.ProtoId];
            var l = logged[p.ProtoId];
            Assert.Equal((t.Name, t.C2s, t.S2c, t.Push), (p.Name, p.Requests, p.Responses, p.Pushes));
            Assert.Equal(((long)l.Requests, (long)l.Responses, (long)l.Pushes), (p.Requests, p.Responses, p.Pushes));
            if (l.Latencies.Count == 0)
            {
                Assert.Null(p.Latency);
                continue;
            }
            Assert.Equal((l.Latencies.Count, l.Latencies.Min(), l.Latencies.Max()), (p.Latency!.Count, p.Latency.MinMicros, p.Latency.MaxMicros));
            Assert.InRange(p.Latency.P50Micros, p.Latency.MinMicros, p.Latency.P95Micros);
        }

        var frames = summary.Select(l => Regex.Match(l, @"^frames: (\d+) \(c2s (\d+), s2c (\d+) of which pushes (\d+)\)")).Single(m => m.Success).Groups;
        var t0 = report.Totals;
        Assert.Equal(long.Parse(frames[1].Value), t0.Frames);
        Assert.Equal(long.Parse(frames[2].Value), t0.Requests);
        Assert.Equal(long.Parse(frames[3].Value) - long.Parse(frames[4].Value), t0.Responses);
        Assert.Equal(long.Parse(frames[4].Value), t0.Pushes);
        Assert.Equal((0L, 0L), (t0.UnpairedResponses, t0.Diagnostics));
        Assert.Equal(t0.Frames, report.Connections.Sum(c => c.Frames));

        // Connections as the summary lists them: frames per direction.
        var conns = summary.Select(l => Regex.Match(l, @"^\s+(\S+)-(\S+) ctx=\w+ frames=(\d+) \(c2s (\d+) / s2c (\d+)\)")).Where(m => m.Success).ToList();
        Assert.Equal(conns.Count, report.Connections.Count);
        foreach (var m in conns)
        {
            var c = report.Connections.Single(c => c.Client.ToString() == m.Groups[1].Value && c.Server.ToString() == m.Groups[2].Value);
            Assert.Equal((long.Parse(m.Groups[3].Value), long.Parse(m.Groups[4].Value)), (c.Frames, c.Requests));
            Assert.Equal((Transport.Tcp, "LabClient", "Python", "protobuf", 0L, 0L, 0), (c.Transport, c.ClientId, c.ProgrammingLanguage, c.PushFormatName, c.GapBytes, c.UnparsedBytes, c.Diagnostics));
        }

        // The failed calls are the summary's error responses, in capture order.
        var errors = summary.Select(l => Regex.Match(l, @"proto (\d+) sn (\d+) retType (-?\d+) errCode (\d+) retMsg ""(.*)""$")).Where(m => m.Success)
            .Select(m => (uint.Parse(m.Groups[1].Value), ulong.Parse(m.Groups[2].Value), (int?)int.Parse(m.Groups[3].Value), (int?)int.Parse(m.Groups[4].Value), m.Groups[5].Value)).ToList();
        Assert.Equal(errors, report.FailedCalls.Select(f => (f.ProtoId, f.SerialNo, f.RetType, f.ErrCode, f.RetMsg!)));
        Assert.Equal([(3004u, (int?)-1, (int?)10005), (2005u, -1, 11010)], report.FailedCalls.Select(f => (f.ProtoId, f.RetType, f.ErrCode)));
        Assert.All(report.FailedCalls, f => Assert.Equal((FrameKind.Response, (int?)null), (f.Kind, f.WsError)));
        Assert.Equal(2, t0.FailedCalls);
        foreach (var id in new[] { 3004u, 2005u })
        {
            var p = report.Protocols.Single(p => p.ProtoId == id);
            Assert.Equal((1L, 0L), (p.Failed, p.WsErrors));
            Assert.Equal(new KeyValuePair<int, long>(-1, 1), Assert.Single(p.FailuresByRetType));
        }
        Assert.All(report.Protocols.Where(p => p.ProtoId is not (3004 or 2005)), p => Assert.Equal(0, p.Failed));
    }

    [Fact]
    public void Body_bytes_and_per_second_counts_add_up_to_the_sdk_log()
    {
        var report = Stats(Fixtures.SdkTcp("plain.pcap"));
        var lines = File.ReadLines(Fixtures.SdkTcp("plain.jsonl")).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!).ToList();
        var origin = lines.Min(o => Micros(o["ts"]!));
        Assert.Equal(origin, report.Totals.FirstTimestampMicros);
        foreach (var p in report.Protocols)
        {
            var mine = lines.Where(o => o["protoId"]!.GetValue<uint>() == p.ProtoId).ToList();
            long Bytes(string dir) => mine.Where(o => o["dir"]!.GetValue<string>() == dir).Sum(o => o["bodyLen"]!.GetValue<long>());
            Assert.Equal((Bytes("c2s"), Bytes("s2c")), (p.ClientToServerBodyBytes, p.ServerToClientBodyBytes));
            var perSecond = mine.Where(o => o["dir"]!.GetValue<string>() == "c2s").GroupBy(o => (Micros(o["ts"]!) - origin) / 1_000_000)
                .Select(g => new SecondCount(g.Key, g.Count())).OrderBy(s => s.Second);
            Assert.Equal(perSecond, p.RequestsPerSecond);
        }
    }

    [Fact]
    public void Peaks_are_the_busiest_half_open_windows_and_start_at_a_request()
    {
        var b = new ConversationBuilder(Client, Server).InitConnect(serialNo: 1);
        var origin = ConversationBuilder.DefaultStartMicros + ConversationBuilder.DefaultGapMicros;   // the InitConnect request
        var sn = 10u;
        // 40 requests 250 ms apart from second 1 (9.75 s in all): any 1 s window [t, t+1s) holds 4 of them.
        for (var i = 0; i < 40; i++) b.Request(3004, sn++, QuoteRequest(), afterMicros: origin + 1_000_000 + i * 250_000L - b.NowMicros);
        // 5 more 100 ms apart, 40 s after the last: the busiest second, but not the busiest 30 s.
        for (var i = 0; i < 5; i++) b.Request(3004, sn++, QuoteRequest(), afterMicros: origin + 51_000_000 + i * 100_000L - b.NowMicros);

        var report = Stats(b.Build());
        var p = report.Protocols.Single(p => p.ProtoId == 3004);

        Assert.Equal(0, report.Totals.Diagnostics);
        Assert.Equal(45, p.Requests);
        Assert.Equal(new RequestPeak(40, origin + 1_000_000), p.Peak30s);
        Assert.Equal(new RequestPeak(5, origin + 51_000_000), p.Peak1s);
        Assert.Equal([.. Enumerable.Range(1, 10).Select(s => new SecondCount(s, 4)), new SecondCount(51, 5)], p.RequestsPerSecond);
        Assert.Null(p.Latency);
    }

    [Fact]
    public void Interleaved_connections_and_protoIDs_of_any_size_are_counted_apart()
    {
        // Three connections, two of them with equal numbers in separate objects (a record's copy), and protoIDs from 0 to
        // past the 16,384 the collector indexes directly, in an order that changes connection and protoID often.
        var connections = new[]
        {
            new TcpConnection(1, Client, Server, 0, true),
            new TcpConnection(2, Endpoint.Parse("192.168.1.21:53002"), Server, 0, true),
            new TcpConnection(3, Endpoint.Parse("192.168.1.22:53003"), Server, 0, true),
        };
        var copyOfFirst = connections[0] with { HandshakeSeen = false };
        uint[] protoIds = [3005, 0, 16383, 3005, 16384, 70_000, 2208, 1, 3005, 4095, 4096, 16384];
        var frames = new List<OpenDFrame>();
        for (var i = 0; i < 300; i++)
        {
            var connection = i % 7 == 6 ? copyOfFirst : connections[(i + i / 4) % 3];
            var toServer = i % 5 == 0;
            frames.Add(new OpenDFrame
            {
                Number = i + 1, TimestampMicros = 1_000 * i, PacketNumber = i + 1, Connection = connection,
                Direction = toServer ? FlowDirection.ClientToServer : FlowDirection.ServerToClient, Transport = Transport.Tcp,
                ProtoId = protoIds[i * 5 % protoIds.Length], SerialNo = (ulong)i, BodyLen = (uint)(10 + i), ProtoFmt = 0, Proto = null,
                Kind = toServer ? FrameKind.Request : FrameKind.Push, Encryption = EncryptionKind.None, Decrypted = true, Sha1Ok = true,
            });
        }
        var collector = new StatisticsCollector();
        foreach (var f in frames) collector.OnFrame(f);
        collector.OnComplete([.. connections.Select(c => new ConnectionSummary { Connection = c, Encryption = EncryptionKind.None, KeysKnown = true })]);
        var report = collector.Report;

        Assert.Equal(
            frames.GroupBy(f => f.Connection.Number).OrderBy(g => g.Key)
                .Select(g => (g.Key, (long)g.Count(f => f.Kind == FrameKind.Request), (long)g.Count(f => f.Kind == FrameKind.Push))),
            report.Connections.Select(c => (c.Number, c.Requests, c.Pushes)));
        Assert.Equal(
            frames.GroupBy(f => f.ProtoId).OrderBy(g => g.Key)
                .Select(g => (g.Key, (long)g.Count(f => f.Kind == FrameKind.Request), (long)g.Count(f => f.Kind == FrameKind.Push),
                    g.Where(f => f.Kind == FrameKind.Request).Sum(f => (long)f.BodyLen), g.Where(f => f.Kind == FrameKind.Push).Sum(f => (long)f.BodyLen))),
            report.Protocols.Select(p => (p.ProtoId, p.Requests, p.Pushes, p.ClientToServerBodyBytes, p.ServerToClientBodyBytes)));
        Assert.Equal(protoIds.Distinct().Count(), report.Protocols.Count);
    }

    [Fact]
    public void Latency_percentiles_are_nearest_rank()
    {
        var b = new ConversationBuilder(Client, Server).InitConnect(serialNo: 1);
        // Latencies 1..100 ms in a scrambled order (37 is coprime with 100), so the order of replies does not decide.
        for (var i = 0; i < 100; i++)
        {
            var ms = i * 37 % 100 + 1;
            b.Request(3004, 10u + (uint)i, QuoteRequest()).Reply(3004, 10u + (uint)i, QuoteReply(), afterMicros: ms * 1000L);
        }

        var report = Stats(b.Build());
        var p = report.Protocols.Single(p => p.ProtoId == 3004);

        Assert.Equal(new LatencyStatistics(100, 1_000, 50_000, 95_000, 99_000, 100_000), p.Latency);
        Assert.Equal((100L, 100L, 0L), (p.Requests, p.Responses, p.Failed));
        Assert.Equal((101L, 101L, 0L, 0L), (report.Totals.Requests, report.Totals.Responses, report.Totals.UnpairedResponses, report.Totals.Diagnostics));
        Assert.Equal(7_000, LatencyStatistics.NearestRank([5_000, 7_000, 9_000], 50));
        Assert.Equal(9_000, LatencyStatistics.NearestRank([5_000, 7_000, 9_000], 99));
    }

    [Fact]
    public void Responses_without_their_request_are_counted_unpaired_and_failed_pushes_are_failed_calls()
    {
        var b = new ConversationBuilder(Client, Server).InitConnect(serialNo: 1)
            .Reply(3004, 99, QuoteReply(-1))
            .Push(3005, 0, new QotUpdateBasicQot.Response { RetType = -100, RetMsg = "push failed" });

        var report = Stats(b.Build());

        // The unpaired reply is also said as a diagnostic on its frame.
        Assert.Equal((1L, 2L, 1L), (report.Totals.UnpairedResponses, report.Totals.FailedCalls, report.Totals.Diagnostics));
        Assert.Equal([(3004u, FrameKind.Response, (int?)-1, (long?)null), (3005u, FrameKind.Push, -100, null)],
            report.FailedCalls.Select(f => (f.ProtoId, f.Kind, f.RetType, f.LatencyMicros)));
        Assert.Equal(-100, Assert.Single(report.Protocols.Single(p => p.ProtoId == 3005).FailuresByRetType).Key);
    }

    [Fact]
    public void Websocket_capture_counts_header_errors_apart_from_ret_types()
    {
        var report = Stats(Fixtures.SdkWs("ws_basic.pcap"));
        var logged = File.ReadLines(Fixtures.SdkWs("ws_basic.jsonl")).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!).ToList();
        var failedInLog = logged.Where(o => o["error"]?.GetValue<int>() is not (null or 0) || o["body"]?["retType"]?.GetValue<int>() is not (null or 0))
            .Select(o => o["cmd"]!.GetValue<uint>()).ToList();

        Assert.Equal((13L, 13L, 10L), (report.Totals.Requests, report.Totals.Responses, report.Totals.Pushes));
        long Logged(string kind) => logged.LongCount(o => o["kind"]!.GetValue<string>() == kind);
        Assert.Equal((Logged("request"), Logged("response"), Logged("push")), (report.Totals.Requests, report.Totals.Responses, report.Totals.Pushes));
        Assert.Equal(failedInLog, report.FailedCalls.Select(f => f.ProtoId));
        // Every server message on WebSocket has a header error field: 0 where the body's retType failed.
        Assert.Equal([(3010u, (int?)null, (int?)2, "proto 3010 timed out"), (3203u, -1, 0, ""), (2005u, -1, 0, "")],
            report.FailedCalls.Select(f => (f.ProtoId, f.RetType, f.WsError, f.WsErrmsg)));

        var ticker = report.Protocols.Single(p => p.ProtoId == 3010);
        Assert.Equal((1L, 1L), (ticker.Failed, ticker.WsErrors));
        Assert.Empty(ticker.FailuresByRetType);
        var c = Assert.Single(report.Connections);
        Assert.Equal((Transport.WebSocket, "JavaScript", 36L, 1), (c.Transport, c.ProgrammingLanguage, c.Frames, c.Diagnostics));
        Assert.Equal(1, report.Totals.Diagnostics);
    }

    private static readonly string[] TotalsKeys = ["frames", "connections", "requests", "responses", "pushes", "unpairedResponses", "failedCalls", "diagnostics", "firstTs", "lastTs", "durationSeconds"];
    private static readonly string[] ConnectionKeys =
        ["conn", "transport", "client", "server", "connId", "clientID", "clientVer", "programmingLanguage", "encryption", "pushFormat", "firstTs", "lastTs", "durationSeconds",
         "frames", "requests", "responses", "pushes", "bytes", "diagnostics"];
    private static readonly string[] ProtocolKeys =
        ["protoId", "proto", "requests", "responses", "pushes", "failed", "failuresByRetType", "wsErrors", "bodyBytes", "latencyMs", "peak1s", "peak30s", "requestsPerSecond"];
    private static readonly string[] FailedCallKeys = ["frame", "ts", "conn", "protoId", "proto", "kind", "serialNo", "retType", "errCode", "retMsg", "wsError", "wsErrmsg", "latencyMs"];

    [Fact]
    public void Json_has_the_documented_keys_and_values()
    {
        var report = Stats(Fixtures.SdkTcp("plain.pcap"));
        var buffer = new MemoryStream();
        StatisticsJsonWriter.Write(report, buffer);
        var json = JsonNode.Parse(buffer.ToArray())!.AsObject();

        Assert.Equal(["totals", "connections", "protocols", "failedCalls"], json.Select(p => p.Key));
        Assert.Equal(TotalsKeys, json["totals"]!.AsObject().Select(p => p.Key));
        Assert.All(json["connections"]!.AsArray(), c => Assert.Equal(ConnectionKeys, c!.AsObject().Select(p => p.Key)));
        Assert.All(json["protocols"]!.AsArray(), p => Assert.Equal(ProtocolKeys, p!.AsObject().Select(p => p.Key)));
        Assert.All(json["failedCalls"]!.AsArray(), f => Assert.Equal(FailedCallKeys, f!.AsObject().Select(p => p.Key)));

        Assert.Equal(148, json["totals"]!["frames"]!.GetValue<int>());
        var firstLogged = JsonNode.Parse(File.ReadLines(Fixtures.SdkTcp("plain.jsonl")).First())!["ts"]!.ToJsonString();
        Assert.Equal(firstLogged, json["totals"]!["firstTs"]!.ToJsonString());
        var quote = json["protocols"]!.AsArray().Single(p => p!["protoId"]!.GetValue<int>() == 3004)!;
        Assert.Equal("""{"-1":1}""", quote["failuresByRetType"]!.ToJsonString());
        Assert.Equal(2, quote["requests"]!.GetValue<int>());
        Assert.Equal(2, quote["requestsPerSecond"]!.AsArray().Sum(s => s![1]!.GetValue<int>()));
        Assert.Equal(["requests", "startTs"], quote["peak30s"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["count", "min", "p50", "p95", "p99", "max"], quote["latencyMs"]!.AsObject().Select(p => p.Key));
        Assert.Null(json["protocols"]!.AsArray().Single(p => p!["protoId"]!.GetValue<int>() == 3005)!["latencyMs"]);
        var failed = json["failedCalls"]![0]!;
        Assert.Equal((3004, -1, 10005), (failed["protoId"]!.GetValue<int>(), failed["retType"]!.GetValue<int>(), failed["errCode"]!.GetValue<int>()));
        Assert.Contains("security not subscribed", failed["retMsg"]!.GetValue<string>());
        Assert.Equal(("protobuf", 0), (json["connections"]![0]!["pushFormat"]!.GetValue<string>(), json["connections"]![0]!["bytes"]!["gaps"]!.GetValue<int>()));
    }

    [Fact]
    public void Text_lists_every_protocol_and_the_failed_calls_with_their_messages()
    {
        var report = Stats(Fixtures.SdkTcp("plain.pcap"));
        var text = new StringWriter();
        StatisticsTextWriter.Write(report, text);
        var lines = text.ToString().Split('\n');

        Assert.Contains(lines, l => l.StartsWith("capture: 148 frames on 2 connection(s)"));
        var header = Array.FindIndex(lines, l => l.TrimStart().StartsWith("protoId"));
        Assert.True(header > 0);
        Assert.All(report.Protocols.Select((p, i) => (p, line: lines[header + 1 + i])), x =>
            Assert.StartsWith($"{x.p.ProtoId}  {x.p.Name}", x.line.TrimStart()));
        var failed = lines.SkipWhile(l => l != "failed calls:").ToList();
        Assert.Contains(failed, l => l.Contains("Qot_GetBasicQot") && l.Contains("retType -1 errCode 10005") && l.Contains("security not subscribed"));
        Assert.Contains(failed, l => l.Contains("Trd_UnlockTrade") && l.Contains("retType -1 errCode 11010") && l.Contains("wrong trade password"));
    }

    private static (int Code, string Stdout, string Stderr) RunStats(params string[] args)
    {
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        var code = StatsCommand.Run(args, stdout, stderr);
        return (code, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }

    [Fact]
    public void Stats_command_prints_the_tables_and_counts_diagnostics_on_stderr()
    {
        var (code, stdout, stderr) = RunStats(Fixtures.SdkTcp("plain.pcap"));
        Assert.Equal(ExitCodes.Ok, code);
        Assert.DoesNotContain("diagnostics", stderr);
        Assert.Contains("protocols (latency in ms", stdout);
        Assert.Contains(stdout.Split('\n'), l => l.TrimStart().StartsWith("3004  Qot_GetBasicQot"));

        var (wsCode, json, wsStderr) = RunStats(Fixtures.SdkWs("ws_basic.pcap"), "--format", "json");
        Assert.Equal(ExitCodes.Ok, wsCode);
        Assert.Equal(36, JsonNode.Parse(json)!["totals"]!["frames"]!.GetValue<int>());
        Assert.Contains("1 diagnostics (0 errors); run opendump read for details", wsStderr);

        Assert.Contains("usage: opendump stats", RunStats("--help").Stdout);
        Assert.Throws<UsageException>(() => RunStats(Fixtures.SdkTcp("plain.pcap"), "--format", "jsonl"));
    }

    private static QotGetBasicQot.Request QuoteRequest() =>
        new() { C2S = new QotGetBasicQot.C2S { SecurityList = { new QotCommon.Security { Market = 1, Code = "00700" } } } };

    private static QotGetBasicQot.Response QuoteReply(int retType = 0) => retType == 0
        ? new() { RetType = 0, RetMsg = "", ErrCode = 0, S2C = new QotGetBasicQot.S2C() }
        : new() { RetType = retType, RetMsg = "security not subscribed", ErrCode = 10005 };
}
