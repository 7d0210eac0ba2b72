using System.Globalization;
using System.Net;
using Google.Protobuf;
using OpenDump.Capture;
using OpenDump.Crypto;
using OpenDump.Link;
using OpenDump.Testing;
using Org.BouncyCastle.Crypto;

namespace OpenDump.Benchmarks;

/// <summary>One push body of the workload: its protoID, the message and its plaintext.</summary>
public sealed record PushBody(uint ProtoId, IMessage Message, byte[] Plaintext);

/// <summary>The workload built once: conversations, their TCP segments, the captured packets and the push bodies.</summary>
public sealed class WorkloadData
{
    public required IReadOnlyList<Conversation> Conversations { get; init; }
    public required IReadOnlyList<TestSegment> Segments { get; init; }
    public required CapturedPacket[] Packets { get; init; }
    public required IReadOnlyList<PushBody> Pushes { get; init; }
    public required int Frames { get; init; }

    /// <summary>Every frame one side sent, as whole frames (header and wire body), in capture order per connection.</summary>
    public IEnumerable<byte[]> ServerFrames => Conversations.SelectMany(c => c.Messages).Where(m => m.Dir == Direction.ServerToClient && m.ProtoId is not null).Select(m => m.Bytes);
}

/// <summary>
/// A C# rendering of the reference workload of ../shared/bench (gen_big_pcap.py), built with the test
/// builders: 8 connections to 192.168.1.10:11111, RSA InitConnect, AES bodies, then bursts of 1-24
/// pushes (Qot_UpdateTicker 45 %, Qot_UpdateOrderBook with 10 levels 33 %, Qot_UpdateBasicQot 15 %,
/// Qot_UpdateKL 7 %) at ~1200 frames/s per connection, a KeepAlive every 1000 pushes, each burst
/// packed back to back into segments of at most 1448 bytes, the client ACKing every 2 MSS and on a
/// 40 ms delayed-ACK timer, as the generator does. Deterministic for a seed.
/// Left out: the generator's setup requests (GetGlobalState, Qot_Sub, the 42 KB K-line reply), TCP
/// timestamp options (PacketEncoder writes 20-byte TCP headers) and the activity swings of the market.
/// </summary>
public static class Workload
{
    public const int Connections = 8;
    public const int Mss = 1448;
    public const int KeepAliveEvery = 1000;
    public const double FramesPerSecond = 1200;
    public static readonly Endpoint Server = Endpoint.Parse("192.168.1.10:11111");

    /// <summary>Frames of one connection: InitConnect pair, the pushes, a KeepAlive pair per 1000 pushes.</summary>
    public static int FramesPerConnection(int pushes) => 2 + pushes + 2 * ((pushes - 1) / KeepAliveEvery);

    private static readonly Lazy<AsymmetricCipherKeyPair> KeyPairLazy = new(() => TestCrypto.GenerateRsaKeyPair(1024, seed: 7));
    public static AsymmetricCipherKeyPair KeyPair => KeyPairLazy.Value;
    public static RsaPrivateKey RsaKey => RsaPrivateKey.Parse(TestCrypto.ToPem(KeyPair), "benchmark key");

