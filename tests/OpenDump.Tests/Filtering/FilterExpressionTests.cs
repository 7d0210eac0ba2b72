using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using OpenDump.Decoding;
using OpenDump.Diagnostics;
using OpenDump.Filtering;
using OpenDump.Reassembly;
using OpenDump.Session;
using OpenDump.Tests.EndToEnd;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.Filtering;

/// <summary>
/// Filters run over the Python SDK's plain capture select exactly the frames that the SDK's own
/// record of that capture (plain.jsonl) says they should: every expected set is worked out from that
/// JSON here, independently of the analyzer and of the filter code.
/// </summary>
public sealed class FilterExpressionTests
{
    private static readonly Lazy<List<OpenDFrame>> PlainFrames = new(() => SdkCaptureTests.Decode("plain", withKey: false).Frames);
    private static readonly Lazy<List<JsonObject>> PlainExpected = new(() => File.ReadAllLines(Fixtures.SdkTcp("plain.jsonl"))
        .Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList());

    private static List<OpenDFrame> Frames => PlainFrames.Value;
    private static List<JsonObject> Expected => PlainExpected.Value;

    [Fact]
    public void The_capture_and_its_record_line_up()
    {
        Assert.Equal(148, Expected.Count);
        Assert.Equal(Expected.Select(e => (e["protoId"]!.GetValue<uint>(), e["serialNo"]!.GetValue<ulong>())), Frames.Select(f => (f.ProtoId, f.SerialNo)));
    }

    [Fact]
    public void A_security_code_anywhere_in_a_list_of_quotes()
    {
        static bool Has00700(JsonObject e) => At(e["body"], "s2c", "basicQotList", "*", "security", "code").Any(c => c.GetValue<string>() == "00700");
        AssertSelects("""body.s2c.basicQotList[*].security.code == "00700" """, Has00700, 11);
        // Unquoted, a number is compared with a string field as written, leading zeros and all.
        AssertSelects("body.s2c.basicQotList[*].security.code == 00700", Has00700, 11);
        Assert.Equal([3004u, 3005u], Select("body.s2c.basicQotList[*].security.code == 00700").Select(i => Frames[i].ProtoId).Distinct().Order());
    }

    [Fact]
    public void Failed_replies_by_retType_and_by_errCode()
    {
        static bool Failed(JsonObject e) => At(e["body"], "retType").Any(r => r.GetValue<int>() == -1);
        AssertSelects("retType == -1", Failed, 2);
        AssertSelects("retType < 0", Failed, 2);
        AssertSelects("body.retType == -1", Failed, 2);
        AssertSelects("body.errCode == 10005 or body.errCode == 11010", Failed, 2);
        AssertSelects("body.errCode", Failed, 2);
        Assert.Equal([10005, 11010], Select("retType == -1").Select(i => Frames[i].ErrCode!.Value));
    }

    [Fact]
    public void Protocol_and_direction()
    {
        static bool Ticker(JsonObject e) => e["protoId"]!.GetValue<int>() == 3011 && e["dir"]!.GetValue<string>() == "s2c";
        AssertSelects("""proto == "Qot_UpdateTicker" and dir == s2c""", Ticker, 13);
        AssertSelects("proto == 'Qot_UpdateTicker' && dir == \"s2c\"", Ticker, 13);
        AssertSelects("protoId == 3011 AND dir == s2c", Ticker, 13);
        AssertSelects("proto == qot_updateticker", _ => false, 0);
    }

    [Fact]
    public void Latency_in_milliseconds_to_the_microsecond()
    {
        var latency = ExpectedLatencies();
        AssertSelects("latencyMs > 50", e => latency[e] > 50, 0);
        AssertSelects("latencyMs > 3", e => latency[e] > 3, 4);
        AssertSelects("latencyMs >= 3.099", e => latency[e] >= 3.099m, 4);
        AssertSelects("latencyMs > 3.099", e => latency[e] > 3.099m, 3);
        AssertSelects("latencyMs", e => latency[e] is not null, 36);
        AssertSelects("latencyMs == null", e => latency[e] is null, 112);
    }

