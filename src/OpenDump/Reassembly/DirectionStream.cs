namespace OpenDump.Reassembly;

/// <summary>
/// One direction of one connection: turns segments, in any order and with repeats, into a
/// contiguous byte stream. Sequence numbers wrap at 2^32, so they are compared by signed
/// difference and turned into 64-bit stream offsets before they are stored.
/// </summary>
internal sealed class DirectionStream
{
    private readonly SortedList<long, byte[]> _pending = new();
    private uint _nextSeq;
    private long _nextOffset;
    private uint? _finSeq;

    public bool Started { get; private set; }
    public bool Closed { get; private set; }
    public long PendingBytes { get; private set; }
    public bool HasPending => _pending.Count > 0;

    public void StartAt(uint firstDataSeq)
    {
        if (Started) return;
        _nextSeq = firstDataSeq;
        Started = true;
    }

    public void MarkFin(uint seqAfterData) => _finSeq ??= seqAfterData;

    /// <summary>True once every byte up to the FIN has been delivered.</summary>
    public bool FinReached => _finSeq is { } fin && (int)(fin - _nextSeq) <= 0;

    public void MarkClosed() => Closed = true;

    public void DropPending()
    {
        _pending.Clear();
        PendingBytes = 0;
    }

    /// <summary>Accepts a segment; calls <paramref name="deliver"/> for every byte range that became contiguous.</summary>
    public void Accept(uint seq, ReadOnlySpan<byte> payload, DeliverAction deliver)
    {
        if (payload.IsEmpty) return;
        if (!Started) StartAt(seq);

        var rel = (int)(seq - _nextSeq);
        if (rel > 0)
        {
            var key = _nextOffset + rel;
            if (!_pending.TryGetValue(key, out var held) || held.Length < payload.Length)
            {
                if (held is not null) PendingBytes -= held.Length;
                _pending[key] = payload.ToArray();
                PendingBytes += payload.Length;
            }
            return;
        }

        var skip = -rel;
        if (skip < payload.Length) Deliver(payload[skip..], deliver);
        DrainPending(deliver);
    }

    /// <summary>Gives up on the hole before the earliest held segment: reports it and releases what follows.</summary>
    public long SkipToPending(DeliverAction deliver, GapAction gap, GapReason reason)
    {
        if (_pending.Count == 0) return 0;
        var missing = _pending.Keys[0] - _nextOffset;
        if (missing > 0)
        {
            gap(missing, reason);
            _nextOffset += missing;
            _nextSeq += (uint)missing;
        }
        DrainPending(deliver);
        return missing;
    }

    private void DrainPending(DeliverAction deliver)
    {
        while (_pending.Count > 0)
        {
            var key = _pending.Keys[0];
            if (key > _nextOffset) return;
            var data = _pending.Values[0];
            _pending.RemoveAt(0);
            PendingBytes -= data.Length;
            var skip = _nextOffset - key;
            if (skip < data.Length) Deliver(data.AsSpan((int)skip), deliver);
        }
    }

    private void Deliver(ReadOnlySpan<byte> data, DeliverAction deliver)
    {
        _nextOffset += data.Length;
        _nextSeq += (uint)data.Length;
        deliver(data);
    }
}

internal delegate void DeliverAction(ReadOnlySpan<byte> data);
internal delegate void GapAction(long missingBytes, GapReason reason);
