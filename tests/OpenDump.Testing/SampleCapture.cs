using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using OpenDump.Link;
using Org.BouncyCastle.Crypto;
using Qot = global::QotCommon;
using Trd = global::TrdCommon;

namespace OpenDump.Testing;

/// <summary>
/// The bundled sample capture (captures/sample.pcap): a Python-SDK-like client talking to OpenD with
/// protocol encryption on, over two loopback connections. Everything here is invented but shaped like
/// real traffic on the morning of 2025-03-14 in Hong Kong. Tests may rebuild it in memory and compare
/// with the committed file, so any change here must come with a regenerated capture.
/// </summary>
public static class SampleCapture
{
    public const string KeyFileName = "sample_rsa1024.pem";

    /// <summary>2025-03-14 09:30:00 HKT, the Hong Kong open.</summary>
    public const long StartMicros = 1_741_915_800_000_000;

    public static readonly Endpoint OpenD = Endpoint.Parse("127.0.0.1:11111");
    public static readonly Endpoint QuoteClient = Endpoint.Parse("127.0.0.1:50712");
    public static readonly Endpoint TradeClient = Endpoint.Parse("127.0.0.1:50716");

    public const ulong QuoteConnId = 7208194650213379073;
    public const ulong TradeConnId = 7208194650213379074;
    public const string QuoteAesKey = "7c1e9a04d35b26f8";
    public const string QuoteAesCbcIv = "a4f0c9e1b7d23856";
    public const string TradeAesKey = "e2b58d0f6a1c7943";
    public const ulong LoginUserId = 12_583_204;
    public const ulong RealAccId = 281_756_478_305_412_104;
    public const ulong SimAccId = 5_620_478;
    public const ulong OrderId = 6_832_971_023_458_921;

    private const int ServerVer = 1011;
    private const int ClientVer = 1011;

    // The Python SDK's serialNo counter starts at time % 10000 + 1 and is shared by all connections.
    private const uint FirstSerial = (uint)(StartMicros / 1_000_000 % 10_000) + 1;

    private const uint InitConnectId = 1001, GetGlobalStateId = 1002, NotifyId = 1003, KeepAliveId = 1004;
    private const uint TrdGetAccListId = 2001, TrdUnlockTradeId = 2005, TrdSubAccPushId = 2008;
    private const uint TrdPlaceOrderId = 2202, TrdUpdateOrderId = 2208;
    private const uint QotSubId = 3001, QotGetBasicQotId = 3004, QotUpdateBasicQotId = 3005;
    private const uint QotUpdateTickerId = 3011, QotRequestHistoryKlId = 3103;

    private const int MarketHk = 1, MarketUs = 11;
    private static readonly TimeSpan Hkt = TimeSpan.FromHours(8);

    /// <summary>Both connections, interleaved by time, as written to captures/sample.pcap (Ethernet, MSS 1448).</summary>
    public static IReadOnlyList<TestSegment> Segments(AsymmetricCipherKeyPair key) =>
        TcpSegmenter.Merge(
            Quote(key).Segment(new SegmenterOptions { Seed = 1 }),
            Trade(key).Segment(new SegmenterOptions { Seed = 2 }));

    public static byte[] Pcap(AsymmetricCipherKeyPair key) => Segments(key).ToPcap(LinkKind.Ethernet);

