using Google.Protobuf;
using OpenDump.Crypto;
using OpenDump.Diagnostics;
using OpenDump.Link;
using OpenDump.Session;
using OpenDump.Testing;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.EndToEnd;

/// <summary>Lost segments, corrupted headers and foreign traffic: what is intact still decodes, the rest is reported.</summary>
public sealed class ImperfectCaptureTests
{
    private static readonly Endpoint Client = Endpoint.Parse("192.168.7.2:51000");
    internal static readonly Endpoint Server = Endpoint.Parse("192.168.7.1:11111");
    private static readonly Org.BouncyCastle.Crypto.AsymmetricCipherKeyPair KeyPair = TestCrypto.LoadRsaKeyPair(Fixtures.SdkKey);
    internal static readonly RsaPrivateKey Key = RsaPrivateKey.Load(Fixtures.SdkKey);

    /// <summary>
    /// A session with <paramref name="pushes"/> pushes of distinct sizes (serialNo 100 on), each in its own segment, between
    /// <see cref="Client"/> and <see cref="Server"/>: encrypted with <see cref="KeyPair"/> and the AES mode of
    /// <paramref name="packetEncAlgo"/> (2, AES-CBC, by default), or in the clear when that is null.
    /// </summary>
    internal static Conversation PushSession(int pushes = 30, int? packetEncAlgo = 2)
    {
        var b = new ConversationBuilder(Client, Server);
        if (packetEncAlgo is not null) b.WithRsaKey(KeyPair);
        b.InitConnect(serialNo: 1, packetEncAlgo: packetEncAlgo, aesCbcIv: packetEncAlgo == 2 ? "0123456789abcdef" : null, connId: 5);
        for (uint i = 0; i < pushes; i++)
            b.Push(3011, 100 + i, new QotUpdateTicker.Response
            {
                RetType = 0,
                S2C = new QotUpdateTicker.S2C { Security = new QotCommon.Security { Market = 1, Code = "00700" }, TickerList = { Enumerable.Range(0, (int)i % 5 + 1).Select(n => new QotCommon.Ticker { Time = $"10:00:{n:D2}", Sequence = n, Dir = 1, Price = 400 + n, Volume = 100, Turnover = 40000 }) } },
            });
        return b.Build();
    }

    private static List<ulong> PushSerials(CollectingSink sink) => sink.Frames.Where(f => f.ProtoId == 3011).Select(f => f.SerialNo).ToList();

    [Fact]
    public void After_a_lost_segment_the_framer_resynchronises_and_everything_else_decodes()
    {
        var conversation = PushSession();
        var segments = conversation.Segment().ToList();
        // The server's 11th data segment is the 10th push (the first is the InitConnect reply).
        var serverData = segments.Where(s => s.Source == Server && s.Payload.Length > 0).ToList();
        segments.Remove(serverData[10]);

        var sink = Analyze.Capture(segments, Key);

        Assert.Equal(Enumerable.Range(100, 30).Select(i => (ulong)i).Where(i => i != 109), PushSerials(sink));
        Assert.All(sink.Frames, f => Assert.True(f.Sha1Ok));
        var gap = Assert.Single(sink.ConnectionDiagnostics, d => d.Diagnostic.Code == DiagnosticCodes.TcpGap);
        Assert.Contains($"{serverData[10].Payload.Length} bytes missing", gap.Diagnostic.Message);
        var s2c = sink.Connections[0].ServerToClient;
        Assert.True(s2c.AddsUp);
        Assert.Equal(serverData[10].Payload.Length, s2c.GapBytes);
    }

    [Fact]
    public void A_frame_straddling_a_gap_is_reported_lost_with_its_header()
    {
        var conversation = PushSession();
        var segments = conversation.Segment(new SegmenterOptions { MaxSegmentSize = 100 }).ToList();
        // Drop the second segment of the 6th push: its header arrived, its body did not all arrive.
        var sixth = conversation.Messages.Where(m => m.Dir == Direction.ServerToClient).ElementAt(6);
        var offset = conversation.Messages.Where(m => m.Dir == Direction.ServerToClient).Take(6).Sum(m => m.Bytes.Length);
        var serverData = segments.Where(s => s.Source == Server && s.Payload.Length > 0).ToList();
        var start = serverData[0].Seq;
        segments.Remove(serverData.First(s => s.Seq - start > offset));

        var sink = Analyze.Capture(segments, Key);

        Assert.DoesNotContain(sixth.SerialNo!.Value, PushSerials(sink));
        Assert.Equal(29, PushSerials(sink).Count);
        var lost = Assert.Single(sink.ConnectionDiagnostics, d => d.Diagnostic.Code == DiagnosticCodes.TruncatedFrame);
        Assert.Contains($"protoID 3011 (Qot_UpdateTicker) serialNo {sixth.SerialNo}", lost.Diagnostic.Message);
        Assert.True(sink.Connections[0].ServerToClient.AddsUp);
    }

