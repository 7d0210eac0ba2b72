using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using OpenDump.Capture;
using OpenDump.Crypto;
using OpenDump.Framing;
using OpenDump.Link;
using OpenDump.Reassembly;
using OpenDump.Testing;

namespace OpenDump.Benchmarks;

/// <summary>Link/IP/TCP decoding of Ethernet/IPv4/TCP packets of the workload; per packet. MB/s: captured packet bytes.</summary>
[MemoryDiagnoser]
public class LinkDecoding
{
    public const int Packets = 10_000;
    private CapturedPacket[] _packets = [];
    private readonly PacketDotNetLinkDecoder _packetDotNet = new();
    private readonly SpanLinkDecoder _span = new();

    [GlobalSetup]
    public void Setup()
    {
        _packets = Workload.Reference.Packets.Take(Packets).ToArray();
        if (_packets.Length != Packets) throw new InvalidOperationException($"the workload has only {_packets.Length} packets");
        var bytes = _packets.Sum(p => (double)p.Data.Length) / Packets;
        ThroughputColumn.Register(this, nameof(PacketDotNet), bytes);
        ThroughputColumn.Register(this, nameof(SpanDecoder), bytes);
    }

    /// <summary>The general decoder (and the fallback for odd packets): PacketDotNet over a copy of each packet.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public long PacketDotNet() => Decode(_packetDotNet);

    /// <summary>What CaptureAnalyzer uses by default: the in-place header walk.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public long SpanDecoder() => Decode(_span);

    private long Decode(ILinkDecoder decoder)
    {
        long payload = 0;
        foreach (var packet in _packets)
        {
            if (decoder.TryDecode(packet, out var segment, out _) != LinkDecodeStatus.Tcp) throw new InvalidOperationException("not TCP");
            payload += segment.Payload.Length;
        }
        return payload;
    }
}

/// <summary>TcpReassembler over the workload's segments (8 connections, interleaved) into a no-op handler; per segment. MB/s: TCP payload bytes.</summary>
[MemoryDiagnoser]
public class Reassembly
{
    public const int Segments = 10_000;
    private TcpSegment[] _segments = [];
    private readonly NullStreamHandler _handler = new();

    [GlobalSetup]
    public void Setup()
    {
        var decoder = new SpanLinkDecoder();
        _segments = Workload.Reference.Packets.Take(Segments).Select(p =>
        {
            decoder.TryDecode(p, out var s, out _);
            return s;
        }).ToArray();
        ThroughputColumn.Register(this, nameof(TcpReassembler), _segments.Sum(s => (double)s.Payload.Length) / Segments);
    }

    [Benchmark(OperationsPerInvoke = Segments)]
    public long TcpReassembler()
    {
        var reassembler = new global::OpenDump.Reassembly.TcpReassembler(_handler);
        foreach (var segment in _segments) reassembler.Process(segment);
        reassembler.Finish();
        return _handler.Bytes;
    }
}

/// <summary>FrameAssembler over one stream of 10,000 encrypted push frames handed over in 1448-byte pieces, into a no-op handler; per frame. MB/s: stream bytes.</summary>
[MemoryDiagnoser]
public class Framing
{
    public const int Frames = 10_000;
    private byte[] _stream = [];
    private readonly NullFrameHandler _handler = new();

    [GlobalSetup]
    public void Setup()
    {
        var frames = Workload.Reference.ServerFrames.Where(f => FrameHeader.Read(f).ProtoId > 3000).Take(Frames).ToArray();
        if (frames.Length != Frames) throw new InvalidOperationException("not enough push frames");
        _stream = frames.SelectMany(f => f).ToArray();
        ThroughputColumn.Register(this, nameof(FrameAssembler), (double)_stream.Length / Frames);
        var check = new NullFrameHandler();
        Feed(check);
        if (check.Frames != Frames) throw new InvalidOperationException($"{check.Frames} frames framed, expected {Frames}");
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public long FrameAssembler() => Feed(_handler);

    private long Feed(NullFrameHandler handler)
    {
        using var assembler = new global::OpenDump.Framing.FrameAssembler(handler, 64 * 1024 * 1024);
        var data = _stream.AsSpan();
        for (var offset = 0; offset < data.Length; offset += Workload.Mss)
            assembler.Append(data.Slice(offset, Math.Min(Workload.Mss, data.Length - offset)), 0, offset / Workload.Mss);
        assembler.Complete(0, 0, "end");
        return handler.Frames;
    }
}

/// <summary>Body sets of 10,000 bodies: the workload's push bodies (~60-900 bytes) or fixed-size random ones.</summary>
public enum BodySet
{
    PushMix,
    Fixed100,
    Fixed2000,
}

internal static class Bodies
{
    public const int Count = 10_000;

