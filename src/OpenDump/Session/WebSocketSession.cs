using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using OpenDump.Crypto;
using OpenDump.Decoding;
using OpenDump.Diagnostics;
using OpenDump.Framing;
using OpenDump.Reassembly;
using OpenDump.WebSocket;

namespace OpenDump.Session;

/// <summary>
/// One connection of the JavaScript SDK to OpenD's WebSocket API (PROTOCOL.md §6): the HTTP upgrade,
/// the WebSocket frames of both directions, the SDK message in each binary message, the login, and
/// pairing of replies to requests by section. There is no AES layer and no SHA-1 on this transport.
/// </summary>
public sealed class WebSocketSession : IConnectionSession
{
    // ftWebsocketError in the SDK's base.js: what a non-zero header error means.
    private static string? ErrorName(int error) => error switch
    {
        1 => "timeout",
        2 => "OpenD timeout",
        3 => "disconnected",
        _ => null,
    };

    private static readonly ProtoInfo DisconnectedProto = new(SdkMessageHeader.DisconnectedCmd, "OpenDisConnect", null, null);

    private readonly TcpConnection _connection;
    private readonly SessionContext _context;
    private readonly WebSocketReader _c2s;
    private readonly WebSocketReader _s2c;
    private readonly Dictionary<ulong, (long Frame, long Timestamp, uint Cmd)> _pending = new();
    private readonly List<Diagnostic> _diagnostics = [];
    private readonly HashSet<string> _saidOnce = [];
    private ConnectionSummary _summary;
    private WebSocketSummary _ws = new();
    private long _lastTimestamp;
    private long _frames;
    private int _problemReports;
    private const int ProblemReportsPerConnection = 50;

    public WebSocketSession(TcpConnection connection, SessionContext context)
    {
        _connection = connection;
        _context = context;
        _c2s = new WebSocketReader(new DirectionHandler(this, FlowDirection.ClientToServer), fromClient: true, context.MaxBodyLen);
        _s2c = new WebSocketReader(new DirectionHandler(this, FlowDirection.ServerToClient), fromClient: false, context.MaxBodyLen);
        _summary = new ConnectionSummary { Connection = connection, Encryption = EncryptionKind.None, KeysKnown = true, FirstTimestampMicros = connection.FirstTimestampMicros };
        _lastTimestamp = connection.FirstTimestampMicros;
    }

    public TcpConnection Connection => _connection;

    public void Append(FlowDirection direction, ReadOnlySpan<byte> data, long timestampMicros, long packetNumber)
    {
        _lastTimestamp = timestampMicros;
        Reader(direction).Append(data, timestampMicros, packetNumber);
    }

    public void Gap(FlowDirection direction, long missingBytes, GapReason reason, long timestampMicros, long packetNumber)
    {
        Report(Diagnostic.Warning(reason == GapReason.BufferLimit ? DiagnosticCodes.TcpBufferLimit : DiagnosticCodes.TcpGap,
            $"{direction.Name()}: {missingBytes} bytes missing from the capture before packet {packetNumber}; resynchronising on the next SDK message"), timestampMicros);
        Reader(direction).Gap(missingBytes, timestampMicros, packetNumber);
    }

    public void Close(FlowDirection direction, string reason, long timestampMicros, long packetNumber) =>
        Reader(direction).Complete(timestampMicros, packetNumber, reason);

    public ConnectionSummary Summarize() => _summary with
    {
        LastTimestampMicros = _lastTimestamp,
        Frames = _frames,
        ClientToServer = _c2s.Accounting,
        ServerToClient = _s2c.Accounting,
        Diagnostics = _diagnostics.ToArray(),
        WebSocket = _ws,
    };

    private WebSocketReader Reader(FlowDirection d) => d == FlowDirection.ClientToServer ? _c2s : _s2c;

    private void Report(Diagnostic diagnostic, long timestampMicros)
    {
        _diagnostics.Add(diagnostic);
        _context.Sink.OnConnectionDiagnostic(_connection, diagnostic, timestampMicros);
    }

    private void Event(FlowDirection direction, string kind, string text, long timestampMicros) =>
        _context.Sink.OnConnectionEvent(_connection, new ConnectionEvent(timestampMicros, direction, kind, text));