    [Fact]
    public void A_corrupted_body_length_does_not_swallow_the_frames_after_it()
    {
        var conversation = PushSession();
        var segments = conversation.Segment().ToList();
        var serverData = segments.Where(s => s.Source == Server && s.Payload.Length > 0).ToList();
        var victim = serverData[5];
        var corrupted = victim.Payload.ToArray();
        corrupted[OpenDump.Framing.FrameHeader.BodyLenOffset] ^= 0x10; // bodyLen off by 16: the SHA-1 disproves it
        segments[segments.IndexOf(victim)] = victim with { Payload = corrupted };

        var sink = Analyze.Capture(segments, Key);

        Assert.Equal(Enumerable.Range(100, 30).Select(i => (ulong)i).Where(i => i != 104), PushSerials(sink));
        Assert.All(sink.Frames, f => Assert.True(f.Sha1Ok));
        Assert.Contains(sink.ConnectionDiagnostics, d => d.Diagnostic.Code == DiagnosticCodes.Sha1Mismatch && d.Diagnostic.Message.Contains("false sync"));
        Assert.True(sink.Connections[0].ServerToClient.AddsUp);
    }

    [Fact]
    public void Garbage_spliced_between_frames_is_one_report_with_its_bytes()
    {
        var garbage = "\0\0garbage between frames FT\x01\x02 more garbage"u8.ToArray();
        var conversation = new ConversationBuilder(Client, Server).WithRsaKey(KeyPair)
            .InitConnect(serialNo: 1, packetEncAlgo: 0, connId: 5)
            .Request(1004, 2, new KeepAlive.Request { C2S = new KeepAlive.C2S { Time = 1 } })
            .ClientBytes(garbage)
            .Request(1004, 3, new KeepAlive.Request { C2S = new KeepAlive.C2S { Time = 2 } })
            .Build();
        var sink = Analyze.Capture(conversation.Segment(), Key);

        Assert.Equal([1u, 2u, 3u], sink.Frames.Where(f => f.Direction == OpenDump.Reassembly.FlowDirection.ClientToServer).Select(f => f.SerialNo));
        var report = Assert.Single(sink.ConnectionDiagnostics, d => d.Diagnostic.Code == DiagnosticCodes.BadHeader);
        Assert.Contains($"{garbage.Length} bytes that are not an OpenD frame", report.Diagnostic.Message);
        Assert.Contains(Convert.ToHexStringLower(garbage[..8]), report.Diagnostic.Message);
        Assert.Equal(garbage.Length, sink.Connections[0].ClientToServer.GarbageBytes);
    }

    [Fact]
    public void Foreign_traffic_on_the_watched_port_is_said_once_per_connection()
    {
        var http = new ConversationBuilder(Client, Server)
            .ClientBytes("GET / HTTP/1.1\r\nHost: opend\r\n\r\n"u8.ToArray())
            .ServerBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"u8.ToArray())
            .ClientBytes("GET /again HTTP/1.1\r\n\r\n"u8.ToArray())
            .Build();
        var sink = Analyze.Capture(http.Segment(new SegmenterOptions { OneBytePerSegment = true }));

        Assert.Empty(sink.Frames);
        var said = Assert.Single(sink.ConnectionDiagnostics);
        Assert.Equal(DiagnosticCodes.NotOpenD, said.Diagnostic.Code);
        Assert.Contains("474554202f", said.Diagnostic.Message); // "GET /"
        var c = Assert.Single(sink.Connections);
        Assert.Equal((c.ClientToServer.StreamBytes, c.ServerToClient.StreamBytes), (c.ClientToServer.GarbageBytes, c.ServerToClient.GarbageBytes));
    }

    [Fact]
    public void A_capture_starting_mid_frame_says_so_and_decodes_from_the_first_header()
    {
        var conversation = PushSession();
        var segments = conversation.Segment(new SegmenterOptions { MaxSegmentSize = 100 }).ToList();
        var serverData = segments.Where(s => s.Source == Server && s.Payload.Length > 0).ToList();
        // Start the capture in the middle of the server's stream, a few segments after the handshake.
        var late = segments.Where(s => s.TimestampMicros >= serverData[7].TimestampMicros && !s.Flags.HasFlag(TcpFlags.Syn) && (s.Source != Server || s.Seq >= serverData[7].Seq)).ToList();

        var keys = new KeyLogEntry("5", Client, Server, EncryptionKind.AesCbc, "0123456789abcdef"u8.ToArray(), "0123456789abcdef"u8.ToArray());
        var sink = Analyze.Capture(late, options: new AnalyzerOptions { SuppliedKeys = [keys] });

        Assert.Contains(sink.ConnectionDiagnostics, d => d.Diagnostic.Code == DiagnosticCodes.Resync && d.Diagnostic.Message.Contains("start is not in the capture"));
        Assert.NotEmpty(PushSerials(sink));
        Assert.Equal(PushSerials(sink), Enumerable.Range((int)PushSerials(sink)[0], 130 - (int)PushSerials(sink)[0]).Select(i => (ulong)i));
        Assert.All(sink.Frames, f => Assert.True(f.Sha1Ok));
        Assert.True(sink.Connections[0].ServerToClient.AddsUp);
    }

