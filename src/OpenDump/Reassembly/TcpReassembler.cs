using OpenDump.Framing;
using OpenDump.Link;

namespace OpenDump.Reassembly;

/// <summary>
/// Follows TCP connections that carry OpenD traffic and hands each direction on as an ordered
/// byte stream. A connection is OpenD when its server port is one of the configured ports, or
/// when its first bytes are an OpenD header or an HTTP upgrade to WebSocket (so non-default ports
/// need no flag).
/// </summary>
public sealed class TcpReassembler
{
    private readonly IStreamHandler _handler;
    private readonly ReassemblyOptions _options;
    private readonly Dictionary<ConnectionKey, ConnectionState> _connections = new();
    private int _nextNumber = 1;
    private long _now;
    private long _packet;
    private long _totalPending;
    private bool _connectionLimitSaid;
    private bool _totalLimitSaid;

    public TcpReassembler(IStreamHandler handler, ReassemblyOptions? options = null)
    {
        _handler = handler;
        _options = options ?? new ReassemblyOptions();
    }

    public void Process(in TcpSegment segment)
    {
        _now = segment.TimestampMicros;
        _packet = segment.PacketNumber;
        var key = ConnectionKey.Of(segment.Source, segment.Destination);
        var isOpeningSyn = segment.Has(TcpFlags.Syn) && !segment.Has(TcpFlags.Ack);

        if (_connections.TryGetValue(key, out var state) && isOpeningSyn && state.IsNewSyn(segment))
        {
            // A SYN with another ISN than the one seen is a new connection on the same 4-tuple (a port
            // reused after FIN/RST, or a connection whose start was not captured); the same ISN is a retransmission.
            Close(state, "superseded by a new connection on the same addresses");
            _connections.Remove(key);
            state = null;
        }

        if (state is null)
        {
            if (!segment.Has(TcpFlags.Syn) && segment.Payload.IsEmpty && !segment.Has(TcpFlags.Fin)) return; // bare ACK/RST of an unknown connection
            if (_connections.Count >= _options.MaxConnections) Evict();
            state = NewState(segment);
            _connections[key] = state;
        }
        state.LastSeen = _now;

        if (state.Ignored) return;
        var direction = state.DirectionOf(segment.Source);
        var stream = state.Stream(direction);
        if (stream.Closed) return; // retransmissions after FIN/RST carry nothing new

        if (segment.Has(TcpFlags.Syn))
        {
            stream.StartAt(segment.Sequence + 1);
            if (direction == FlowDirection.ClientToServer) state.ClientIsn ??= segment.Sequence;
        }

        if (!segment.Payload.IsEmpty)
        {
            // Data in a SYN is legal but unusual: it begins one byte after the ISN, like the rest.
            var seq = segment.Has(TcpFlags.Syn) ? segment.Sequence + 1 : segment.Sequence;
            var before = state.PendingBytes;
            stream.Accept(seq, segment.Payload.Span, state.Deliverer(direction));
            _totalPending += state.PendingBytes - before;
            if (state.Ignored)
            {
                Forget(state);
                return;
            }
            if (state.PendingBytes > _options.MaxOutOfOrderBytesPerConnection) GiveUpHoles(state);
            if (_totalPending > _options.MaxOutOfOrderBytesTotal)
            {
                if (!_totalLimitSaid)
                {
                    _totalLimitSaid = true;
                    _handler.OnLimitReached($"more than {_options.MaxOutOfOrderBytesTotal} out-of-order bytes held across all connections; the connections holding most give up waiting for their missing bytes (reported as opendump.tcp_buffer_limit)");
                }
                while (_totalPending > _options.MaxOutOfOrderBytesTotal / 2 && _connections.Values.MaxBy(c => c.PendingBytes) is { PendingBytes: > 0 } biggest)
                    GiveUpHoles(biggest);
            }
        }

        if (segment.Has(TcpFlags.Fin))
        {
            var seqAfter = (segment.Has(TcpFlags.Syn) ? segment.Sequence + 1 : segment.Sequence) + (uint)segment.Payload.Length;
            if (!stream.Started) stream.StartAt(seqAfter);
            stream.MarkFin(seqAfter);
        }
        if (stream.FinReached && !stream.Closed && !stream.HasPending) CloseDirection(state, direction, "FIN");

        if (segment.Has(TcpFlags.Rst)) Close(state, "RST");
    }

