using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using OpenDump.Capture;
using OpenDump.Reassembly;
using OpenDump.Session;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.EndToEnd;

/// <summary>
/// The capture made with the official JavaScript SDK over OpenD's WebSocket API decodes exactly as the
/// SDK's own decoder says (Fixtures/sdk/ws/ws_basic.jsonl): the same messages in the same order, the
/// SDK header of each, pairing by section, and the bodies.
/// </summary>
public sealed class SdkWebSocketCaptureTests
{
    [Fact]
    public void Ws_basic_decodes_exactly_as_the_sdk_expects()
    {
        var expected = File.ReadAllLines(Fixtures.SdkWs("ws_basic.jsonl")).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var sink = Decode();

        Assert.Equal(36, expected.Count);
        Assert.Equal(expected.Count, sink.Frames.Count);
        Assert.Equal([Diagnostics.DiagnosticCodes.WsError], sink.AllCodes);
        Assert.Equal(Transport.WebSocket, Assert.Single(sink.Connections).Transport);

        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var f = sink.Frames[i];
            var actual = SdkCaptureTests.ToJson(f);
            var where = $"message {i + 1} ({f.ProtoName} {actual["dir"]})";
            Assert.True((long)(decimal.Parse(e["ts"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) * 1_000_000m) == f.TimestampMicros, $"{where}: ts {e["ts"]} vs {f.TimestampMicros}");
            Assert.Equal(e["conn"]!.GetValue<int>() + 1, f.Connection.Number);
            Assert.Equal(e["dir"]!.GetValue<string>(), actual["dir"]!.GetValue<string>());
            Assert.Equal("ws", actual["transport"]!.GetValue<string>());
            Assert.Equal(e["cmd"]!.GetValue<uint>(), actual["protoId"]!.GetValue<uint>());
            Assert.Equal(ulong.Parse(e["section"]!.GetValue<string>()), actual["serialNo"]!.GetValue<ulong>());
            Assert.Equal(e["error"]?.GetValue<int>(), actual["wsError"]?.GetValue<int>());
            Assert.Equal(e["errmsg"]?.GetValue<string>(), actual["wsErrmsg"]?.GetValue<string>());
            Assert.Equal(e["bodyLen"]!.GetValue<uint>(), actual["bodyLen"]!.GetValue<uint>());
            Assert.Equal(e["proto"]!.GetValue<string>(), $"{f.ProtoName}.{(f.Direction == FlowDirection.ClientToServer ? "Request" : "Response")}");
            Assert.Equal(e["kind"]!.GetValue<string>(), actual["kind"]!.GetValue<string>());
            Assert.Equal(e["wsFrames"]!.GetValue<int>(), actual["wsFrames"]!.GetValue<int>());
            Assert.False(actual["wsCompressed"]!.GetValue<bool>());
            Assert.Null(actual["sha1Ok"]);
            Assert.Equal("none", actual["encryption"]!.GetValue<string>());
            Assert.Equal(e["headerHex"]!.GetValue<string>(), HeaderHex(f));
            var body = f.Message?.ToByteArray() ?? f.RawBody!;
            Assert.Equal(e["bodySha256"]!.GetValue<string>(), Convert.ToHexStringLower(SHA256.HashData(body)));
            // protobufjs prints enums as numbers where protobuf's JSON printer uses names; the values must agree.
            var ours = f.Message is null ? null : JsonNode.Parse(EnumsAsNumbers.Format(f.Message));
            var diffs = JsonSemantics.Differences(e["body"], ours);
            Assert.True(diffs.Count == 0, $"{where}: body differs:\n  {string.Join("\n  ", diffs)}");
        }
    }

