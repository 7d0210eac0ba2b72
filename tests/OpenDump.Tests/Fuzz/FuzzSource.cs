using OpenDump.Capture;
using OpenDump.Crypto;
using OpenDump.Framing;
using OpenDump.Link;
using OpenDump.Reassembly;
using OpenDump.Session;
using OpenDump.Testing;
using OpenDump.Tests.Support;

namespace OpenDump.Tests.Fuzz;

/// <summary>
/// Names a connection the same way in every run: connection and frame numbers change when packets
/// are dropped or moved, the endpoints do not.
/// </summary>
public readonly record struct ConnKey(Endpoint Client, Endpoint Server)
{
    public static ConnKey Of(OpenDFrame frame) => new(frame.Connection.Client, frame.Connection.Server);

    public static ConnKey Of(ConnectionSummary summary) => new(summary.Connection.Client, summary.Connection.Server);

    public override string ToString() => $"{Client}-{Server}";
}

/// <summary>
/// One frame of the clean run, with the place of its bytes in its direction's stream: offset 0 is
/// the first byte after the SYN. Mutations are described in these coordinates.
/// </summary>
public sealed record RefFrame(ConnKey Conn, FlowDirection Dir, int Index, long Offset, int Length, OpenDFrame Frame)
{
    public long End => Offset + Length;

    public bool IsInitConnect => Frame.ProtoId == ConversationBuilder.InitConnectProtoId;

    public override string ToString() =>
        $"{Conn} {Dir.Name()} #{Index} protoId {Frame.ProtoId} serialNo {Frame.SerialNo} bodyLen {Frame.BodyLen} at [{Offset}, {End})";
}

/// <summary>Everything one side of a clean connection sent, and the frames it was cut into.</summary>
public sealed record RefDirection(uint FirstSeq, byte[] Stream, IReadOnlyList<RefFrame> Frames, StreamAccounting Accounting);

public sealed record RefConnection(ConnKey Key, RefDirection ClientToServer, RefDirection ServerToClient)
{
    public RefDirection Of(FlowDirection d) => d == FlowDirection.ClientToServer ? ClientToServer : ServerToClient;

    public IEnumerable<RefFrame> Frames => ClientToServer.Frames.Concat(ServerToClient.Frames);
}

/// <summary>
/// A capture the fuzzer mutates, and what its clean run decodes to. The reference is the analyzer's
/// own clean output, cross-checked against the bytes on the wire (and, for builder sessions, against
/// what the builder sent), so that a mutated run can be compared frame by frame.
/// </summary>
public sealed class FuzzSource
{
    /// <summary>Every source's OpenD server listens on the default port, so roles never depend on content.</summary>
    public const ushort ServerPort = 11111;

    private FuzzSource(string name, IReadOnlyList<TestSegment> segments, RsaPrivateKey? key, byte[] pcap,
        IReadOnlyList<Conversation> conversations, CollectingSink clean, IReadOnlyDictionary<ConnKey, RefConnection> connections)
    {
        Name = name;
        Segments = segments;
        Key = key;
        Pcap = pcap;
        Conversations = conversations;
        Clean = clean;
        Connections = connections;
        AllFrames = connections.Values.SelectMany(c => c.Frames).ToArray();
        Sha1s = AllFrames.GroupBy(f => (f.Conn, f.Dir, f.Frame.Header!.Value.Sha1Hex)).ToDictionary(g => g.Key, g => g.Select(f => f.Frame).ToArray());
    }

    public string Name { get; }
    public IReadOnlyList<TestSegment> Segments { get; }
    public RsaPrivateKey? Key { get; }

    /// <summary>The clean capture file: the tcpdump original for SDK captures, the builders' output otherwise.</summary>
    public byte[] Pcap { get; }

    /// <summary>The traffic of each connection as application writes, so it can be cut into segments in other ways.</summary>
    public IReadOnlyList<Conversation> Conversations { get; }

    public CollectingSink Clean { get; }
    public IReadOnlyDictionary<ConnKey, RefConnection> Connections { get; }
    public IReadOnlyList<RefFrame> AllFrames { get; }

    /// <summary>Clean frames by connection, direction and header SHA-1: what a frame claiming a verified body may be.</summary>
    public IReadOnlyDictionary<(ConnKey Conn, FlowDirection Dir, string Sha1), OpenDFrame[]> Sha1s { get; }

    public override string ToString() => Name;

    public static FuzzSource FromPcapFile(string name, string path, RsaPrivateKey? key)
    {
        return Build(name, ReadSegments(path), key, File.ReadAllBytes(path), conversations: null);
    }