    private static readonly Lazy<WorkloadData> ReferenceLazy = new(() =>
    {
        var data = Build(pushesPerConnection: 2_500, BodyEncryption.FtAesEcb, seed: 1);
        Console.WriteLine($"// workload: {data.Frames:N0} frames, {data.Packets.Length:N0} packets, {data.Packets.Sum(p => (long)p.Data.Length):N0} packet bytes, " +
            $"{data.Pushes.Average(p => p.Plaintext.Length):N0} bytes per push body on average; " +
            string.Join(", ", data.Pushes.GroupBy(p => p.ProtoId).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count() * 100.0 / data.Pushes.Count:N0} %, {g.Average(p => p.Plaintext.Length):N0} B")));
        return data;
    });

    /// <summary>8 × 2,500 FTAES-ECB pushes: 20,000+ frames, ~12,000 packets. Shared by the stage benchmarks.</summary>
    public static WorkloadData Reference => ReferenceLazy.Value;

    public static WorkloadData Build(int pushesPerConnection, BodyEncryption encryption, long seed)
    {
        var rng = new SeededRandom(seed);
        var conversations = new List<Conversation>();
        var pushes = new List<PushBody>();
        var segments = new List<IEnumerable<TestSegment>>();
        var start = ConversationBuilder.DefaultStartMicros;
        for (var i = 0; i < Connections; i++)
        {
            var connRng = new SeededRandom((long)rng.NextUInt64());
            var conversation = BuildConnection(i, start, pushesPerConnection, encryption, connRng, pushes);
            conversations.Add(conversation);
            segments.Add(BurstSegmenter.Segment(conversation, connRng));
            start += (long)(Uniform(rng, 0.05, 1.5) * 1e6);
        }
        var merged = TcpSegmenter.Merge(segments.ToArray());
        var packets = new CapturedPacket[merged.Count];
        for (var i = 0; i < merged.Count; i++)
        {
            var bytes = PacketEncoder.LinkFrame(merged[i], LinkKind.Ethernet);
            packets[i] = new CapturedPacket(i + 1, merged[i].TimestampMicros, 1, bytes, bytes.Length);
        }
        return new WorkloadData
        {
            Conversations = conversations,
            Segments = merged,
            Packets = packets,
            Pushes = pushes,
            Frames = conversations.Sum(c => c.Messages.Count),
        };
    }

    private static Conversation BuildConnection(int index, long startMicros, int pushCount, BodyEncryption encryption, SeededRandom rng, List<PushBody> pushes)
    {
        var client = new Endpoint(IPAddress.Parse($"192.168.1.{101 + index % 3}"), (ushort)(40000 + rng.Next(20000)));
        var aesKey = string.Concat(Enumerable.Range(0, 16).Select(_ => "0123456789ABCDEF"[rng.Next(16)]));
        var iv = encryption == BodyEncryption.AesCbc ? string.Concat(Enumerable.Range(0, 16).Select(_ => "abcdefghijklmnop"[rng.Next(16)])) : null;
        var b = new ConversationBuilder(client, Server, startMicros);
        if (encryption != BodyEncryption.None) b.WithRsaKey(KeyPair, paddingSeed: index + 1);
        var cserial = (uint)rng.Next(1, 5000);
        b.InitConnect(cserial, clientId: $"perf_client_{index}", packetEncAlgo: (int)encryption, aesKey: aesKey, aesCbcIv: iv,
            connId: 7_300_000_000_000_000_000UL + (ulong)rng.Next(0, int.MaxValue), pushProtoFmt: 0, programmingLanguage: "Python",
            loginUserId: 10_000_000UL + (ulong)rng.Next(90_000_000), afterMicros: 300, replyAfterMicros: 4_000);

        var market = new Market(rng);
        var rate = FramesPerSecond * Uniform(rng, 0.6, 1.4);
        var pserial = (uint)rng.Next(1, 1000);
        var done = 0;
        var nextKeepAlive = KeepAliveEvery;
        b.Idle(2_000);
        while (done < pushCount)
        {
            if (done >= nextKeepAlive)
            {
                nextKeepAlive += KeepAliveEvery;
                cserial++;
                var now = b.NowMicros / 1_000_000;
                b.Request(1004, cserial, new KeepAlive.Request { C2S = new KeepAlive.C2S { Time = now } }, afterMicros: 50);
                b.Reply(1004, cserial, new KeepAlive.Response { RetType = 0, RetMsg = "", ErrCode = 0, S2C = new KeepAlive.S2C { Time = now } }, afterMicros: 400);
            }
            var k = 1;
            while (k < 24 && rng.Chance(0.55)) k++;
            k = Math.Min(k, Math.Min(pushCount - done, nextKeepAlive - done));
            var gap = (long)(-Math.Log(1 - rng.NextDouble()) * k / rate * 1e6);
            for (var j = 0; j < k; j++)
            {
                var t = (b.NowMicros + (j == 0 ? gap : 0)) / 1e6;
                var (protoId, message) = market.NextPush(t);
                pserial++;
                b.Push(protoId, pserial, message, afterMicros: j == 0 ? Math.Max(1, gap) : 0);
                pushes.Add(new PushBody(protoId, message, message.ToByteArray()));
            }
            done += k;
        }
        return b.Build();
    }

    internal static double Uniform(SeededRandom rng, double min, double max) => min + (max - min) * rng.NextDouble();

    /// <summary>
    /// Cuts a conversation into segments the way gen_big_pcap.py does: consecutive messages of one side
    /// written at the same time are one flush, packed back to back into MSS-sized segments; the receiver
    /// ACKs every 2 MSS one RTT later and the rest on a 40 ms delayed-ACK timer.
    /// </summary>
    private static class BurstSegmenter
    {
        private const long DelayedAckMicros = 40_000;

        public static List<TestSegment> Segment(Conversation c, SeededRandom rng)
        {
            var isn = new[] { (uint)rng.NextUInt64(), (uint)rng.NextUInt64() };
            var sent = new long[2];
            var unacked = new long[2];
            long?[] delackAt = [null, null];
            var rtt = (long)Uniform(rng, 150, 600);
            var result = new List<TestSegment>();
            var clock = c.StartMicros;
            Endpoint Src(int dir) => dir == 0 ? c.Client : c.Server;
            Endpoint Dst(int dir) => dir == 0 ? c.Server : c.Client;
            uint Seq(int dir) => unchecked(isn[dir] + 1 + (uint)sent[dir]);
            void Emit(long time, int dir, uint seq, uint ack, TcpFlags flags, byte[] payload)
            {
                clock = Math.Max(clock, time);
                result.Add(new TestSegment(clock, Src(dir), Dst(dir), seq, ack, flags, payload));
            }
            void Ack(long time, int from)
            {
                unacked[1 - from] = 0;
                delackAt[from] = null;
                Emit(time, from, Seq(from), Seq(1 - from), TcpFlags.Ack, []);
            }

            Emit(clock, 0, isn[0], 0, TcpFlags.Syn, []);
            Emit(clock + rtt, 1, isn[1], isn[0] + 1, TcpFlags.Syn | TcpFlags.Ack, []);
            Emit(clock + rtt + rtt / 10, 0, isn[0] + 1, isn[1] + 1, TcpFlags.Ack, []);

            var messages = c.Messages;
            for (var m = 0; m < messages.Count;)
            {
                var dir = (int)messages[m].Dir;
                var time = messages[m].TimestampMicros;
                var end = m;
                var length = 0;
                while (end < messages.Count && (int)messages[end].Dir == dir && messages[end].TimestampMicros == time)
                    length += messages[end++].Bytes.Length;
                var data = new byte[length];
                var at = 0;
                for (var i = m; i < end; i++)
                {
                    messages[i].Bytes.CopyTo(data, at);
                    at += messages[i].Bytes.Length;
                }
                m = end;

                for (var side = 0; side < 2; side++)
                    if (delackAt[side] is { } due && due <= time) Ack(due, side);
                // Data carries an ACK of everything the other side sent.
                unacked[1 - dir] = 0;
                delackAt[dir] = null;

                var t = time;
                for (var offset = 0; offset < length; offset += Mss)
                {
                    var size = Math.Min(Mss, length - offset);
                    var flags = offset + size >= length ? TcpFlags.Ack | TcpFlags.Psh : TcpFlags.Ack;
                    Emit(t, dir, Seq(dir), Seq(1 - dir), flags, data.AsSpan(offset, size).ToArray());
                    sent[dir] += size;
                    unacked[dir] += size;
                    t += (size + 66) * 8 / 1000 + 1; // ~1 Gbit/s
                    if (unacked[dir] >= 2 * Mss) Ack(t + rtt, 1 - dir);
                }
                if (unacked[dir] > 0 && delackAt[1 - dir] is null) delackAt[1 - dir] = t + DelayedAckMicros;
            }

            for (var side = 0; side < 2; side++)
                if (delackAt[side] is { } due) Ack(due, side);
            var close = clock + 1_000;
            Emit(close, 0, Seq(0), Seq(1), TcpFlags.Fin | TcpFlags.Ack, []);
            Emit(close + rtt, 1, Seq(1), Seq(0) + 1, TcpFlags.Fin | TcpFlags.Ack, []);
            Emit(close + rtt + rtt / 10, 0, Seq(0) + 1, Seq(1) + 1, TcpFlags.Ack, []);
            return result;
        }
    }
}

/// <summary>
/// The market of gen_big_pcap.py, simplified: a random walk in ticks per security, busier names
/// (Pareto weights) pushed more often, the same field sets in each push type.
/// </summary>
internal sealed class Market
{
    private static readonly (int Market, string Code, string Name, double Price, string ListTime)[] Universe =
    [
        (1, "00700", "腾讯控股", 512.0, "2004-06-16"), (1, "09988", "阿里巴巴-W", 148.3, "2019-11-26"),
        (1, "03690", "美团-W", 101.9, "2018-09-20"), (1, "01810", "小米集团-W", 41.26, "2018-07-09"),
        (1, "00388", "香港交易所", 402.6, "2000-06-27"), (1, "00005", "汇丰控股", 105.1, "1991-01-02"),
        (1, "02318", "中国平安", 56.35, "2004-06-24"), (1, "00941", "中国移动", 86.7, "1997-10-23"),
        (1, "01299", "友邦保险", 74.15, "2010-10-29"), (1, "09618", "京东集团-SW", 118.2, "2020-06-18"),
        (1, "01024", "快手-W", 63.45, "2021-02-05"), (1, "00883", "中国海洋石油", 19.86, "2001-02-28"),
        (1, "00939", "建设银行", 7.62, "2005-10-27"), (1, "01211", "比亚迪股份", 98.55, "2002-07-31"),
        (1, "02800", "盈富基金", 25.94, "1999-11-12"), (1, "09999", "网易-S", 211.4, "2020-06-11"),
        (11, "AAPL", "苹果", 271.49, "1980-12-12"), (11, "TSLA", "特斯拉", 417.78, "2010-06-29"),
        (11, "NVDA", "英伟达", 178.88, "1999-01-22"), (11, "MSFT", "微软", 472.12, "1986-03-13"),
        (11, "AMZN", "亚马逊", 220.69, "1997-05-15"), (11, "GOOG", "谷歌-C", 299.66, "2004-08-19"),
        (11, "META", "Meta Platforms", 594.25, "2012-05-18"), (11, "AMD", "超威半导体", 203.78, "1972-09-27"),
        (11, "BABA", "阿里巴巴", 157.15, "2014-09-19"), (11, "PDD", "拼多多", 114.33, "2018-07-26"),
        (11, "FUTU", "富途控股", 165.02, "2019-03-08"), (11, "NFLX", "奈飞", 104.96, "2002-05-23"),
        (11, "TQQQ", "纳指三倍做多ETF-ProShares", 51.37, "2010-02-11"), (11, "SPY", "标普500ETF-SPDR", 659.03, "1993-01-29"),
        (21, "600519", "贵州茅台", 1449.0, "2001-08-27"), (21, "601318", "中国平安", 58.56, "2007-03-01"),
        (21, "600036", "招商银行", 42.81, "2002-04-09"), (22, "000001", "平安银行", 11.63, "1991-04-03"),
        (22, "000858", "五粮液", 113.6, "1998-04-27"), (22, "300750", "宁德时代", 369.0, "2018-06-11"),
        (22, "002594", "比亚迪", 93.12, "2011-06-30"),
    ];

