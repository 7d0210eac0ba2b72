using OpenDump.Capture;
using OpenDump.Decoding;
using OpenDump.Diagnostics;
using OpenDump.Link;
using OpenDump.Reassembly;
using OpenDump.Session;

namespace OpenDump;

/// <summary>Counts for the end-of-run summary.</summary>
public sealed record AnalysisSummary(long Packets, long TcpSegments, long NonTcpPackets, long MalformedPackets, int Connections, long Frames, CaptureProblem? CaptureProblem)
{
    /// <summary>Whether the capture was read a second time, a body left to a decoding thread having failed its SHA-1 (<see cref="Session.Sha1Speculation"/>).</summary>
    internal bool ReadTwice { get; init; }
}

/// <summary>
/// The whole pipeline: capture source -> link decoding -> TCP reassembly -> OpenD framing ->
/// session state and decryption -> body decoding -> the sink. Tests drive it at any depth:
/// packets, segments, or a whole capture source.
/// </summary>
public sealed class CaptureAnalyzer : IStreamHandler, IDisposable
{
    private readonly AnalyzerOptions _options;
    // Everything for the sink goes through the delivery, so that it stays in order when bodies are decoded on other threads.
    private readonly FrameDelivery _sink;
    private readonly ILinkDecoder _linkDecoder;
    private readonly TcpReassembler _reassembler;
    private readonly SessionContext _context;
    private readonly Dictionary<TcpConnection, IConnectionSession> _sessions = new(ReferenceEqualityComparer.Instance);
    private readonly List<IConnectionSession> _allSessions = [];
    private readonly HashSet<string> _linkProblemsSaid = [];
    private long _packets, _segments, _nonTcp, _malformed;
    private bool _finished;

    public CaptureAnalyzer(AnalyzerOptions options, IAnalysisSink sink, ILinkDecoder? linkDecoder = null, ProtoRegistry? registry = null)
        : this(options, sink, linkDecoder, registry, deferSha1: false)
    {
    }

    private CaptureAnalyzer(AnalyzerOptions options, IAnalysisSink sink, ILinkDecoder? linkDecoder, ProtoRegistry? registry, bool deferSha1)
        : this(options, FrameDelivery.Create(sink, options.Threads, options.BatchFrames, options.Bodies, options.LendPlaintext, deferSha1), linkDecoder, registry)
    {
    }

    /// <summary>Sessions that hand their frames to <paramref name="delivery"/> (tests: what a session hands over, and how).</summary>
    internal static CaptureAnalyzer ForDelivery(AnalyzerOptions options, FrameDelivery delivery) => new(options, delivery, linkDecoder: null, registry: null);

    private CaptureAnalyzer(AnalyzerOptions options, FrameDelivery delivery, ILinkDecoder? linkDecoder, ProtoRegistry? registry)
    {
        _options = options;
        _sink = delivery;
        _linkDecoder = linkDecoder ?? new SpanLinkDecoder();
        _reassembler = new TcpReassembler(this, options.Reassembly);
        _context = new SessionContext(registry ?? ProtoRegistry.Default, options.RsaKey, options.SuppliedKeys, options.MaxBodyLen, _sink);
    }

    /// <summary>Reads a whole capture; a damaged capture ends early with a diagnostic, keeping what was decoded.</summary>
    public static AnalysisSummary Run(ICaptureSource source, AnalyzerOptions options, IAnalysisSink sink, Action<ICaptureSource, long>? progress = null)
    {
        // Leaving hashes (and AES) to the decoding threads needs a way back when one fails: the capture, read again from its
        // start. With two threads on 1 GB it took stats from 1.99 to 1.82 s and the timeline from 2.84 to 2.71 s, and cost
        // JSON Lines nothing (3.47 s either way, its decoding thread as busy as the framer).
        var deferSha1 = options.Threads > 1;
        if (!deferSha1 || !source.CanReopen) return RunOnce(source, options, sink, progress, deferSha1: false);
        try
        {
            return RunOnce(source, options, sink, progress, deferSha1: true);
        }
        catch (DeferredSha1Mismatch mismatch)
        {
            using var again = source.Reopen();
            var heard = new AlreadyDeliveredSink(sink, mismatch.DeliveredCalls, mismatch.LastDeliveredFrame);
            return RunOnce(again, options, heard, progress, deferSha1: false) with { ReadTwice = true };
        }
    }