    [Fact]
    public void Kind_and_not()
    {
        var latency = ExpectedLatencies();
        bool Push(JsonObject e) => e["dir"]!.GetValue<string>() == "s2c" && latency[e] is null;
        AssertSelects("kind == push", Push, 76);
        AssertSelects("not (kind == push)", e => !Push(e), 72);
        AssertSelects("!(kind == push)", e => !Push(e), 72);
        AssertSelects("NOT kind == push", e => !Push(e), 72);
        AssertSelects("kind != push", e => !Push(e), 72);
        AssertSelects("kind == response", e => latency[e] is not null, 36);
    }

    [Fact]
    public void And_binds_tighter_than_or_and_not_tighter_than_and()
    {
        static bool C2s(JsonObject e) => e["dir"]!.GetValue<string>() == "c2s";
        static bool GetKL(JsonObject e) => e["protoId"]!.GetValue<int>() == 3006;
        AssertSelects("dir == s2c or proto == Qot_GetKL and dir == c2s", e => !C2s(e) || GetKL(e) && C2s(e), 113);
        AssertSelects("(dir == s2c or proto == Qot_GetKL) and dir == c2s", e => GetKL(e) && C2s(e), 1);
        AssertSelects("not dir == c2s and proto == Qot_GetKL", e => !C2s(e) && GetKL(e), 1);
        AssertSelects("not (dir == c2s and proto == Qot_GetKL)", e => !(C2s(e) && GetKL(e)), 147);
        AssertSelects("dir == c2s || proto == Qot_GetKL && not not dir == s2c", e => C2s(e) || GetKL(e) && !C2s(e), 37);
    }

    [Fact]
    public void Contains_is_a_case_sensitive_substring_of_any_value()
    {
        AssertSelects("""retMsg contains "wrong trade password" """,
            e => At(e["body"], "retMsg").Any(m => m.GetValue<string>().Contains("wrong trade password", StringComparison.Ordinal)), 1);
        AssertSelects("retMsg contains 解锁", e => At(e["body"], "retMsg").Any(m => m.GetValue<string>().Contains("解锁", StringComparison.Ordinal)), 1);
        AssertSelects("""retMsg contains "WRONG" """, _ => false, 0);
        static IEnumerable<string> Codes(JsonObject e) => At(e["body"], "s2c", "basicQotList", "*", "security", "code").Select(c => c.GetValue<string>());
        AssertSelects("body.s2c.basicQotList[*].security.code contains AP", e => Codes(e).Any(c => c.Contains("AP", StringComparison.Ordinal)), 6);
        // A number is looked for as written.
        AssertSelects("body.s2c.basicQotList[*].security.code contains 070", e => Codes(e).Any(c => c.Contains("070", StringComparison.Ordinal)), 11);
    }

    [Fact]
    public void Enums_compare_by_name_or_by_number()
    {
        static bool Ready(JsonObject e) => At(e["body"], "s2c", "programStatus", "type").Any(t => t.GetValue<string>() == "ProgramStatusType_Ready");
        AssertSelects("body.s2c.programStatus.type == ProgramStatusType_Ready", Ready, 1);
        AssertSelects("""body.s2c.programStatus.type == "ProgramStatusType_Ready" """, Ready, 1);
        AssertSelects("body.s2c.programStatus.type == 10", Ready, 1);
        AssertSelects("body.s2c.programStatus.type >= 10 and body.s2c.programStatus.type < 11", Ready, 1);
        AssertSelects("body.s2c.programStatus.type contains Ready", Ready, 1);
        AssertSelects("body.s2c.programStatus.type != 10", _ => false, 0);
        AssertSelects("body.s2c.programStatus.type == ProgramStatusType_Loaded", _ => false, 0);
        AssertSelects("body.s2c.programStatus.programStatus.type == ProgramStatusType_Ready",
            e => At(e["body"], "s2c", "programStatus", "programStatus", "type").Any(t => t.GetValue<string>() == "ProgramStatusType_Ready"), 2);
    }