    [Fact]
    public void Replies_pair_by_section_and_the_login_and_failures_are_known()
    {
        var sink = Decode();
        var responses = sink.Frames.Where(f => f.Kind == FrameKind.Response).ToList();
        Assert.Equal(13, responses.Count);
        Assert.Equal(10, sink.Frames.Count(f => f.Kind == FrameKind.Push));
        foreach (var r in responses)
        {
            var request = sink.Frames.Single(f => f.Number == r.RequestFrame);
            Assert.Equal((request.ProtoId, request.SerialNo), (r.ProtoId, r.SerialNo));
            Assert.Equal(r.TimestampMicros - request.TimestampMicros, r.LatencyMicros);
        }
        // The K-line request (section 5) is answered after the basic quote (section 6) and pushes: pairing is by section, not order.
        var kline = responses.Single(r => r.ProtoId == 3006);
        Assert.Equal(5ul, kline.SerialNo);
        Assert.True(kline.Number > responses.Single(r => r.ProtoId == 3004).Number);

        var header = Assert.Single(sink.Frames, f => f.WebSocket!.Failed);
        Assert.Equal((3010u, 2, "proto 3010 timed out", 0u), (header.ProtoId, header.WebSocket!.Error!.Value, header.WebSocket.Errmsg, header.BodyLen));
        Assert.Equal([(3203u, -1), (2005u, -1)], sink.Frames.Where(f => f.RetType is not (null or 0)).Select(f => (f.ProtoId, f.RetType!.Value)));

        var c = Assert.Single(sink.Connections);
        Assert.Equal("7205759403792793601", c.ConnId);
        Assert.Equal("JavaScript", c.ProgrammingLanguage);
        Assert.Equal("b169335c403e60ff41d179928175e46c", c.WebSocket!.LoginKeyMd5);
        Assert.True(c.WebSocket.LoginSucceeded);
        Assert.Equal("/", c.WebSocket.Path);
        Assert.Equal("permessage-deflate; client_max_window_bits", c.WebSocket.ExtensionsOffered);
        Assert.Null(c.WebSocket.ExtensionsAccepted);
        Assert.Equal(101, c.WebSocket.UpgradeStatus);
        Assert.Equal((2, 2), (c.WebSocket.Pings, c.WebSocket.Pongs));
        Assert.Null(c.WebSocket.CloseCode);
        // Every byte is accounted for: the HTTP heads and every WebSocket frame were read.
        Assert.All(new[] { c.ClientToServer, c.ServerToClient }, a => Assert.Equal(a.StreamBytes, a.FrameBytes));
        Assert.True(sink.Frames.Skip(2).All(f => f.ConnId == "7205759403792793601"));
    }

    [Fact]
    public void Timeline_shows_the_login_by_its_key_md5_and_the_header_error()
    {
        using var source = new PcapFileSource(Fixtures.SdkWs("ws_basic.pcap"));
        var text = new StringWriter();
        CaptureAnalyzer.Run(source, new AnalyzerOptions(), new Output.TimelineWriter(text));
        var lines = text.ToString().Split('\n');
        Assert.Contains(lines, l => l.Contains("InitWebSocket") && l.Contains("login key md5=b169335c403e60ff41d179928175e46c JavaScript"));
        Assert.Contains(lines, l => l.Contains("InitWebSocket") && l.Contains("login ok connID=7205759403792793601"));
        Assert.Contains(lines, l => l.Contains("Qot_GetTicker") && l.Contains("FAILED wsError=2 (OpenD timeout) errmsg=\"proto 3010 timed out\""));
        Assert.Contains(lines, l => l.Contains("Qot_GetOrderBook") && l.Contains("3 frames"));
        Assert.Equal(2, lines.Count(l => l.Contains("ping (")));
        Assert.Contains(lines, l => l.Contains("upgrade request GET / offering permessage-deflate; client_max_window_bits"));
    }

    private static readonly JsonFormatter EnumsAsNumbers = new(JsonFormatter.Settings.Default.WithFormatEnumsAsIntegers(true));

    /// <summary>The SDK header rebuilt from the decoded fields (PROTOCOL.md §6), to compare with the bytes the SDK logged.</summary>
    private static string HeaderHex(OpenDFrame f)
    {
        var fromServer = f.Direction == FlowDirection.ServerToClient;
        var bytes = new byte[fromServer ? 44 : 20];
        "ft-v1.0\0"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), f.ProtoId);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(12), f.SerialNo);
        if (fromServer)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), f.WebSocket!.Error!.Value);
            Encoding.UTF8.GetBytes(f.WebSocket.Errmsg!).CopyTo(bytes.AsSpan(24));
        }
        return Convert.ToHexStringLower(bytes);
    }

    private static CollectingSink Decode()
    {
        var sink = new CollectingSink();
        using var source = new PcapFileSource(Fixtures.SdkWs("ws_basic.pcap"));
        CaptureAnalyzer.Run(source, new AnalyzerOptions(), sink);
        return sink;
    }
}