    public static byte[][] Plaintexts(BodySet set)
    {
        if (set == BodySet.PushMix)
        {
            var pushes = Workload.Reference.Pushes;
            return Enumerable.Range(0, Count).Select(i => pushes[i % pushes.Count].Plaintext).ToArray();
        }
        var size = set == BodySet.Fixed100 ? 100 : 2000;
        var rng = new SeededRandom(size);
        return Enumerable.Range(0, Count).Select(_ =>
        {
            var b = new byte[size];
            rng.NextBytes(b);
            return b;
        }).ToArray();
    }
}

/// <summary>BodyCipher.TryDecrypt, one per connection as the session keeps it; per body. MB/s: ciphertext bytes.</summary>
[MemoryDiagnoser]
public class Aes
{
    private static readonly byte[] Key = "0123456789ABCDEF"u8.ToArray();
    private static readonly byte[] Iv = "abcdefghijklmnop"u8.ToArray();
    private byte[][] _bodies = [];
    private byte[] _scratch = [];
    private BodyCipher _cipher = null!;

    [Params(EncryptionKind.FtAesEcb, EncryptionKind.AesEcb, EncryptionKind.AesCbc)]
    public EncryptionKind Mode { get; set; }

    [Params(BodySet.PushMix, BodySet.Fixed100, BodySet.Fixed2000)]
    public BodySet Bodies { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var plain = Benchmarks.Bodies.Plaintexts(Bodies);
        _bodies = plain.Select(p => Mode switch
        {
            EncryptionKind.FtAesEcb => TestCrypto.FtAesEcbEncrypt(Key, p),
            EncryptionKind.AesEcb => TestCrypto.AesEcbEncrypt(Key, p),
            _ => TestCrypto.AesCbcEncrypt(Key, Iv, p),
        }).ToArray();
        _scratch = new byte[_bodies.Max(b => b.Length)];
        _cipher = new BodyCipher(Mode, Key, Mode == EncryptionKind.AesCbc ? Iv : default);
        for (var i = 0; i < plain.Length; i++)
            if (!_cipher.TryDecrypt(_bodies[i], _scratch, out var n, out var why) || !_scratch.AsSpan(0, n).SequenceEqual(plain[i]))
                throw new InvalidOperationException($"body {i} does not decrypt back: {why}");
        ThroughputColumn.Register(this, nameof(TryDecrypt), _bodies.Average(b => (double)b.Length));
    }

    [GlobalCleanup]
    public void Cleanup() => _cipher.Dispose();

    [Benchmark(OperationsPerInvoke = Benchmarks.Bodies.Count)]
    public long TryDecrypt()
    {
        long total = 0;
        foreach (var body in _bodies)
        {
            _cipher.TryDecrypt(body, _scratch, out var written, out _);
            total += written;
        }
        return total;
    }
}

/// <summary>
/// SHA1.HashData over plaintext bodies, as the session checks every body; per body. MB/s: plaintext
/// bytes. IncrementalHashReused keeps one hash object (and its native context) for all bodies.
/// Sha1Digest is OpenDump.Crypto.Sha1Digest.HashData (OpenSSL's low-level SHA1_* without EVP).
/// </summary>
[MemoryDiagnoser]
public class Sha1
{
    private byte[][] _bodies = [];
    private IncrementalHash _hash = null!;

    [Params(BodySet.PushMix, BodySet.Fixed100, BodySet.Fixed2000)]
    public BodySet Bodies { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _bodies = Benchmarks.Bodies.Plaintexts(Bodies);
        _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        var bytes = _bodies.Average(b => (double)b.Length);
        ThroughputColumn.Register(this, nameof(HashData), bytes);
        ThroughputColumn.Register(this, nameof(IncrementalHashReused), bytes);
        ThroughputColumn.Register(this, nameof(Sha1Digest), bytes);
        Span<byte> expected = stackalloc byte[20], actual = stackalloc byte[20];
        foreach (var body in _bodies)
        {
            SHA1.HashData(body, expected);
            OpenDump.Crypto.Sha1Digest.HashData(body, actual);
            if (!actual.SequenceEqual(expected)) throw new InvalidOperationException("Sha1Digest differs from SHA1.HashData");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _hash.Dispose();

    [Benchmark(OperationsPerInvoke = Benchmarks.Bodies.Count)]
    public int IncrementalHashReused()
    {
        Span<byte> digest = stackalloc byte[20];
        var x = 0;
        foreach (var body in _bodies)
        {
            _hash.AppendData(body);
            _hash.GetHashAndReset(digest);
            x ^= digest[0];
        }
        return x;
    }

    [Benchmark(OperationsPerInvoke = Benchmarks.Bodies.Count)]
    public int HashData()
    {
        Span<byte> digest = stackalloc byte[20];
        var x = 0;
        foreach (var body in _bodies)
        {
            SHA1.HashData(body, digest);
            x ^= digest[0];
        }
        return x;
    }

    [Benchmark(OperationsPerInvoke = Benchmarks.Bodies.Count)]
    public int Sha1Digest()
    {
        Span<byte> digest = stackalloc byte[20];
        var x = 0;
        foreach (var body in _bodies)
        {
            OpenDump.Crypto.Sha1Digest.HashData(body, digest);
            x ^= digest[0];
        }
        return x;
    }
}
