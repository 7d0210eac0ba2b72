using System.Buffers;

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
    // Lines handed over, counted by the worker alone; published as _handedOverInAll when it seals the block. An
    // interlocked add per line on the worker made it wait for every store of the line before it, each time.
    private int _handedOver;
    private int _handedOverInAll;
    private int _done;
    private int _sealed;
    private int _released;

    public LineBlock(int size, ArrayPool<byte>? pool = null)
    {
        _pool = pool ?? ArrayPool<byte>.Shared;
        Buffer = _pool.Rent(size);
    }

    public byte[] Buffer { get; }

    /// <summary>On the worker: a line at this block's end was handed over.</summary>
    public void LineHandedOver() => _handedOver++;

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

    // Both threads may see the last condition met at once; only one returns the array.
    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) _pool.Return(Buffer);
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
    private LineBlock _block;
    private int _lineStart;
    private int _written;

    internal LineBlockWriter(int blockSize = LineBlock.DefaultSize, ArrayPool<byte>? pool = null)
    {
        _pool = pool;
        _blockSize = blockSize;
        _block = new LineBlock(blockSize, pool);
    }

    public static LineBlockWriter ForThisThread => t_current ??= new LineBlockWriter();

    /// <summary>Starts a line, dropping what an interrupted one left behind.</summary>
    public void BeginLine() => _written = _lineStart;

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

    /// <summary>The line written since the last call: its block, offset and length. The block counts it as outstanding.</summary>
    public (LineBlock Block, int Offset, int Length) TakeLine()
    {
        var line = (_block, _lineStart, _written - _lineStart);
        _block.LineHandedOver();
        _lineStart = _written;
        return line;
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_block.Buffer.Length - _written >= needed) return;
        var partial = _written - _lineStart;
        var next = new LineBlock(Math.Max(_blockSize, 2 * (partial + needed)), _pool);
        _block.Buffer.AsSpan(_lineStart, partial).CopyTo(next.Buffer);
        _block.Seal();
        _block = next;
        _lineStart = 0;
        _written = partial;
    }
}
