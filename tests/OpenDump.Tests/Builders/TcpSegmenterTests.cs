using OpenDump.Link;
using OpenDump.Testing;
using Xunit;

namespace OpenDump.Tests.Builders;

public sealed class TcpSegmenterTests
{
    private static readonly Endpoint Client = Endpoint.Parse("10.1.2.3:50001");
    private static readonly Endpoint Server = Endpoint.Parse("10.1.2.4:11111");
    private const int BigBody = 120_000;

    /// <summary>Requests with replies, a 120 KB reply, back-to-back pushes and some raw bytes.</summary>
    private static readonly Conversation Session = BuildSession();

    private static Conversation BuildSession()
    {
        var big = new byte[BigBody];
        new SeededRandom(3).NextBytes(big);
        return new ConversationBuilder(Client, Server)
            .WithRsaKey(TestCrypto.GenerateRsaKeyPair(seed: 5))
            .InitConnect(serialNo: 1, packetEncAlgo: 2, aesKey: "0123456789abcdef", aesCbcIv: "fedcba9876543210")
            .Request(1002, 2, new GetGlobalState.Request { C2S = new() { UserID = 1 } })
            .Reply(1002, 2, new GetGlobalState.Response { RetType = 0 }, afterMicros: 300)
            .Request(3103, 3, new QotRequestHistoryKL.Request())
            .ServerBody(3103, 3, big, afterMicros: 40_000)
            .Push(3005, 100, new QotUpdateBasicQot.Response { RetType = 0 }, afterMicros: 0)
            .Push(3011, 101, new QotUpdateTicker.Response { RetType = 0 }, afterMicros: 0)
            .Request(1004, 4, new KeepAlive.Request { C2S = new() { Time = 8 } }, afterMicros: 8_000_000)
            .Reply(1004, 4, new KeepAlive.Response { RetType = 0 }, afterMicros: 200)
            .ClientBytes([0x46, 0x54, 0x00])
            .Build();
    }