    private static readonly (double Below, double Tick)[] HkSpreads =
        [(0.25, 0.001), (0.5, 0.005), (10, 0.01), (20, 0.02), (100, 0.05), (200, 0.1), (500, 0.2), (1000, 0.5), (2000, 1.0), (5000, 2.0), (double.MaxValue, 5.0)];

    private sealed class Sec
    {
        public required int Market;
        public required string Code;
        public required string Name;
        public required string ListTime;
        public required double ListTimestamp;
        public required int TzSeconds;
        public required double Tick;
        public required long N;
        public required double LastClose;
        public required double Open;
        public double High, Low;
        public long Volume;
        public double Turnover;
        public long Shares;
        public long Seq;
        public int Lot;
        public double Weight;
        public double Pe;
        public long KlMinute = long.MinValue;
        public double KlOpen, KlHigh, KlLow, KlLastClose;
        public long KlVolume;
        public double Price => Math.Round(N * Tick, 3);
    }

    private readonly SeededRandom _rng;
    private readonly Sec[] _secs;
    private readonly double[] _cumulative;

    public Market(SeededRandom rng)
    {
        _rng = rng;
        var picked = Universe.OrderBy(_ => rng.NextUInt64()).Take(rng.Next(8, 21)).ToArray();
        _secs = picked.Select(row =>
        {
            var tz = row.Market == 11 ? -5 * 3600 : 8 * 3600;
            var tick = row.Market == 1 ? HkSpreads.First(s => row.Price < s.Below).Tick : 0.01;
            var n = Math.Max(1, (long)Math.Round(row.Price / tick));
            var s = new Sec
            {
                Market = row.Market, Code = row.Code, Name = row.Name, ListTime = row.ListTime,
                ListTimestamp = DateTime.ParseExact(row.ListTime, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)
                    .Subtract(TimeSpan.FromSeconds(tz)).Subtract(DateTime.UnixEpoch).TotalSeconds,
                TzSeconds = tz, Tick = tick, N = n,
                LastClose = Math.Round(n * tick * Workload.Uniform(rng, 0.97, 1.03), 3),
                Open = Math.Round(n * tick, 3),
            };
            s.High = s.Low = s.Open;
            s.Volume = rng.Next(100_000, 10_000_000);
            s.Turnover = s.Volume * s.Price;
            s.Shares = 1_000_000_000L + (long)(rng.NextDouble() * 19_000_000_000L);
            s.Seq = 7_300_000_000_000_000_000L + (long)(rng.NextDouble() * 1e15);
            s.Lot = row.Market == 11 ? 1 : 100;
            s.Weight = Pareto(1.2);
            s.Pe = Math.Round(Workload.Uniform(rng, 8, 45), 3);
            return s;
        }).ToArray();
        _cumulative = new double[_secs.Length];
        var acc = 0.0;
        for (var i = 0; i < _secs.Length; i++) _cumulative[i] = acc += _secs[i].Weight;
    }