    private static AnalysisSummary RunOnce(ICaptureSource source, AnalyzerOptions options, IAnalysisSink sink, Action<ICaptureSource, long>? progress, bool deferSha1)
    {
        using var analyzer = new CaptureAnalyzer(options, sink, linkDecoder: null, registry: null, deferSha1);
        while (source.TryReadNext(out var packet))
        {
            analyzer.ProcessPacket(packet);
            if (progress is not null && (packet.Number & 0x3ff) == 0) progress(source, analyzer._context.FramesSoFar);
        }
        if (source.Problem is { } problem) analyzer._sink.OnCaptureDiagnostic(Diagnostic.Error(problem.Code, problem.Message));
        return analyzer.Finish(source.Problem);
    }

    public void ProcessPacket(in CapturedPacket packet)
    {
        _packets++;
        switch (_linkDecoder.TryDecode(packet, out var segment, out var problem))
        {
            case LinkDecodeStatus.Tcp:
                ProcessSegment(segment);
                break;
            case LinkDecodeStatus.NotTcp:
                _nonTcp++;
                break;
            case LinkDecodeStatus.UnsupportedLinkType:
                _malformed++;
                if (_linkProblemsSaid.Add(problem!)) _sink.OnCaptureDiagnostic(Diagnostic.Error(DiagnosticCodes.LinkTypeUnsupported, problem!));
                break;
            default:
                _malformed++;
                _sink.OnCaptureDiagnostic(Diagnostic.Warning(DiagnosticCodes.PacketMalformed, problem ?? $"packet {packet.Number} is malformed"));
                break;
        }
    }

    public void ProcessSegment(in TcpSegment segment)
    {
        _segments++;
        _reassembler.Process(segment);
    }

    public AnalysisSummary Finish(CaptureProblem? captureProblem = null)
    {
        if (!_finished)
        {
            _finished = true;
            _reassembler.Finish();
            _sink.OnComplete(_allSessions.Select(s => s.Summarize()).ToArray());
        }
        return new AnalysisSummary(_packets, _segments, _nonTcp, _malformed, _allSessions.Count, _context.FramesSoFar, captureProblem);
    }

    void IStreamHandler.OnConnectionOpened(TcpConnection connection)
    {
        IConnectionSession session = connection.Transport == Transport.WebSocket
            ? new WebSocketSession(connection, _context)
            : new OpenDSession(connection, _context);
        _sessions[connection] = session;
        _allSessions.Add(session);
    }

    void IStreamHandler.OnData(TcpConnection connection, FlowDirection direction, ReadOnlySpan<byte> data, long timestampMicros, long packetNumber) =>
        _sessions[connection].Append(direction, data, timestampMicros, packetNumber);

    void IStreamHandler.OnGap(TcpConnection connection, FlowDirection direction, long missingBytes, GapReason reason, long timestampMicros, long packetNumber) =>
        _sessions[connection].Gap(direction, missingBytes, reason, timestampMicros, packetNumber);

    void IStreamHandler.OnLimitReached(string message) =>
        _sink.OnCaptureDiagnostic(Diagnostic.Warning(DiagnosticCodes.TcpBufferLimit, message));

    void IStreamHandler.OnDirectionClosed(TcpConnection connection, FlowDirection direction, string reason, long timestampMicros, long packetNumber) =>
        _sessions[connection].Close(direction, reason, timestampMicros, packetNumber);

    public void Dispose()
    {
        _sink.Dispose();
        foreach (var s in _allSessions) s.Dispose();
    }
}