    /// <summary>
    /// The quote connection: AES-CBC after InitConnect, a failed and a successful basic quote, pushes,
    /// a daily K-line history spanning about twenty segments and a KeepAlive eight seconds in.
    /// </summary>
    public static Conversation Quote(AsymmetricCipherKeyPair key)
    {
        var serial = FirstSerial;
        var push = 1u;
        var tencent = Security(MarketHk, "00700");
        var apple = Security(MarketUs, "AAPL");
        var tape = new Tape(StartMicros);

        var conv = new ConversationBuilder(QuoteClient, OpenD, StartMicros)
            .WithRsaKey(key, paddingSeed: 1001)
            .InitConnect(serialNo: serial, clientId: "opendump-sample", packetEncAlgo: 2, aesKey: QuoteAesKey,
                aesCbcIv: QuoteAesCbcIv, connId: QuoteConnId, pushProtoFmt: 0, clientVer: ClientVer, serverVer: ServerVer,
                loginUserId: LoginUserId, keepAliveInterval: 10, afterMicros: 1_200, replyAfterMicros: 850)

            .Request(GetGlobalStateId, ++serial, new GetGlobalState.Request { C2S = new() { UserID = LoginUserId } }, afterMicros: 2_100)
            .Reply(GetGlobalStateId, serial, GlobalState(QuoteConnId), afterMicros: 620)

            .Request(QotSubId, ++serial, new QotSub.Request
            {
                C2S = new()
                {
                    SecurityList = { tencent, apple },
                    SubTypeList = { (int)Qot.SubType.Basic, (int)Qot.SubType.Ticker },
                    IsSubOrUnSub = true,
                    IsRegOrUnRegPush = true,
                    IsFirstPush = true,
                },
            }, afterMicros: 1_500)
            .Reply(QotSubId, serial, new QotSub.Response { RetType = 0, RetMsg = "", ErrCode = 0, S2C = new() }, afterMicros: 3_400)

            // Alibaba was never subscribed: OpenD refuses the quote.
            .Request(QotGetBasicQotId, ++serial, new QotGetBasicQot.Request
            {
                C2S = new() { SecurityList = { Security(MarketHk, "09988") } },
            }, afterMicros: 1_100)
            .Reply(QotGetBasicQotId, serial, new QotGetBasicQot.Response
            {
                RetType = -1,
                RetMsg = "security not subscribed",
                ErrCode = 10005,
            }, afterMicros: 480)

            .Request(QotGetBasicQotId, ++serial, new QotGetBasicQot.Request
            {
                C2S = new() { SecurityList = { tencent, apple } },
            }, afterMicros: 900)
            .Reply(QotGetBasicQotId, serial, new QotGetBasicQot.Response
            {
                RetType = 0,
                RetMsg = "",
                ErrCode = 0,
                S2C = new() { BasicQotList = { tape.TencentQuote(), AppleQuote() } },
            }, afterMicros: 760);

        // OpenD pushes a trade a couple of milliseconds after it happened: one ticker, then the new quote.
        void Trade(double seconds)
        {
            tape.Trade(seconds);
            conv.Push(QotUpdateTickerId, push++, tape.TickerPush(), afterMicros: tape.AtMicros + 2_150 - conv.NowMicros)
                .Push(QotUpdateBasicQotId, push++, BasicQotPush(tape.TencentQuote()), afterMicros: 1_300);
        }

        long Until(double seconds) => StartMicros + (long)Math.Round(seconds * 1_000_000) - conv.NowMicros;

        // Morning trading; meanwhile the trade connection takes the next five serial numbers.
        foreach (var seconds in new[] { 0.21, 0.46, 0.71, 0.96 }) Trade(seconds);

        conv.Push(NotifyId, push++, new Notify.Response
        {
            RetType = 0,
            S2C = new()
            {
                Type = (int)Notify.NotifyType.ConnStatus,
                ConnectStatus = new() { QotLogined = true, TrdLogined = true },
            },
        }, afterMicros: Until(1.6));

        serial += 6;
        conv.Request(QotRequestHistoryKlId, ++serial, new QotRequestHistoryKL.Request
            {
                C2S = new()
                {
                    RehabType = (int)Qot.RehabType.Forward,
                    KlType = (int)Qot.KLType.Day,
                    Security = tencent,
                    BeginTime = HistoryBegin.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    EndTime = HistoryEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    MaxAckKLNum = 1000,
                },
            }, afterMicros: Until(2.52))
            .Reply(QotRequestHistoryKlId, serial, DailyHistory(tencent), afterMicros: 38_500);

        foreach (var seconds in new[] { 2.9, 3.9, 4.9, 5.9, 6.9 }) Trade(seconds);

        // keepAliveInterval 10: the Python SDK sends its KeepAlive every 10 * 4/5 seconds.
        var keepAliveSeconds = StartMicros / 1_000_000 + 8;
        conv.Request(KeepAliveId, ++serial, new KeepAlive.Request { C2S = new() { Time = keepAliveSeconds } }, afterMicros: Until(8.0012))
            .Reply(KeepAliveId, serial, new KeepAlive.Response { RetType = 0, RetMsg = "", ErrCode = 0, S2C = new() { Time = keepAliveSeconds } }, afterMicros: 410);

        Trade(8.3);

        return conv.Build();
    }