    private static SegmenterOptions Shape(string name) => name switch
    {
        "whole" => SegmenterOptions.Default,
        "one byte" => SegmenterOptions.OneByte,
        "splits 1" => SegmenterOptions.Splits(1),
        "splits 2" => SegmenterOptions.Splits(2),
        "hostile 1" => SegmenterOptions.Hostile(1),
        "hostile 2" => SegmenterOptions.Hostile(2),
        "hostile 3 near wrap" => SegmenterOptions.Hostile(3) with { IsnNearWrap = true },
        "coalesced" => new() { Coalesce = true },
        "near wrap" => new() { IsnNearWrap = true },
        "no handshake, rst" => new() { Handshake = false, ClientIsn = 1000, ServerIsn = uint.MaxValue - 10, Close = TcpClose.Rst },
        "mss 100, no acks" => new() { MaxSegmentSize = 100, PureAcks = false },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    public static TheoryData<string> Shapes => new()
    {
        "whole", "one byte", "splits 1", "splits 2", "hostile 1", "hostile 2", "hostile 3 near wrap",
        "coalesced", "near wrap", "no handshake, rst", "mss 100, no acks",
    };

    /// <summary>
    /// A minimal reassembler for the tests: places each payload byte by its sequence number and notes the
    /// index of the first segment that carried it.
    /// </summary>
    private static (byte[] Bytes, int[] FirstSeen) Reassemble(IReadOnlyList<TestSegment> segments, Endpoint source, uint firstSeq, int length)
    {
        var bytes = new byte[length];
        var firstSeen = Enumerable.Repeat(-1, length).ToArray();
        for (var i = 0; i < segments.Count; i++)
        {
            var s = segments[i];
            if (s.Source != source) continue;
            var offset = (int)unchecked(s.Seq - firstSeq);
            for (var k = 0; k < s.Payload.Length; k++)
            {
                if (firstSeen[offset + k] >= 0) Assert.Equal(bytes[offset + k], s.Payload[k]); // retransmissions agree
                else { firstSeen[offset + k] = i; bytes[offset + k] = s.Payload[k]; }
            }
        }
        return (bytes, firstSeen);
    }

    private static uint FirstSeq(IReadOnlyList<TestSegment> segments, Endpoint source, SegmenterOptions options)
    {
        var syn = segments.FirstOrDefault(s => s.Source == source && s.Flags.HasFlag(TcpFlags.Syn));
        if (syn is not null) return unchecked(syn.Seq + 1);
        var isn = source == Client ? options.ClientIsn : options.ServerIsn;
        return unchecked(isn!.Value + 1);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_shape_carries_exactly_the_conversation_bytes(string shape)
    {
        var options = Shape(shape);
        var segments = Session.Segment(options);

        foreach (var dir in new[] { Direction.ClientToServer, Direction.ServerToClient })
        {
            var expected = Session.StreamOf(dir);
            var source = Session.SourceOf(dir);
            var (bytes, firstSeen) = Reassemble(segments, source, FirstSeq(segments, source, options), expected.Length);
            Assert.DoesNotContain(-1, firstSeen);
            Assert.Equal(expected, bytes);
        }
        Assert.All(segments.Zip(segments.Skip(1)), p => Assert.True(p.First.TimestampMicros <= p.Second.TimestampMicros));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_reply_never_shows_up_before_its_request_is_complete(string shape)
    {
        var options = Shape(shape);
        var segments = Session.Segment(options);
        var seen = new Dictionary<Direction, int[]>();
        foreach (var dir in new[] { Direction.ClientToServer, Direction.ServerToClient })
        {
            var source = Session.SourceOf(dir);
            seen[dir] = Reassemble(segments, source, FirstSeq(segments, source, options), Session.StreamOf(dir).Length).FirstSeen;
        }

        var offsets = new Dictionary<Direction, int> { [Direction.ClientToServer] = 0, [Direction.ServerToClient] = 0 };
        var requestDone = new Dictionary<uint, int>();
        foreach (var message in Session.Messages)
        {
            var start = offsets[message.Dir];
            offsets[message.Dir] += message.Bytes.Length;
            var firstSeg = seen[message.Dir][start..offsets[message.Dir]];
            if (message.SerialNo is not { } serial) continue;
            if (message.Dir == Direction.ClientToServer) requestDone[serial] = firstSeg.Max();
            else if (requestDone.TryGetValue(serial, out var done)) Assert.True(firstSeg.Min() > done, $"reply {serial} before its request");
        }
    }

    [Fact]
    public void Splitting_never_changes_the_time_a_message_completes()
    {
        var whole = Session.Segment(SegmenterOptions.Default);
        var bytewise = Session.Segment(SegmenterOptions.OneByte);
        var server = Session.StreamOf(Direction.ServerToClient).Length;

        long CompletionTime(IReadOnlyList<TestSegment> segments, int endOffset)
        {
            var firstSeq = FirstSeq(segments, Server, SegmenterOptions.Default);
            return segments.First(s => s.Source == Server && s.Payload.Length > 0 && (int)unchecked(s.Seq - firstSeq) + s.Payload.Length >= endOffset).TimestampMicros;
        }

        var end = 0;
        foreach (var message in Session.Messages.Where(m => m.Dir == Direction.ServerToClient))
        {
            end += message.Bytes.Length;
            Assert.Equal(message.TimestampMicros, CompletionTime(whole, end));
            Assert.Equal(message.TimestampMicros, CompletionTime(bytewise, end));
        }
        Assert.Equal(server, end);
    }

    [Fact]
    public void A_120_KB_body_fills_full_size_segments()
    {
        var segments = Session.Segment(SegmenterOptions.Default);
        var frame = Session.Messages.Single(m => m.Bytes.Length > BigBody);
        var carrying = segments.Where(s => s.TimestampMicros == frame.TimestampMicros && s.Source == Server && s.Payload.Length > 0).ToList();

        // The two pushes written in the same microsecond follow in their own segments.
        var expected = (frame.Bytes.Length + 1447) / 1448 + 2;
        Assert.Equal(expected, carrying.Count);
        Assert.All(carrying.Take(expected - 3), s => Assert.Equal(1448, s.Payload.Length));
    }

    [Fact]
    public void Near_wrap_isns_make_the_sequence_numbers_wrap()
    {
        var segments = Session.Segment(new SegmenterOptions { IsnNearWrap = true });
        foreach (var source in new[] { Client, Server })
        {
            var syn = segments.First(s => s.Source == source && s.Flags.HasFlag(TcpFlags.Syn));
            Assert.True(syn.Seq > uint.MaxValue - 1000);
            Assert.Contains(segments, s => s.Source == source && s.Payload.Length > 0 && s.Seq < syn.Seq);
        }
    }

    [Fact]
    public void Both_sides_close_with_fin_after_their_last_byte()
    {
        var segments = Session.Segment(SegmenterOptions.Default);
        foreach (var dir in new[] { Direction.ClientToServer, Direction.ServerToClient })
        {
            var source = Session.SourceOf(dir);
            var fin = segments.Single(s => s.Source == source && s.Flags.HasFlag(TcpFlags.Fin));
            Assert.Equal(unchecked(FirstSeq(segments, source, SegmenterOptions.Default) + (uint)Session.StreamOf(dir).Length), fin.Seq);
        }
        Assert.Equal(TcpFlags.Ack, segments[^1].Flags);
    }

    [Fact]
    public void The_seed_decides_everything_random()
    {
        static string Shape(IReadOnlyList<TestSegment> segments) =>
            string.Join(",", segments.Select(s => $"{s.Seq}:{s.Payload.Length}:{s.TimestampMicros}"));

        Assert.Equal(Shape(Session.Segment(SegmenterOptions.Hostile(7))), Shape(Session.Segment(SegmenterOptions.Hostile(7))));
        Assert.NotEqual(Shape(Session.Segment(SegmenterOptions.Hostile(7))), Shape(Session.Segment(SegmenterOptions.Hostile(8))));
    }

    [Fact]
    public void Merged_connections_stay_in_time_order()
    {
        var later = new ConversationBuilder(Endpoint.Parse("10.1.2.3:50002"), Server, ConversationBuilder.DefaultStartMicros + 500)
            .Request(1004, 9, new KeepAlive.Request { C2S = new() { Time = 1 } })
            .Build();
        var merged = TcpSegmenter.Merge(Session.Segment(), later.Segment());

        Assert.Equal(Session.Segment().Count + later.Segment().Count, merged.Count);
        Assert.All(merged.Zip(merged.Skip(1)), p => Assert.True(p.First.TimestampMicros <= p.Second.TimestampMicros));
    }
}
