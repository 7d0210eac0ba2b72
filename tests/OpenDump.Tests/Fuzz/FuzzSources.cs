using Google.Protobuf;
using OpenDump.Crypto;
using OpenDump.Link;
using OpenDump.Testing;
using OpenDump.Tests.Support;
using Org.BouncyCastle.Crypto;

namespace OpenDump.Tests.Fuzz;

/// <summary>
/// The captures every fuzz case starts from: the three Python SDK captures (decoded with their key),
/// the bundled sample, and builder sessions of every body cipher with several connections in one
/// capture, once cut cleanly (one write per segment run) and once coalesced (several frames share a
/// segment) with random splits, reordering and overlapping retransmissions.
/// Built once per test run; each is checked to decode completely before any mutation is made.
/// </summary>
public static class FuzzSources
{
    private static readonly Lazy<IReadOnlyList<FuzzSource>> Sources = new(BuildAll, LazyThreadSafetyMode.ExecutionAndPublication);

    public static IReadOnlyList<FuzzSource> All => Sources.Value;

    public static FuzzSource Named(string name) => All.Single(s => s.Name == name);

    public static readonly string[] Names = ["sdk-plain", "sdk-ftaes", "sdk-cbc", "sample", "synthetic", "synthetic-hostile"];

    private static IReadOnlyList<FuzzSource> BuildAll()
    {
        var sdkKey = RsaPrivateKey.Load(Fixtures.SdkKey);
        var samplePem = Path.Combine(Fixtures.RepoRoot, "captures", SampleCapture.KeyFileName);
        var samplePair = TestCrypto.LoadRsaKeyPair(samplePem);
        var sdkPair = TestCrypto.LoadRsaKeyPair(Fixtures.SdkKey);
        var synthetic = Synthetic(sdkPair);

        var sources = new List<FuzzSource>
        {
            FuzzSource.FromPcapFile("sdk-plain", Fixtures.SdkTcp("plain.pcap"), sdkKey),
            FuzzSource.FromPcapFile("sdk-ftaes", Fixtures.SdkTcp("ftaes.pcap"), sdkKey),
            FuzzSource.FromPcapFile("sdk-cbc", Fixtures.SdkTcp("cbc.pcap"), sdkKey),
            FuzzSource.FromConversations("sample", [SampleCapture.Quote(samplePair), SampleCapture.Trade(samplePair)],
                SampleCapture.Segments(samplePair), RsaPrivateKey.Load(samplePem)),
            FuzzSource.FromConversations("synthetic", synthetic,
                TcpSegmenter.Merge(synthetic.Select((c, i) => (IEnumerable<TestSegment>)c.Segment(new SegmenterOptions { Seed = 11 + i })).ToArray()), sdkKey),
            FuzzSource.FromConversations("synthetic-hostile", synthetic,
                TcpSegmenter.Merge(synthetic.Select((c, i) => (IEnumerable<TestSegment>)c.Segment(SegmenterOptions.Hostile(21 + i) with { Coalesce = true })).ToArray()), sdkKey),
        };

        // The SDK captures must decode here exactly as their golden files count them.
        foreach (var (name, frames) in new[] { ("sdk-plain", 148), ("sdk-ftaes", 153), ("sdk-cbc", 146) })
        {
            var count = sources.Single(s => s.Name == name).AllFrames.Count;
            if (count != frames) throw new InvalidOperationException($"{name}: {count} frames in the clean run, the SDK says {frames}");
        }
        return sources;
    }

    private static readonly Endpoint Server = Endpoint.Parse("192.168.1.10:11111");

    /// <summary>
    /// Three connections to one OpenD, started a few hundred microseconds apart so that their packets
    /// interleave: plaintext (no key anywhere, packetEncAlgo -1 as the SDK asks), FTAES-ECB and AES-CBC.
    /// </summary>
    private static Conversation[] Synthetic(AsymmetricCipherKeyPair key)
    {
        const long start = ConversationBuilder.DefaultStartMicros;
        return
        [
            Session(Endpoint.Parse("192.168.1.20:53001"), start, null, -1, null, connId: 501, serial: 100),
            Session(Endpoint.Parse("192.168.1.20:53002"), start + 300, key, 0, null, connId: 502, serial: 200),
            Session(Endpoint.Parse("192.168.1.21:53003"), start + 700, key, 2, "0123456789abcdef", connId: 503, serial: 300),
        ];
    }