    private void OnHttpHead(FlowDirection direction, HttpHead head, in StreamPosition position)
    {
        if (direction == FlowDirection.ClientToServer)
        {
            if (!head.IsRequest)
            {
                Report(Diagnostic.Warning(DiagnosticCodes.BadHttp, $"c2s: the client sent a response (\"{head.StartLine}\") instead of an upgrade request"), position.TimestampMicros);
                return;
            }
            var offered = WebSocketExtension.Parse(head);
            _ws = _ws with { Path = head.Target, ExtensionsOffered = offered.Count == 0 ? null : string.Join(", ", offered) };
            var missing = new List<string>();
            if (!head.Method.Equals("GET", StringComparison.Ordinal)) missing.Add($"method is {head.Method}, not GET");
            if (!head.HasToken("Upgrade", "websocket")) missing.Add("no \"Upgrade: websocket\"");
            if (!head.HasToken("Connection", "Upgrade")) missing.Add("no \"Connection: Upgrade\"");
            if (head.Field("Sec-WebSocket-Key") is null) missing.Add("no Sec-WebSocket-Key");
            if (missing.Count > 0)
                Report(Diagnostic.Warning(DiagnosticCodes.BadHttp, $"c2s: the upgrade request {head.StartLine} is not a valid WebSocket opening: {string.Join("; ", missing)}"), position.TimestampMicros);
            Event(direction, "ws_upgrade", $"upgrade request {head.Method} {head.Target}{(offered.Count == 0 ? "" : $" offering {string.Join(", ", offered)}")}", position.TimestampMicros);
            return;
        }

        if (head.IsRequest)
        {
            Report(Diagnostic.Warning(DiagnosticCodes.BadHttp, $"s2c: the server sent a request (\"{head.StartLine}\") instead of an upgrade response"), position.TimestampMicros);
            return;
        }
        _ws = _ws with { UpgradeStatus = head.StatusCode };
        if (head.StatusCode != 101)
        {
            Report(Diagnostic.Error(DiagnosticCodes.UpgradeRefused,
                $"OpenD refused the WebSocket upgrade: HTTP {head.StatusCode} {head.Reason}; the rest of the connection is not WebSocket"), position.TimestampMicros);
            Event(direction, "ws_upgrade", $"upgrade refused: {head.StatusCode} {head.Reason}", position.TimestampMicros);
            _c2s.StopReading();
            _s2c.StopReading();
            return;
        }
        var accepted = WebSocketExtension.Parse(head);
        var deflate = PerMessageDeflate.From(accepted, out var problem);
        if (problem is not null) Report(Diagnostic.Warning(DiagnosticCodes.BadHttp, $"s2c: permessage-deflate parameter {problem}"), position.TimestampMicros);
        _c2s.Deflate = deflate;
        _s2c.Deflate = deflate;
        _ws = _ws with { ExtensionsAccepted = accepted.Count == 0 ? null : string.Join(", ", accepted) };
        Event(direction, "ws_upgrade", $"upgrade accepted: 101 {head.Reason}{(accepted.Count == 0 ? ", no extensions" : $", extensions {string.Join(", ", accepted)}")}", position.TimestampMicros);
    }

    private void OnTls(FlowDirection direction, ReadOnlySpan<byte> sample, in StreamPosition position)
    {
        _c2s.StopReading();
        _s2c.StopReading();
        if (_ws.Tls) return;
        _ws = _ws with { Tls = true };
        Report(Diagnostic.Warning(DiagnosticCodes.Tls,
            $"connection {_connection} is TLS (wss://, first record {Convert.ToHexStringLower(sample[..Math.Min(sample.Length, 5)])}): its messages are encrypted by TLS and cannot be decoded; bytes are only counted"), position.TimestampMicros);
    }

