using System.Text.Json;
using System.Text.Json.Nodes;
using OpenDump.Capture;
using OpenDump.Crypto;
using OpenDump.Output;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.EndToEnd;

/// <summary>
/// The captures made with the official Python SDK decode exactly as the SDK's own decoder says
/// (Fixtures/sdk/tcp/*.jsonl): same frames in the same order, header fields, SHA-1 verdicts and bodies.
/// </summary>
public sealed class SdkCaptureTests
{
    [Theory]
    [InlineData("plain", false, 148)]
    [InlineData("ftaes", true, 153)]
    [InlineData("cbc", true, 146)]
    public void Capture_decodes_exactly_as_the_sdk_expects(string name, bool encrypted, int frameCount)
    {
        var expected = File.ReadAllLines(Fixtures.SdkTcp(name + ".jsonl")).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var sink = Decode(name, withKey: encrypted);

        Assert.Equal(frameCount, expected.Count);
        Assert.Equal(expected.Count, sink.Frames.Count);
        Assert.Empty(sink.AllCodes);
        // Every byte of every direction is a frame byte: no gaps, no garbage, nothing pending.
        Assert.All(sink.Connections.SelectMany(c => new[] { c.ClientToServer, c.ServerToClient }), a =>
        {
            Assert.True(a.StreamBytes > 0);
            Assert.Equal(a.StreamBytes, a.FrameBytes);
        });
        Assert.Equal(expected.Sum(e => 44 + e["bodyLen"]!.GetValue<long>()), sink.Connections.Sum(c => c.ClientToServer.FrameBytes + c.ServerToClient.FrameBytes));

        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var f = sink.Frames[i];
            var actual = ToJson(f);
            var where = $"{name} frame {i + 1}";
            Assert.True((long)(e["ts"]!.GetValue<decimal>() * 1_000_000m) == f.TimestampMicros, $"{where}: ts {e["ts"]} vs {f.TimestampMicros}");
            Assert.Equal(e["conn"]!.GetValue<string>(), $"{f.Connection.Client}-{f.Connection.Server}");
            Assert.Equal(e["dir"]!.GetValue<string>(), actual["dir"]!.GetValue<string>());
            Assert.Equal(e["protoId"]!.GetValue<uint>(), f.ProtoId);
            Assert.Equal(e["protoFmt"]!.GetValue<int>(), (int)f.ProtoFmt);
            Assert.Equal(e["protoVer"]!.GetValue<int>(), (int)f.ProtoVer!);
            Assert.Equal(e["serialNo"]!.GetValue<uint>(), f.SerialNo);
            Assert.Equal(e["bodyLen"]!.GetValue<uint>(), f.BodyLen);
            Assert.Equal(e["sha1Ok"]!.GetValue<bool>(), actual["sha1Ok"]!.GetValue<bool>());
            Assert.Equal(e["encrypted"]!.GetValue<bool>(), actual["encryption"]!.GetValue<string>() != "none");
            Assert.Equal(encrypted, actual["decrypted"]!.GetValue<bool>());
            var diffs = JsonSemantics.Differences(e["body"], actual["body"]);
            Assert.True(diffs.Count == 0, $"{where} ({f.ProtoName} {actual["dir"]}): body differs:\n  {string.Join("\n  ", diffs)}");
        }
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("ftaes")]
    [InlineData("cbc")]
    public void Every_response_pairs_with_its_request_and_pushes_pair_with_nothing(string name)
    {
        var sink = Decode(name, withKey: name != "plain");
        var summary = File.ReadAllText(Fixtures.SdkTcp(name + ".summary.txt"));
        var pushes = int.Parse(System.Text.RegularExpressions.Regex.Match(summary, @"of which pushes (\d+)").Groups[1].Value);

        Assert.Equal(pushes, sink.Frames.Count(f => f.Kind == Session.FrameKind.Push));
        var responses = sink.Frames.Where(f => f.Kind == Session.FrameKind.Response).ToList();
        Assert.Equal(sink.Frames.Count(f => f.Kind == Session.FrameKind.Request), responses.Count);
        foreach (var r in responses)
        {
            var request = sink.Frames.Single(f => f.Number == r.RequestFrame);
            Assert.Equal((request.ProtoId, request.SerialNo, request.Connection), (r.ProtoId, r.SerialNo, r.Connection));
            Assert.Equal(r.TimestampMicros - request.TimestampMicros, r.LatencyMicros);
        }

        // The two failed calls of the scenario, with their reasons.
        var failed = sink.Frames.Where(f => f.RetType is not (null or 0)).Select(f => (f.ProtoId, f.RetType, f.ErrCode)).ToList();
        Assert.Equal([(3004u, (int?)-1, (int?)10005), (2005u, -1, 11010)], failed);
    }

    [Fact]
    public void Connection_headers_come_from_the_handshake()
    {
        var sink = Decode("cbc", withKey: true);
        Assert.Equal(2, sink.Connections.Count);
        var quote = sink.Connections[0];
        Assert.Equal("3274675210954266009", quote.ConnId);
        Assert.Equal("LabClient", quote.ClientId);
        Assert.Equal(1002, quote.ClientVer);
        Assert.Equal("Python", quote.ProgrammingLanguage);
        Assert.Equal(EncryptionKind.AesCbc, quote.Encryption);
        Assert.Equal(2, quote.PacketEncAlgo);
        Assert.True(sink.Frames.Where(f => f.Connection.Number == 1).Skip(1).All(f => f.ConnId == "3274675210954266009"));
    }

    [Fact]
    public void Without_the_key_headers_are_listed_and_each_connection_says_why_once()
    {
        var sink = Decode("ftaes", withKey: false);
        Assert.Equal(153, sink.Frames.Count);
        Assert.All(sink.Frames, f => Assert.Null(f.Sha1Ok));
        Assert.All(sink.Frames, f => Assert.Null(f.Message));
        Assert.All(sink.Frames, f => Assert.NotNull(f.RawBody));
        Assert.Equal(2, sink.ConnectionDiagnostics.Count(d => d.Diagnostic.Code == Diagnostics.DiagnosticCodes.NoKey));
        Assert.Equal(2, sink.ConnectionDiagnostics.Count(d => d.Diagnostic.Code == Diagnostics.DiagnosticCodes.KeysUnknown));
        Assert.All(sink.Frames.Where(f => f.ProtoId != 1001), f => Assert.Equal(EncryptionKind.FtAesEcb, f.Encryption));
    }

    internal static CollectingSink Decode(string name, bool withKey)
    {
        var sink = new CollectingSink();
        using var source = new PcapFileSource(Fixtures.SdkTcp(name + ".pcap"));
        CaptureAnalyzer.Run(source, new AnalyzerOptions { RsaKey = withKey ? RsaPrivateKey.Load(Fixtures.SdkKey) : null }, sink);
        return sink;
    }

    internal static JsonObject ToJson(Session.OpenDFrame frame)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) FrameJson.Write(w, frame);
        return JsonNode.Parse(buffer.ToArray())!.AsObject();
    }
}
