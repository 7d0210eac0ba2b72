using System.Buffers;
using System.Collections.Concurrent;
using OpenDump.Session;

namespace OpenDump.Output;

/// <summary>
/// Lines rendered on a worker thread one after the other into a large pooled block, so that the writing thread
/// can hand a whole run of them to the stream in one call, without a copy or a pool round trip per line. A block
/// goes back to the pool once its worker has moved on to another block and every line in it has been written.
/// </summary>
internal sealed class LineBlock
{
    public const int DefaultSize = 1 << 20;

    private readonly ArrayPool<byte> _pool;
    private readonly int _size;
    // Where the block goes once its array is back in the pool, for its worker to take up again (null: a block of a
    // size of its own, for one long line, which is not kept).
    private readonly ConcurrentQueue<LineBlock>? _spare;
    // What was handed over for each line, reused in the block's next use: by the time the block is given up every
    // line was taken back and written, and nothing else holds them. One object per frame was a fifth of what a
    // two-thread run allocated (180 of 905 MB for 1 GB to JSON Lines). Until they are reused, a spare block's
    // objects still name the writer they served last, which keeps that writer reachable from this thread.
    private PreparedOutput?[] _lines = [];
    // Lines handed over, counted by the worker alone; published as _handedOverInAll when it seals the block. An
    // interlocked add per line on the worker made it wait for every store of the line before it, each time.
    private int _handedOver;
    private int _handedOverInAll;
    private int _done;
    private int _sealed;
    private int _released;

    public LineBlock(int size, ArrayPool<byte>? pool = null, ConcurrentQueue<LineBlock>? spare = null)
    {
        _pool = pool ?? ArrayPool<byte>.Shared;
        _size = size;
        _spare = spare;
        Buffer = _pool.Rent(size);
    }

    public byte[] Buffer { get; private set; }

    /// <summary>On the worker: the line at this block's end, handed over for <paramref name="owner"/>.</summary>
    public PreparedOutput HandOver(object owner, int offset, int length, bool highlight)
    {
        if (_handedOver == _lines.Length) Array.Resize(ref _lines, Math.Max(256, 2 * _lines.Length));
        var line = _lines[_handedOver];
        if (line is null) _lines[_handedOver] = line = new PreparedOutput(owner, this, offset, length, highlight);
        else line.Set(owner, this, offset, length, highlight);
        _handedOver++;
        return line;
    }

    /// <summary>On the writing thread: that many of this block's lines were written (or dropped).</summary>
    public void LinesDone(int lines)
    {
        // The add and the exchange in Seal are full fences: of the two threads, at least one sees the other's write.
        var done = Interlocked.Add(ref _done, lines);
        if (Volatile.Read(ref _sealed) == 1 && done == _handedOverInAll) Release();
    }

    /// <summary>On the worker: no more lines go into this block.</summary>
    public void Seal()
    {
        _handedOverInAll = _handedOver;
        Interlocked.Exchange(ref _sealed, 1);
        if (Volatile.Read(ref _done) == _handedOverInAll) Release();
    }

    /// <summary>Whether the array went back to the pool (tests).</summary>
    internal bool Released => Volatile.Read(ref _released) == 1;

    /// <summary>On the worker, for a block it took from its spares: a new array and no lines.</summary>
    internal LineBlock TakeUp()
    {
        Buffer = _pool.Rent(_size);
        _handedOver = _handedOverInAll = _done = _sealed = 0;
        Volatile.Write(ref _released, 0);
        return this;
    }

    // Both threads may see the last condition met at once; only one returns the array.
    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        _pool.Return(Buffer);
        _spare?.Enqueue(this);
    }
}

/// <summary>
/// The calling thread's current <see cref="LineBlock"/> as an <see cref="IBufferWriter{T}"/>: a line is written,
/// then taken with <see cref="TakeLine"/>. A line that outgrows the block moves, with what was written of it, to a
/// new block.
/// </summary>
internal sealed class LineBlockWriter : IBufferWriter<byte>
{
    [ThreadStatic] private static LineBlockWriter? t_current;

    private readonly ArrayPool<byte>? _pool;
    private readonly int _blockSize;
    // Blocks of this writer whose lines were all written, given up on the writing thread.
    private readonly ConcurrentQueue<LineBlock> _spare = new();
    private LineBlock _block;
    private int _lineStart;
    private int _written;

    internal LineBlockWriter(int blockSize = LineBlock.DefaultSize, ArrayPool<byte>? pool = null)
    {
        _pool = pool;
        _blockSize = blockSize;
        _block = new LineBlock(blockSize, pool, _spare);
    }

    public static LineBlockWriter ForThisThread => t_current ??= new LineBlockWriter();

    /// <summary>Starts a line, dropping what an interrupted one left behind.</summary>
    public void BeginLine()
    {
        _written = _lineStart;
        // A block's array comes back from the pool long out of this core's caches, and the stores of a line then wait for
        // its cache lines one by one. Asked for 2 KB ahead at each line's start, about a JSON line's worth, they come in
        // while the lines before are written (JSON Lines of 1 GB, two threads, interleaved: 3.38 -> 3.245 s in 10 pairs,
        // 3.915 -> 3.885 s in 16, faster in 13; the timeline's shorter lines the same, 2.64 against 2.695 s in 10).
        OpenDump.Threading.CacheLines.Prefetch(_block.Buffer, _written + PrefetchAhead, PrefetchLines);
    }

    private const int PrefetchAhead = 2048, PrefetchLines = 18;

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _block.Buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _block.Buffer.AsSpan(_written);
    }

    /// <summary>The line written since the last call, handed over for <paramref name="owner"/>; the block counts it as outstanding.</summary>
    public PreparedOutput TakeLine(object owner, bool highlight = false)
    {
        var line = _block.HandOver(owner, _lineStart, _written - _lineStart, highlight);
        _lineStart = _written;
        return line;
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_block.Buffer.Length - _written >= needed) return;
        var partial = _written - _lineStart;
        var size = 2 * (partial + needed);
        var next = size > _blockSize ? new LineBlock(size, _pool)
            : _spare.TryDequeue(out var spare) ? spare.TakeUp()
            : new LineBlock(_blockSize, _pool, _spare);
        _block.Buffer.AsSpan(_lineStart, partial).CopyTo(next.Buffer);
        _block.Seal();
        _block = next;
        _lineStart = 0;
        _written = partial;
    }
}