    [Fact]
    public void A_packet_cut_by_snaplen_keeps_the_frames_it_holds_and_the_rest_is_a_gap()
    {
        var conversation = PushSession();
        var segments = conversation.Segment(new SegmenterOptions { Coalesce = true }).ToList();
        var big = segments.Where(s => s.Source == Server && s.Payload.Length > 1000).First();
        var path = Path.Combine(Path.GetTempPath(), $"opendump-snap-{Guid.NewGuid():N}.pcap");
        using (var file = File.Create(path))
        using (var writer = new PcapWriter(file, LinkKind.Ethernet))
        {
            foreach (var s in segments)
            {
                var frame = PacketEncoder.LinkFrame(s, LinkKind.Ethernet);
                // Capture only the first 700 bytes of the big segment, as a small snaplen would.
                if (ReferenceEquals(s, big)) writer.WritePacket(s.TimestampMicros, frame.AsSpan(0, 700), (uint)frame.Length);
                else writer.WritePacket(s.TimestampMicros, frame);
            }
        }
        try
        {
            var sink = new CollectingSink();
            using (var source = new OpenDump.Capture.PcapFileSource(path)) CaptureAnalyzer.Run(source, new AnalyzerOptions { RsaKey = Key }, sink);

            var clean = Analyze.Capture(segments, Key);
            var lostBytes = big.Payload.Length - (700 - 14 - 20 - 20);
            var gap = Assert.Single(sink.ConnectionDiagnostics, d => d.Diagnostic.Code == DiagnosticCodes.TcpGap);
            Assert.Contains($"{lostBytes} bytes missing", gap.Diagnostic.Message);
            Assert.DoesNotContain(sink.CaptureDiagnostics, d => d.Code == DiagnosticCodes.PacketMalformed);
            // Frames wholly inside the captured part of the packet survive; exactly those reaching past it are lost.
            var streamStart = segments.First(s => s.Source == Server && s.Payload.Length > 0).Seq;
            var cut = big.Seq - streamStart + (700 - 14 - 20 - 20);
            var end = big.Seq - streamStart + big.Payload.Length;
            var offset = 0L;
            var expectedLost = 0;
            foreach (var m in conversation.Messages.Where(m => m.Dir == Direction.ServerToClient))
            {
                if (offset + m.Bytes.Length > cut && offset < end) expectedLost++;
                offset += m.Bytes.Length;
            }
            Assert.True(expectedLost >= 1);
            Assert.Equal(clean.Frames.Count - expectedLost, sink.Frames.Count);
            Assert.All(sink.Frames, f => Assert.True(f.Sha1Ok));
            Assert.True(sink.Connections[0].ServerToClient.AddsUp);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_fake_header_before_init_connect_cannot_swallow_the_handshake()
    {
        var fake = OpenDFrames.Frame(3005, 1, new byte[2000]).AsSpan(0, 44).ToArray(); // claims a 2000-byte body
        var conversation = new ConversationBuilder(Client, Server).WithRsaKey(KeyPair)
            .ServerBytes([0x01, 0x02, .. fake, 0x03])
            .InitConnect(serialNo: 1, packetEncAlgo: 2, aesCbcIv: "0123456789abcdef", connId: 5)
            .Push(3011, 7, new QotUpdateTicker.Response { RetType = 0 })
            .Build();
        var sink = Analyze.Capture(conversation.Segment(), Key);

        Assert.Equal([1001u, 1001u, 3011u], sink.Frames.Select(f => f.ProtoId));
        Assert.All(sink.Frames, f => Assert.True(f.Sha1Ok));
        Assert.Equal(EncryptionKind.AesCbc, sink.Frames[^1].Encryption);
        Assert.Equal(fake.Length + 3, sink.Connections[0].ServerToClient.GarbageBytes);
    }

    [Theory]
    [InlineData(2, "0123456789abcdef", EncryptionKind.AesCbc)]
    [InlineData(0, null, EncryptionKind.FtAesEcb)]
    [InlineData(1, null, EncryptionKind.AesEcb)]
    [InlineData(-1, null, EncryptionKind.None)]
    public void Without_the_init_connect_request_the_algorithm_is_found_by_trial(int packetEncAlgo, string? iv, EncryptionKind expected)
    {
        var conversation = new ConversationBuilder(Client, Server).WithRsaKey(KeyPair)
            .InitConnect(serialNo: 1, packetEncAlgo: packetEncAlgo, aesCbcIv: iv, connId: 5)
            .Request(1004, 2, new KeepAlive.Request { C2S = new KeepAlive.C2S { Time = 1 } })
            .Reply(1004, 2, new KeepAlive.Response { RetType = 0, S2C = new KeepAlive.S2C { Time = 1 } })
            .Build();
        var segments = conversation.Segment().ToList();
        segments.Remove(segments.First(s => s.Source == Client && s.Payload.Length > 0)); // the InitConnect request

        var sink = Analyze.Capture(segments, Key);

        Assert.Equal([1001u, 1004u, 1004u], sink.Frames.Select(f => f.ProtoId));
        Assert.All(sink.Frames, f => Assert.True(f.Sha1Ok));
        Assert.Equal(expected, sink.Frames[^1].Encryption);
        Assert.Equal(expected, sink.Connections[0].Encryption);
    }
}
