using System.Numerics;
using OpenDump.Crypto;
using OpenDump.Diagnostics;
using OpenDump.Link;
using OpenDump.Reassembly;
using OpenDump.Session;

namespace OpenDump.Output;

/// <summary>
/// Aggregates a capture as its frames stream by (`opendump stats`): per connection, per protocol,
/// the failed calls and the totals. A frame costs a few counter updates and two dictionary
/// lookups; requests and paired responses also append one number each (timestamp, latency),
/// because peaks and percentiles need every value. <see cref="Report"/> is built at the end.
/// </summary>
public sealed class StatisticsCollector : IAnalysisSink
{
    private const long OneSecondMicros = 1_000_000;
    private const long ThirtySecondsMicros = 30_000_000;

    private readonly Dictionary<uint, ProtoCounts> _protocols = new();
    private readonly Dictionary<int, ConnectionCounts> _connections = new();
    // The entries of _connections and _protocols by index: for protoIDs, those OpenD uses (all below 16384).
    private const uint DirectProtoIds = 16384, DirectConnections = 1 << 20;
    private ConnectionCounts?[] _connectionsByNumber = [];
    private ProtoCounts?[] _protocolsById = [];
    private readonly List<FailedCall> _failedCalls = [];
    private long _frames, _requests, _responses, _pushes, _unpaired, _diagnostics;
    private long _first = long.MaxValue, _last = long.MinValue;
    private StatisticsReport? _report;

    public StatisticsReport Report => _report ?? throw new InvalidOperationException("the statistics are complete only after OnComplete");

    public void OnFrame(OpenDFrame f)
    {
        _frames++;
        var ts = f.TimestampMicros;
        if (ts < _first) _first = ts;
        if (ts > _last) _last = ts;
        _diagnostics += f.DiagnosticCount;

        var conn = CountsOf(f.Connection);
        conn.Diagnostics += f.DiagnosticCount;

        var proto = CountsOf(f.ProtoId);
        proto.Name ??= f.ProtoName;
        if (f.Direction == FlowDirection.ClientToServer) proto.ClientToServerBodyBytes += f.BodyLen;
        else proto.ServerToClientBodyBytes += f.BodyLen;

        switch (f.Kind)
        {
            case FrameKind.Request:
                _requests++;
                conn.Requests++;
                proto.RequestTimestamps.Add(ts);
                return;
            case FrameKind.Response:
                _responses++;
                conn.Responses++;
                proto.Responses++;
                if (f.RequestFrame is null) _unpaired++;
                if (f.LatencyMicros is { } latency) proto.Latencies.Add(latency);
                break;
            default:
                _pushes++;
                conn.Pushes++;
                proto.Pushes++;
                break;
        }

        var retType = f.RetType ?? 0;
        var wsFailed = f.WebSocket is { Failed: true };
        if (retType == 0 && !wsFailed) return;
        proto.Failed++;
        if (retType != 0)
        {
            proto.FailuresByRetType ??= new Dictionary<int, long>();
            proto.FailuresByRetType[retType] = proto.FailuresByRetType.GetValueOrDefault(retType) + 1;
        }
        if (wsFailed) proto.WsErrors++;
        _failedCalls.Add(new FailedCall
        {
            Frame = f.Number,
            TimestampMicros = ts,
            Conn = f.Connection.Number,
            ProtoId = f.ProtoId,
            Proto = f.ProtoName,
            Kind = f.Kind,
            SerialNo = f.SerialNo,
            RetType = f.RetType,
            ErrCode = f.ErrCode,
            RetMsg = f.RetMsg,
            WsError = f.WebSocket?.Error,
            WsErrmsg = f.WebSocket?.Errmsg,
            LatencyMicros = f.LatencyMicros,
        });
    }