    /// <summary>
    /// The trade connection: FTAES-ECB (no IV asked for), account list, push registration, unlock,
    /// one limit order and the order push that follows it.
    /// </summary>
    public static Conversation Trade(AsymmetricCipherKeyPair key)
    {
        const long opensAfter = 1_200_000;
        var serial = FirstSerial + 5;
        var realHeader = new Trd.TrdHeader { TrdEnv = (int)Trd.TrdEnv.Real, AccID = RealAccId, TrdMarket = (int)Trd.TrdMarket.Hk };
        var price = 512.5;
        var qty = 100.0;
        var placedAt = new DateTimeOffset(2025, 3, 14, 9, 30, 1, 672, Hkt);

        return new ConversationBuilder(TradeClient, OpenD, StartMicros + opensAfter)
            .WithRsaKey(key, paddingSeed: 1002)
            .InitConnect(serialNo: serial, clientId: "opendump-sample", packetEncAlgo: 0, aesKey: TradeAesKey,
                aesCbcIv: null, connId: TradeConnId, pushProtoFmt: 0, clientVer: ClientVer, serverVer: ServerVer,
                loginUserId: LoginUserId, keepAliveInterval: 10, afterMicros: 1_100, replyAfterMicros: 900)

            .Request(TrdGetAccListId, ++serial, new TrdGetAccList.Request
            {
                C2S = new() { UserID = LoginUserId, TrdCategory = (int)Trd.TrdCategory.Security, NeedGeneralSecAccount = true },
            }, afterMicros: 1_800)
            .Reply(TrdGetAccListId, serial, new TrdGetAccList.Response
            {
                RetType = 0,
                RetMsg = "",
                ErrCode = 0,
                S2C = new()
                {
                    AccList =
                    {
                        new Trd.TrdAcc
                        {
                            TrdEnv = (int)Trd.TrdEnv.Real, AccID = RealAccId, TrdMarketAuthList = { (int)Trd.TrdMarket.Hk },
                            AccType = (int)Trd.TrdAccType.Margin, CardNum = "1001289516047725", SecurityFirm = (int)Trd.SecurityFirm.FutuSecurities,
                            SimAccType = (int)Trd.SimAccType.Unknown, UniCardNum = "1001100320581947", AccStatus = (int)Trd.TrdAccStatus.Active,
                            AccRole = (int)Trd.TrdAccRole.Normal,
                        },
                        new Trd.TrdAcc
                        {
                            TrdEnv = (int)Trd.TrdEnv.Simulate, AccID = SimAccId, TrdMarketAuthList = { (int)Trd.TrdMarket.Hk },
                            AccType = (int)Trd.TrdAccType.Cash, CardNum = "N/A", SecurityFirm = (int)Trd.SecurityFirm.Unknown,
                            SimAccType = (int)Trd.SimAccType.Stock, AccStatus = (int)Trd.TrdAccStatus.Active,
                        },
                    },
                },
            }, afterMicros: 9_500)

            // The Python SDK registers for order pushes as soon as it knows the accounts.
            .Request(TrdSubAccPushId, ++serial, new TrdSubAccPush.Request { C2S = new() { AccIDList = { RealAccId, SimAccId } } }, afterMicros: 1_200)
            .Reply(TrdSubAccPushId, serial, new TrdSubAccPush.Response { RetType = 0, RetMsg = "", ErrCode = 0, S2C = new() }, afterMicros: 700)

            .Request(TrdUnlockTradeId, ++serial, new TrdUnlockTrade.Request
            {
                C2S = new()
                {
                    Unlock = true,
                    PwdMD5 = Convert.ToHexStringLower(MD5.HashData(Encoding.ASCII.GetBytes("sample-only"))),
                    SecurityFirm = (int)Trd.SecurityFirm.FutuSecurities,
                },
            }, afterMicros: 2_000)
            .Reply(TrdUnlockTradeId, serial, new TrdUnlockTrade.Response { RetType = 0, RetMsg = "", ErrCode = 0, S2C = new() }, afterMicros: 160_000)

            // The first order is refused (an odd lot), which the README's tour goes looking for.
            .Request(TrdPlaceOrderId, ++serial, new TrdPlaceOrder.Request
            {
                C2S = new()
                {
                    PacketID = new global::Common.PacketID { ConnID = TradeConnId, SerialNo = serial },
                    Header = realHeader,
                    TrdSide = (int)Trd.TrdSide.Buy,
                    OrderType = (int)Trd.OrderType.Normal,
                    Code = "00700",
                    Qty = qty + 50,
                    Price = price,
                    AdjustPrice = false,
                    SecMarket = (int)Trd.TrdSecMarket.Hk,
                    TimeInForce = (int)Trd.TimeInForce.Day,
                },
            }, afterMicros: 120_000)
            .Reply(TrdPlaceOrderId, serial, new TrdPlaceOrder.Response
            {
                RetType = -1,
                RetMsg = "Order quantity must be a multiple of the lot size (100)",
                ErrCode = 1_016,
                S2C = new() { Header = realHeader },
            }, afterMicros: 42_000)

            .Request(TrdPlaceOrderId, ++serial, new TrdPlaceOrder.Request
            {
                C2S = new()
                {
                    PacketID = new global::Common.PacketID { ConnID = TradeConnId, SerialNo = serial },
                    Header = realHeader,
                    TrdSide = (int)Trd.TrdSide.Buy,
                    OrderType = (int)Trd.OrderType.Normal,
                    Code = "00700",
                    Qty = qty,
                    Price = price,
                    AdjustPrice = false,
                    SecMarket = (int)Trd.TrdSecMarket.Hk,
                    TimeInForce = (int)Trd.TimeInForce.Day,
                },
            }, afterMicros: 88_000)
            .Reply(TrdPlaceOrderId, serial, new TrdPlaceOrder.Response
            {
                RetType = 0,
                RetMsg = "",
                ErrCode = 0,
                S2C = new() { Header = realHeader, OrderID = OrderId, OrderIDEx = $"FT{OrderId}" },
            }, afterMicros: 85_000)

            .Push(TrdUpdateOrderId, 1, new TrdUpdateOrder.Response
            {
                RetType = 0,
                RetMsg = "",
                ErrCode = 0,
                S2C = new()
                {
                    Header = realHeader,
                    Order = new Trd.Order
                    {
                        TrdSide = (int)Trd.TrdSide.Buy,
                        OrderType = (int)Trd.OrderType.Normal,
                        OrderStatus = (int)Trd.OrderStatus.Submitted,
                        OrderID = OrderId,
                        OrderIDEx = $"FT{OrderId}",
                        Code = "00700",
                        Name = "腾讯控股",
                        Qty = qty,
                        Price = price,
                        CreateTime = placedAt.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
                        UpdateTime = placedAt.AddMilliseconds(88).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
                        FillQty = 0,
                        FillAvgPrice = 0,
                        LastErrMsg = "",
                        SecMarket = (int)Trd.TrdSecMarket.Hk,
                        CreateTimestamp = placedAt.ToUnixTimeMilliseconds() / 1000.0,
                        UpdateTimestamp = placedAt.AddMilliseconds(88).ToUnixTimeMilliseconds() / 1000.0,
                        Remark = "",
                        TimeInForce = (int)Trd.TimeInForce.Day,
                        FillOutsideRTH = false,
                        Currency = (int)Trd.Currency.Hkd,
                        TrdMarket = (int)Trd.TrdMarket.Hk,
                    },
                },
            }, afterMicros: 4_000)
            .Build();
    }