    public static FuzzSource FromConversations(string name, IReadOnlyList<Conversation> conversations, IReadOnlyList<TestSegment> segments, RsaPrivateKey? key)
    {
        var source = Build(name, segments, key, segments.ToPcap(), conversations);
        // The reference streams were rebuilt from segments; they must be exactly what the builder wrote.
        foreach (var conversation in conversations)
        {
            var conn = source.Connections[new ConnKey(conversation.Client, conversation.Server)];
            foreach (var (dir, flow) in new[] { (Direction.ClientToServer, FlowDirection.ClientToServer), (Direction.ServerToClient, FlowDirection.ServerToClient) })
            {
                if (!conversation.StreamOf(dir).AsSpan().SequenceEqual(conn.Of(flow).Stream))
                    throw new InvalidOperationException($"{name}: {conn.Key} {flow.Name()}: rebuilt stream differs from what the builder sent");
                var sent = conversation.Messages.Where(m => m.Dir == dir && m.ProtoId is not null).ToList();
                var frames = conn.Of(flow).Frames;
                if (sent.Count != frames.Count || sent.Zip(frames).Any(p => p.First.ProtoId != p.Second.Frame.ProtoId || p.First.SerialNo != p.Second.Frame.SerialNo))
                    throw new InvalidOperationException($"{name}: {conn.Key} {flow.Name()}: clean run frames differ from what the builder sent");
            }
        }
        return source;
    }

    /// <summary>Lifts the TCP segments out of a capture with the library's own link decoder.</summary>
    public static IReadOnlyList<TestSegment> ReadSegments(string path)
    {
        var list = new List<TestSegment>();
        var decoder = new PacketDotNetLinkDecoder();
        using var source = new PcapFileSource(path);
        while (source.TryReadNext(out var packet))
        {
            if (decoder.TryDecode(packet, out var s, out var problem) != LinkDecodeStatus.Tcp)
                throw new InvalidOperationException($"{path}: packet {packet.Number} is not TCP ({problem})");
            list.Add(new TestSegment(s.TimestampMicros, s.Source, s.Destination, s.Sequence, s.Acknowledgment, s.Flags, s.Payload.ToArray()));
        }
        if (source.Problem is not null) throw new InvalidOperationException($"{path}: {source.Problem.Message}");
        return list;
    }

    public static ConnKey KeyOf(TestSegment s) =>
        s.Destination.Port == ServerPort ? new ConnKey(s.Source, s.Destination)
        : s.Source.Port == ServerPort ? new ConnKey(s.Destination, s.Source)
        : throw new InvalidOperationException($"segment {s.Source}->{s.Destination} has no side on port {ServerPort}");

    public static FlowDirection DirectionOf(TestSegment s) =>
        s.Destination.Port == ServerPort ? FlowDirection.ClientToServer : FlowDirection.ServerToClient;

    private static FuzzSource Build(string name, IReadOnlyList<TestSegment> segments, RsaPrivateKey? key, byte[] pcap, IReadOnlyList<Conversation>? conversations)
    {
        var clean = Analyze.Capture(segments, key);
        var streams = Reassemble(name, segments);

        var connections = new Dictionary<ConnKey, RefConnection>();
        foreach (var conn in streams.Keys.Select(k => k.Conn).Distinct())
        {
            RefDirection Direction(FlowDirection dir)
            {
                var (firstSeq, bytes) = streams.TryGetValue((conn, dir), out var s) ? s : (0u, []);
                var frames = new List<RefFrame>();
                long offset = 0;
                foreach (var f in clean.Frames.Where(f => ConnKey.Of(f) == conn && f.Direction == dir).OrderBy(f => f.Number))
                {
                    var length = FrameHeader.Size + (int)f.BodyLen;
                    // The clean run must cut the stream exactly where the wire says frames are.
                    var onWire = FrameHeader.Read(bytes.AsSpan((int)offset, FrameHeader.Size));
                    if (!FrameHeader.HasMagic(bytes.AsSpan((int)offset)) || onWire.ProtoId != f.ProtoId || onWire.SerialNo != f.SerialNo || onWire.BodyLen != f.BodyLen)
                        throw new InvalidOperationException($"{name}: {conn} {dir.Name()}: frame {f.Number} is not at stream offset {offset}");
                    frames.Add(new RefFrame(conn, dir, frames.Count, offset, length, f));
                    offset += length;
                }
                var summary = clean.Connections.Single(c => ConnKey.Of(c) == conn);
                var accounting = dir == FlowDirection.ClientToServer ? summary.ClientToServer : summary.ServerToClient;
                if (offset != bytes.Length || accounting.StreamBytes != bytes.Length || accounting.FrameBytes != bytes.Length)
                    throw new InvalidOperationException($"{name}: {conn} {dir.Name()}: clean run is not all frames ({offset} framed, {bytes.Length} sent, accounting {accounting})");
                return new RefDirection(firstSeq, bytes, frames, accounting);
            }
            connections[conn] = new RefConnection(conn, Direction(FlowDirection.ClientToServer), Direction(FlowDirection.ServerToClient));
        }

        if (clean.Frames.Any(f => f.Sha1Ok != true))
            throw new InvalidOperationException($"{name}: the clean run has frames without a verified body");
        if (clean.AllCodes.Any(c => c != Diagnostics.DiagnosticCodes.UnknownProtoId && c != Diagnostics.DiagnosticCodes.NoSchema
                                    && c != Diagnostics.DiagnosticCodes.MissingRequired && c != Diagnostics.DiagnosticCodes.UnpairedResponse))
            throw new InvalidOperationException($"{name}: the clean run has diagnostics: {string.Join(", ", clean.AllCodes.Distinct())}");

        return new FuzzSource(name, segments, key, pcap, conversations ?? RebuildConversations(connections, segments), clean, connections);
    }

