using Google.Protobuf;
using OpenDump.Crypto;
using OpenDump.Diagnostics;
using OpenDump.Link;
using OpenDump.Session;
using OpenDump.Testing;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.EndToEnd;

/// <summary>
/// Conversations built with the test builders, written as real capture files, read back through
/// the whole pipeline; every decoded frame is compared with what was sent.
/// </summary>
public sealed class ConversationTests
{
    private static readonly Endpoint Client = Endpoint.Parse("192.168.1.20:53001");
    private static readonly Endpoint Server = Endpoint.Parse("192.168.1.10:11111");
    private static readonly Org.BouncyCastle.Crypto.AsymmetricCipherKeyPair SdkKeyPair = TestCrypto.LoadRsaKeyPair(Fixtures.SdkKey);
    private static readonly RsaPrivateKey SdkKey = RsaPrivateKey.Load(Fixtures.SdkKey);

    private static QotGetBasicQot.Request QuoteRequest(string code = "00700") =>
        new() { C2S = new QotGetBasicQot.C2S { SecurityList = { new QotCommon.Security { Market = 1, Code = code } } } };

    private static QotGetBasicQot.Response QuoteReply(int retType = 0) => retType == 0
        ? new() { RetType = 0, RetMsg = "", ErrCode = 0, S2C = new QotGetBasicQot.S2C() }
        : new() { RetType = retType, RetMsg = "security not subscribed", ErrCode = 10005 };

    private static QotUpdateBasicQot.Response QuotePush() => new() { RetType = 0, S2C = new QotUpdateBasicQot.S2C() };

    /// <summary>Handshake, a request and its reply, a failed call, a push and a KeepAlive.</summary>
    private static ConversationBuilder Session(int? packetEncAlgo, string? iv, Org.BouncyCastle.Crypto.AsymmetricCipherKeyPair? key = null, Endpoint? client = null, Endpoint? server = null)
    {
        var b = new ConversationBuilder(client ?? Client, server ?? Server);
        if (key is not null) b.WithRsaKey(key);
        return b.InitConnect(serialNo: 100, packetEncAlgo: packetEncAlgo, aesKey: "K3yK3yK3yK3yK3y!", aesCbcIv: iv, connId: 4242)
            .Request(3004, 101, QuoteRequest())
            .Reply(3004, 101, QuoteReply(), afterMicros: 2500)
            .Request(3004, 102, QuoteRequest("09988"))
            .Reply(3004, 102, QuoteReply(-1))
            .Push(3005, 7, QuotePush())
            .Request(1004, 103, new KeepAlive.Request { C2S = new KeepAlive.C2S { Time = 1_700_000_000 } })
            .Reply(1004, 103, new KeepAlive.Response { RetType = 0, S2C = new KeepAlive.S2C { Time = 1_700_000_000 } });
    }

    /// <summary>Every frame sent is decoded, in order, with its plaintext, header and verdicts.</summary>
    private static void AssertDecodesAsSent(Conversation conversation, CollectingSink sink, EncryptionKind later)
    {
        var sent = conversation.Messages.Where(m => m.ProtoId is not null).ToList();
        Assert.Equal(sent.Count, sink.Frames.Count);
        for (var i = 0; i < sent.Count; i++)
        {
            var (s, f) = (sent[i], sink.Frames[i]);
            Assert.Equal((s.ProtoId!.Value, s.SerialNo!.Value), (f.ProtoId, f.SerialNo));
            Assert.Equal(s.Dir == Direction.ClientToServer ? OpenDump.Reassembly.FlowDirection.ClientToServer : OpenDump.Reassembly.FlowDirection.ServerToClient, f.Direction);
            Assert.True(f.Sha1Ok, $"frame {i + 1}: SHA-1");
            Assert.NotNull(f.Message);
            Assert.Equal(s.Plaintext, f.ProtoFmt == 1 ? System.Text.Encoding.UTF8.GetBytes(Output.FrameJson.BodyFormatter.Format(f.Message!)) : f.Message!.ToByteArray());
            var expected = f.ProtoId == 1001 ? (conversation.Keys?.Encryption is null || sink.Frames[0].Encryption == EncryptionKind.None ? EncryptionKind.None : EncryptionKind.Rsa) : later;
            Assert.Equal(expected, f.Encryption);
            Assert.Equal(f.Encryption != EncryptionKind.None, f.Decrypted);
            Assert.Equal(s.Bytes.Length - 44, (int)f.BodyLen);
        }
    }

