using OpenDump.Link;
namespace OpenDump.Testing;

/// <summary>
/// Turns a conversation into the TCP segments a capture of it would hold.
/// Every segment of one message carries that message's timestamp, so the way a message is split never
/// changes the times a decoder reports; only reordering and retransmission can move bytes to a later
/// message's time. Timestamps never decrease.
/// </summary>
public static class TcpSegmenter
{
    // Loopback round trips are tens of microseconds; these only need to be plausible and ordered.
    private const long HandshakeStepMicros = 30;
    private const long AckDelayMicros = 20;
    private const long CloseAfterMicros = 1_000;

    /// <summary>Linux stops delaying an ACK after about 40 ms; an answer sooner than that carries the ACK itself.</summary>
    private const long DelayedAckMicros = 40_000;

    // Distinct streams per random decision (see SegmenterOptions).
    private const long IsnStream = 0x15A;
    private const long SplitStream = 0x5B1;
    private const long RetransmitStream = 0x2E7;
    private const long ReorderStream = 0x0D3;

    public static IReadOnlyList<TestSegment> Segment(this Conversation conversation, SegmenterOptions? options = null) =>
        new Run(conversation, options ?? SegmenterOptions.Default).Segments();

    /// <summary>Interleaves several connections by time; ties keep the order the connections were given in.</summary>
    public static IReadOnlyList<TestSegment> Merge(params IEnumerable<TestSegment>[] connections) =>
        connections.SelectMany(c => c).OrderBy(s => s.TimestampMicros).ToArray();

    private sealed record Content(Direction Dir, uint Seq, uint Ack, TcpFlags Flags, byte[] Payload, long Offset);

    /// <summary>A place in the capture: its time stays put when reordering moves another segment into it.</summary>
    private sealed class Slot(long time, Content content)
    {
        public long Time = time;
        public Content Content = content;
    }

    private sealed class Run
    {
        private readonly Conversation _conversation;
        private readonly SegmenterOptions _options;
        private readonly byte[][] _streams;
        private readonly uint[] _isn = new uint[2];
        private readonly long[] _sent = new long[2];
        private readonly long[] _unacked = new long[2];
        private readonly SeededRandom _splitRng;

