using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using OpenDump.Decoding;
using OpenDump.Output;
using OpenDump.Session;

namespace OpenDump.Benchmarks;

/// <summary>Which push bodies a batch holds: the workload's mix, or one push type only.</summary>
public enum PushType
{
    Mix,
    Ticker,
    OrderBook,
    BasicQot,
    KLine,
}

internal static class PushTypes
{
    public const int Batch = 10_000;

    public static uint? ProtoId(PushType type) => type switch
    {
        PushType.Ticker => 3011,
        PushType.OrderBook => 3013,
        PushType.BasicQot => 3005,
        PushType.KLine => 3007,
        _ => null,
    };

    /// <summary><see cref="Batch"/> items of the type, cycling through what the workload has.</summary>
    public static T[] Take<T>(IEnumerable<T> items, Func<T, uint> protoId, PushType type)
    {
        var id = ProtoId(type);
        var pool = items.Where(x => id is null || protoId(x) == id).ToArray();
        return Enumerable.Range(0, Batch).Select(i => pool[i % pool.Length]).ToArray();
    }
}

/// <summary>
/// BodyDecoder.Decode of plaintext push bodies against the descriptors the registry finds; per body.
/// MergeFromOnly is the same parse (a new instance, MergeFrom a span) without the required-field walk; WireCheck is
/// what stats, JSON and the timeline do instead (the same verdict from the wire, no object). MB/s: plaintext bytes.
/// </summary>
[MemoryDiagnoser]
public class ProtobufParse
{
    private (MessageDescriptor Descriptor, byte[] Body)[] _bodies = [];

    [Params(PushType.Mix, PushType.Ticker, PushType.OrderBook, PushType.BasicQot, PushType.KLine)]
    public PushType Push { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _bodies = PushTypes.Take(Workload.Reference.Pushes, p => p.ProtoId, Push)
            .Select(p => (ProtoRegistry.Default.Find(p.ProtoId)!.Response!, p.Plaintext)).ToArray();
        foreach (var (d, body) in _bodies.Take(100))
        {
            var decoded = BodyDecoder.Decode(d, 0, body);
            if (decoded.Message is null || decoded.MissingRequired.Count > 0) throw new InvalidOperationException($"{d.FullName}: {decoded.Error}");
            var verdict = OpenDump.Decoding.WireCheck.Check(d, body);
            if (!verdict.Valid || verdict.MissingRequired) throw new InvalidOperationException($"{d.FullName}: the wire check says {verdict}");
        }
        var bytes = _bodies.Average(b => (double)b.Body.Length);
        ThroughputColumn.Register(this, nameof(Decode), bytes);
        ThroughputColumn.Register(this, nameof(MergeFromOnly), bytes);
        ThroughputColumn.Register(this, nameof(WireCheck), bytes);
    }

    [Benchmark(OperationsPerInvoke = PushTypes.Batch)]
    public int WireCheck()
    {
        var n = 0;
        foreach (var (descriptor, body) in _bodies)
            if (OpenDump.Decoding.WireCheck.Check(descriptor, body).Valid) n++;
        return n;
    }

    [Benchmark(OperationsPerInvoke = PushTypes.Batch)]
    public int Decode()
    {
        var n = 0;
        foreach (var (descriptor, body) in _bodies)
            if (BodyDecoder.Decode(descriptor, 0, body).Message is not null) n++;
        return n;
    }

    [Benchmark(OperationsPerInvoke = PushTypes.Batch)]
    public int MergeFromOnly()
    {
        var n = 0;
        foreach (var (descriptor, body) in _bodies)
        {
            var message = (IMessage)Activator.CreateInstance(descriptor.ClrType)!;
            message.MergeFrom((ReadOnlySpan<byte>)body);
            n++;
        }
        return n;
    }
}

