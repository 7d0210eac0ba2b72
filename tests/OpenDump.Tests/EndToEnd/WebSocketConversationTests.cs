using Google.Protobuf;
using OpenDump.Diagnostics;
using OpenDump.Link;
using OpenDump.Reassembly;
using OpenDump.Session;
using OpenDump.Testing;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.EndToEnd;

/// <summary>
/// The JavaScript SDK's WebSocket transport end to end, from captures written by the builders: every
/// way a message may travel (fragments, control frames between them, 64-bit lengths, masking across
/// segments, permessage-deflate with and without context takeover) and every bad input, which is
/// reported and skipped while the next message still decodes.
/// </summary>
public sealed class WebSocketConversationTests
{
    private static readonly Endpoint Client = Endpoint.Parse("127.0.0.1:51000");
    private static readonly Endpoint Server = Endpoint.Parse("127.0.0.1:33333");

    private static QotGetBasicQot.Request QuoteRequest(params string[] codes) =>
        new() { C2S = new QotGetBasicQot.C2S { SecurityList = { codes.Select(c => new QotCommon.Security { Market = 1, Code = c }) } } };

    private static QotGetBasicQot.Response QuoteReply(int count, int seed = 0) => new()
    {
        RetType = 0,
        S2C = new QotGetBasicQot.S2C
        {
            BasicQotList =
            {
                Enumerable.Range(0, count).Select(i => new QotCommon.BasicQot
                {
                    Security = new QotCommon.Security { Market = 1, Code = $"{i + seed:D5}" },
                    IsSuspended = false, ListTime = "2004-06-16", PriceSpread = 0.2, UpdateTime = "2024-11-25 10:00:00",
                    HighPrice = 400 + i, OpenPrice = 390, LowPrice = 380, CurPrice = 395 + i % 7, LastClosePrice = 390,
                    Volume = 1000 * i, Turnover = 395000.0 * i, TurnoverRate = 0.1, Amplitude = 2.5,
                }),
            },
        },
    };

    private static QotUpdateBasicQot.Response QuotePush(int i) => new()
    {
        RetType = 0,
        S2C = new QotUpdateBasicQot.S2C
        {
            BasicQotList =
            {
                new QotCommon.BasicQot
                {
                    Security = new QotCommon.Security { Market = 1, Code = "00700" }, IsSuspended = false, ListTime = "2004-06-16",
                    PriceSpread = 0.2, UpdateTime = $"2024-11-25 10:00:{i:D2}", HighPrice = 400, OpenPrice = 390, LowPrice = 380,
                    CurPrice = 395 + i, LastClosePrice = 390, Volume = 1000 + i, Turnover = 395000, TurnoverRate = 0.1, Amplitude = 2.5,
                },
            },
        },
    };

    /// <summary>Upgrade, login, then a request/reply per call and a push in between.</summary>
    private static WsConversationBuilder Session(string? accepted = null, string? offered = WsConversationBuilder.SdkExtensionOffer) =>
        new WsConversationBuilder(Client, Server).Upgrade(offeredExtensions: offered, acceptedExtensions: accepted).Login(section: 2, connId: 77);

    private static void AssertMessagesDecoded(Conversation conversation, CollectingSink sink)
    {
        Assert.True(sink.Frames.Count == conversation.Messages.Count(m => m.ProtoId is not null), string.Join("\n", sink.ConnectionDiagnostics.Select(d => d.Diagnostic.Message)));
        var sdk = conversation.Messages.Where(m => m.ProtoId is not null).ToList();
        Assert.Equal(sdk.Select(m => (m.ProtoId!.Value, m.Dir == Direction.ClientToServer ? FlowDirection.ClientToServer : FlowDirection.ServerToClient)),
            sink.Frames.Select(f => (f.ProtoId, f.Direction)));
        for (var i = 0; i < sdk.Count; i++)
        {
            var f = sink.Frames[i];
            Assert.Equal(Transport.WebSocket, f.Transport);
            Assert.Equal((ulong)sdk[i].SerialNo!.Value, f.SerialNo);
            Assert.Equal(sdk[i].Plaintext!.Length, (int)f.BodyLen);
            if (sdk[i].Plaintext!.Length > 0) Assert.Equal(sdk[i].Plaintext, f.Message!.ToByteArray());
        }
    }