    [Theory]
    [InlineData(null, null, EncryptionKind.FtAesEcb)]       // unset: OpenD's default
    [InlineData(0, null, EncryptionKind.FtAesEcb)]
    [InlineData(1, null, EncryptionKind.AesEcb)]
    [InlineData(2, "0123456789abcdef", EncryptionKind.AesCbc)]
    [InlineData(2, null, EncryptionKind.FtAesEcb)]          // CBC asked for, no IV in the reply: FTAES-ECB
    [InlineData(-1, null, EncryptionKind.None)]             // RSA handshake, then plaintext
    public void Every_negotiated_algorithm_is_followed_from_the_handshake(int? packetEncAlgo, string? iv, EncryptionKind expected)
    {
        var conversation = Session(packetEncAlgo, iv, SdkKeyPair).Build();
        var sink = Analyze.Capture(conversation.Segment(), SdkKey);

        AssertDecodesAsSent(conversation, sink, expected);
        Assert.Equal(EncryptionKind.Rsa, sink.Frames[0].Encryption);
        Assert.Empty(sink.AllCodes);
        var summary = Assert.Single(sink.Connections);
        Assert.Equal((expected, "4242", "test"), (summary.Encryption, summary.ConnId, summary.ClientId));
    }

    [Fact]
    public void An_unencrypted_session_is_recognised_as_such()
    {
        var conversation = Session(-1, null).Build();
        var sink = Analyze.Capture(conversation.Segment());
        AssertDecodesAsSent(conversation, sink, EncryptionKind.None);
        Assert.All(sink.Frames, f => Assert.Equal((EncryptionKind.None, false), (f.Encryption, f.Decrypted)));
    }

    [Fact]
    public void A_2048_bit_key_uses_256_byte_blocks()
    {
        var pair = TestCrypto.LoadRsaKeyPair(Fixtures.Path("keys", "test_rsa2048.pem"));
        var conversation = Session(2, "fedcba9876543210", pair).Build();
        var sink = Analyze.Capture(conversation.Segment(), RsaPrivateKey.Load(Fixtures.Path("keys", "test_rsa2048.pem")));
        AssertDecodesAsSent(conversation, sink, EncryptionKind.AesCbc);
        Assert.Equal(0u, sink.Frames[0].BodyLen % 256);
    }

    [Fact]
    public void Json_format_bodies_decode_into_the_same_messages()
    {
        var conversation = new ConversationBuilder(Client, Server).WithRsaKey(SdkKeyPair)
            .InitConnect(serialNo: 1, packetEncAlgo: 0, connId: 9)
            .RequestJson(3004, 2, QuoteRequest())
            .ReplyJson(3004, 2, new QotGetBasicQot.Response { RetType = 0, S2C = new QotGetBasicQot.S2C { BasicQotList = { new QotCommon.BasicQot
            {
                Security = new QotCommon.Security { Market = 1, Code = "00700" }, IsSuspended = false, ListTime = "2004-06-16", PriceSpread = 0.2,
                UpdateTime = "2026-11-25 10:00:00", HighPrice = 400, OpenPrice = 390, LowPrice = 388, CurPrice = 399.2, LastClosePrice = 391,
                Volume = 12_345_678_901, Turnover = 4.9e9, TurnoverRate = 0.13, Amplitude = 3.1,
            } } } })
            .Build();
        var sink = Analyze.Capture(conversation.Segment(), SdkKey);

        Assert.Equal([0, 0, 1, 1], sink.Frames.Select(f => (int)f.ProtoFmt));
        Assert.Equal(conversation.Messages[3].Plaintext, System.Text.Encoding.UTF8.GetBytes(Output.FrameJson.BodyFormatter.Format(sink.Frames[3].Message!)));
        var reply = Assert.IsType<QotGetBasicQot.Response>(sink.Frames[3].Message);
        Assert.Equal(12_345_678_901, reply.S2C.BasicQotList[0].Volume);
        Assert.All(sink.Frames, f => Assert.True(f.Sha1Ok));
        Assert.Equal(FrameKind.Response, sink.Frames[3].Kind);
    }