/// <summary>
/// The JSON Lines rendering of decoded push frames (OpenDFrame records from a CaptureAnalyzer run over
/// the workload), written by FrameJson into a reused buffer as JsonLinesWriter does; per frame. FrameJsonWrite is the whole line, EnvelopeOnly the line without
/// the body; the body alone: ProtobufJsonWrite (the library's UTF-8 writer for a message, into a reused
/// buffer), ProtobufWireJsonWrite (the same text straight from the body's bytes, what the JSON outputs do) and
/// BodyFormatter (Google.Protobuf's JsonFormatter, a string per body; same text).
/// MB/s: JSON bytes produced.
/// </summary>
[MemoryDiagnoser]
public class JsonWriting
{
    private OpenDFrame[] _frames = [];
    private OpenDFrame[] _envelopes = [];
    private (Google.Protobuf.Reflection.MessageDescriptor Type, byte[] Body)[] _plaintexts = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);

    [Params(PushType.Mix, PushType.Ticker, PushType.OrderBook, PushType.BasicQot, PushType.KLine)]
    public PushType Push { get; set; }

    private static readonly Lazy<OpenDFrame[]> Decoded = new(() =>
    {
        var sink = new CollectingSink();
        using (var analyzer = new CaptureAnalyzer(new AnalyzerOptions { RsaKey = Workload.RsaKey }, sink))
        {
            foreach (var packet in Workload.Reference.Packets) analyzer.ProcessPacket(packet);
            analyzer.Finish();
        }
        if (sink.Diagnostics.Count > 0 || sink.Frames.Count != Workload.Reference.Frames)
            throw new InvalidOperationException($"{sink.Frames.Count} frames, {sink.Diagnostics.Count} diagnostics: {sink.Diagnostics.FirstOrDefault()?.Message}");
        return sink.Frames.Where(f => f.Kind == FrameKind.Push && f.Message is not null).ToArray();
    });

    [GlobalSetup]
    public void Setup()
    {
        _frames = PushTypes.Take(Decoded.Value, f => f.ProtoId, Push);
        _envelopes = _frames.Select(f => f with { Message = null }).ToArray();
        ThroughputColumn.Register(this, nameof(FrameJsonWrite), (double)Write(_frames) / PushTypes.Batch);
        ThroughputColumn.Register(this, nameof(EnvelopeOnly), (double)Write(_envelopes) / PushTypes.Batch);
        var bodyBytes = _frames.Average(f => (double)Encoding.UTF8.GetByteCount(FrameJson.BodyFormatter.Format(f.Message!)));
        ThroughputColumn.Register(this, nameof(BodyFormatter), bodyBytes);
        ThroughputColumn.Register(this, nameof(ProtobufJsonWrite), bodyBytes);
        _plaintexts = _frames.Select(f => (f.Message!.Descriptor, f.Message.ToByteArray())).ToArray();
        ThroughputColumn.Register(this, nameof(ProtobufWireJsonWrite), bodyBytes);
        foreach (var (type, body) in _plaintexts.Take(200))
        {
            if (!ProtobufWireJson.TryFormat(type, body, out var json)) throw new InvalidOperationException($"ProtobufWireJson declined a {type.FullName}");
            var fromWire = Encoding.UTF8.GetString(json);
            var fromMessage = FrameJson.BodyFormatter.Format(type.Parser.ParseFrom(body));
            if (fromWire != fromMessage) throw new InvalidOperationException($"ProtobufWireJson and JsonFormatter differ on a {type.FullName}");
        }
        foreach (var f in _frames.Take(200))
        {
            ProtobufJson.Write(f.Message!, _buffer);
            var same = Encoding.UTF8.GetString(_buffer.WrittenSpan) == FrameJson.BodyFormatter.Format(f.Message!);
            _buffer.ResetWrittenCount();
            if (!same) throw new InvalidOperationException($"ProtobufJson and JsonFormatter differ on frame {f.Number}");
        }
    }

    [Benchmark(OperationsPerInvoke = PushTypes.Batch)]
    public long FrameJsonWrite() => Write(_frames);

    [Benchmark(OperationsPerInvoke = PushTypes.Batch)]
    public long EnvelopeOnly() => Write(_envelopes);

    [Benchmark(OperationsPerInvoke = PushTypes.Batch)]
    public long ProtobufJsonWrite()
    {
        long bytes = 0;
        foreach (var frame in _frames)
        {
            ProtobufJson.Write(frame.Message!, _buffer);
            bytes += _buffer.WrittenCount;
            _buffer.ResetWrittenCount();
        }
        return bytes;
    }

    [Benchmark(OperationsPerInvoke = PushTypes.Batch)]
    public long ProtobufWireJsonWrite()
    {
        long bytes = 0;
        foreach (var (type, body) in _plaintexts)
        {
            ProtobufWireJson.TryWrite(type, body, _buffer);
            bytes += _buffer.WrittenCount;
            _buffer.ResetWrittenCount();
        }
        return bytes;
    }

    [Benchmark(OperationsPerInvoke = PushTypes.Batch)]
    public long BodyFormatter()
    {
        long chars = 0;
        foreach (var frame in _frames) chars += FrameJson.BodyFormatter.Format(frame.Message!).Length;
        return chars;
    }

    private long Write(OpenDFrame[] frames)
    {
        long bytes = 0;
        foreach (var frame in frames)
        {
            FrameJson.Write(_buffer, frame);
            bytes += _buffer.WrittenCount + 1; // and the newline
            _buffer.ResetWrittenCount();
        }
        return bytes;
    }
}