    [Fact]
    public void Sixty_four_bit_ids_compare_exactly_as_numbers_and_as_strings()
    {
        static Func<JsonObject, bool> AccId(string id, params string[] path) => e => At(e["body"], path).Any(a => a.GetValue<string>() == id);
        var header = AccId("281756479345015383", "c2s", "header", "accID");
        AssertSelects("body.c2s.header.accID == 281756479345015383", header, 5);
        AssertSelects("""body.c2s.header.accID == "281756479345015383" """, header, 5);
        AssertSelects("body.c2s.header.accID == 281756479345015382", _ => false, 0);

        // Above long.MaxValue, and one apart: as doubles both would be 2^64.
        var top = AccId("18446744073709551557", "s2c", "accList", "*", "accID");
        AssertSelects("body.s2c.accList[*].accID == 18446744073709551557", top, 7);
        AssertSelects("""body.s2c.accList[*].accID == "18446744073709551557" """, top, 7);
        AssertSelects("body.s2c.accList[*].accID > 18446744073709551556", top, 7);
        AssertSelects("body.s2c.accList[*].accID == 18446744073709551556", _ => false, 0);
        AssertSelects("body.s2c.accList[*].accID == 1.8446744073709551557", _ => false, 0);
    }

    [Fact]
    public void A_missing_value_fails_every_comparison_but_equal_null()
    {
        static bool Request(JsonObject e) => e["dir"]!.GetValue<string>() == "c2s";
        AssertSelects("retType == null", Request, 36);
        AssertSelects("retType != null", e => !Request(e), 112);
        AssertSelects("body.retType == null", e => !At(e["body"], "retType").Any(), 36);
        AssertSelects("retType != 0", e => At(e["body"], "retType").Any(r => r.GetValue<int>() != 0), 2);
        AssertSelects("body.noSuchField == null", _ => true, 148);
        AssertSelects("body.noSuchField != null or body.noSuchField != 1 or body.noSuchField < 1 or body.noSuchField", _ => false, 0);
        AssertSelects("body.s2c.basicQotList != null", e => At(e["body"], "s2c", "basicQotList", "*").Any(), 16);
        AssertSelects("body.s2c.basicQotList", e => At(e["body"], "s2c", "basicQotList", "*").Any(), 16);
        // A list must be indexed to go on: without [*] the path yields nothing.
        AssertSelects("body.s2c.basicQotList.security.code == null", _ => true, 148);
    }

    [Fact]
    public void Not_equal_is_existential_over_a_list()
    {
        static string[] Codes(JsonObject e) => At(e["body"], "s2c", "basicQotList", "*", "security", "code").Select(c => c.GetValue<string>()).ToArray();
        // The Qot_GetBasicQot reply lists 00700 and AAPL: it has a code that differs, and one that does not.
        AssertSelects("body.s2c.basicQotList[*].security.code != 00700", e => Codes(e).Any(c => c != "00700"), 6);
        AssertSelects("body.s2c.basicQotList[*] and not (body.s2c.basicQotList[*].security.code == 00700)",
            e => Codes(e).Length > 0 && !Codes(e).Contains("00700"), 5);
    }

    [Fact]
    public void An_index_picks_one_element()
    {
        static IEnumerable<decimal> FirstClose(JsonObject e) => At(e["body"], "s2c", "klList").Take(1).SelectMany(l => At(l, "0", "closePrice")).Select(Number);
        AssertSelects("body.s2c.klList[0].closePrice > 380", e => FirstClose(e).Any(p => p > 380), 5);
        AssertSelects("body.s2c.klList[0].closePrice == 385.3", e => FirstClose(e).Any(p => p == 385.3m), 1);
        AssertSelects("body.s2c.klList[59].closePrice", e => At(e["body"], "s2c", "klList").Any(l => l.AsArray().Count >= 60), 3);
        AssertSelects("body.s2c.klList[1000]", _ => false, 0);
        AssertSelects("body.s2c.klList[999]", e => At(e["body"], "s2c", "klList").Any(l => l.AsArray().Count == 1000), 1);
    }