        public Run(Conversation conversation, SegmenterOptions options)
        {
            if (options.MaxSegmentSize < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxSegmentSize must be positive");
            if (options.RetransmitRate is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(options), "RetransmitRate is a share in [0, 1]");
            if (conversation.Client.Address.AddressFamily != conversation.Server.Address.AddressFamily)
                throw new ArgumentException("client and server must both be IPv4 or both IPv6");

            _conversation = conversation;
            _options = options;
            _streams = [conversation.StreamOf(Direction.ClientToServer), conversation.StreamOf(Direction.ServerToClient)];
            _splitRng = new SeededRandom(options.Seed ^ SplitStream);

            var isnRng = new SeededRandom(options.Seed ^ IsnStream);
            _isn[0] = options.ClientIsn ?? ChooseIsn(isnRng, options.IsnNearWrap);
            _isn[1] = options.ServerIsn ?? ChooseIsn(isnRng, options.IsnNearWrap);
        }

        public IReadOnlyList<TestSegment> Segments()
        {
            var bursts = Bursts();
            var firstData = bursts.Count > 0 ? bursts[0].Time : _conversation.StartMicros;

            var opening = new List<Slot>();
            if (_options.Handshake)
            {
                // The handshake fits before the first data even when the transcript starts writing at once.
                var t0 = Math.Min(_conversation.StartMicros, firstData);
                opening.Add(Make(t0, Direction.ClientToServer, _isn[0], 0, TcpFlags.Syn, 0));
                opening.Add(Make(Math.Min(t0 + HandshakeStepMicros, firstData), Direction.ServerToClient, _isn[1], SeqOf(0, 0), TcpFlags.Syn | TcpFlags.Ack, 0));
                opening.Add(Make(Math.Min(t0 + 2 * HandshakeStepMicros, firstData), Direction.ClientToServer, SeqOf(0, 0), SeqOf(1, 0), TcpFlags.Ack, 0));
            }

            var data = Data(bursts);
            data = Retransmit(data);
            Reorder(data);

            var all = new List<Slot>(opening);
            all.AddRange(data);
            var lastTime = all.Count > 0 ? all.Max(s => s.Time) : _conversation.StartMicros;
            all.AddRange(Closing(lastTime + CloseAfterMicros));

            var result = new TestSegment[all.Count];
            var clock = long.MinValue;
            for (var i = 0; i < all.Count; i++)
            {
                clock = Math.Max(clock, all[i].Time);
                var c = all[i].Content;
                result[i] = new TestSegment(clock, _conversation.SourceOf(c.Dir), _conversation.DestinationOf(c.Dir), c.Seq, c.Ack, c.Flags, c.Payload);
            }
            return result;
        }

        private static uint ChooseIsn(SeededRandom rng, bool nearWrap) =>
            nearWrap ? uint.MaxValue - (uint)rng.Next(1, 200) : (uint)rng.NextUInt64();

        private readonly record struct Burst(Direction Dir, long Time, int Length);

        private List<Burst> Bursts()
        {
            var bursts = new List<Burst>();
            foreach (var message in _conversation.Messages)
            {
                if (message.Bytes.Length == 0) continue;
                if (_options.Coalesce && bursts.Count > 0 && bursts[^1].Dir == message.Dir)
                    // The shared segment leaves when its last message is written.
                    bursts[^1] = bursts[^1] with { Time = message.TimestampMicros, Length = bursts[^1].Length + message.Bytes.Length };
                else
                    bursts.Add(new Burst(message.Dir, message.TimestampMicros, message.Bytes.Length));
            }
            return bursts;
        }

        private List<Slot> Data(List<Burst> bursts)
        {
            var slots = new List<Slot>();
            for (var b = 0; b < bursts.Count; b++)
            {
                var burst = bursts[b];
                int dir = (int)burst.Dir, other = 1 - dir;
                var remaining = burst.Length;
                while (remaining > 0)
                {
                    var size = Math.Min(NextPieceSize(), remaining);
                    remaining -= size;
                    var offset = _sent[dir];
                    var flags = remaining == 0 ? TcpFlags.Ack | TcpFlags.Psh : TcpFlags.Ack;
                    slots.Add(Make(burst.Time, burst.Dir, SeqOf(dir, offset), SeqOf(other, _sent[other]), flags, offset, size));
                    _sent[dir] += size;
                    _unacked[dir] += size;
                    // Data from this side acknowledges everything the other side sent.
                    _unacked[other] = 0;

                    if (_options.PureAcks && _unacked[dir] >= 2L * _options.MaxSegmentSize)
                        slots.Add(PureAck(burst.Time, (Direction)other));
                }

                if (_options.PureAcks && _unacked[dir] > 0)
                {
                    var next = b + 1 < bursts.Count ? bursts[b + 1] : (Burst?)null;
                    var answeredAtOnce = next is { } n && (int)n.Dir == other && n.Time - burst.Time <= DelayedAckMicros;
                    if (!answeredAtOnce)
                        slots.Add(PureAck(Math.Min(burst.Time + AckDelayMicros, next?.Time ?? long.MaxValue), (Direction)other));
                }
            }
            return slots;
        }

        private Slot PureAck(long time, Direction from)
        {
            int me = (int)from, peer = 1 - me;
            _unacked[peer] = 0;
            return Make(time, from, SeqOf(me, _sent[me]), SeqOf(peer, _sent[peer]), TcpFlags.Ack, 0);
        }

        private int NextPieceSize()
        {
            var mss = _options.MaxSegmentSize;
            if (_options.OneBytePerSegment) return 1;
            if (!_options.RandomSplits) return mss;
            return _splitRng.Chance(0.5) ? _splitRng.Next(1, Math.Min(64, mss) + 1) : _splitRng.Next(1, mss + 1);
        }

        /// <summary>
        /// Sends some data segments again a few segments later: whole, or as one segment that covers the
        /// second half of this segment and the first half of the next, which tests overlap trimming.
        /// The bytes always agree with the original stream: these are retransmissions, not attacks.
        /// </summary>
        private List<Slot> Retransmit(List<Slot> slots)
        {
            if (_options.RetransmitRate <= 0) return slots;
            var rng = new SeededRandom(_options.Seed ^ RetransmitStream);
            var result = new List<Slot>(slots.Count);
            var pending = new List<(int Countdown, Content Content)>();

            for (var i = 0; i < slots.Count; i++)
            {
                var original = slots[i].Content;
                result.Add(slots[i]);

                for (var p = pending.Count - 1; p >= 0; p--)
                {
                    if (pending[p].Countdown > 0) { pending[p] = (pending[p].Countdown - 1, pending[p].Content); continue; }
                    result.Add(new Slot(slots[i].Time, pending[p].Content));
                    pending.RemoveAt(p);
                }

                if (original.Payload.Length == 0 || !rng.Chance(_options.RetransmitRate)) continue;
                var copy = rng.Chance(0.5) ? Overlap(slots, i) ?? original : original;
                pending.Add((rng.Next(0, 3), copy));
            }
            foreach (var (_, content) in pending)
                result.Add(new Slot(result[^1].Time, content));
            return result;
        }

        private Content? Overlap(List<Slot> slots, int index)
        {
            var first = slots[index].Content;
            // Only when the next data on the wire continues this segment: bytes must not jump ahead of
            // the other side's data that came in between (a reply cannot precede its request).
            var next = slots.Skip(index + 1).Select(s => s.Content).FirstOrDefault(c => c.Payload.Length > 0);
            if (next is null || next.Dir != first.Dir || next.Offset != first.Offset + first.Payload.Length) return null;

            var start = first.Offset + first.Payload.Length / 2;
            var end = next.Offset + Math.Max(1, next.Payload.Length / 2);
            var dir = (int)first.Dir;
            var payload = _streams[dir].AsSpan((int)start, (int)(end - start)).ToArray();
            return new Content(first.Dir, SeqOf(dir, start), next.Ack, TcpFlags.Ack, payload, start);
        }

        /// <summary>
        /// Shuffles data segments within blocks of the window size, never across data of the other
        /// direction: a request's bytes always come before its reply, as in any real capture (OpenD
        /// cannot answer what it has not received). Pure ACKs keep their places.
        /// </summary>
        private void Reorder(List<Slot> slots)
        {
            var window = _options.ReorderWindow;
            if (window < 2) return;
            var rng = new SeededRandom(_options.Seed ^ ReorderStream);
            var run = new List<int>();
            foreach (var i in Enumerable.Range(0, slots.Count).Where(i => slots[i].Content.Payload.Length > 0))
            {
                if (run.Count > 0 && slots[run[0]].Content.Dir != slots[i].Content.Dir) Shuffle(slots, run, window, rng);
                run.Add(i);
            }
            Shuffle(slots, run, window, rng);
        }

        private static void Shuffle(List<Slot> slots, List<int> run, int window, SeededRandom rng)
        {
            for (var start = 0; start < run.Count; start += window)
            {
                var block = run.GetRange(start, Math.Min(window, run.Count - start));
                for (var i = block.Count - 1; i > 0; i--)
                {
                    var j = rng.Next(0, i + 1);
                    (slots[block[i]].Content, slots[block[j]].Content) = (slots[block[j]].Content, slots[block[i]].Content);
                }
            }
            run.Clear();
        }

        private IEnumerable<Slot> Closing(long time)
        {
            const int c = 0, s = 1;
            switch (_options.Close)
            {
                case TcpClose.Fin:
                    yield return Make(time, Direction.ClientToServer, SeqOf(c, _sent[c]), SeqOf(s, _sent[s]), TcpFlags.Fin | TcpFlags.Ack, 0);
                    // Each FIN takes one sequence number, like the SYN.
                    yield return Make(time + HandshakeStepMicros, Direction.ServerToClient, SeqOf(s, _sent[s]), SeqOf(c, _sent[c] + 1), TcpFlags.Fin | TcpFlags.Ack, 0);
                    yield return Make(time + 2 * HandshakeStepMicros, Direction.ClientToServer, SeqOf(c, _sent[c] + 1), SeqOf(s, _sent[s] + 1), TcpFlags.Ack, 0);
                    break;
                case TcpClose.Rst:
                    yield return Make(time, Direction.ClientToServer, SeqOf(c, _sent[c]), SeqOf(s, _sent[s]), TcpFlags.Rst | TcpFlags.Ack, 0);
                    break;
            }
        }

        /// <summary>The SYN takes one sequence number, so data starts at ISN + 1 (wrapping, as TCP does).</summary>
        private uint SeqOf(int dir, long offset) => unchecked(_isn[dir] + 1 + (uint)offset);

        private Slot Make(long time, Direction dir, uint seq, uint ack, TcpFlags flags, long offset, int length = 0)
        {
            var payload = length == 0 ? [] : _streams[(int)dir].AsSpan((int)offset, length).ToArray();
            return new Slot(time, new Content(dir, seq, ack, flags, payload, offset));
        }
    }
}