    [Fact]
    public void A_frame_split_over_many_segments_and_many_frames_in_one_segment()
    {
        var kl = new QotRequestHistoryKL.Response { RetType = 0, S2C = new QotRequestHistoryKL.S2C { Security = new QotCommon.Security { Market = 1, Code = "00700" } } };
        for (var i = 0; i < 1500; i++)
            kl.S2C.KlList.Add(new QotCommon.KLine { Time = $"2026-01-01 00:{i % 60:D2}:00", IsBlank = false, OpenPrice = 300 + i, ClosePrice = 301 + i, HighPrice = 302 + i, LowPrice = 299 + i, Volume = 1000 + i, Turnover = 1e6 + i, Timestamp = 1.7e9 + i });
        var b = Session(0, null, SdkKeyPair)
            .Request(3103, 200, new QotRequestHistoryKL.Request { C2S = new QotRequestHistoryKL.C2S { RehabType = 1, KlType = 1, Security = new QotCommon.Security { Market = 1, Code = "00700" }, BeginTime = "2026-01-01", EndTime = "2026-01-02" } })
            .Reply(3103, 200, kl);
        for (uint i = 0; i < 40; i++) b.Push(3005, 1000 + i, QuotePush(), afterMicros: 10);
        var conversation = b.Build();
        var segments = conversation.Segment(new SegmenterOptions { Coalesce = true });

        var big = conversation.Messages.Single(m => m.ProtoId == 3103 && m.Dir == Direction.ServerToClient);
        Assert.True(big.Bytes.Length > 100_000);
        Assert.True(segments.Count(s => s.Payload.Length == 1448) > 60, "the reply spans many full segments");
        Assert.Contains(segments, s => s.Payload.Length > 0 && CountHeaders(s.Payload) >= 10);

        var sink = Analyze.Capture(segments, SdkKey);
        AssertDecodesAsSent(conversation, sink, EncryptionKind.FtAesEcb);
        Assert.Equal(1500, ((QotRequestHistoryKL.Response)sink.Frames.Single(f => f.ProtoId == 3103 && f.Kind == FrameKind.Response).Message!).S2C.KlList.Count);
    }

    private static int CountHeaders(byte[] payload) =>
        Enumerable.Range(0, payload.Length - 1).Count(i => payload[i] == 'F' && payload[i + 1] == 'T' && i + 44 <= payload.Length && OpenDump.Framing.FrameHeader.Validate(payload.AsSpan(i), 1 << 20) == OpenDump.Framing.HeaderProblem.None);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Reordered_and_retransmitted_segments_give_the_same_frames(long seed)
    {
        var conversation = Session(2, "0123456789abcdef", SdkKeyPair).Build();
        var segments = conversation.Segment(SegmenterOptions.Hostile(seed));
        Assert.Contains(segments, s => segments.Count(o => o.Seq == s.Seq && o.Source == s.Source && o.Payload.Length > 0 && s.Payload.Length > 0) > 1);
        var sink = Analyze.Capture(segments, SdkKey);
        AssertDecodesAsSent(conversation, sink, EncryptionKind.AesCbc);
        Assert.Empty(sink.AllCodes);
    }