    [Fact]
    public void A_plain_session_decodes_with_pairing_by_section_and_the_login()
    {
        var conversation = Session()
            .Request(3004, 3, QuoteRequest("00700"))
            .Push(3005, QuotePush(1))
            .Reply(3004, 3, QuoteReply(1))
            .Build();
        var sink = Analyze.Capture(conversation.Segment());

        AssertMessagesDecoded(conversation, sink);
        Assert.Empty(sink.AllCodes);
        Assert.Equal([FrameKind.Request, FrameKind.Response, FrameKind.Request, FrameKind.Push, FrameKind.Response], sink.Frames.Select(f => f.Kind));
        Assert.Equal(sink.Frames[2].Number, sink.Frames[4].RequestFrame);
        var c = Assert.Single(sink.Connections);
        Assert.Equal("77", c.ConnId);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData("opendump"u8)), c.WebSocket!.LoginKeyMd5);
        Assert.True(c.WebSocket.LoginSucceeded);
        Assert.All(new[] { c.ClientToServer, c.ServerToClient }, a => Assert.Equal(a.StreamBytes, a.FrameBytes));
    }

    [Fact]
    public void Fragmented_messages_with_pings_between_their_frames_are_joined()
    {
        var conversation = Session()
            .Request(3004, 3, QuoteRequest("00700", "00005"), new WsSend { Fragments = 3, PingBetweenFragments = true })
            .Pong(Direction.ServerToClient)
            .Reply(3004, 3, QuoteReply(30), send: new WsSend { Fragments = 5, PingBetweenFragments = true })
            .Pong(Direction.ClientToServer)
            .Build();
        var sink = Analyze.Capture(conversation.Segment());

        AssertMessagesDecoded(conversation, sink);
        Assert.Empty(sink.AllCodes);
        Assert.Equal([1, 1, 3, 5], sink.Frames.Select(f => f.WebSocket!.Frames));
        var ws = sink.Connections[0].WebSocket!;
        Assert.Equal((2, 2), (ws.Pings, ws.Pongs));
        Assert.Equal(["ws_upgrade", "ws_upgrade", "ws_ping", "ws_pong", "ws_ping", "ws_pong"], sink.ConnectionEvents.Select(e => e.Event.Kind));
    }

    [Fact]
    public void Lengths_of_all_three_forms_and_masked_frames_split_across_segments_decode_identically()
    {
        var conversation = Session()
            .Request(3004, 3, QuoteRequest("00700"), new WsSend { Length = WsLengthForm.Force64 })
            .Reply(3004, 3, QuoteReply(600)) // well over 65535 bytes: a 64-bit length
            .Request(3004, 4, QuoteRequest(Enumerable.Range(0, 40).Select(i => $"{i:D5}").ToArray()), new WsSend { Length = WsLengthForm.Force16 })
            .Reply(3004, 4, QuoteReply(3), send: new WsSend { Length = WsLengthForm.Force64 })
            .Build();
        Assert.True(conversation.Messages.Max(m => m.Bytes.Length) > 65535);

        var whole = Analyze.Capture(conversation.Segment());
        AssertMessagesDecoded(conversation, whole);
        Assert.Empty(whole.AllCodes);
        var reference = Analyze.Jsonl(conversation.Segment());
        foreach (var options in new[] { new SegmenterOptions { OneBytePerSegment = true }, new SegmenterOptions { RandomSplits = true, Seed = 7 }, new SegmenterOptions { ReorderWindow = 3, RetransmitRate = 0.2, Seed = 3 } })
            Assert.Equal(reference, Analyze.Jsonl(conversation.Segment(options)));
    }

    [Theory]
    [InlineData("permessage-deflate")]
    [InlineData("permessage-deflate; client_no_context_takeover")]
    [InlineData("permessage-deflate; server_no_context_takeover; client_no_context_takeover")]
    [InlineData("permessage-deflate; server_max_window_bits=10; client_max_window_bits=12")]
    public void Permessage_deflate_messages_are_inflated_with_and_without_context_takeover(string accepted)
    {
        var b = Session(accepted);
        for (var i = 0; i < 4; i++)
        {
            b.Request(3004, 3 + (ulong)i, QuoteRequest("00700", "00005"), i == 2 ? new WsSend { Fragments = 2, PingBetweenFragments = true } : null);
            b.Push(3005, QuotePush(i));
            b.Reply(3004, 3 + (ulong)i, QuoteReply(20, i), send: i == 1 ? new WsSend { Fragments = 3 } : null);
        }
        var conversation = b.Pong(Direction.ServerToClient).Build();
        var sink = Analyze.Capture(conversation.Segment(new SegmenterOptions { RandomSplits = true, Seed = 5 }));

        AssertMessagesDecoded(conversation, sink);
        Assert.Empty(sink.AllCodes);
        Assert.All(sink.Frames, f => Assert.True(f.WebSocket!.Compressed));
        Assert.Equal(accepted, sink.Connections[0].WebSocket!.ExtensionsAccepted);
        // The compressed messages really were smaller on the wire than their content.
        Assert.True(sink.Frames.Where(f => f.ProtoId == 3004 && f.Direction == FlowDirection.ServerToClient).All(f => f.WebSocket!.WireBytes < f.BodyLen));
    }

    [Fact]
    public void With_context_takeover_a_repeated_message_refers_back_into_the_previous_one()
    {
        var conversation = Session("permessage-deflate").Push(3005, QuotePush(1)).Push(3005, QuotePush(1)).Build();
        var sink = Analyze.Capture(conversation.Segment());
        var pushes = sink.Frames.Where(f => f.ProtoId == 3005).ToList();
        Assert.Equal(2, pushes.Count);
        Assert.True(pushes[1].WebSocket!.WireBytes * 3 < pushes[0].WebSocket!.WireBytes, $"{pushes[1].WebSocket!.WireBytes} vs {pushes[0].WebSocket!.WireBytes}");
        Assert.Equal(pushes[0].Message, pushes[1].Message);
    }

    [Fact]
    public void A_failed_login_is_reported_and_shown_in_the_timeline()
    {
        var conversation = new WsConversationBuilder(Client, Server).Upgrade().Login(section: 2, succeed: false).Close(Direction.ServerToClient, 1000, "bye").Build();
        var sink = Analyze.Capture(conversation.Segment());

        var reply = sink.Frames[1];
        Assert.Equal((1u, 1, -1), (reply.ProtoId, reply.WebSocket!.Error!.Value, reply.RetType!.Value));
        Assert.False(sink.Connections[0].WebSocket!.LoginSucceeded);
        Assert.Contains(sink.ConnectionDiagnostics, d => d.Diagnostic.Code == DiagnosticCodes.LoginFailed && d.Diagnostic.Severity == Severity.Error);
        var timeline = Timeline(conversation.Segment());
        Assert.Contains(timeline, l => l.Contains("InitWebSocket") && l.Contains("LOGIN FAILED") && l.Contains("errmsg=\"websocket key error\""));
        Assert.Contains(timeline, l => l.Contains("LOGIN FAILED") && l.StartsWith("  #1 "));
    }

    [Fact]
    public void A_close_handshake_gives_its_code_and_reason_and_an_opend_disconnect_is_flagged()
    {
        var conversation = Session()
            .OpenDDisconnected()
            .Close(Direction.ClientToServer, 1001, "going away")
            .Close(Direction.ServerToClient, 1001, "going away")
            .Build();
        var sink = Analyze.Capture(conversation.Segment());

        var notice = sink.Frames.Last();
        Assert.Equal((2u, FrameKind.Push, "OpenDisConnect"), (notice.ProtoId, notice.Kind, notice.ProtoName));
        Assert.Empty(sink.AllCodes);
        var ws = sink.Connections[0].WebSocket!;
        Assert.Equal(((ushort?)1001, "going away", true), (ws.CloseCode, ws.CloseReason, ws.OpenDDisconnected));
        Assert.Equal(2, sink.ConnectionEvents.Count(e => e.Event.Kind == "ws_close" && e.Event.Text == "close 1001 \"going away\""));
        Assert.Contains(Timeline(conversation.Segment()), l => l.Contains("OPEND DISCONNECTED"));
    }

    [Fact]
    public void A_wss_connection_is_reported_once_as_tls_and_yields_no_frames()
    {
        var conversation = new WsConversationBuilder(Client, Server)
            .ClientBytes(TlsRecords.ClientHello("opend.example"))
            .ServerBytes([.. TlsRecords.ServerHello(), .. TlsRecords.ChangeCipherSpec(), .. TlsRecords.ApplicationData(900)])
            .ClientBytes(TlsRecords.ApplicationData(300, seed: 9))
            .ServerBytes(TlsRecords.ApplicationData(5000, seed: 10))
            .Build();
        var sink = Analyze.Capture(conversation.Segment());

        Assert.Empty(sink.Frames);
        Assert.Equal([DiagnosticCodes.Tls], sink.AllCodes);
        var c = Assert.Single(sink.Connections);
        Assert.True(c.WebSocket!.Tls);
        Assert.Equal(conversation.StreamOf(Direction.ServerToClient).Length, c.ServerToClient.GarbageBytes);
        Assert.Equal(conversation.StreamOf(Direction.ClientToServer).Length, c.ClientToServer.GarbageBytes);
    }

    [Fact]
    public void Bad_input_is_reported_and_the_next_message_still_decodes()
    {
        var good = QuoteRequest("00700");
        var conversation = Session("permessage-deflate; server_no_context_takeover; client_no_context_takeover")
            // A frame with a reserved opcode, then one with RSV2 set: both delimited, both skipped.
            .ServerBytes(WsFrames.Frame(3, [1, 2, 3]))
            .ServerBytes([0xa2, 0x02, 0x01, 0x02])
            .Request(3004, 3, good)
            // A message shorter than the SDK header, and one without its sign.
            .ServerMessage([.. WsFrames.Sign, 0, 0, 0x0b])
            .ServerMessage(new byte[60])
            // A compressed message whose DEFLATE data is broken.
            .ServerBytes(WsFrames.Frame(2, [0xff, 0xff, 0xff, 0xff, 0x00], rsv1: true))
            .Reply(3004, 3, QuoteReply(2))
            // A text message is not an SDK message.
            .ServerBytes(WsFrames.Frame(1, "hello"u8))
            .Push(3005, QuotePush(3))
            .Build();
        var sink = Analyze.Capture(conversation.Segment());

        Assert.Equal([1u, 1u, 3004u, 3004u, 3005u], sink.Frames.Select(f => f.ProtoId));
        Assert.Equal(QuoteReply(2), sink.Frames[3].Message);
        var codes = sink.ConnectionDiagnostics.Select(d => d.Diagnostic.Code).ToList();
        Assert.Equal(2, codes.Count(c => c == DiagnosticCodes.BadWebSocketFrame));
        Assert.Equal(3, codes.Count(c => c == DiagnosticCodes.BadSdkMessage));
        Assert.Equal(1, codes.Count(c => c == DiagnosticCodes.Deflate));
        Assert.Contains(sink.ConnectionDiagnostics, d => d.Diagnostic.Message.Contains("shorter than the 44-byte server header"));
        Assert.Contains(sink.ConnectionDiagnostics, d => d.Diagnostic.Message.Contains("reserved opcode 3") && d.Diagnostic.Message.Contains("bytes: 8303010203"));
    }

    [Fact]
    public void A_malformed_handshake_is_reported_and_frames_after_it_still_decode()
    {
        var conversation = new WsConversationBuilder(Client, Server)
            .ClientBytes("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nbroken header line\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"u8.ToArray())
            .UpgradeResponse(101, accept: "x")
            .Login(section: 2)
            .Build();
        var sink = Analyze.Capture(conversation.Segment());

        Assert.Equal(2, sink.Frames.Count);
        var bad = sink.ConnectionDiagnostics.Select(d => d.Diagnostic).Where(d => d.Code == DiagnosticCodes.BadHttp).ToList();
        Assert.Contains(bad, d => d.Message.Contains("header line 3 \"broken header line\""));
        Assert.Contains(bad, d => d.Message.Contains("no Sec-WebSocket-Key"));
    }

    [Fact]
    public void A_refused_upgrade_is_an_error_and_nothing_after_it_is_read_as_websocket()
    {
        var conversation = new WsConversationBuilder(Client, Server)
            .UpgradeRequest()
            .UpgradeResponse(400, body: "Bad Request: missing key")
            .Build();
        var sink = Analyze.Capture(conversation.Segment());

        Assert.Empty(sink.Frames);
        Assert.Equal(400, sink.Connections[0].WebSocket!.UpgradeStatus);
        Assert.Single(sink.ConnectionDiagnostics, d => d.Diagnostic.Code == DiagnosticCodes.UpgradeRefused);
        Assert.Equal("Bad Request: missing key".Length, sink.Connections[0].ServerToClient.GarbageBytes);
    }

    [Fact]
    public void After_a_lost_segment_decoding_resumes_at_the_next_sdk_message()
    {
        var b = Session();
        for (var i = 0; i < 12; i++) b.Push(3005, QuotePush(i));
        var conversation = b.Build();
        var segments = conversation.Segment().ToList();
        var serverData = segments.Where(s => s.Source == Server && s.Payload.Length > 0).ToList();
        segments.Remove(serverData[5]); // 101, login reply, then pushes 0..: the fourth push is lost

        var sink = Analyze.Capture(segments);

        var pushes = sink.Frames.Where(f => f.ProtoId == 3005).Select(f => ((QotUpdateBasicQot.Response)f.Message!).S2C.BasicQotList[0].UpdateTime[^2..]).ToList();
        Assert.Equal(Enumerable.Range(0, 12).Where(i => i != 3).Select(i => $"{i:D2}"), pushes);
        Assert.Contains(sink.ConnectionDiagnostics, d => d.Diagnostic.Code == DiagnosticCodes.TcpGap);
        var s2c = sink.Connections[0].ServerToClient;
        Assert.Equal(s2c.StreamBytes, s2c.FrameBytes + s2c.GapBytes + s2c.GarbageBytes + s2c.LostFrameBytes);
        Assert.Equal(serverData[5].Payload.Length, s2c.GapBytes);
    }

    [Fact]
    public void A_capture_that_starts_mid_connection_decodes_from_the_first_whole_message()
    {
        var b = new WsConversationBuilder(Client, Server).AssumeUpgraded();
        b.Request(3004, 40, QuoteRequest("00700")).Reply(3004, 40, QuoteReply(2)).Push(3005, QuotePush(1));
        var conversation = b.Build();
        // No TCP handshake, and the capture begins 5 bytes into the client's first frame.
        var segments = conversation.Segment(new SegmenterOptions { Handshake = false }).ToList();
        var first = segments.First(s => s.Payload.Length > 0);
        segments[segments.IndexOf(first)] = first with { Payload = first.Payload[5..], Seq = first.Seq + 5 };

        var sink = Analyze.Capture(segments);

        Assert.Equal([(3004u, FrameKind.Push), (3005u, FrameKind.Push)], sink.Frames.Select(f => (f.ProtoId, f.Kind)));
        Assert.Equal(QuoteReply(2), sink.Frames[0].Message);
        Assert.Contains(sink.ConnectionDiagnostics, d => d.Diagnostic.Code == DiagnosticCodes.Resync);
    }

    [Fact]
    public void Websocket_on_another_port_is_found_by_its_upgrade()
    {
        var conversation = new WsConversationBuilder(Client, Endpoint.Parse("127.0.0.1:44444")).Upgrade().Login(section: 2).Build();
        var sink = Analyze.Capture(conversation.Segment());
        Assert.Equal(2, sink.Frames.Count);
        Assert.All(sink.Frames, f => Assert.Equal(Transport.WebSocket, f.Transport));
    }

    private static string[] Timeline(IEnumerable<TestSegment> segments)
    {
        var path = Path.Combine(Path.GetTempPath(), $"opendump-ws-{Guid.NewGuid():N}.pcap");
        File.WriteAllBytes(path, segments.ToPcap());
        try
        {
            var text = new StringWriter();
            using var source = new Capture.PcapFileSource(path);
            CaptureAnalyzer.Run(source, new AnalyzerOptions(), new Output.TimelineWriter(text));
            return text.ToString().Split('\n');
        }
        finally
        {
            File.Delete(path);
        }
    }
}