    private void GiveUpHoles(ConnectionState state)
    {
        var before = state.PendingBytes;
        foreach (var d in (ReadOnlySpan<FlowDirection>)[FlowDirection.ClientToServer, FlowDirection.ServerToClient])
            while (state.Stream(d).HasPending) state.Stream(d).SkipToPending(state.Deliverer(d), state.GapReporter(d), GapReason.BufferLimit);
        _totalPending -= before - state.PendingBytes;
    }

    /// <summary>A non-OpenD connection keeps no bytes; only its key stays so its packets are skipped cheaply.</summary>
    private void Forget(ConnectionState state)
    {
        _totalPending -= state.PendingBytes;
        state.DropPending();
    }

    /// <summary>Makes room for a new connection: the least recently active tenth goes, ended and non-OpenD ones first.</summary>
    private void Evict()
    {
        if (!_connectionLimitSaid)
        {
            _connectionLimitSaid = true;
            _handler.OnLimitReached($"more than {_options.MaxConnections} TCP connections at once; the least recently active are closed and forgotten (late packets of theirs start new connections)");
        }
        var victims = _connections
            .OrderBy(kv => kv.Value.Ignored || kv.Value.BothClosed ? 0 : 1)
            .ThenBy(kv => kv.Value.LastSeen)
            .Take(Math.Max(1, _connections.Count / 10))
            .ToList();
        foreach (var (key, state) in victims)
        {
            Close(state, "connection limit reached");
            _connections.Remove(key);
        }
    }

    /// <summary>End of capture: holes that were never filled become gaps, held bytes are released, streams end.</summary>
    public void Finish()
    {
        foreach (var state in _connections.Values) Close(state, "end of capture");
        _connections.Clear();
    }

    private void Close(ConnectionState state, string reason)
    {
        _totalPending -= state.PendingBytes;
        if (state.Ignored)
        {
            state.DropPending();
            return;
        }
        foreach (var direction in (ReadOnlySpan<FlowDirection>)[FlowDirection.ClientToServer, FlowDirection.ServerToClient])
        {
            var stream = state.Stream(direction);
            while (stream.HasPending) stream.SkipToPending(state.Deliverer(direction), state.GapReporter(direction), GapReason.NotCaptured);
            if (!stream.Closed) CloseDirection(state, direction, stream.FinReached ? "FIN" : reason);
        }
    }

    private void CloseDirection(ConnectionState state, FlowDirection direction, string reason)
    {
        var stream = state.Stream(direction);
        stream.MarkClosed();
        if (state.Connection is { } c) _handler.OnDirectionClosed(c, direction, reason, _now, _packet);
    }

    private ConnectionState NewState(in TcpSegment segment)
    {
        var (client, server) = GuessRoles(segment);
        var state = new ConnectionState(this, client, server, segment.Has(TcpFlags.Syn));
        if (_options.WebSocketPorts.Contains(server.Port)) Open(state, Transport.WebSocket);
        else if (_options.ServerPorts.Contains(server.Port)) Open(state, Transport.Tcp);
        else if (!_options.DetectByContent) state.Ignored = true;
        return state;
    }

    private (Endpoint Client, Endpoint Server) GuessRoles(in TcpSegment s)
    {
        if (s.Has(TcpFlags.Syn)) return s.Has(TcpFlags.Ack) ? (s.Destination, s.Source) : (s.Source, s.Destination);
        if (IsServerPort(s.Destination.Port)) return (s.Source, s.Destination);
        if (IsServerPort(s.Source.Port)) return (s.Destination, s.Source);
        // Without a handshake, the ephemeral (higher) port is the client's.
        return s.Source.Port >= s.Destination.Port ? (s.Source, s.Destination) : (s.Destination, s.Source);
    }

    private bool IsServerPort(ushort port) => _options.ServerPorts.Contains(port) || _options.WebSocketPorts.Contains(port);

    private void Open(ConnectionState state, Transport transport)
    {
        state.Connection = new TcpConnection(_nextNumber++, state.Client, state.Server, _now, state.HandshakeSeen, transport);
        _handler.OnConnectionOpened(state.Connection);
    }

