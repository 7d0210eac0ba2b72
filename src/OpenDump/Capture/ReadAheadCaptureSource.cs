using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using OpenDump.Threading;

namespace OpenDump.Capture;

/// <summary>
/// Reads another source's packets on a thread of its own, a block of packets at a time, while the pipeline works
/// on the previous blocks: libpcap's per-packet calls and the copies out of its buffer were a fifth of the
/// reading thread's time, and that thread is the one the others wait for. The packets, their order, numbers
/// and times, and the problem that ends a damaged capture are the inner source's, unchanged. A bounded number
/// of blocks is in flight and they are reused, so memory stays flat.
/// </summary>
public sealed class ReadAheadCaptureSource : ICaptureSource
{
    private readonly int _blockBytes;
    private readonly int _blockPackets;
    private readonly int _blocksInFlight;
    private readonly ICaptureSource _inner;
    private readonly HandOffQueue<Block> _full;
    private readonly ConcurrentBag<Block> _spare = [];
    private readonly Thread _reader;
    private Block? _current;
    private bool _ended;
    // Written by the reader before it closes _full, read by the consumer only after that.
    private CaptureProblem? _innerProblem;
    private ExceptionDispatchInfo? _failure;

    public ReadAheadCaptureSource(ICaptureSource inner) : this(inner, blockBytes: 1 << 20, blockPackets: 2048, blocksInFlight: 4)
    {
    }

    /// <summary>With other block sizes (tests: small ones cross block boundaries on a short capture).</summary>
    internal ReadAheadCaptureSource(ICaptureSource inner, int blockBytes, int blockPackets, int blocksInFlight)
    {
        _inner = inner;
        _blockBytes = blockBytes;
        _blockPackets = blockPackets;
        _blocksInFlight = blocksInFlight;
        _full = new HandOffQueue<Block>(blocksInFlight);
        Name = inner.Name;
        Length = inner.Length;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "opendump read-ahead" };
        _reader.Start();
    }

    private sealed class Block(int bytes, int packets)
    {
        public byte[] Data = new byte[bytes];
        public int Used;
        public readonly Slot[] Packets = new Slot[packets];
        public int Count;
        public int Next;
        public long? Position;
    }

    private readonly record struct Slot(long Number, long TimestampMicros, int LinkType, int Offset, int Length, int OriginalLength);

    public string Name { get; }

    /// <summary>Set once every packet before it has been read, as the inner source would.</summary>
    public CaptureProblem? Problem { get; private set; }

    /// <summary>How far the inner source had read when the current block was filled.</summary>
    public long? Position => _current?.Position ?? (_ended ? _inner.Position : 0);

    public long? Length { get; }

    public bool TryReadNext(out CapturedPacket packet)
    {
        while (true)
        {
            if (_current is { } block && block.Next < block.Count)
            {
                var s = block.Packets[block.Next++];
                packet = new CapturedPacket(s.Number, s.TimestampMicros, s.LinkType, block.Data.AsMemory(s.Offset, s.Length), s.OriginalLength);
                return true;
            }
            // The packets handed out from the current block are valid until this call: only now may it be refilled.
            if (_current is not null) _spare.Add(_current);
            _current = null;
            if (_ended || !_full.Take(out _current))
            {
                _ended = true;
                _failure?.Throw();
                Problem = _innerProblem;
                packet = default;
                return false;
            }
        }
    }

    private void ReadLoop()
    {
        try
        {
            var block = Take();
            while (_inner.TryReadNext(out var p))
            {
                var data = p.Data.Span;
                if (block.Count == _blockPackets || block.Used + data.Length > block.Data.Length)
                {
                    if (block.Count > 0)
                    {
                        if (!Publish(block)) return;
                        block = Take();
                    }
                    // A packet larger than a block gets a block of its own size.
                    if (data.Length > block.Data.Length) block.Data = new byte[data.Length];
                }
                data.CopyTo(block.Data.AsSpan(block.Used));
                block.Packets[block.Count++] = new Slot(p.Number, p.TimestampMicros, p.LinkType, block.Used, data.Length, p.OriginalLength);
                block.Used += data.Length;
            }
            if (block.Count > 0 && !Publish(block)) return;
            _innerProblem = _inner.Problem;
        }
        catch (Exception e)
        {
            _failure = ExceptionDispatchInfo.Capture(e);
        }
        _full.Close();
    }

    private Block Take()
    {
        if (!_spare.TryTake(out var block)) block = new Block(_blockBytes, _blockPackets);
        block.Used = block.Count = block.Next = 0;
        if (block.Data.Length > _blockBytes) block.Data = new byte[_blockBytes];
        return block;
    }

    // False once the consumer has gone (disposed early).
    private bool Publish(Block block)
    {
        block.Position = _inner.Position;
        return _full.Add(block);
    }

    public bool CanReopen => _inner.CanReopen;

    public ICaptureSource Reopen() => new ReadAheadCaptureSource(_inner.Reopen(), _blockBytes, _blockPackets, _blocksInFlight);

    public void Dispose()
    {
        _full.Close();
        _reader.Join();
        _inner.Dispose();
    }
}