    // Connections are numbered from 1 and OpenD's protoIDs are small numbers: both are found by index for most frames
    // (the two dictionary lookups were a tenth of what stats' ordered thread did for a frame).
    private ConnectionCounts CountsOf(TcpConnection connection)
    {
        var number = connection.Number;
        if ((uint)number < (uint)_connectionsByNumber.Length && _connectionsByNumber[number] is { } known) return known;
        if (!_connections.TryGetValue(number, out var counts))
            _connections[number] = counts = new ConnectionCounts();
        if ((uint)number < DirectConnections)
        {
            if (number >= _connectionsByNumber.Length) Array.Resize(ref _connectionsByNumber, (int)Math.Min(DirectConnections, Math.Max(16u, 2u * (uint)number)));
            _connectionsByNumber[number] = counts;
        }
        return counts;
    }

    private ProtoCounts CountsOf(uint protoId)
    {
        if (protoId < (uint)_protocolsById.Length && _protocolsById[protoId] is { } known) return known;
        if (!_protocols.TryGetValue(protoId, out var counts))
            _protocols[protoId] = counts = new ProtoCounts();
        if (protoId < DirectProtoIds)
        {
            if (protoId >= _protocolsById.Length) Array.Resize(ref _protocolsById, (int)Math.Min(DirectProtoIds, 2 * BitOperations.RoundUpToPowerOf2(protoId + 1)));
            _protocolsById[protoId] = counts;
        }
        return counts;
    }

    public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros) => _diagnostics++;

    public void OnCaptureDiagnostic(Diagnostic diagnostic) => _diagnostics++;

    public void OnComplete(IReadOnlyList<ConnectionSummary> connections)
    {
        long? first = _frames == 0 ? null : _first;
        var origin = first ?? 0;
        var connectionStats = new List<ConnectionStatistics>(connections.Count);
        foreach (var c in connections)
        {
            var counts = _connections.GetValueOrDefault(c.Connection.Number) ?? new ConnectionCounts();
            connectionStats.Add(new ConnectionStatistics
            {
                Number = c.Connection.Number,
                Transport = c.Transport,
                Client = c.Connection.Client,
                Server = c.Connection.Server,
                ConnId = c.ConnId,
                ClientId = c.ClientId,
                ClientVer = c.ClientVer,
                ProgrammingLanguage = c.ProgrammingLanguage,
                Encryption = c.Encryption,
                PushProtoFmt = c.PushProtoFmt,
                FirstTimestampMicros = c.FirstTimestampMicros,
                LastTimestampMicros = c.LastTimestampMicros,
                Requests = counts.Requests,
                Responses = counts.Responses,
                Pushes = counts.Pushes,
                ClientToServerBytes = c.ClientToServer.StreamBytes,
                ServerToClientBytes = c.ServerToClient.StreamBytes,
                GapBytes = c.GapBytes,
                UnparsedBytes = c.UnparsedBytes,
                Diagnostics = c.Diagnostics.Count + counts.Diagnostics,
            });
        }

        var protocols = new List<ProtocolStatistics>(_protocols.Count);
        foreach (var (protoId, p) in _protocols.OrderBy(kv => kv.Key))
        {
            // Frames are handed over as they complete, so across connections their times need not be in order.
            p.RequestTimestamps.Sort();
            p.Latencies.Sort();
            protocols.Add(new ProtocolStatistics
            {
                ProtoId = protoId,
                Name = p.Name,
                Requests = p.RequestTimestamps.Count,
                Responses = p.Responses,
                Pushes = p.Pushes,
                Failed = p.Failed,
                FailuresByRetType = p.FailuresByRetType is null ? new SortedDictionary<int, long>() : new SortedDictionary<int, long>(p.FailuresByRetType),
                WsErrors = p.WsErrors,
                ClientToServerBodyBytes = p.ClientToServerBodyBytes,
                ServerToClientBodyBytes = p.ServerToClientBodyBytes,
                Latency = LatencyStatistics.Of(p.Latencies),
                Peak1s = RequestPeak.Busiest(p.RequestTimestamps, OneSecondMicros),
                Peak30s = RequestPeak.Busiest(p.RequestTimestamps, ThirtySecondsMicros),
                RequestsPerSecond = PerSecond(p.RequestTimestamps, origin),
            });
        }

        _report = new StatisticsReport
        {
            Totals = new StatisticsTotals
            {
                Frames = _frames,
                Connections = connections.Count,
                Requests = _requests,
                Responses = _responses,
                Pushes = _pushes,
                UnpairedResponses = _unpaired,
                FailedCalls = _failedCalls.Count,
                Diagnostics = _diagnostics,
                FirstTimestampMicros = first,
                LastTimestampMicros = _frames == 0 ? null : _last,
            },
            Connections = connectionStats,
            Protocols = protocols,
            FailedCalls = _failedCalls.ToArray(),
        };
    }

    // The origin is the first frame, so no request falls before second 0.
    private static SecondCount[] PerSecond(List<long> sortedTimestamps, long origin)
    {
        var result = new List<SecondCount>();
        var i = 0;
        while (i < sortedTimestamps.Count)
        {
            var second = (sortedTimestamps[i] - origin) / OneSecondMicros;
            var start = i;
            while (i < sortedTimestamps.Count && (sortedTimestamps[i] - origin) / OneSecondMicros == second) i++;
            result.Add(new SecondCount(second, i - start));
        }
        return result.ToArray();
    }

    private sealed class ConnectionCounts
    {
        public long Requests, Responses, Pushes;
        public int Diagnostics;
    }

    private sealed class ProtoCounts
    {
        public string? Name;
        public long Responses, Pushes, Failed, WsErrors, ClientToServerBodyBytes, ServerToClientBodyBytes;
        public Dictionary<int, long>? FailuresByRetType;
        public readonly List<long> RequestTimestamps = [];
        public readonly List<long> Latencies = [];
    }
}

