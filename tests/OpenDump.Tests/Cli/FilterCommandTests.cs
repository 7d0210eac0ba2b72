using System.Text;
using System.Text.Json.Nodes;
using OpenDump.Cli;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.Cli;

/// <summary>
/// The quick filters, --filter, follow and fields as a user runs them, on the SDK captures; expected
/// counts are worked out from the SDK's own log (the .jsonl beside each capture), not from our output.
/// </summary>
public sealed class FilterCommandTests
{
    private static List<JsonObject> Expected(string name) =>
        File.ReadAllLines(Fixtures.SdkTcp(name + ".jsonl")).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    private static List<JsonObject> Jsonl(params string[] args)
    {
        var (code, stdout, stderr) = ReadCommandTests.Read([.. args, "--format", "jsonl"]);
        Assert.True(code == ExitCodes.Ok, stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
    }

    private static string Plain => Fixtures.SdkTcp("plain.pcap");

    [Fact]
    public void Proto_takes_ids_names_and_wildcards()
    {
        var expected = Expected("plain");
        int Count(Func<uint, bool> id) => expected.Count(e => id(e["protoId"]!.GetValue<uint>()));
        var updates = new HashSet<uint> { 3005, 3007, 3009, 3011, 3013, 3015, 3019 }; // every Qot_Update* in the protocol table

        Assert.Equal(Count(id => id == 3004), Jsonl(Plain, "--proto", "3004").Count);
        Assert.Equal(Count(id => id is 3004 or 2202), Jsonl(Plain, "--proto", "Qot_GetBasicQot,2202").Count);
        var wildcard = Jsonl(Plain, "--proto", "qot_update*");
        Assert.Equal(Count(updates.Contains), wildcard.Count);
        Assert.True(wildcard.Count > 20);
        Assert.All(wildcard, f => Assert.StartsWith("Qot_Update", f["proto"]!.GetValue<string>()));

        var e = Assert.Throws<UsageException>(() => ReadCommandTests.Read(Plain, "--proto", "Qot_GetBasicQuote"));
        Assert.Contains("no protocol is named 'Qot_GetBasicQuote'", e.Message);
    }

    [Fact]
    public void Conn_dir_kind_and_time_bounds_select_what_they_say()
    {
        var expected = Expected("plain");
        var conns = expected.Select(e => e["conn"]!.GetValue<string>()).Distinct().ToList();
        var origin = expected[0]["ts"]!.GetValue<decimal>();

        Assert.Equal(expected.Count(e => e["conn"]!.GetValue<string>() == conns[1]), Jsonl(Plain, "--conn", "2").Count);
        Assert.Equal(expected.Count(e => e["dir"]!.GetValue<string>() == "c2s"), Jsonl(Plain, "--dir", "c2s").Count);
        var pushes = Jsonl(Plain, "--kind", "push");
        Assert.Equal(76, pushes.Count); // plain.summary.txt: "of which pushes 76"
        Assert.Equal(expected.Count(e => e["ts"]!.GetValue<decimal>() >= origin + 2m && e["ts"]!.GetValue<decimal>() <= origin + 5m),
            Jsonl(Plain, "--since", "+2", "--until", "+5s").Count);
        var absolute = (origin + 3m).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected.Count(e => e["ts"]!.GetValue<decimal>() >= origin + 3m), Jsonl(Plain, "--since", absolute).Count);
        var iso = DateTimeOffset.FromUnixTimeMilliseconds((long)((origin + 3m) * 1000m)).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected.Count(e => e["ts"]!.GetValue<decimal>() >= decimal.Truncate((origin + 3m) * 1000m) / 1000m), Jsonl(Plain, "--since", iso).Count);
        Assert.Contains("is not a time", Assert.Throws<UsageException>(() => ReadCommandTests.Read(Plain, "--since", "yesterday")).Message);
    }

    [Fact]
    public void A_filtered_reply_keeps_its_latency_and_errors_finds_the_failed_calls()
    {
        var replies = Jsonl(Plain, "--proto", "Qot_GetBasicQot", "--kind", "response");
        Assert.All(replies, r => Assert.NotNull(r["latencyMs"]));

        var errors = Jsonl(Plain, "--errors");
        Assert.Equal([(3004, 10005), (2005, 11010)], errors.Select(f => (f["protoId"]!.GetValue<int>(), f["body"]!["errCode"]!.GetValue<int>())));
        Assert.All(errors, f => Assert.NotNull(f["latencyMs"]));
    }

    [Fact]
    public void Filter_expressions_reach_into_bodies_and_combine_with_the_quick_filters()
    {
        var expected = Expected("plain");
        var withTencent = expected.Count(e => e["body"]?["s2c"]?["basicQotList"] is JsonArray list && list.Any(q => q!["security"]!["code"]!.GetValue<string>() == "00700"));
        Assert.True(withTencent > 5);
        Assert.Equal(withTencent, Jsonl(Plain, "--filter", "body.s2c.basicQotList[*].security.code == \"00700\"").Count);
        var pushesOnly = Jsonl(Plain, "--kind", "push", "--filter", "body.s2c.basicQotList[*].security.code == \"00700\" and not (retType != 0)");
        Assert.Equal(expected.Count(e => e["protoId"]!.GetValue<int>() == 3005 && e["body"]!["s2c"]!["basicQotList"]!.AsArray().Any(q => q!["security"]!["code"]!.GetValue<string>() == "00700")), pushesOnly.Count);

        const string bad = "proto == Qot_Sub or (retType < )";
        var e = Assert.Throws<UsageException>(() => ReadCommandTests.Read(Plain, "--filter", bad));
        Assert.Contains(bad + "\n" + new string(' ', bad.IndexOf(')')) + "^ ", e.Message);
    }

    [Fact]
    public void Stats_and_timeline_apply_the_same_filters()
    {
        var stdout = new MemoryStream();
        Assert.Equal(ExitCodes.Ok, StatsCommand.Run([Plain, "--proto", "Qot_Update*", "--format", "json"], stdout, new StringWriter()));
        var stats = JsonNode.Parse(Encoding.UTF8.GetString(stdout.ToArray()))!;
        Assert.Equal(Expected("plain").Count(e => e["protoId"]!.GetValue<int>() is 3005 or 3011 or 3013 or 3007), stats["totals"]!["pushes"]!.GetValue<int>());
        Assert.Equal(0, stats["totals"]!["requests"]!.GetValue<int>());

        var (_, timeline, _) = ReadCommandTests.Read(Plain, "--errors");
        var lines = timeline.Split('\n').Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"#\d+\s+[→←⇐]\s+\d+ ")).ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Contains("FAILED", l));
        // Times stay those of the whole capture: a filter hides frames, it does not move the clock.
        var (_, all, _) = ReadCommandTests.Read(Plain);
        Assert.Equal(all.Split('\n').Where(l => l.Contains("FAILED")), lines);
    }

    [Fact]
    public void Follow_prints_one_connection_in_order_with_each_reply_after_its_request()
    {
        var stdout = new MemoryStream();
        Assert.Equal(ExitCodes.Ok, FollowCommand.Run([Fixtures.SdkTcp("ftaes.pcap"), "--rsa-key", Fixtures.SdkKey, "--conn", "2"], stdout, new StringWriter()));
        var lines = Encoding.UTF8.GetString(stdout.ToArray()).Split('\n');
        var expected = Expected("ftaes");
        var trade = expected.Select(e => e["conn"]!.GetValue<string>()).Distinct().ElementAt(1);
        var frames = expected.Where(e => e["conn"]!.GetValue<string>() == trade).ToList();

        Assert.StartsWith("connection #2 ", lines[0]);
        var shown = lines.Where(l => l.Contains("→ request") || l.Contains("← reply") || l.Contains("⇐ push")).ToList();
        // Capture order, and the same frames the SDK logged for that connection.
        Assert.Equal(frames.Select(f => (f["protoId"]!.GetValue<int>(), f["dir"]!.GetValue<string>())),
            shown.Select(l => (int.Parse(System.Text.RegularExpressions.Regex.Match(l, @"\((\d+)\)").Groups[1].Value), l.Contains("→ request") ? "c2s" : "s2c")));
        var times = shown.Select(l => decimal.Parse(l.Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.Order(), times);
        // Every reply names a request frame shown earlier, with its latency.
        var requestFrames = new List<string>();
        foreach (var l in shown)
        {
            if (l.Contains("→ request")) requestFrames.Add(System.Text.RegularExpressions.Regex.Match(l, @"\[frame (\d+)\]").Groups[1].Value);
            else if (l.Contains("← reply"))
            {
                var m = System.Text.RegularExpressions.Regex.Match(l, @"to frame (\d+) after [\d.]+ ms");
                Assert.True(m.Success, l);
                Assert.Contains(m.Groups[1].Value, requestFrames);
            }
        }
        // Bodies are expanded: the failed unlock's retMsg is in the text under its reply.
        Assert.Contains(lines, l => l.Contains("\"errCode\": 11010"));
        Assert.Contains("follow needs --conn", Assert.Throws<UsageException>(() => FollowCommand.Run([Plain], new MemoryStream(), new StringWriter())).Message);
    }

    [Fact]
    public void Fields_lists_the_frame_fields_and_a_protocols_body_paths()
    {
        var all = new StringWriter();
        Assert.Equal(ExitCodes.Ok, FieldsCommand.Run([], all));
        Assert.Contains(all.ToString().Split('\n'), l => l.TrimStart().StartsWith("retType "));
        Assert.Contains(all.ToString().Split('\n'), l => l.Trim() == "3005  Qot_UpdateBasicQot");

        var one = new StringWriter();
        Assert.Equal(ExitCodes.Ok, FieldsCommand.Run(["3004"], one));
        Assert.Contains(one.ToString().Split('\n'), l => l.TrimStart().StartsWith("body.s2c.basicQotList[*].security.code ") && l.Contains("string"));
        Assert.Contains(one.ToString().Split('\n'), l => l.TrimStart().StartsWith("body.c2s.securityList[*].market "));
        Assert.Throws<UsageException>(() => FieldsCommand.Run(["NoSuchProto"], new StringWriter()));
    }
}