    [Fact]
    public void Whole_segments_one_byte_segments_random_splits_and_hostile_segments_give_byte_identical_output()
    {
        var conversation = Session(2, "0123456789abcdef", SdkKeyPair).Build();
        var reference = Analyze.Jsonl(conversation.Segment(), SdkKey);
        Assert.Equal(9, reference.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // The timestamps of frames are those of the packet completing them, which depend on segmenting;
        // everything else must be identical.
        static string WithoutTimes(string jsonl) => System.Text.RegularExpressions.Regex.Replace(jsonl, @"""(ts|latencyMs)"":[0-9.]+", "\"$1\":_");
        foreach (var options in new[] { SegmenterOptions.OneByte, SegmenterOptions.Splits(7), SegmenterOptions.Splits(8), SegmenterOptions.Hostile(9), new SegmenterOptions { Coalesce = true } })
            Assert.Equal(WithoutTimes(reference), WithoutTimes(Analyze.Jsonl(conversation.Segment(options), SdkKey)));
    }

    [Fact]
    public void An_unknown_protoid_keeps_its_header_a_schema_less_view_and_its_bytes()
    {
        var body = new QotCommon.Security { Market = 11, Code = "AAPL" }.ToByteArray();
        var conversation = Session(0, null, SdkKeyPair)
            .ClientBody(9999, 500, body)
            .ServerBody(9999, 500, body)
            .ServerBody(9998, 1, [0xde, 0xad, 0xbe, 0xef])
            .Build();
        var sink = Analyze.Capture(conversation.Segment(), SdkKey);

        var unknown = sink.Frames.Where(f => f.ProtoId >= 9998).ToList();
        Assert.Equal(3, unknown.Count);
        Assert.All(unknown, f => Assert.Null(f.Proto));
        Assert.All(unknown, f => Assert.Contains(f.Diagnostics, d => d.Code == DiagnosticCodes.UnknownProtoId));
        Assert.All(unknown, f => Assert.True(f.Sha1Ok));
        Assert.Equal(body, unknown[0].RawBody);
        Assert.Equal(["1:11", "2:AAPL"], unknown[0].RawFields!.Select(r => $"{r.Number}:{r.Value}"));
        Assert.Equal((FrameKind.Request, FrameKind.Response, FrameKind.Push), (unknown[0].Kind, unknown[1].Kind, unknown[2].Kind));
        Assert.Equal([0xde, 0xad, 0xbe, 0xef], unknown[2].RawBody);
        Assert.Null(unknown[2].RawFields);
    }

    [Fact]
    public void A_wrong_key_is_said_once_per_connection_and_headers_are_still_listed()
    {
        var conversation = Session(0, null, SdkKeyPair).Build();
        var sink = Analyze.Capture(conversation.Segment(), RsaPrivateKey.Load(Fixtures.Path("keys", "other_rsa1024.pem")));

        Assert.Equal(9, sink.Frames.Count);
        var said = sink.ConnectionDiagnostics.Where(d => d.Diagnostic.Code == DiagnosticCodes.WrongKey).ToList();
        Assert.Single(said);
        Assert.Contains("other_rsa1024.pem", said[0].Diagnostic.Message);
        Assert.All(sink.Frames, f => Assert.Null(f.Message));
        Assert.All(sink.Frames, f => Assert.Null(f.Sha1Ok));
        Assert.Equal(conversation.Messages.Select(m => (ulong)m.SerialNo!.Value), sink.Frames.Select(f => f.SerialNo));
        // Pairing works on headers alone.
        Assert.Equal(3, sink.Frames.Count(f => f.Kind == FrameKind.Response && f.ProtoId != 1001));
    }

    [Fact]
    public void Failed_calls_carry_ret_type_and_message_and_pushes_answer_nothing()
    {
        var conversation = Session(0, null, SdkKeyPair).Push(3004, 102, QuotePush().RetType == 0 ? new QotGetBasicQot.Response { RetType = 0 } : null!).Build();
        var sink = Analyze.Capture(conversation.Segment(), SdkKey);

        var failed = Assert.Single(sink.Frames, f => f.RetType == -1);
        Assert.Equal((3004u, 102u, 10005, "security not subscribed"), (failed.ProtoId, failed.SerialNo, failed.ErrCode!.Value, failed.RetMsg));
        Assert.Equal(FrameKind.Response, failed.Kind);
        Assert.Equal(FrameKind.Push, sink.Frames.Single(f => f.ProtoId == 3005).Kind);
        var late = sink.Frames[^1];
        Assert.Equal((3004u, FrameKind.Response), (late.ProtoId, late.Kind));
        Assert.Contains(late.Diagnostics, d => d.Code == DiagnosticCodes.UnpairedResponse);
        var ok = sink.Frames.Single(f => f.ProtoId == 3004 && f.SerialNo == 101 && f.Kind == FrameKind.Response);
        Assert.Equal(2500, ok.LatencyMicros);
    }

    [Fact]
    public void A_capture_without_the_handshake_lists_headers_and_says_keys_unknown()
    {
        var conversation = new ConversationBuilder(Client, Server)
            .AssumeSession(BodyEncryption.AesCbc, "K3yK3yK3yK3yK3y!", "0123456789abcdef")
            .Request(3004, 5, QuoteRequest())
            .Reply(3004, 5, QuoteReply())
            .Build();
        var sink = Analyze.Capture(conversation.Segment(new SegmenterOptions { Handshake = false }), SdkKey);

        Assert.Equal(2, sink.Frames.Count);
        Assert.All(sink.Frames, f => Assert.Equal((EncryptionKind.AesCbc, false, (bool?)null), (f.Encryption, f.Decrypted, f.Sha1Ok)));
        Assert.Single(sink.ConnectionDiagnostics, d => d.Diagnostic.Code == DiagnosticCodes.KeysUnknown);
        Assert.False(sink.Connections[0].KeysKnown);
        Assert.Equal(FrameKind.Response, sink.Frames[1].Kind);
    }

    public static TheoryData<LinkKind, string, CaptureFormat> LinkVariants()
    {
        var data = new TheoryData<LinkKind, string, CaptureFormat>();
        foreach (var link in Enum.GetValues<LinkKind>())
        foreach (var ip in new[] { "v4", "v6" })
            data.Add(link, ip, link == LinkKind.Ethernet ? CaptureFormat.PcapNg : CaptureFormat.Pcap);
        data.Add(LinkKind.LinuxSll2, "v6", CaptureFormat.PcapNg);
        return data;
    }

    [Theory]
    [MemberData(nameof(LinkVariants))]
    public void Every_link_type_and_ip_version_decodes_the_same(LinkKind link, string ip, CaptureFormat format)
    {
        var (client, server) = ip == "v4" ? (Client, Server) : (Endpoint.Parse("[fd00::20]:53001"), Endpoint.Parse("[fd00::10]:11111"));
        var conversation = Session(2, "0123456789abcdef", SdkKeyPair, client, server).Build();
        var sink = Analyze.Capture(conversation.Segment(), SdkKey, link, format);

        AssertDecodesAsSent(conversation, sink, EncryptionKind.AesCbc);
        Assert.Equal((client, server), (sink.Frames[0].Connection.Client, sink.Frames[0].Connection.Server));
        Assert.Empty(sink.CaptureDiagnostics);
    }

    [Fact]
    public void A_non_default_port_is_followed_by_content()
    {
        var server = Endpoint.Parse("192.168.1.10:22222");
        var conversation = Session(0, null, SdkKeyPair, server: server).Build();
        var sink = Analyze.Capture(conversation.Segment(), SdkKey);
        AssertDecodesAsSent(conversation, sink, EncryptionKind.FtAesEcb);
        Assert.Equal(server, sink.Connections[0].Connection.Server);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Aes_ecb_bodies_decode_whatever_padding_the_sender_used(bool blockAligned)
    {
        // The wire facts do not confirm AES-ECB's padding; a sender using zero padding, or none on a
        // block-aligned body, must still decode, with the SHA-1 as proof.
        var code = "00700";
        while ((QuoteRequest(code).ToByteArray().Length % 16 == 0) != blockAligned) code += "0";
        var plaintext = QuoteRequest(code).ToByteArray();
        var padded = plaintext.Concat(new byte[(16 - plaintext.Length % 16) % 16]).ToArray();
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = "K3yK3yK3yK3yK3y!"u8.ToArray();
        var wire = aes.EncryptEcb(padded, System.Security.Cryptography.PaddingMode.None);

        var conversation = Session(1, null, SdkKeyPair).ClientBytes(OpenDFrames.Frame(3004, 300, plaintext, wire)).Build();
        var sink = Analyze.Capture(conversation.Segment(), SdkKey);

        var frame = sink.Frames[^1];
        Assert.Equal((3004u, EncryptionKind.AesEcb, (bool?)true), (frame.ProtoId, frame.Encryption, frame.Sha1Ok));
        Assert.Equal(plaintext, frame.Message!.ToByteArray());
        Assert.Empty(frame.Diagnostics);
    }

    [Fact]
    public void A_known_protoid_without_a_schema_for_its_direction_is_shown_schema_less()
    {
        // 3005 is a push: there is no Qot_UpdateBasicQot.Request, so a client frame with it has no schema.
        var body = new QotCommon.Security { Market = 1, Code = "00700" }.ToByteArray();
        var conversation = Session(0, null, SdkKeyPair).ClientBody(3005, 900, body).Build();
        var sink = Analyze.Capture(conversation.Segment(), SdkKey);

        var frame = sink.Frames[^1];
        Assert.Equal(("Qot_UpdateBasicQot", (bool?)true), (frame.ProtoName, frame.Sha1Ok));
        Assert.Null(frame.Message);
        Assert.Equal(DiagnosticCodes.NoSchema, Assert.Single(frame.Diagnostics).Code);
        Assert.Equal(["1:1", "2:00700"], frame.RawFields!.Select(r => $"{r.Number}:{r.Value}"));
    }

    [Fact]
    public void A_body_that_does_not_match_its_schema_keeps_its_bytes_and_the_reason()
    {
        byte[] notProtobuf = [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f];
        var conversation = Session(0, null, SdkKeyPair).ClientBody(3004, 901, notProtobuf).Build();
        var sink = Analyze.Capture(conversation.Segment(), SdkKey);

        var frame = sink.Frames[^1];
        Assert.Null(frame.Message);
        Assert.Equal(notProtobuf, frame.RawBody);
        var d = Assert.Single(frame.Diagnostics);
        Assert.Equal((DiagnosticCodes.DecodeFailed, Severity.Error), (d.Code, d.Severity));
        Assert.Contains("Qot_GetBasicQot.Request", d.Message);
    }
}