    private void OnControl(FlowDirection direction, WebSocketOpcode opcode, ReadOnlySpan<byte> payload, in StreamPosition position)
    {
        switch (opcode)
        {
            case WebSocketOpcode.Ping:
                _ws = _ws with { Pings = _ws.Pings + 1 };
                Event(direction, "ws_ping", $"ping ({payload.Length} bytes)", position.TimestampMicros);
                break;
            case WebSocketOpcode.Pong:
                _ws = _ws with { Pongs = _ws.Pongs + 1 };
                Event(direction, "ws_pong", $"pong ({payload.Length} bytes)", position.TimestampMicros);
                break;
            default:
                ushort? code = payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : null;
                var reason = payload.Length > 2 ? Encoding.UTF8.GetString(payload[2..]) : "";
                if (payload.Length == 1) Report(Diagnostic.Warning(DiagnosticCodes.BadWebSocketFrame, $"{direction.Name()}: close frame with a 1-byte payload (a close code takes 2)"), position.TimestampMicros);
                if (_ws.CloseCode is null) _ws = _ws with { CloseCode = code, CloseReason = reason.Length == 0 ? null : reason };
                Event(direction, "ws_close", code is null ? "close (no code)" : $"close {code}{(reason.Length == 0 ? "" : $" \"{reason}\"")}", position.TimestampMicros);
                break;
        }
    }

    private void OnProblem(FlowDirection direction, string code, string message, ReadOnlySpan<byte> sample, in StreamPosition position)
    {
        if (++_problemReports > ProblemReportsPerConnection)
        {
            if (_problemReports == ProblemReportsPerConnection + 1)
                Report(Diagnostic.Info(DiagnosticCodes.Resync, $"more than {ProblemReportsPerConnection} WebSocket problems on this connection; further ones are only counted in the byte accounting"), position.TimestampMicros);
            return;
        }
        var bytes = sample.IsEmpty ? "" : $"; bytes: {Convert.ToHexStringLower(sample)}";
        var severity = code == DiagnosticCodes.Resync ? Severity.Info : code == DiagnosticCodes.Deflate && message.StartsWith("RSV1", StringComparison.Ordinal) ? Severity.Info : Severity.Warning;
        Report(new Diagnostic(code, severity, $"{direction.Name()} at stream offset {position.StreamOffset}: {message}{bytes}"), position.TimestampMicros);
    }

    private void OnMessage(FlowDirection direction, in WebSocketMessage message, ReadOnlySpan<byte> payload, in StreamPosition position)
    {
        var fromServer = direction == FlowDirection.ServerToClient;
        if (message.Opcode != WebSocketOpcode.Binary)
        {
            OnProblem(direction, DiagnosticCodes.BadSdkMessage, $"{message.Opcode.Name()} message of {payload.Length} bytes; SDK messages are binary", payload[..Math.Min(payload.Length, 64)], position);
            return;
        }
        if (!SdkMessageHeader.TryRead(payload, fromServer, out var header, out var problem))
        {
            OnProblem(direction, DiagnosticCodes.BadSdkMessage, $"binary message of {payload.Length} bytes is not an SDK message: {problem}", payload[..Math.Min(payload.Length, 64)], position);
            return;
        }
        var body = payload[SdkMessageHeader.SizeFor(fromServer)..];
        BuildFrame(direction, header, body, message, position);
    }

    private void BuildFrame(FlowDirection direction, in SdkMessageHeader header, ReadOnlySpan<byte> body, in WebSocketMessage wsMessage, in StreamPosition position)
    {
        var diagnostics = new List<Diagnostic>(0);
        var proto = header.Cmd == SdkMessageHeader.DisconnectedCmd ? DisconnectedProto : _context.Registry.Find(header.Cmd);
        // A header error may come with no body at all: then there is nothing to decode, and nothing is wrong with that.
        var decode = (!body.IsEmpty || header.Error is null or 0) && !ReferenceEquals(proto, DisconnectedProto);

        var number = _context.NextFrameNumber();
        var kind = FrameKind.Request;
        long? requestFrame = null, latency = null;
        if (direction == FlowDirection.ClientToServer)
        {
            if (_pending.ContainsKey(header.Section))
                diagnostics.Add(Diagnostic.Info(DiagnosticCodes.UnpairedResponse, $"section {header.Section} is reused while an earlier request with it is unanswered"));
            _pending[header.Section] = (number, position.TimestampMicros, header.Cmd);
        }
        else if (_pending.Remove(header.Section, out var request))
        {
            kind = FrameKind.Response;
            requestFrame = request.Frame;
            latency = position.TimestampMicros - request.Timestamp;
            if (request.Cmd != header.Cmd)
                diagnostics.Add(Diagnostic.Warning(DiagnosticCodes.UnpairedResponse, $"answers section {header.Section}, whose request was cmd {request.Cmd}, with cmd {header.Cmd}"));
        }
        else
        {
            // PROTOCOL.md §6: no flag marks a push; a server message whose section answers nothing is one.
            kind = FrameKind.Push;
        }

        if (header.Error is { } error and not 0)
            diagnostics.Add(Diagnostic.Warning(DiagnosticCodes.WsError, $"SDK header error {error}{(ErrorName(error) is { } n ? $" ({n})" : "")}: \"{header.Errmsg}\""));

        var frame = new OpenDFrame
        {
            Number = number,
            TimestampMicros = position.TimestampMicros,
            PacketNumber = position.PacketNumber,
            Connection = _connection,
            Direction = direction,
            Transport = Transport.WebSocket,
            ProtoId = header.Cmd,
            SerialNo = header.Section,
            BodyLen = (uint)body.Length,
            ProtoFmt = FrameHeader.FormatProtobuf,
            WebSocket = new WsMessageInfo(header.Error, header.Errmsg, wsMessage.Frames, wsMessage.Compressed, wsMessage.WireBytes),
            Proto = proto,
            Kind = kind,
            Encryption = EncryptionKind.None,
            Decrypted = false,
            Sha1Ok = null,
            RequestFrame = requestFrame,
            LatencyMicros = latency,
            Diagnostics = diagnostics.Count == 0 ? [] : diagnostics.ToArray(),
        };
        if (!decode)
        {
            frame.RawBody = body.ToArray();
            if (ReferenceEquals(proto, DisconnectedProto) && !body.IsEmpty && RawProtobuf.TryParse(body, out var raw)) frame.RawFields = raw;
        }
        // The login is decoded here, not later: what it says (connID, outcome) belongs to this frame already.
        else if (header.Cmd == SdkMessageHeader.LoginCmd) FrameBodies.DecodeInto(frame, body, 0);

        LearnFromLogin(direction, header, frame.Message, position);
        if (header.Cmd == SdkMessageHeader.DisconnectedCmd && direction == FlowDirection.ServerToClient) _ws = _ws with { OpenDDisconnected = true };

        _frames++;
        frame.ConnId = _summary.ConnId;
        if (decode && header.Cmd != SdkMessageHeader.LoginCmd) _context.Delivery.OnFrame(frame, body, 0);
        else _context.Delivery.OnFrame(frame);
    }

    private void LearnFromLogin(FlowDirection direction, in SdkMessageHeader header, IMessage? message, in StreamPosition position)
    {
        if (header.Cmd != SdkMessageHeader.LoginCmd) return;
        if (message is InitWebSocket.Request { C2S: { } c2s })
        {
            _ws = _ws with { LoginKeyMd5 = c2s.HasWebsocketKey ? c2s.WebsocketKey : null };
            _summary = _summary with
            {
                ProgrammingLanguage = c2s.HasProgrammingLanguage ? c2s.ProgrammingLanguage : _summary.ProgrammingLanguage,
                ClientId = c2s.HasClientID ? c2s.ClientID : _summary.ClientId,
            };
            return;
        }
        if (direction != FlowDirection.ServerToClient) return;
        var response = message as InitWebSocket.Response;
        var ok = header.Error is null or 0 && response is { RetType: 0 };
        _ws = _ws with { LoginSucceeded = ok };
        if (ok && response!.S2C is { HasConnID: true } s2c)
            _summary = _summary with { ConnId = s2c.ConnID.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (!ok)
            Report(Diagnostic.Error(DiagnosticCodes.LoginFailed,
                $"connection {_connection}: WebSocket login refused (header error {header.Error} \"{header.Errmsg}\"{(response is null ? "" : $", retType {response.RetType}{(response.HasRetMsg ? $" \"{response.RetMsg}\"" : "")}")}); check the WebSocket key configured in OpenD"), position.TimestampMicros);
    }

    public void Dispose()
    {
        _c2s.Dispose();
        _s2c.Dispose();
    }

    private sealed class DirectionHandler(WebSocketSession session, FlowDirection direction) : IWebSocketHandler
    {
        public void OnHttpHead(HttpHead head, int length, in StreamPosition position) => session.OnHttpHead(direction, head, position);
        public void OnMessage(in WebSocketMessage message, ReadOnlySpan<byte> payload, in StreamPosition position) => session.OnMessage(direction, message, payload, position);
        public void OnControl(WebSocketOpcode opcode, ReadOnlySpan<byte> payload, in StreamPosition position) => session.OnControl(direction, opcode, payload, position);
        public void OnTls(ReadOnlySpan<byte> sample, in StreamPosition position) => session.OnTls(direction, sample, position);
        public void OnProblem(string code, string message, ReadOnlySpan<byte> sample, in StreamPosition position) => session.OnProblem(direction, code, message, sample, position);
    }
}