    private static Qot.Security Security(int market, string code) => new() { Market = market, Code = code };

    private static GetGlobalState.Response GlobalState(ulong connId) => new()
    {
        RetType = 0,
        RetMsg = "",
        ErrCode = 0,
        S2C = new()
        {
            MarketHK = (int)Qot.QotMarketState.Morning,
            MarketUS = (int)Qot.QotMarketState.AfterHoursEnd,
            MarketSH = (int)Qot.QotMarketState.Morning,
            MarketSZ = (int)Qot.QotMarketState.Morning,
            MarketHKFuture = (int)Qot.QotMarketState.FutureDayOpen,
            MarketUSFuture = (int)Qot.QotMarketState.FutureOpen,
            QotLogined = true,
            TrdLogined = true,
            ServerVer = ServerVer,
            ServerBuildNo = 7108,
            Time = StartMicros / 1_000_000,
            LocalTime = (StartMicros + 4_337) / 1e6,
            ProgramStatus = new global::Common.ProgramStatus { Type = global::Common.ProgramStatusType.Ready, StrExtDesc = "" },
            QotSvrIpAddr = "119.29.40.137",
            TrdSvrIpAddr = "119.29.40.138",
            ConnID = connId,
        },
    };

    private static QotUpdateBasicQot.Response BasicQotPush(Qot.BasicQot quote) => new()
    {
        RetType = 0,
        RetMsg = "",
        ErrCode = 0,
        S2C = new() { BasicQotList = { quote } },
    };

