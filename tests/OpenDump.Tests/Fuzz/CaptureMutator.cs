using System.Buffers.Binary;
using OpenDump.Framing;
using OpenDump.Link;
using OpenDump.Reassembly;
using OpenDump.Testing;

namespace OpenDump.Tests.Fuzz;

public enum MutationKind
{
    DropSegment,
    DuplicateSegment,
    ReorderSegments,
    /// <summary>The packet's captured length is shorter than its real length, as with a small snaplen.</summary>
    TruncatePacket,
    /// <summary>A new segment of garbage in the stream; every later sequence number of that direction moves up.</summary>
    InsertGarbage,
    /// <summary>A run of stream bytes replaced by garbage, in every segment that carries them.</summary>
    OverwriteGarbage,
    FlipHeaderBytes,
    FlipBodyBytes,
    CutFile,
    FlipFileBytes,
}

/// <summary>
/// Stream bytes of one direction that a mutation changed or removed, in the clean stream's offsets:
/// [Start, End). Start == End is an insertion point: bytes were added between Start - 1 and Start.
/// </summary>
public readonly record struct Damage(ConnKey Conn, FlowDirection Dir, long Start, long End)
{
    public bool IsInsertion => Start == End;

    /// <summary>An insertion touches only a frame it lands inside; at a frame boundary it touches none.</summary>
    public bool Touches(RefFrame f) =>
        f.Conn == Conn && f.Dir == Dir && (IsInsertion ? f.Offset < Start && Start < f.End : f.Offset < End && Start < f.End);
}

/// <summary>One mutated capture: how it was made, which stream bytes it damaged, and the file itself.</summary>
public sealed record FuzzCase(
    long Seed,
    FuzzSource Source,
    bool FileLevel,
    IReadOnlyList<MutationKind> Kinds,
    IReadOnlyList<string> Steps,
    IReadOnlyList<Damage> Damages,
    byte[] File,
    bool FileHeaderDamaged)
{
    public bool Disturbs(ConnKey conn, FlowDirection dir) => Damages.Any(d => d.Conn == conn && d.Dir == dir);

    public string Describe() =>
        $"seed {Seed} ({Source.Name}, {(FileLevel ? "file-level" : "segment-level")}): {string.Join("; ", Steps)}";
}

/// <summary>
/// Makes a mutated capture from a seed. Segment-level mutations work on the source's TCP segments and
/// keep an exact account of which bytes of which direction's stream they changed, dropped or
/// displaced, so the oracle knows which frames must still decode. File-level mutations damage the
/// capture file itself and are only judged on not crashing, not hanging and byte accounting.
/// </summary>
public static class CaptureMutator
{
    public static readonly MutationKind[] SegmentKinds =
    [
        MutationKind.DropSegment, MutationKind.DuplicateSegment, MutationKind.ReorderSegments, MutationKind.TruncatePacket,
        MutationKind.InsertGarbage, MutationKind.OverwriteGarbage, MutationKind.FlipHeaderBytes, MutationKind.FlipBodyBytes,
    ];

    public static readonly MutationKind[] FileKinds = [MutationKind.CutFile, MutationKind.FlipFileBytes];

    public const double FileLevelShare = 0.2;

    /// <summary>Ethernet, IPv4 and TCP headers in front of every payload the test writers produce.</summary>
    private const int PacketHeaderBytes = 14 + 20 + 20;

    private const int PcapFileHeaderBytes = 24;

    public static FuzzCase Create(long seed, IReadOnlyList<FuzzSource> sources)
    {
        var rng = new SeededRandom(seed);
        var source = sources[rng.Next(sources.Count)];
        var fileLevel = rng.Chance(FileLevelShare);
        var count = rng.Next(1, 4);
        return fileLevel ? FileCase(seed, source, rng, count) : new SegmentWork(source, rng).Run(seed, count);
    }