    private void Deliver(ConnectionState state, FlowDirection direction, ReadOnlySpan<byte> data)
    {
        if (state.Ignored) return;
        if (state.Connection is null)
        {
            if (LooksLikeOpenD(data)) Open(state, Transport.Tcp);
            else if (direction == FlowDirection.ClientToServer && LooksLikeWebSocketUpgrade(data)) Open(state, Transport.WebSocket);
            else
            {
                state.Ignored = true;
                return;
            }
        }
        _handler.OnData(state.Connection!, direction, data, _now, _packet);
    }

    private void ReportGap(ConnectionState state, FlowDirection direction, long missing, GapReason reason)
    {
        if (state.Connection is { } c) _handler.OnGap(c, direction, missing, reason, _now, _packet);
    }

    // Judges only what is visible: a connection whose first segment is a single 'F' is taken on trust.
    private static bool LooksLikeOpenD(ReadOnlySpan<byte> first)
    {
        if (first.Length >= FrameHeader.Size) return FrameHeader.Validate(first, uint.MaxValue) == HeaderProblem.None;
        if (first.Length >= 1 && first[0] != FrameHeader.Magic0) return false;
        if (first.Length >= 2 && first[1] != FrameHeader.Magic1) return false;
        return first.Length < 7 || first[FrameHeader.ProtoFmtOffset] <= FrameHeader.FormatJson;
    }

    // SDK upgrade requests are a few hundred bytes, so the Upgrade field is in the first segment;
    // requiring it keeps ordinary HTTP on other ports out.
    private static bool LooksLikeWebSocketUpgrade(ReadOnlySpan<byte> first)
    {
        if (!first.StartsWith("GET "u8)) return false;
        var headEnd = first.IndexOf("\r\n\r\n"u8);
        var head = System.Text.Encoding.Latin1.GetString(headEnd < 0 ? first : first[..headEnd]);
        return System.Text.RegularExpressions.Regex.IsMatch(head, @"\r\nupgrade:[ \t]*websocket[ \t]*(\r|$)", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Multiline);
    }

    private readonly record struct ConnectionKey(Endpoint A, Endpoint B)
    {
        public static ConnectionKey Of(Endpoint x, Endpoint y)
        {
            var cmp = x.Port.CompareTo(y.Port);
            if (cmp == 0) cmp = string.CompareOrdinal(x.Address.ToString(), y.Address.ToString());
            return cmp <= 0 ? new ConnectionKey(x, y) : new ConnectionKey(y, x);
        }
    }

    private sealed class ConnectionState
    {
        private readonly DirectionStream _c2s = new();
        private readonly DirectionStream _s2c = new();
        private readonly DeliverAction _deliverC2S;
        private readonly DeliverAction _deliverS2C;
        private readonly GapAction _gapC2S;
        private readonly GapAction _gapS2C;

        public ConnectionState(TcpReassembler owner, Endpoint client, Endpoint server, bool handshakeSeen)
        {
            Client = client;
            Server = server;
            HandshakeSeen = handshakeSeen;
            _deliverC2S = data => owner.Deliver(this, FlowDirection.ClientToServer, data);
            _deliverS2C = data => owner.Deliver(this, FlowDirection.ServerToClient, data);
            _gapC2S = (missing, reason) => owner.ReportGap(this, FlowDirection.ClientToServer, missing, reason);
            _gapS2C = (missing, reason) => owner.ReportGap(this, FlowDirection.ServerToClient, missing, reason);
        }

        public Endpoint Client { get; }
        public Endpoint Server { get; }
        public bool HandshakeSeen { get; }
        public TcpConnection? Connection { get; set; }
        public bool Ignored { get; set; }
        public uint? ClientIsn { get; set; }
        public long PendingBytes => _c2s.PendingBytes + _s2c.PendingBytes;
        public long LastSeen { get; set; }
        public bool BothClosed => _c2s.Closed && _s2c.Closed;

        public void DropPending()
        {
            _c2s.DropPending();
            _s2c.DropPending();
        }

        public FlowDirection DirectionOf(Endpoint source) => source == Client ? FlowDirection.ClientToServer : FlowDirection.ServerToClient;
        public DirectionStream Stream(FlowDirection d) => d == FlowDirection.ClientToServer ? _c2s : _s2c;
        public DeliverAction Deliverer(FlowDirection d) => d == FlowDirection.ClientToServer ? _deliverC2S : _deliverS2C;
        public GapAction GapReporter(FlowDirection d) => d == FlowDirection.ClientToServer ? _gapC2S : _gapS2C;

        public bool IsNewSyn(in TcpSegment syn) => ClientIsn != syn.Sequence;
    }
}