    private double Pareto(double alpha) => 1.0 / Math.Pow(1.0 - _rng.NextDouble(), 1.0 / alpha);

    private Sec Pick()
    {
        var x = _rng.NextDouble() * _cumulative[^1];
        var i = Array.BinarySearch(_cumulative, x);
        return _secs[Math.Min(i < 0 ? ~i : i, _secs.Length - 1)];
    }

    private double Step(Sec s)
    {
        var r = _rng.NextDouble();
        if (r < 0.18) s.N++;
        else if (r < 0.36) s.N = Math.Max(1, s.N - 1);
        var p = s.Price;
        s.High = Math.Max(s.High, p);
        s.Low = Math.Min(s.Low, p);
        return p;
    }

    private static string LocalTime(double epochSeconds, int tz) =>
        DateTime.UnixEpoch.AddSeconds(Math.Floor(epochSeconds) + tz).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string LocalTimeMillis(double t, int tz) =>
        LocalTime(t, tz) + "." + ((int)(t % 1 * 1000)).ToString("D3", CultureInfo.InvariantCulture);

    private static QotCommon.Security SecurityOf(Sec s) => new() { Market = s.Market, Code = s.Code };

    /// <summary>The next push: Qot_UpdateTicker 45 %, Qot_UpdateOrderBook 33 %, Qot_UpdateBasicQot 15 %, Qot_UpdateKL 7 %.</summary>
    public (uint ProtoId, IMessage Message) NextPush(double t)
    {
        var s = Pick();
        var r = _rng.NextDouble();
        if (r < 0.45) return (3011, Ticker(s, t));
        if (r < 0.78) return (3013, OrderBook(s, t));
        if (r < 0.93) return (3005, BasicQot(s, t));
        return (3007, KLine(s, t));
    }