    /// <summary>
    /// The bytes each side sent, from the sequence numbers: offset 0 is the byte after the SYN (or
    /// the first data byte seen when there is no SYN). A clean source must have no holes.
    /// </summary>
    private static Dictionary<(ConnKey Conn, FlowDirection Dir), (uint FirstSeq, byte[] Bytes)> Reassemble(string name, IReadOnlyList<TestSegment> segments)
    {
        var first = new Dictionary<(ConnKey, FlowDirection), uint>();
        foreach (var s in segments)
        {
            var k = (KeyOf(s), DirectionOf(s));
            if ((s.Flags & TcpFlags.Syn) != 0) first[k] = s.Seq + 1;
        }
        foreach (var s in segments.Where(s => s.Payload.Length > 0))
            first.TryAdd((KeyOf(s), DirectionOf(s)), s.Seq);

        var buffers = new Dictionary<(ConnKey, FlowDirection), (byte[] Bytes, bool[] Seen)>();
        var result = new Dictionary<(ConnKey, FlowDirection), (uint, byte[])>();
        foreach (var group in segments.Where(s => s.Payload.Length > 0).GroupBy(s => (KeyOf(s), DirectionOf(s))))
        {
            var firstSeq = first[group.Key];
            var length = group.Max(s => (long)(uint)(s.Seq - firstSeq) + s.Payload.Length);
            var bytes = new byte[length];
            var seen = new bool[length];
            foreach (var s in group)
            {
                var offset = (int)(uint)(s.Seq - firstSeq);
                s.Payload.CopyTo(bytes, offset);
                Array.Fill(seen, true, offset, s.Payload.Length);
            }
            if (Array.IndexOf(seen, false) is var hole and >= 0)
                throw new InvalidOperationException($"{name}: {group.Key.Item1} {group.Key.Item2.Name()}: the clean capture misses stream byte {hole}");
            result[group.Key] = (firstSeq, bytes);
        }
        foreach (var k in first.Keys.Where(k => !result.ContainsKey(k))) result[k] = (first[k], []);
        return result;
    }

    /// <summary>
    /// For captures that were not built here: each frame becomes one application write, stamped with
    /// the time of the packet that completed it, in the order the clean run reported them.
    /// </summary>
    private static IReadOnlyList<Conversation> RebuildConversations(Dictionary<ConnKey, RefConnection> connections, IReadOnlyList<TestSegment> segments)
    {
        var list = new List<Conversation>();
        foreach (var conn in connections.Values)
        {
            var start = segments.Where(s => KeyOf(s) == conn.Key).Min(s => s.TimestampMicros);
            var messages = conn.Frames.OrderBy(f => f.Frame.Number).Select(f =>
            {
                var stream = conn.Of(f.Dir).Stream;
                return new WireMessage(f.Dir == FlowDirection.ClientToServer ? Direction.ClientToServer : Direction.ServerToClient,
                    f.Frame.TimestampMicros, stream.AsSpan((int)f.Offset, f.Length).ToArray(), f.Frame.ProtoId, (uint)f.Frame.SerialNo, null);
            }).ToArray();
            list.Add(new Conversation(conn.Key.Client, conn.Key.Server, start, messages, null));
        }
        return list;
    }
}