/// <summary>What `opendump stats` reports; built once, at the end of the capture.</summary>
public sealed record StatisticsReport
{
    public required StatisticsTotals Totals { get; init; }
    /// <summary>In connection order.</summary>
    public required IReadOnlyList<ConnectionStatistics> Connections { get; init; }
    /// <summary>Sorted by protoID (cmd on WebSocket); both transports together.</summary>
    public required IReadOnlyList<ProtocolStatistics> Protocols { get; init; }
    /// <summary>In frame order.</summary>
    public required IReadOnlyList<FailedCall> FailedCalls { get; init; }
}

public sealed record StatisticsTotals
{
    public long Frames { get; init; }
    public int Connections { get; init; }
    public long Requests { get; init; }
    public long Responses { get; init; }
    public long Pushes { get; init; }
    /// <summary>Responses whose request is not in the capture.</summary>
    public long UnpairedResponses { get; init; }
    public long FailedCalls { get; init; }
    /// <summary>Every diagnostic: on frames, on connections and on the capture.</summary>
    public long Diagnostics { get; init; }
    /// <summary>The first and last frame's time; null without frames. Per-second offsets count from the first.</summary>
    public long? FirstTimestampMicros { get; init; }
    public long? LastTimestampMicros { get; init; }
}

public sealed record ConnectionStatistics
{
    public int Number { get; init; }
    public Transport Transport { get; init; }
    public required Endpoint Client { get; init; }
    public required Endpoint Server { get; init; }
    public string? ConnId { get; init; }
    public string? ClientId { get; init; }
    public int? ClientVer { get; init; }
    public string? ProgrammingLanguage { get; init; }
    public EncryptionKind Encryption { get; init; }
    /// <summary>InitConnect's pushProtoFmt: 0 protobuf, 1 JSON; see <see cref="PushFormatName"/>.</summary>
    public int? PushProtoFmt { get; init; }
    public long FirstTimestampMicros { get; init; }
    public long LastTimestampMicros { get; init; }
    public long DurationMicros => LastTimestampMicros - FirstTimestampMicros;
    public long Frames => Requests + Responses + Pushes;
    public long Requests { get; init; }
    public long Responses { get; init; }
    public long Pushes { get; init; }
    /// <summary>Stream bytes per direction, everything the connection carried.</summary>
    public long ClientToServerBytes { get; init; }
    public long ServerToClientBytes { get; init; }
    public long GapBytes { get; init; }
    /// <summary>Garbage and the parts of frames lost to gaps.</summary>
    public long UnparsedBytes { get; init; }
    /// <summary>The connection's own diagnostics plus those on its frames.</summary>
    public int Diagnostics { get; init; }