    private IMessage Ticker(Sec s, double t)
    {
        var n = 1;
        while (n < 6 && _rng.Chance(0.35)) n++;
        var s2c = new QotUpdateTicker.S2C { Security = SecurityOf(s), Name = s.Name };
        var time = LocalTimeMillis(t, s.TzSeconds);
        var rt = Math.Round(t, 3);
        for (var i = 0; i < n; i++)
        {
            var p = Step(s);
            s.Seq += 1 + (long)(_rng.NextDouble() * 40);
            var v = s.Lot * (long)(1 + Pareto(1.5) * 3);
            s.Volume += v;
            var to = Math.Round(p * v, 3);
            s.Turnover += to;
            s2c.TickerList.Add(new QotCommon.Ticker
            {
                Time = time, Sequence = s.Seq, Dir = 1 + _rng.Next(3), Price = p, Volume = v, Turnover = to,
                RecvTime = rt, Type = 1, TypeSign = 0, PushDataType = 1, Timestamp = rt,
            });
        }
        return new QotUpdateTicker.Response { RetType = 0, RetMsg = "", ErrCode = 0, S2C = s2c };
    }

    private IMessage OrderBook(Sec s, double t)
    {
        var ts = LocalTimeMillis(t, s.TzSeconds);
        var s2c = new QotUpdateOrderBook.S2C
        {
            Security = SecurityOf(s), Name = s.Name,
            SvrRecvTimeBid = ts, SvrRecvTimeBidTimestamp = Math.Round(t, 3),
            SvrRecvTimeAsk = ts, SvrRecvTimeAskTimestamp = Math.Round(t, 3),
        };
        for (var i = 0; i < 10; i++)
            s2c.OrderBookAskList.Add(new QotCommon.OrderBook
            {
                Price = Math.Round((s.N + 1 + i) * s.Tick, 3),
                Volume = s.Lot * (long)(1 + _rng.NextDouble() * 400 * (i + 1)),
                OrederCount = 1 + (int)(_rng.NextDouble() * 30),
            });
        for (var i = 0; i < 10; i++)
            s2c.OrderBookBidList.Add(new QotCommon.OrderBook
            {
                Price = Math.Round(Math.Max(1, s.N - i) * s.Tick, 3),
                Volume = s.Lot * (long)(1 + _rng.NextDouble() * 400 * (i + 1)),
                OrederCount = 1 + (int)(_rng.NextDouble() * 30),
            });
        return new QotUpdateOrderBook.Response { RetType = 0, RetMsg = "", ErrCode = 0, S2C = s2c };
    }

