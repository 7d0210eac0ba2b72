using System.Buffers;

namespace OpenDump.Framing;

/// <summary>What the assembler hands on for one direction of one connection.</summary>
public interface IFrameHandler
{
    /// <summary>
    /// A whole frame. <paramref name="body"/> is valid only during the call. Returning false rejects
    /// it as a false sync (its SHA-1 disproves it): the assembler then looks for the next header
    /// from the byte after this one's start.
    /// </summary>
    bool OnFrame(in FrameHeader header, ReadOnlySpan<byte> body, in StreamPosition position);

    /// <summary>
    /// Asked as soon as a header is complete, before its body is awaited: false means the header
    /// cannot be right here (the session knows what must come first), so its bodyLen is not
    /// trusted and the search goes on from the next byte. Must not change any state.
    /// </summary>
    bool IsExpected(in FrameHeader header);

    /// <summary>
    /// A run of <paramref name="length"/> bytes that are not OpenD frames, skipped while looking for
    /// the next header; <paramref name="sample"/> is its start. <paramref name="frameFollows"/> says
    /// whether the run ended at a frame (rather than at a gap or the end of the stream).
    /// </summary>
    void OnGarbage(ReadOnlySpan<byte> sample, long length, HeaderProblem firstProblem, bool frameFollows, in StreamPosition position);

    /// <summary>A frame cut short by a gap or by the end of the stream; <paramref name="header"/> is null when fewer than 44 bytes were seen.</summary>
    void OnTruncatedFrame(FrameHeader? header, int bytesSeen, string reason, in StreamPosition position);
}

/// <summary>
/// Where every byte of one direction went. The parts add up to <see cref="StreamBytes"/>, the
/// extent of the stream including the bytes the capture never had.
/// </summary>
public readonly record struct StreamAccounting(long StreamBytes, long FrameBytes, long GapBytes, long GarbageBytes, long LostFrameBytes, long PendingBytes)
{
    public bool AddsUp => FrameBytes + GapBytes + GarbageBytes + LostFrameBytes + PendingBytes == StreamBytes;
}

/// <summary>Where in the capture and in the byte stream something was found.</summary>
public readonly record struct StreamPosition(long TimestampMicros, long PacketNumber, long StreamOffset);

/// <summary>
/// Cuts one direction's contiguous byte stream into frames. Bytes are buffered only while a frame
/// is incomplete; a complete frame is handed on straight from the caller's span when it can be.
/// </summary>
public sealed class FrameAssembler : IDisposable
{
    private readonly IFrameHandler _handler;
    private readonly uint _maxBodyLen;
    private byte[] _buffer = [];
    private int _buffered;
    private long _bufferStreamOffset;
    private long _streamOffset;
    private bool _disposed;

    // Garbage is reported as one run, not byte by byte.
    private long _garbageRun;
    private HeaderProblem _garbageProblem;
    private long _garbageOffset;
    private byte[] _garbageSample = new byte[GarbageSampleBytes];
    private int _garbageSampleLength;
    private StreamPosition _garbagePosition;
    public const int GarbageSampleBytes = 256;

    public FrameAssembler(IFrameHandler handler, uint maxBodyLen)
    {
        _handler = handler;
        _maxBodyLen = maxBodyLen;
    }

    public StreamAccounting Accounting => new(_streamOffset, _frameBytes, _gapBytes, GarbageBytes, _lostFrameBytes, _buffered);

    private long _frameBytes;
    private long _gapBytes;
    private long _lostFrameBytes;

    public void Append(ReadOnlySpan<byte> data, long timestampMicros, long packetNumber)
    {
        if (_buffered == 0)
        {
            var used = Drain(data, timestampMicros, packetNumber, _streamOffset);
            _streamOffset += data.Length;
            Keep(data[used..], _streamOffset - (data.Length - used));
            return;
        }

        EnsureCapacity(_buffered + data.Length);
        data.CopyTo(_buffer.AsSpan(_buffered));
        _buffered += data.Length;
        _streamOffset += data.Length;
        Discard(Drain(_buffer.AsSpan(0, _buffered), timestampMicros, packetNumber, _bufferStreamOffset));
        ShrinkIfIdle();
    }

    /// <summary>Bytes were lost before the next data: whatever frame was in progress cannot be completed.</summary>
    public void Gap(long missingBytes, long timestampMicros, long packetNumber)
    {
        ReleaseHeld($"{missingBytes} bytes lost in the capture", timestampMicros, packetNumber);
        FlushGarbage();
        _streamOffset += missingBytes;
        _gapBytes += missingBytes;
        _bufferStreamOffset = _streamOffset;
        _resyncing = true;
    }

    /// <summary>The stream ended (FIN, RST or end of capture).</summary>
    public void Complete(long timestampMicros, long packetNumber, string reason)
    {
        ReleaseHeld(reason, timestampMicros, packetNumber);
        FlushGarbage();
        ShrinkIfIdle();
    }