    [Fact]
    public void Timestamps_are_seconds_with_microseconds()
    {
        var tenth = Expected[9]["ts"]!.ToJsonString();
        AssertSelects($"ts >= {tenth}", e => Number(e["ts"]!) >= decimal.Parse(tenth, CultureInfo.InvariantCulture), 139);
        AssertSelects($"ts == {tenth}", e => e["ts"]!.ToJsonString() == tenth, 1);
        AssertSelects($"frame == 10 and ts == {tenth}", e => e["ts"]!.ToJsonString() == tenth, 1);
    }

    [Fact]
    public void Booleans_and_bare_names()
    {
        AssertSelects("sha1Ok", e => e["sha1Ok"]!.GetValue<bool>(), 148);
        AssertSelects("sha1Ok == true and decrypted == false and not decrypted and encryption == none", _ => true, 148);
        AssertSelects("diagnostics or diagnostics == null or raw or wsFrames", _ => false, 0);
        AssertSelects("body and body != null and proto and transport == tcp and protoVer == 0", _ => true, 148);
    }

    [Fact]
    public void Every_key_and_body_value_of_the_json_output_matches_itself()
    {
        var checkedValues = 0;
        foreach (var frame in Frames)
        {
            var json = SdkCaptureTests.ToJson(frame);
            foreach (var (key, value) in json)
            {
                if (key is "body" or "diagnostics") continue;
                AssertMatches(frame, $"{key} == {Literal(value)}", true);
                if (value is not null) AssertMatches(frame, $"{key} != {Literal(value)}", false);
                checkedValues++;
            }
            foreach (var (path, value) in Leaves(json["body"], "body"))
            {
                if (Literal(value) is not { } literal) continue;
                AssertMatches(frame, $"{path} == {literal}", true);
                AssertMatches(frame, $"{path} != {literal}", false);
                checkedValues++;
            }
        }
        Assert.True(checkedValues > 10_000, $"only {checkedValues} values checked");
    }

    [Fact]
    public void Diagnostics_and_websocket_fields()
    {
        var frame = Frames[0] with
        {
            Transport = Transport.WebSocket,
            WebSocket = new WsMessageInfo(-1, "bad request", 3, true, 120),
            Diagnostics = [Diagnostic.Info("opendump.first", "one"), Diagnostic.Warning(DiagnosticCodes.Sha1Mismatch, "body hash differs")],
        };
        Assert.True(Matches(frame, "diagnostics"));
        Assert.True(Matches(frame, "diagnostics[*].code == 'opendump.sha1_mismatch'"));
        Assert.True(Matches(frame, "diagnostics[1].severity == warning and diagnostics[0].severity == info"));
        Assert.False(Matches(frame, "diagnostics[0].code == 'opendump.sha1_mismatch'"));
        Assert.False(Matches(frame, "diagnostics[2]"));
        Assert.True(Matches(frame, "diagnostics[*].message contains hash"));
        Assert.True(Matches(frame, "transport == ws and wsError == -1 and wsErrmsg == 'bad request' and wsFrames >= 3 and wsCompressed"));
        Assert.False(Matches(Frames[0], "diagnostics[*] or diagnostics[0].code != null"));
        Assert.True(Matches(Frames[0], "diagnostics[0].code == null and diagnostics != null"));
    }