    private IMessage BasicQot(Sec first, double t)
    {
        var n = 1 + _rng.Next(3);
        var s2c = new QotUpdateBasicQot.S2C();
        for (var i = 0; i < n; i++)
        {
            var s = i == 0 ? first : Pick();
            var p = s.Price;
            var b = new QotCommon.BasicQot
            {
                Security = SecurityOf(s), Name = s.Name, IsSuspended = false, ListTime = s.ListTime, PriceSpread = s.Tick,
                ListTimestamp = s.ListTimestamp, DarkStatus = 0, SecStatus = 1, LastClosePrice = s.LastClose, OpenPrice = s.Open,
                UpdateTime = LocalTime(t, s.TzSeconds), CurPrice = p, HighPrice = s.High, LowPrice = s.Low,
                Volume = s.Volume, Turnover = Math.Round(s.Turnover, 3),
                TurnoverRate = Math.Round((double)s.Volume / s.Shares * 100, 3),
                Amplitude = Math.Round((s.High - s.Low) / s.LastClose * 100, 3),
                UpdateTimestamp = Math.Floor(t),
            };
            if (s.Market == 11)
            {
                var price = Math.Round(s.LastClose * 1.003, 2);
                var high = Math.Round(s.LastClose * 1.011, 2);
                var low = Math.Round(s.LastClose * 0.995, 2);
                var volume = s.Volume / 20;
                var change = Math.Round(price - s.LastClose, 3);
                b.PreMarket = new QotCommon.PreAfterMarketData
                {
                    Price = price, HighPrice = high, LowPrice = low, Volume = volume, Turnover = Math.Round(volume * price, 2),
                    ChangeVal = change, ChangeRate = Math.Round(change / s.LastClose * 100, 3),
                    Amplitude = Math.Round((high - low) / s.LastClose * 100, 3),
                };
            }
            s2c.BasicQotList.Add(b);
        }
        return new QotUpdateBasicQot.Response { RetType = 0, RetMsg = "", ErrCode = 0, S2C = s2c };
    }

    private IMessage KLine(Sec s, double t)
    {
        var minute = (long)(t + s.TzSeconds) / 60 * 60;
        var p = s.Price;
        if (s.KlMinute != minute)
        {
            s.KlMinute = minute;
            s.KlOpen = s.KlHigh = s.KlLow = s.KlLastClose = p;
            s.KlVolume = 0;
        }
        s.KlHigh = Math.Max(s.KlHigh, p);
        s.KlLow = Math.Min(s.KlLow, p);
        s.KlVolume += s.Lot * (long)(1 + _rng.NextDouble() * 50);
        var k = new QotCommon.KLine
        {
            Time = LocalTime(minute, 0), IsBlank = false,
            HighPrice = s.KlHigh, OpenPrice = s.KlOpen, LowPrice = s.KlLow, ClosePrice = p, LastClosePrice = s.KlLastClose,
            Volume = s.KlVolume, Turnover = Math.Round(s.KlVolume * p, 3),
            TurnoverRate = Math.Round((double)s.KlVolume / s.Shares * 100, 5), Pe = s.Pe,
            ChangeRate = Math.Round((p - s.KlLastClose) / s.KlLastClose * 100, 4), Timestamp = minute - s.TzSeconds,
        };
        var s2c = new QotUpdateKL.S2C { RehabType = 1, KlType = 1, Security = SecurityOf(s), Name = s.Name, KlList = { k } };
        return new QotUpdateKL.Response { RetType = 0, RetMsg = "", ErrCode = 0, S2C = s2c };
    }
}