    public string? PushFormatName => PushProtoFmt switch
    {
        null => null,
        0 => "protobuf",
        1 => "json",
        { } other => other.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

public sealed record ProtocolStatistics
{
    public uint ProtoId { get; init; }
    public string? Name { get; init; }
    public long Requests { get; init; }
    public long Responses { get; init; }
    public long Pushes { get; init; }
    /// <summary>Responses and pushes with a non-zero retType or a WebSocket header error, each counted once.</summary>
    public long Failed { get; init; }
    /// <summary>retType value to how many responses and pushes carried it; ordered by retType.</summary>
    public required IReadOnlyDictionary<int, long> FailuresByRetType { get; init; }
    /// <summary>WebSocket messages whose SDK header carried a non-zero error.</summary>
    public long WsErrors { get; init; }
    /// <summary>Sum of bodyLen per direction, as carried (ciphertext on TCP).</summary>
    public long ClientToServerBodyBytes { get; init; }
    public long ServerToClientBodyBytes { get; init; }
    /// <summary>Of responses paired with their request; null when there is none.</summary>
    public LatencyStatistics? Latency { get; init; }
    /// <summary>Most requests in any 1-second window; null without requests.</summary>
    public RequestPeak? Peak1s { get; init; }
    /// <summary>Most requests in any 30-second window, the span of OpenD's frequency limits; null without requests.</summary>
    public RequestPeak? Peak30s { get; init; }
    /// <summary>Requests per second since the capture's first frame, seconds without requests left out.</summary>
    public required IReadOnlyList<SecondCount> RequestsPerSecond { get; init; }
}

/// <summary>
/// Response latencies. Percentiles are nearest-rank: the p-th percentile of N sorted values is the
/// value of rank ⌈p/100 × N⌉ (1-based), always one of the measured latencies, never interpolated.
/// </summary>
public sealed record LatencyStatistics(int Count, long MinMicros, long P50Micros, long P95Micros, long P99Micros, long MaxMicros)
{
    public static LatencyStatistics? Of(IReadOnlyList<long> sorted) => sorted.Count == 0
        ? null
        : new(sorted.Count, sorted[0], NearestRank(sorted, 50), NearestRank(sorted, 95), NearestRank(sorted, 99), sorted[^1]);

    public static long NearestRank(IReadOnlyList<long> sorted, int percentile)
    {
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}

/// <summary>
/// The busiest window of a given length: windows are half-open, [start, start + length), and slide
/// over the request timestamps, so the busiest one starts at a request. The earliest wins a tie.
/// </summary>
public sealed record RequestPeak(int Requests, long StartTimestampMicros)
{
    public static RequestPeak? Busiest(IReadOnlyList<long> sortedTimestamps, long windowMicros)
    {
        if (sortedTimestamps.Count == 0) return null;
        int best = 0, bestStart = 0, end = 0;
        for (var start = 0; start < sortedTimestamps.Count; start++)
        {
            var limit = sortedTimestamps[start] + windowMicros;
            while (end < sortedTimestamps.Count && sortedTimestamps[end] < limit) end++;
            if (end - start > best) (best, bestStart) = (end - start, start);
        }
        return new RequestPeak(best, sortedTimestamps[bestStart]);
    }
}

/// <summary>Requests in second <see cref="Second"/> after the capture's first frame.</summary>
public readonly record struct SecondCount(long Second, int Requests);

/// <summary>A response or push that reports failure: a non-zero retType, or a WebSocket header error.</summary>
public sealed record FailedCall
{
    public long Frame { get; init; }
    public long TimestampMicros { get; init; }
    public int Conn { get; init; }
    public uint ProtoId { get; init; }
    public string? Proto { get; init; }
    public FrameKind Kind { get; init; }
    public ulong SerialNo { get; init; }
    public int? RetType { get; init; }
    public int? ErrCode { get; init; }
    public string? RetMsg { get; init; }
    public int? WsError { get; init; }
    public string? WsErrmsg { get; init; }
    public long? LatencyMicros { get; init; }
}
