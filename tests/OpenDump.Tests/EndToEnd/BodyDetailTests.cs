using OpenDump.Capture;
using OpenDump.Cli;
using OpenDump.Crypto;
using OpenDump.Decoding;
using OpenDump.Diagnostics;
using OpenDump.Framing;
using OpenDump.Link;
using Google.Protobuf;
using OpenDump.Output;
using OpenDump.Reassembly;
using OpenDump.Session;
using OpenDump.Testing;
using OpenDump.Tests.Fuzz;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.EndToEnd;

/// <summary>
/// <c>stats</c> runs with <see cref="AnalyzerOptions.Bodies"/> at <see cref="BodyDetail.Verdict"/> and the JSON outputs at
/// <see cref="BodyDetail.Plaintext"/>: bodies are checked on the wire and no message is built. Everything an output can
/// see must be what the full decode gives: result fields, diagnostics (in their places), statistics, and for JSON
/// every byte; only the message object is missing, and only where the body was sound.
/// </summary>
public sealed class BodyDetailTests
{
    public static TheoryData<string> Captures => Fixtures.EndToEndCaptures;

    [Theory]
    [MemberData(nameof(Captures))]
    public void Counting_sees_the_same_frames_as_a_full_decode(string name)
    {
        var (path, key) = Fixtures.CaptureWithKey(name);
        var full = Run(path, new AnalyzerOptions { RsaKey = key });
        foreach (var threads in new[] { 1, 2 })
        {
            var counted = Run(path, new AnalyzerOptions { RsaKey = key, Bodies = BodyDetail.Verdict, Threads = threads, BatchFrames = 7 });
            var skipped = AssertSameAsFull(full, counted, $"{name}, {threads} thread(s)");
            // The wire check must really stand in for the decode: every sound protobuf body but the handshake's.
            var sound = full.Frames.Count(f => f.Message is not null && f.ProtoFmt == FrameHeader.FormatProtobuf && f.ProtoId != 1001 && !IsLogin(f)
                                               && f.Diagnostics.All(d => d.Code != DiagnosticCodes.MissingRequired));
            Assert.True(sound > 20, $"{name}: only {sound} sound bodies");
            Assert.Equal(sound, skipped);
        }
        // Failed calls keep their reason (the SDK captures and the sample each have some).
        Assert.Contains(full.Frames, f => f.RetType is not null and not 0 && f.RetMsg is { Length: > 0 });
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Json_and_timeline_from_plaintext_are_byte_for_byte_those_of_the_messages(string name)
    {
        var (path, key) = Fixtures.CaptureWithKey(name);
        var full = Json(path, new AnalyzerOptions { RsaKey = key });
        Assert.True(full.Jsonl.Count(c => c == '\n') > 20);
        foreach (var bodies in new[] { BodyDetail.Plaintext, BodyDetail.Json })
        foreach (var threads in new[] { 1, 2 })
            Assert.Equal(full, Json(path, new AnalyzerOptions { RsaKey = key, Bodies = bodies, Threads = threads, BatchFrames = 5 }));
    }

    [Fact]
    public void Damaged_captures_give_the_same_json_and_timeline_from_plaintext()
    {
        var compared = DamagedCaptureFiles.Compare(30, 15_485_863L, (path, fuzz, i) =>
            Assert.Equal(Json(path, new AnalyzerOptions { RsaKey = fuzz.Source.Key }),
                Json(path, new AnalyzerOptions { RsaKey = fuzz.Source.Key, Bodies = i % 4 < 2 ? BodyDetail.Plaintext : BodyDetail.Json, Threads = 1 + i % 2 })));
        Assert.True(compared >= 20, $"only {compared} damaged captures could be read");
    }

    /// <summary>JSON Lines (with the diagnostics that go beside them), JSON sessions and the (not verbose) timeline, in colour.</summary>
    private static (string Jsonl, string Sessions, string Timeline) Json(string path, AnalyzerOptions options)
    {
        var jsonl = new MemoryStream();
        var sessions = new MemoryStream();
        var timeline = new StringWriter();
        var messages = new System.Text.StringBuilder();
        using (var writer = new JsonLinesWriter(jsonl, m => messages.AppendLine(m)))
        using (var source = new PcapFileSource(path))
            CaptureAnalyzer.Run(source, options, new TeeSink(writer, new JsonSessionsWriter(sessions), new TimelineWriter(timeline, verbose: false, Palette.Ansi)));
        return (System.Text.Encoding.UTF8.GetString(jsonl.ToArray()) + messages, System.Text.Encoding.UTF8.GetString(sessions.ToArray()), timeline.ToString());
    }

    [Fact]
    public void Damaged_captures_report_the_same_problems_without_messages()
    {
        var compared = DamagedCaptureFiles.Compare(30, 104_729L, (path, fuzz, i) =>
            AssertSameAsFull(Run(path, new AnalyzerOptions { RsaKey = fuzz.Source.Key }),
                Run(path, new AnalyzerOptions { RsaKey = fuzz.Source.Key, Bodies = BodyDetail.Verdict, Threads = 1 + i % 2 }), fuzz.Describe()));
        Assert.True(compared >= 20, $"only {compared} damaged captures could be read");
    }

    [Fact]
    public void Bodies_that_do_not_decode_cleanly_are_reported_exactly_as_by_a_full_decode()
    {
        var pair = TestCrypto.LoadRsaKeyPair(Fixtures.SdkKey);
        var key = RsaPrivateKey.Load(Fixtures.SdkKey);
        var security = new QotCommon.Security { Market = 1, Code = "00700" };
        var conversation = new ConversationBuilder(Endpoint.Parse("192.168.1.20:53001"), Endpoint.Parse("192.168.1.10:11111")).WithRsaKey(pair)
            .InitConnect(serialNo: 100, packetEncAlgo: 0, aesKey: "K3yK3yK3yK3yK3y!", aesCbcIv: null, connId: 4242)
            .Request(3004, 101, new QotGetBasicQot.Request { C2S = new QotGetBasicQot.C2S { SecurityList = { security } } })
            .Reply(3004, 101, new QotGetBasicQot.Response { RetType = -1, RetMsg = "security not subscribed", ErrCode = 10005 })
            .ClientBody(3004, 102, [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])               // does not parse
            .ServerBody(3004, 102, [])                                                  // retType (required) missing
            .ClientBody(3004, 103, [0x0a, 0x02, 0x0a, 0x00])                            // c2s with its required securityList element missing a field
            .ServerBody(3004, 103, [0x08, 0x00, 0x12, 0x02, 0xc3, 0x28])                // retMsg that is not UTF-8
            .ClientBody(3005, 104, security.ToByteArray())                              // a push's protoID from the client: no schema
            .ClientBody(65000, 105, security.ToByteArray())                             // not in the protocol table
            .ServerBody(3004, 105, [0x08, 0x00], protoFmt: 1)                           // claims JSON, is not
            .Build();
        var segments = conversation.Segment();
        var full = Analyze.Capture(segments, key);
        var codes = full.Frames.SelectMany(f => f.Diagnostics).Select(d => d.Code).ToHashSet();
        Assert.Superset(new HashSet<string> { DiagnosticCodes.DecodeFailed, DiagnosticCodes.MissingRequired, DiagnosticCodes.NoSchema, DiagnosticCodes.UnknownProtoId }, codes);
        foreach (var bodies in new[] { BodyDetail.Verdict, BodyDetail.Json })
        {
            var counted = Analyze.Capture(segments, options: new AnalyzerOptions { RsaKey = key, Bodies = bodies });
            var skipped = AssertSameAsFull(new Outcome(full.Frames, "", []), new Outcome(counted.Frames, "", []), $"bad bodies, {bodies}");
            Assert.Equal(2, skipped); // the sound bodies after the handshake: the first request and its (failed) reply
        }
    }

    [Fact]
    public void A_body_that_fails_its_wire_check_is_decoded_in_full_with_its_raw_bytes()
    {
        // A reply with a field cut short: the full decoder's error and the raw bytes must come through.
        var frame = new OpenDFrame
        {
            Number = 1, TimestampMicros = 0, PacketNumber = 1, Connection = null!, Direction = FlowDirection.ServerToClient,
            Transport = Transport.Tcp, ProtoId = 3004, SerialNo = 1, BodyLen = 3, ProtoFmt = FrameHeader.FormatProtobuf,
            Proto = ProtoRegistry.Default.Find(3004), Kind = FrameKind.Response, Encryption = EncryptionKind.None,
            Decrypted = false, Sha1Ok = true,
        };
        byte[] body = [0x08, 0x00, 0x12, 0x05, 0x61]; // retType = 0, then retMsg claiming 5 bytes of which 1 is there
        FrameBodies.DecodeInto(frame, body, 0, BodyDetail.Plaintext);
        Assert.Null(frame.Message);
        Assert.Null(frame.Plaintext);
        Assert.Equal(body, frame.RawBody);
        Assert.Contains(frame.Diagnostics, d => d.Code == DiagnosticCodes.DecodeFailed);

        byte[] sound = [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x12, 0x02, 0x68, 0x69, 0x18, 0xa5, 0x4e]; // retType -1, retMsg "hi", errCode 10021
        FrameBodies.DecodeInto(frame, sound, 0, BodyDetail.Verdict);
        Assert.Null(frame.Message);
        Assert.Null(frame.Plaintext);
        Assert.Equal((-1, "hi", 10021), (frame.RetType, frame.RetMsg, frame.ErrCode));
        FrameBodies.DecodeInto(frame, sound, 0, BodyDetail.Plaintext);
        Assert.Null(frame.Message);
        Assert.Equal(sound, frame.Plaintext);
    }

    private static bool IsLogin(OpenDFrame f) => f.Transport == Transport.WebSocket && f.ProtoId == SdkMessageHeader.LoginCmd;

    private sealed record Outcome(List<OpenDFrame> Frames, string Stats, List<string> Others);

    private static Outcome Run(string path, AnalyzerOptions options)
    {
        var collected = new CollectingSink();
        var stats = new StatisticsCollector();
        using (var source = new PcapFileSource(path))
            CaptureAnalyzer.Run(source, options, new TeeSink(stats, collected));
        var text = new StringWriter();
        StatisticsTextWriter.Write(stats.Report, text);
        var others = collected.ConnectionDiagnostics.Select(c => $"{c.Connection.Number} {c.Diagnostic.Code} {c.Diagnostic.Message}")
            .Concat(collected.CaptureDiagnostics.Select(d => $"{d.Code} {d.Message}")).ToList();
        return new Outcome(collected.Frames, text.ToString(), others);
    }

    /// <returns>How many frames came without a message that the full decode had one for.</returns>
    private static int AssertSameAsFull(Outcome full, Outcome counted, string what)
    {
        Assert.Equal(full.Stats, counted.Stats);
        Assert.Equal(full.Others, counted.Others);
        Assert.Equal(full.Frames.Count, counted.Frames.Count);
        var skipped = 0;
        for (var i = 0; i < full.Frames.Count; i++)
        {
            var (f, c) = (full.Frames[i], counted.Frames[i]);
            var at = $"{what}: frame {f.Number} ({f.ProtoId})";
            Assert.True((f.Number, f.ProtoId, f.Kind, f.Sha1Ok, f.RequestFrame, f.LatencyMicros) == (c.Number, c.ProtoId, c.Kind, c.Sha1Ok, c.RequestFrame, c.LatencyMicros), at);
            Assert.True((f.RetType, f.RetMsg, f.ErrCode) == (c.RetType, c.RetMsg, c.ErrCode), $"{at}: result ({f.RetType}, {f.RetMsg}, {f.ErrCode}) vs ({c.RetType}, {c.RetMsg}, {c.ErrCode})");
            Assert.Equal(f.Diagnostics.Select(d => $"{d.Code} {d.Message}"), c.Diagnostics.Select(d => $"{d.Code} {d.Message}"));
            if (c.Message is null)
            {
                if (f.Message is not null) skipped++;
                else Assert.Equal(f.RawBody, c.RawBody);
            }
            else
            {
                Assert.Equal(f.Message, c.Message);
            }
        }
        return skipped;
    }
}