    private static Conversation Session(Endpoint client, long start, AsymmetricCipherKeyPair? key, int packetEncAlgo, string? iv, ulong connId, uint serial)
    {
        var hk = new QotCommon.Security { Market = 1, Code = "00700" };
        var us = new QotCommon.Security { Market = 11, Code = "AAPL" };
        var b = new ConversationBuilder(client, Server, start);
        if (key is not null) b.WithRsaKey(key, paddingSeed: (long)connId);
        b.InitConnect(serialNo: serial, clientId: $"fuzz-{connId}", packetEncAlgo: packetEncAlgo, aesKey: $"fuzzKey{connId:D3}aBcDeF"[..16],
                aesCbcIv: iv, connId: connId, pushProtoFmt: 0)
            .Request(1002, ++serial, new GetGlobalState.Request { C2S = new() { UserID = 10_000_001 } }, afterMicros: 900)
            .Reply(1002, serial, new GetGlobalState.Response
            {
                RetType = 0, RetMsg = "", ErrCode = 0,
                S2C = new() { MarketHK = 3, MarketUS = 9, MarketSH = 3, MarketSZ = 3, MarketHKFuture = 13, QotLogined = true, TrdLogined = true, ServerVer = 1011, ServerBuildNo = 7108, Time = 1_700_000_000, ConnID = connId },
            }, afterMicros: 400)
            .Request(3004, ++serial, new QotGetBasicQot.Request { C2S = new() { SecurityList = { hk, us } } })
            .Reply(3004, serial, new QotGetBasicQot.Response { RetType = 0, RetMsg = "", ErrCode = 0, S2C = new() { BasicQotList = { Quote(hk, 398.2), Quote(us, 227.5) } } }, afterMicros: 700)
            .Request(3004, ++serial, new QotGetBasicQot.Request { C2S = new() { SecurityList = { new QotCommon.Security { Market = 1, Code = "09988" } } } })
            .Reply(3004, serial, new QotGetBasicQot.Response { RetType = -1, RetMsg = "security not subscribed", ErrCode = 10005 }, afterMicros: 300)
            .RequestJson(3004, ++serial, new QotGetBasicQot.Request { C2S = new() { SecurityList = { us } } })
            .ReplyJson(3004, serial, new QotGetBasicQot.Response { RetType = 0, RetMsg = "", ErrCode = 0, S2C = new() { BasicQotList = { Quote(us, 227.6) } } }, afterMicros: 500);

        // A reply of several full segments, so drops and cuts land inside one frame's body.
        var history = new QotRequestHistoryKL.Response { RetType = 0, RetMsg = "", ErrCode = 0, S2C = new() { Security = hk } };
        for (var i = 0; i < 120; i++)
            history.S2C.KlList.Add(new QotCommon.KLine { Time = $"2026-01-{1 + i % 28:D2} 00:00:00", IsBlank = false, OpenPrice = 390 + i, ClosePrice = 391 + i, HighPrice = 393 + i, LowPrice = 388 + i, Volume = 10_000 + i, Turnover = 4e6 + i, Timestamp = 1.767e9 + 86_400 * i });
        b.Request(3103, ++serial, new QotRequestHistoryKL.Request { C2S = new() { RehabType = 1, KlType = 2, Security = hk, BeginTime = "2026-01-01", EndTime = "2026-05-01", MaxAckKLNum = 1000 } })
            .Reply(3103, serial, history, afterMicros: 20_000);

        // A burst of pushes close together, and a second burst later.
        for (uint i = 0; i < 6; i++) b.Push(3011, 900 + i, TickerPush(hk, i), afterMicros: 40);
        b.Push(3005, 950, new QotUpdateBasicQot.Response { RetType = 0, RetMsg = "", ErrCode = 0, S2C = new() { BasicQotList = { Quote(hk, 398.6) } } }, afterMicros: 2_000);
        for (uint i = 6; i < 10; i++) b.Push(3011, 900 + i, TickerPush(hk, i), afterMicros: 15);

        return b.Request(1004, ++serial, new KeepAlive.Request { C2S = new() { Time = 1_700_000_008 } }, afterMicros: 8_000)
            .Reply(1004, serial, new KeepAlive.Response { RetType = 0, RetMsg = "", ErrCode = 0, S2C = new() { Time = 1_700_000_008 } }, afterMicros: 300)
            // A protoID no table knows: shown without a schema, and it must survive like any other.
            .ClientBody(9999, ++serial, new QotCommon.Security { Market = 11, Code = "TSLA" }.ToByteArray())
            .ServerBody(9999, serial, [0x08, 0x00, 0x12, 0x00])
            .Build();
    }

    private static QotCommon.BasicQot Quote(QotCommon.Security security, double price) => new()
    {
        Security = security, IsSuspended = false, ListTime = "2004-06-16", PriceSpread = 0.2, UpdateTime = "2026-01-05 10:00:00",
        HighPrice = price + 2, OpenPrice = price - 1, LowPrice = price - 3, CurPrice = price, LastClosePrice = price - 0.5,
        Volume = 12_345_678, Turnover = 4.9e9, TurnoverRate = 0.13, Amplitude = 3.1,
    };

    private static QotUpdateTicker.Response TickerPush(QotCommon.Security security, uint i) => new()
    {
        RetType = 0, RetMsg = "", ErrCode = 0,
        S2C = new()
        {
            Security = security,
            TickerList = { new QotCommon.Ticker { Time = $"2026-01-05 10:00:{i:D2}", Sequence = 7_000_000 + i, Dir = 1, Price = 398 + i * 0.2, Volume = 100 * (i + 1), Turnover = 39_800 * (i + 1) } },
        },
    };
}