    private static FuzzCase FileCase(long seed, FuzzSource source, SeededRandom rng, int count)
    {
        var pcapng = rng.Chance(0.3);
        var file = pcapng ? source.Segments.ToPcapNg() : source.Pcap.ToArray();
        // libpcap reads the section header and the first interface description when it opens a pcapng.
        var headerLength = pcapng
            ? BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(4)) + BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(4)) + 4))
            : PcapFileHeaderBytes;
        var kinds = new List<MutationKind>();
        var steps = new List<string> { pcapng ? "as pcapng" : "as pcap" };
        var headerDamaged = false;

        for (var i = 0; i < count; i++)
        {
            var kind = FileKinds[rng.Next(FileKinds.Length)];
            kinds.Add(kind);
            if (kind == MutationKind.CutFile)
            {
                // Mostly anywhere; sometimes inside the file header, which is the one place a refusal to open is fair.
                var at = rng.Chance(0.1) ? rng.Next(0, Math.Min(headerLength, file.Length) + 1) : rng.Next(0, file.Length + 1);
                file = file[..at];
                headerDamaged |= at < headerLength;
                steps.Add($"cut the file at {at}");
            }
            else
            {
                var flips = rng.Next(1, 9);
                var at = new List<int>();
                for (var f = 0; f < flips && file.Length > 0; f++)
                {
                    var pos = rng.Chance(0.1) ? rng.Next(0, Math.Min(headerLength, file.Length)) : rng.Next(0, file.Length);
                    file[pos] ^= (byte)rng.Next(1, 256);
                    headerDamaged |= pos < headerLength;
                    at.Add(pos);
                }
                steps.Add($"flip file bytes at {string.Join(",", at)}");
            }
        }
        return new FuzzCase(seed, source, true, kinds, steps, [], file, headerDamaged);
    }

    /// <summary>One packet of the capture being mutated.</summary>
    private sealed class Piece
    {
        public required TestSegment Segment;
        public required ConnKey Conn;
        public required FlowDirection Dir;

        /// <summary>Clean-stream offset of the first payload byte (or of the sequence number when there is no payload); -1 for a SYN.</summary>
        public required long Offset;

        /// <summary>Inserted garbage has an id (>= 0) and sits at <see cref="Offset"/> without taking clean-stream bytes.</summary>
        public int GarbageId = -1;

        /// <summary>Bytes missing from the end of the captured packet; more than the payload cuts into the headers.</summary>
        public int CutBytes;

        private bool _ownsPayload;

        public byte[] Payload => Segment.Payload;
        public int Length => Segment.Payload.Length;
        public bool HasData => Segment.Payload.Length > 0;
        public bool IsGarbage => GarbageId >= 0;
        public bool IsControl => (Segment.Flags & (TcpFlags.Syn | TcpFlags.Fin | TcpFlags.Rst)) != 0;
        public bool IsSyn => (Segment.Flags & TcpFlags.Syn) != 0;
        public bool IsFin => (Segment.Flags & TcpFlags.Fin) != 0;
        public bool HeadersCaptured => CutBytes <= Length;
        public int CapturedPayload => Math.Max(0, Length - CutBytes);

        /// <summary>The clean segments are shared by every case, so a payload is copied before its first change.</summary>
        public byte[] WritablePayload()
        {
            if (!_ownsPayload)
            {
                Segment = Segment with { Payload = Segment.Payload.ToArray() };
                _ownsPayload = true;
            }
            return Segment.Payload;
        }

        public Piece Copy() => new() { Segment = Segment with { Payload = Segment.Payload.ToArray() }, Conn = Conn, Dir = Dir, Offset = Offset, GarbageId = GarbageId, CutBytes = CutBytes, _ownsPayload = true };

        public override string ToString() =>
            $"{Conn} {Dir.Name()} {(IsGarbage ? "garbage " : "")}{(IsSyn ? "SYN " : IsFin ? "FIN " : "")}[{Offset}, {Offset + Length})";
    }

    private sealed record Insertion(int Id, ConnKey Conn, FlowDirection Dir, long Offset, int Length);

    private sealed class SegmentWork
    {
        private readonly FuzzSource _source;
        private readonly SeededRandom _rng;
        private readonly List<Piece> _pieces = [];
        private readonly List<Damage> _damages = [];
        private readonly List<string> _steps = [];
        private readonly List<MutationKind> _kinds = [];
        private readonly List<Insertion> _insertions = [];

        public SegmentWork(FuzzSource source, SeededRandom rng)
        {
            _source = source;
            _rng = rng;
            foreach (var s in source.Segments)
            {
                var conn = FuzzSource.KeyOf(s);
                var dir = FuzzSource.DirectionOf(s);
                var first = source.Connections[conn].Of(dir).FirstSeq;
                var offset = (s.Flags & TcpFlags.Syn) != 0 ? -1 : (long)(uint)(s.Seq - first);
                _pieces.Add(new Piece { Segment = s, Conn = conn, Dir = dir, Offset = offset });
            }
        }

        public FuzzCase Run(long seed, int count)
        {
            for (var i = 0; i < count; i++)
            {
                // A kind that finds nothing to act on (no unstraddled insertion point, say) gives way to another.
                for (var attempt = 0; attempt < 20; attempt++)
                {
                    var kind = SegmentKinds[_rng.Next(SegmentKinds.Length)];
                    if (!Apply(kind)) continue;
                    _kinds.Add(kind);
                    break;
                }
            }
            NoteLostStreamStarts();
            return new FuzzCase(seed, _source, false, _kinds, _steps, _damages, Write(), false);
        }

        private bool Apply(MutationKind kind) => kind switch
        {
            MutationKind.DropSegment => Drop(),
            MutationKind.DuplicateSegment => Duplicate(),
            MutationKind.ReorderSegments => Reorder(),
            MutationKind.TruncatePacket => Truncate(),
            MutationKind.InsertGarbage => InsertGarbage(),
            MutationKind.OverwriteGarbage => OverwriteGarbage(),
            MutationKind.FlipHeaderBytes => FlipHeader(),
            MutationKind.FlipBodyBytes => FlipBody(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        private int Pick(Func<Piece, bool> predicate)
        {
            var candidates = Enumerable.Range(0, _pieces.Count).Where(i => predicate(_pieces[i])).ToList();
            return candidates.Count == 0 ? -1 : candidates[_rng.Next(candidates.Count)];
        }

        private void Damage(ConnKey conn, FlowDirection dir, long start, long end) => _damages.Add(new Damage(conn, dir, start, end));

        private bool Drop()
        {
            // Mostly data; sometimes a SYN, FIN or bare ACK, whose loss must not cost any frame (except via a lost stream start).
            var i = _rng.Chance(0.85) ? Pick(p => p.HasData) : _rng.Next(_pieces.Count);
            if (i < 0) return false;
            var p = _pieces[i];
            _pieces.RemoveAt(i);
            if (p.HasData && !p.IsGarbage) Damage(p.Conn, p.Dir, p.Offset, p.Offset + p.Length);
            _steps.Add($"drop packet {i} {p}");
            return true;
        }

        private bool Duplicate()
        {
            var i = Pick(p => p.HasData && !p.IsControl);
            if (i < 0) return false;
            var at = _rng.Next(i + 1, Math.Min(_pieces.Count, i + 8) + 1);
            // A retransmission: later than the original, stamped with the time of the packet before it.
            var copy = _pieces[i].Copy();
            copy.Segment = copy.Segment with { TimestampMicros = _pieces[at - 1].Segment.TimestampMicros };
            _pieces.Insert(at, copy);
            _steps.Add($"duplicate packet {i} {copy} at {at}");
            return true;
        }

        /// <summary>
        /// Swaps two data segments of one direction, never across data of the other direction of the
        /// same connection: a reply cannot be captured before the request it answers. The packets
        /// trade contents and keep their times, as reordering does in a capture.
        /// </summary>
        private bool Reorder()
        {
            var i = Pick(p => p.HasData && !p.IsControl);
            if (i < 0) return false;
            var a = _pieces[i];
            var partners = new List<int>();
            for (var j = Math.Max(0, i - 8); j <= Math.Min(_pieces.Count - 1, i + 8); j++)
            {
                var b = _pieces[j];
                if (j == i || !b.HasData || b.IsControl || b.Conn != a.Conn || b.Dir != a.Dir) continue;
                var (lo, hi) = (Math.Min(i, j), Math.Max(i, j));
                if (_pieces.Skip(lo + 1).Take(hi - lo - 1).Any(x => x.Conn == a.Conn && x.Dir != a.Dir && x.HasData)) continue;
                partners.Add(j);
            }
            if (partners.Count == 0) return false;
            var k = partners[_rng.Next(partners.Count)];
            var other = _pieces[k];
            var (ta, tb) = (a.Segment.TimestampMicros, other.Segment.TimestampMicros);
            a.Segment = a.Segment with { TimestampMicros = tb };
            other.Segment = other.Segment with { TimestampMicros = ta };
            (_pieces[i], _pieces[k]) = (other, a);
            _steps.Add($"swap packets {i} and {k} ({a} / {other})");
            return true;
        }

        private bool Truncate()
        {
            var i = Pick(p => p.HasData && !p.IsGarbage);
            if (i < 0) return false;
            var p = _pieces[i];
            // Mostly the payload is cut; sometimes the cut reaches into the TCP, IP or link header.
            var cut = _rng.Chance(0.8) ? _rng.Next(1, p.Length + 1) : p.Length + _rng.Next(1, PacketHeaderBytes);
            p.CutBytes = Math.Max(p.CutBytes, cut);
            Damage(p.Conn, p.Dir, p.Offset + p.CapturedPayload, p.Offset + p.Length);
            _steps.Add($"truncate packet {i} {p} by {cut} bytes (captured payload {p.CapturedPayload})");
            return true;
        }

        private bool InsertGarbage()
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                var i = Pick(p => p.HasData && !p.IsGarbage);
                if (i < 0) return false;
                var chosen = _pieces[i];
                var (conn, dir, at) = (chosen.Conn, chosen.Dir, chosen.Offset);
                // Sequence numbers can only be shifted cleanly where no segment spans the insertion point.
                if (_pieces.Any(p => p.Conn == conn && p.Dir == dir && p.HasData && !p.IsGarbage && p.Offset < at && at < p.Offset + p.Length)) continue;

                var length = _rng.Chance(0.5) ? _rng.Next(1, 64) : _rng.Next(64, 600);
                var garbage = Garbage(ref length, out var what);
                var insertion = new Insertion(_insertions.Count, conn, dir, at, length);
                _insertions.Add(insertion);
                var before = _pieces.FindIndex(p => p.Conn == conn && p.Dir == dir && p.HasData && !p.IsGarbage && p.Offset == at);
                var next = _pieces[before].Segment;
                _pieces.Insert(before, new Piece
                {
                    Segment = new TestSegment(next.TimestampMicros, next.Source, next.Destination, 0, next.Ack, TcpFlags.Ack | TcpFlags.Psh, garbage),
                    Conn = conn, Dir = dir, Offset = at, GarbageId = insertion.Id,
                });
                Damage(conn, dir, at, at);
                _steps.Add($"insert {length} bytes of {what} in {conn} {dir.Name()} at stream offset {at} (packet {before}){FrameAt(conn, dir, at)}");
                return true;
            }
            return false;
        }

        private bool OverwriteGarbage()
        {
            var i = Pick(p => p.HasData && !p.IsGarbage);
            if (i < 0) return false;
            var (conn, dir) = (_pieces[i].Conn, _pieces[i].Dir);
            var stream = _source.Connections[conn].Of(dir).Stream;
            var at = _rng.Next(0, stream.Length);
            var length = Math.Min(_rng.Next(1, 201), stream.Length - at);
            var garbage = Garbage(ref length, out var what);
            length = Math.Min(length, stream.Length - at);
            WriteThrough(conn, dir, at, garbage.AsSpan(0, length), xor: false);
            Damage(conn, dir, at, at + length);
            _steps.Add($"overwrite {conn} {dir.Name()} [{at}, {at + length}) with {what}{FrameAt(conn, dir, at)}");
            return true;
        }

        // Fields are chosen first so that the rare ones (bodyLen, magic, format) are hit as often as the SHA-1.
        private static readonly (string Name, int Offset, int Length)[] HeaderFields =
        [
            ("magic", FrameHeader.MagicOffset, 2), ("protoID", FrameHeader.ProtoIdOffset, 4), ("protoFmt", FrameHeader.ProtoFmtOffset, 1),
            ("protoVer", FrameHeader.ProtoVerOffset, 1), ("serialNo", FrameHeader.SerialNoOffset, 4), ("bodyLen", FrameHeader.BodyLenOffset, 4),
            ("SHA-1", FrameHeader.Sha1Offset, FrameHeader.Sha1Size), ("reserved", FrameHeader.ReservedOffset, 8),
        ];

        private bool FlipHeader()
        {
            var frame = _source.AllFrames[_rng.Next(_source.AllFrames.Count)];
            var flips = _rng.Next(1, 4);
            var what = new List<string>();
            for (var f = 0; f < flips; f++)
            {
                var field = HeaderFields[_rng.Next(HeaderFields.Length)];
                var at = frame.Offset + field.Offset + _rng.Next(field.Length);
                var mask = (byte)_rng.Next(1, 256);
                WriteThrough(frame.Conn, frame.Dir, at, [mask], xor: true);
                Damage(frame.Conn, frame.Dir, at, at + 1);
                what.Add($"{field.Name} byte {at - frame.Offset} ^0x{mask:x2}");
            }
            _steps.Add($"flip header of {frame}: {string.Join(", ", what)}");
            return true;
        }

        private bool FlipBody()
        {
            var withBody = _source.AllFrames.Where(f => f.Frame.BodyLen > 0).ToList();
            var frame = withBody[_rng.Next(withBody.Count)];
            var flips = _rng.Next(1, 5);
            var at = new List<long>();
            for (var f = 0; f < flips; f++)
            {
                var pos = frame.Offset + FrameHeader.Size + _rng.Next((int)frame.Frame.BodyLen);
                WriteThrough(frame.Conn, frame.Dir, pos, [(byte)_rng.Next(1, 256)], xor: true);
                Damage(frame.Conn, frame.Dir, pos, pos + 1);
                at.Add(pos - frame.Offset);
            }
            _steps.Add($"flip body of {frame} at frame bytes {string.Join(",", at)}");
            return true;
        }

        /// <summary>
        /// Changes clean-stream bytes in every segment that carries them (retransmissions included), so
        /// the mutated stream is the same whichever copy the reassembler keeps.
        /// </summary>
        private void WriteThrough(ConnKey conn, FlowDirection dir, long at, ReadOnlySpan<byte> bytes, bool xor)
        {
            foreach (var p in _pieces)
            {
                if (p.Conn != conn || p.Dir != dir || p.IsGarbage || !p.HasData) continue;
                var from = Math.Max(at, p.Offset);
                var to = Math.Min(at + bytes.Length, p.Offset + p.Length);
                if (from >= to) continue;
                var payload = p.WritablePayload();
                for (var x = from; x < to; x++)
                {
                    if (xor) payload[x - p.Offset] ^= bytes[(int)(x - at)];
                    else payload[x - p.Offset] = bytes[(int)(x - at)];
                }
            }
        }

        /// <summary>
        /// Random bytes; sometimes with a plausible 44-byte header inside (the framer may take it for a
        /// frame and must find its way back), sometimes ending in the first bytes of a magic.
        /// </summary>
        private byte[] Garbage(ref int length, out string what)
        {
            var fake = _rng.Chance(0.3);
            if (fake) length = Math.Max(length, FrameHeader.Size);
            var bytes = new byte[length];
            _rng.NextBytes(bytes);
            what = "random garbage";
            if (fake)
            {
                var at = _rng.Next(0, length - FrameHeader.Size + 1);
                var bodyLen = _rng.Chance(0.5) ? _rng.Next(0, 2_000) : _rng.Chance(0.6) ? _rng.Next(2_000, 200_000) : _rng.Next(200_000, 64 * 1024 * 1024);
                var sha1 = new byte[FrameHeader.Sha1Size];
                _rng.NextBytes(sha1);
                new FrameHeader((uint)_rng.Next(1, 4_000), (byte)_rng.Next(0, 2), 0, (uint)_rng.NextUInt64(), (uint)bodyLen, sha1).WriteTo(bytes.AsSpan(at));
                what = $"garbage with a fake header at +{at} (bodyLen {bodyLen})";
            }
            else if (_rng.Chance(0.2))
            {
                bytes[^1] = FrameHeader.Magic0;
                what = "garbage ending in 'F'";
            }
            return bytes;
        }

        private string FrameAt(ConnKey conn, FlowDirection dir, long at)
        {
            var frame = _source.Connections[conn].Of(dir).Frames.FirstOrDefault(f => f.Offset <= at && at < f.End);
            return frame is null ? "" : $" (inside {frame} at +{at - frame.Offset})";
        }

        /// <summary>
        /// Without a SYN ahead of it, a direction starts at the first segment the reassembler sees:
        /// the bytes before it can never be placed, so they count as damaged.
        /// </summary>
        private void NoteLostStreamStarts()
        {
            foreach (var conn in _source.Connections.Values)
            foreach (var dir in new[] { FlowDirection.ClientToServer, FlowDirection.ServerToClient })
            {
                var first = _pieces.FirstOrDefault(p => p.Conn == conn.Key && p.Dir == dir && p.HeadersCaptured && (p.IsSyn || p.CapturedPayload > 0 || p.IsFin));
                var start = first is null ? long.MaxValue : first.IsSyn ? 0 : first.Offset;
                if (start <= 0) continue;
                Damage(conn.Key, dir, 0, start);
                _steps.Add($"{conn.Key} {dir.Name()} now starts at stream offset {(first is null ? "never" : start)}");
            }
        }

        private byte[] Write()
        {
            using var buffer = new MemoryStream();
            using (var writer = new PcapWriter(buffer, LinkKind.Ethernet, leaveOpen: true))
            {
                foreach (var p in _pieces)
                {
                    var segment = p.IsSyn ? p.Segment : p.Segment with { Seq = SeqOf(p) };
                    var frame = PacketEncoder.LinkFrame(segment, LinkKind.Ethernet);
                    writer.WritePacket(segment.TimestampMicros, frame.AsSpan(0, Math.Max(0, frame.Length - p.CutBytes)), (uint)frame.Length);
                }
            }
            return buffer.ToArray();
        }

        /// <summary>
        /// Inserted garbage pushes every later byte of its direction up by its length; garbage inserted
        /// at the same point goes in the order it was inserted, and a segment starting there follows it.
        /// </summary>
        private uint SeqOf(Piece p)
        {
            long shift = 0;
            foreach (var g in _insertions)
            {
                if (g.Conn != p.Conn || g.Dir != p.Dir) continue;
                if (g.Offset < p.Offset || (g.Offset == p.Offset && (!p.IsGarbage || g.Id < p.GarbageId))) shift += g.Length;
            }
            var first = _source.Connections[p.Conn].Of(p.Dir).FirstSeq;
            return unchecked(first + (uint)(p.Offset + shift));
        }
    }
}