    /// <summary>
    /// The bytes held for an incomplete frame will get no continuation. If another header follows
    /// inside them, the first one was a corrupted or false header that swallowed real frames: those
    /// are recovered; only the bytes before the next header are reported lost.
    /// </summary>
    private void ReleaseHeld(string reason, long ts, long packet)
    {
        while (_buffered > 0)
        {
            var next = _buffered > 1 ? FrameScanner.FindNextHeader(_buffer.AsSpan(0, _buffered), _maxBodyLen) : -1;
            FlushGarbage();
            ReportTruncated(next < 0 ? _buffered : next, reason, ts, packet);
            if (next < 0) return;
            Discard(Drain(_buffer.AsSpan(0, _buffered), ts, packet, _bufferStreamOffset));
        }
    }

    // After a gap the next bytes are usually the middle of a frame; until a header is found again
    // they are skipped without a "bad header" complaint for each.
    private bool _resyncing;

    private int Drain(ReadOnlySpan<byte> data, long ts, long packet, long baseOffset)
    {
        var pos = 0;
        while (pos < data.Length)
        {
            var rest = data[pos..];
            var status = FrameScanner.Scan(rest, _maxBodyLen, out var header, out var length, out var problem);
            if (status != ScanStatus.Invalid && rest.Length >= FrameHeader.Size && !_handler.IsExpected(header))
            {
                status = ScanStatus.Invalid;
                problem = HeaderProblem.Unexpected;
            }
            if (status == ScanStatus.Frame)
            {
                var position = new StreamPosition(ts, packet, baseOffset + pos);
                // Reported before the frame so the outputs keep stream order; should the frame be
                // rejected, what follows is reported as a run of its own.
                FlushGarbage(frameFollows: true);
                if (_handler.OnFrame(header, rest.Slice(FrameHeader.Size, (int)header.BodyLen), position))
                {
                    _resyncing = false;
                    _frameBytes += length;
                    pos += length;
                    continue;
                }
                problem = HeaderProblem.Sha1Rejected;
            }
            else if (status == ScanStatus.NeedMore)
            {
                break;
            }

            var next = FrameScanner.FindNextHeader(rest, _maxBodyLen);
            var skip = next < 0 ? rest.Length : next;
            NoteGarbage(rest[..skip], _resyncing && problem != HeaderProblem.Sha1Rejected ? HeaderProblem.None : problem, new StreamPosition(ts, packet, baseOffset + pos));
            pos += skip;
        }
        return pos;
    }

    private void NoteGarbage(ReadOnlySpan<byte> bytes, HeaderProblem problem, StreamPosition position)
    {
        if (_garbageRun == 0)
        {
            _garbageProblem = problem;
            _garbagePosition = position;
            _garbageOffset = position.StreamOffset;
            _garbageSampleLength = 0;
        }
        var room = GarbageSampleBytes - _garbageSampleLength;
        if (room > 0)
        {
            var take = Math.Min(room, bytes.Length);
            bytes[..take].CopyTo(_garbageSample.AsSpan(_garbageSampleLength));
            _garbageSampleLength += take;
        }
        _garbageRun += bytes.Length;
    }

    private void FlushGarbage(bool frameFollows = false)
    {
        if (_garbageRun == 0) return;
        var position = _garbagePosition with { StreamOffset = _garbageOffset };
        _handler.OnGarbage(_garbageSample.AsSpan(0, _garbageSampleLength), _garbageRun, _garbageProblem, frameFollows, position);
        _garbageSkipped += _garbageRun;
        _garbageRun = 0;
    }

    private long _garbageSkipped;

    /// <summary>Bytes of this direction that were not part of any frame.</summary>
    public long GarbageBytes => _garbageSkipped + _garbageRun;

    private void ReportTruncated(int count, string reason, long ts, long packet)
    {
        FrameHeader? header = count >= FrameHeader.Size && FrameHeader.Validate(_buffer.AsSpan(0, count), _maxBodyLen) == HeaderProblem.None
            ? FrameHeader.Read(_buffer)
            : null;
        _handler.OnTruncatedFrame(header, count, reason, new StreamPosition(ts, packet, _bufferStreamOffset));
        _lostFrameBytes += count;
        Discard(count);
    }

    private void Discard(int count)
    {
        var rest = _buffered - count;
        if (count > 0 && rest > 0) Buffer.BlockCopy(_buffer, count, _buffer, 0, rest);
        _buffered = rest;
        _bufferStreamOffset += count;
    }

    private void Keep(ReadOnlySpan<byte> rest, long restOffset)
    {
        _bufferStreamOffset = restOffset;
        if (rest.IsEmpty) return;
        EnsureCapacity(rest.Length);
        rest.CopyTo(_buffer);
        _buffered = rest.Length;
    }

    private void EnsureCapacity(int needed)
    {
        if (_buffer.Length >= needed) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(4096, _buffer.Length * 2)));
        _buffer.AsSpan(0, _buffered).CopyTo(bigger);
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    // A 120 KB reply should not pin 128 KB per direction for the rest of a long capture.
    private void ShrinkIfIdle()
    {
        if (_buffered == 0 && _buffer.Length > 64 * 1024)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _buffered = 0;
    }
}