    [Fact]
    public void Floats_compare_as_the_output_spells_them()
    {
        var response = ProtoRegistry.Default.Find("GetDelayStatistics")!.Response!;
        var message = JsonParser.Default.Parse("""{"retType":0,"s2c":{"qotPushStatisticsList":[{"qotPushType":1,"delayAvg":0.1,"count":2}]}}""", response);
        var frame = Frames[1] with { Message = message };
        Assert.Contains("\"delayAvg\":0.1", SdkCaptureTests.ToJson(frame)["body"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.True(Matches(frame, "body.s2c.qotPushStatisticsList[0].delayAvg == 0.1"));
        Assert.True(Matches(frame, "body.s2c.qotPushStatisticsList[0].delayAvg < 0.10000001 and body.s2c.qotPushStatisticsList[0].delayAvg > 0.0999999"));
        // Compared as a float: this is the same float, spelled out; 0.1000001 is the next but one.
        Assert.True(Matches(frame, "body.s2c.qotPushStatisticsList[0].delayAvg == 0.10000000149011612"));
        Assert.False(Matches(frame, "body.s2c.qotPushStatisticsList[0].delayAvg == 0.1000001 or body.s2c.qotPushStatisticsList[0].delayAvg == '0.2'"));
    }

    private static bool Matches(OpenDFrame frame, string expression) => FilterExpression.Parse(expression).Matches(frame);

    private static void AssertMatches(OpenDFrame frame, string expression, bool expected) =>
        Assert.True(Matches(frame, expression) == expected, $"frame {frame.Number}: `{expression}` should be {expected}");

    private static List<int> Select(string expression)
    {
        var filter = FilterExpression.Parse(expression);
        return Enumerable.Range(0, Frames.Count).Where(i => filter.Matches(Frames[i])).ToList();
    }

    private static void AssertSelects(string expression, Func<JsonObject, bool> expected, int count)
    {
        var want = Enumerable.Range(0, Expected.Count).Where(i => expected(Expected[i])).ToList();
        Assert.True(count == want.Count, $"the record has {want.Count} frames for `{expression}`, the test says {count}");
        Assert.Equal(want, Select(expression));
    }

    /// <summary>Each frame's reply latency from the record: a response answers the last request with its connection, protoId and serialNo.</summary>
    private static Dictionary<JsonObject, decimal?> ExpectedLatencies()
    {
        var requests = new Dictionary<(string, int, long), decimal>();
        var latency = new Dictionary<JsonObject, decimal?>(ReferenceEqualityComparer.Instance);
        foreach (var e in Expected)
        {
            var key = (e["conn"]!.GetValue<string>(), e["protoId"]!.GetValue<int>(), e["serialNo"]!.GetValue<long>());
            var ts = Number(e["ts"]!);
            if (e["dir"]!.GetValue<string>() == "c2s") requests[key] = ts;
            latency[e] = e["dir"]!.GetValue<string>() == "s2c" && requests.Remove(key, out var sent) ? (ts - sent) * 1000 : null;
        }
        return latency;
    }

    /// <summary>The nodes at a path; "*" steps into every element of an array, a digit string into one.</summary>
    private static IEnumerable<JsonNode> At(JsonNode? node, params string[] path)
    {
        if (node is null) yield break;
        if (path.Length == 0)
        {
            yield return node;
            yield break;
        }
        IEnumerable<JsonNode?> next = path[0] switch
        {
            "*" when node is JsonArray all => all,
            var n when node is JsonArray one && int.TryParse(n, out var i) => i < one.Count ? new[] { one[i] } : [],
            var name when node is JsonObject o && o.TryGetPropertyValue(name, out var child) => new[] { child },
            _ => Array.Empty<JsonNode?>(),
        };
        foreach (var item in next)
            foreach (var found in At(item, path[1..]))
                yield return found;
    }

    private static decimal Number(JsonNode n) => decimal.Parse(n.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static IEnumerable<(string Path, JsonNode? Value)> Leaves(JsonNode? node, string path) => node switch
    {
        JsonObject o => o.SelectMany(p => Leaves(p.Value, $"{path}.{p.Key}")),
        JsonArray a => a.SelectMany((item, i) => Leaves(item, $"{path}[{i}]")),
        _ => [(path, node)],
    };

    /// <summary>A JSON value spelled as a filter literal, or null for a spelling the grammar has no literal for (exponents).</summary>
    private static string? Literal(JsonNode? value) => value?.GetValueKind() switch
    {
        null => "null",
        JsonValueKind.String => "\"" + value.GetValue<string>().Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
        JsonValueKind.Number when value.ToJsonString().Contains('E', StringComparison.OrdinalIgnoreCase) => null,
        _ => value.ToJsonString(),
    };
}