    /// <summary>The US market is closed during the Hong Kong morning, so Apple's quote is yesterday's close.</summary>
    private static Qot.BasicQot AppleQuote()
    {
        var close = new DateTimeOffset(2025, 3, 13, 16, 0, 0, TimeSpan.FromHours(-4));
        return new Qot.BasicQot
        {
            Security = Security(MarketUs, "AAPL"),
            Name = "苹果",
            IsSuspended = false,
            ListTime = "1980-12-12",
            PriceSpread = 0.01,
            UpdateTime = close.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            HighPrice = 216.84,
            OpenPrice = 215.95,
            LowPrice = 208.42,
            CurPrice = 209.68,
            LastClosePrice = 216.98,
            Volume = 60_107_582,
            Turnover = 12_728_651_234.5,
            TurnoverRate = 0.4,
            Amplitude = 3.88,
            ListTimestamp = 345_427_200,
            UpdateTimestamp = close.ToUnixTimeSeconds(),
            SecStatus = (int)Qot.SecurityStatus.Normal,
        };
    }

    // Weekdays only; Hong Kong holidays are ignored, the bars only need to look like a year of trading.
    private static readonly DateOnly HistoryBegin = new(2024, 4, 15);
    private static readonly DateOnly HistoryEnd = new(2025, 3, 13);
    private const double TencentLastClose = 507.0;
    private const long TencentShares = 9_210_000_000;

    /// <summary>
    /// A year of daily bars from a seeded random walk, scaled so that it ends at the last close the
    /// live quotes start from. Only + - * / and rounding are used: transcendental functions may differ in
    /// the last bit between C libraries, and the sample must regenerate byte-identically everywhere.
    /// </summary>
    private static QotRequestHistoryKL.Response DailyHistory(Qot.Security security)
    {
        var rng = new SeededRandom(20250314);
        var days = new List<DateOnly>();
        for (var d = HistoryBegin; d <= HistoryEnd; d = d.AddDays(1))
            if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) days.Add(d);

        var raw = new double[days.Count + 1];
        raw[0] = 1.0;
        for (var i = 1; i < raw.Length; i++)
            raw[i] = raw[i - 1] * (1 + 0.0019 + 0.021 * Gaussian(rng));
        var scale = TencentLastClose / raw[^1];

        var response = new QotRequestHistoryKL.Response
        {
            RetType = 0,
            RetMsg = "",
            ErrCode = 0,
            S2C = new() { Security = security, Name = "腾讯控股" },
        };
        for (var i = 0; i < days.Count; i++)
        {
            var lastClose = HkTick(raw[i] * scale);
            var close = HkTick(raw[i + 1] * scale);
            var open = HkTick(lastClose * (1 + 0.006 * Gaussian(rng)));
            var high = HkTick(Math.Max(open, close) * (1 + 0.009 * rng.NextDouble()));
            var low = HkTick(Math.Min(open, close) * (1 - 0.009 * rng.NextDouble()));
            var volume = 12_000_000L + rng.Next(0, 18_000_000);
            var midnight = new DateTimeOffset(days[i].Year, days[i].Month, days[i].Day, 0, 0, 0, Hkt);
            response.S2C.KlList.Add(new Qot.KLine
            {
                Time = midnight.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                IsBlank = false,
                HighPrice = high,
                OpenPrice = open,
                LowPrice = low,
                ClosePrice = close,
                LastClosePrice = lastClose,
                Volume = volume,
                Turnover = Math.Round(volume * (open + close + high + low) / 4),
                TurnoverRate = Math.Round(volume * 100.0 / TencentShares, 3),
                Pe = Math.Round(close / 21.37, 3),
                ChangeRate = Math.Round((close - lastClose) * 100 / lastClose, 3),
                Timestamp = midnight.ToUnixTimeSeconds(),
            });
        }
        return response;
    }

    /// <summary>Irwin–Hall: twelve uniforms minus six is close enough to a standard normal, with no libm.</summary>
    private static double Gaussian(SeededRandom rng)
    {
        var sum = 0.0;
        for (var i = 0; i < 12; i++) sum += rng.NextDouble();
        return sum - 6;
    }

    /// <summary>HKEX price ladder: 0.2 between 200 and 500, 0.5 between 500 and 1000.</summary>
    private static double HkTick(double price)
    {
        var tick = price < 200 ? 0.1 : price < 500 ? 0.2 : 0.5;
        return Math.Round(Math.Round(price / tick) * tick, 1);
    }

    /// <summary>Tencent's live tape for the morning: each trade moves the price and feeds both pushes.</summary>
    private sealed class Tape(long openMicros)
    {
        private readonly long _openMicros = openMicros;
        private readonly SeededRandom _rng = new(700);
        private double _price = 511.0;
        private double _high = 511.0;
        private double _low = 511.0;
        private long _volume = 1_326_400;
        private double _turnover = 677_790_400;
        private long _sequence = 7_481_326_829_376_266_240;
        private long _atMicros = openMicros;
        private long _lastVolume;
        private int _lastDir;

        public long AtMicros => _atMicros;

        public void Trade(double seconds)
        {
            _atMicros = _openMicros + (long)Math.Round(seconds * 1_000_000);
            _lastDir = _rng.Chance(0.5) ? (int)Qot.TickerDirection.Bid : (int)Qot.TickerDirection.Ask;
            _price = HkTick(_price + (_lastDir == (int)Qot.TickerDirection.Bid ? 0.5 : -0.5) * _rng.Next(0, 2));
            _high = Math.Max(_high, _price);
            _low = Math.Min(_low, _price);
            _lastVolume = 100L * _rng.Next(1, 60);
            _volume += _lastVolume;
            _turnover += _lastVolume * _price;
            _sequence += _rng.Next(1, 40);
        }

        public QotUpdateTicker.Response TickerPush()
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds(_atMicros / 1000).ToOffset(Hkt);
            return new QotUpdateTicker.Response
            {
                RetType = 0,
                RetMsg = "",
                ErrCode = 0,
                S2C = new()
                {
                    Security = Security(MarketHk, "00700"),
                    Name = "腾讯控股",
                    TickerList =
                    {
                        new Qot.Ticker
                        {
                            Time = at.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
                            Sequence = _sequence,
                            Dir = _lastDir,
                            Price = _price,
                            Volume = _lastVolume,
                            Turnover = _lastVolume * _price,
                            RecvTime = (_atMicros + 2_150) / 1e6,
                            Type = (int)Qot.TickerType.Automatch,
                            TypeSign = 0,
                            Timestamp = _atMicros / 1000 / 1e3,
                        },
                    },
                },
            };
        }

        public Qot.BasicQot TencentQuote()
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds(_atMicros / 1000).ToOffset(Hkt);
            return new Qot.BasicQot
            {
                Security = Security(MarketHk, "00700"),
                Name = "腾讯控股",
                IsSuspended = false,
                ListTime = "2004-06-16",
                PriceSpread = 0.5,
                UpdateTime = at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                HighPrice = _high,
                OpenPrice = 511.0,
                LowPrice = _low,
                CurPrice = _price,
                LastClosePrice = TencentLastClose,
                Volume = _volume,
                Turnover = Math.Round(_turnover, 2),
                TurnoverRate = Math.Round(_volume * 100.0 / TencentShares, 3),
                Amplitude = Math.Round((_high - _low) * 100 / TencentLastClose, 3),
                DarkStatus = 0,
                ListTimestamp = 1_087_315_200,
                UpdateTimestamp = _atMicros / 1000 / 1e3,
                SecStatus = (int)Qot.SecurityStatus.Normal,
            };
        }
    }
}
