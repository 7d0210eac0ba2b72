using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using OpenDump.Link;

namespace OpenDump.Testing;

/// <summary>
/// How one WebSocket data message goes on the wire. The defaults are what the SDK and OpenD do: one
/// masked client frame or one unmasked server frame, compressed when the upgrade negotiated it.
/// </summary>
public sealed record WsSend
{
    /// <summary>
    /// The payload (the compressed one when compressed) is cut into this many frames: opcode 2 first,
    /// continuations after, FIN on the last only. More fragments than bytes gives empty frames, which is legal.
    /// </summary>
    public int Fragments { get; init; } = 1;

    /// <summary>
    /// null compresses when permessage-deflate was negotiated; false sends this message uncompressed anyway
    /// (legal: RSV1 is per message); true sets RSV1 and deflates even when nothing was negotiated, which a
    /// receiver must reject, using a fresh compressor so the negotiated context is left alone.
    /// </summary>
    public bool? Compress { get; init; }

    /// <summary>Applies to every data frame of the message, not to an interleaved ping.</summary>
    public WsLengthForm Length { get; init; }

    /// <summary>
    /// The sender slips a ping in after the first fragment, as RFC 6455 §5.4 allows for control frames.
    /// The peer's pong, if wanted, is a separate <see cref="WsConversationBuilder.Pong"/> call.
    /// </summary>
    public bool PingBetweenFragments { get; init; }

    /// <summary>
    /// Masks every frame of the message with this key instead of fresh seeded ones. On a server message it
    /// produces masked server frames, which a client must reject.
    /// </summary>
    public byte[]? MaskKey { get; init; }

    /// <summary>Writes the client's frames unmasked, which a server must reject.</summary>
    public bool Unmasked { get; init; }
}

/// <summary>
/// Writes one JavaScript-SDK connection to OpenD's WebSocket port as a transcript (PROTOCOL.md §6): the
/// HTTP upgrade, then SDK messages inside binary WebSocket messages, compressed with permessage-deflate
/// when the upgrade agreed on it. Each call is one application write by one side; times are relative,
/// every call happens <c>afterMicros</c> after the previous one. Mask keys and the Sec-WebSocket-Key
/// come from the seed, so the same calls always give the same bytes.
/// </summary>
public sealed class WsConversationBuilder
{
    public const long DefaultGapMicros = ConversationBuilder.DefaultGapMicros;

    /// <summary>What the SDK's WebSocket (browser or Node "ws") offers: deflate, and that it can take a smaller client window.</summary>
    public const string SdkExtensionOffer = "permessage-deflate; client_max_window_bits";

    public const string DefaultUserKey = "opendump";

    private readonly Endpoint _client;
    private readonly Endpoint _server;
    private readonly long _startMicros;
    private readonly SeededRandom _random;
    private readonly List<WireMessage> _messages = [];
    private long _clock;

    private string? _secWebSocketKey;
    private PerMessageDeflate? _clientDeflate;
    private PerMessageDeflate? _serverDeflate;

    public WsConversationBuilder(Endpoint client, Endpoint server, long startMicros = ConversationBuilder.DefaultStartMicros, long seed = 1)
    {
        _client = client;
        _server = server;
        _startMicros = startMicros;
        _clock = startMicros;
        _random = new SeededRandom(seed);
    }

    /// <summary>The time of the last thing written; handy to aim the next call at an absolute time.</summary>
    public long NowMicros => _clock;

    /// <summary>The Sec-WebSocket-Key of the last upgrade request, which the 101 reply answers.</summary>
    public string? SecWebSocketKey => _secWebSocketKey;

    /// <summary>
    /// The usual opening: the upgrade request and OpenD's 101. With <paramref name="acceptedExtensions"/>
    /// left null OpenD declined the offer and nothing is compressed.
    /// </summary>
    public WsConversationBuilder Upgrade(
        string path = "/",
        string? offeredExtensions = SdkExtensionOffer,
        string? acceptedExtensions = null,
        long afterMicros = DefaultGapMicros,
        long replyAfterMicros = DefaultGapMicros) =>
        UpgradeRequest(path, offeredExtensions, afterMicros: afterMicros)
            .UpgradeResponse(101, acceptedExtensions, afterMicros: replyAfterMicros);

    /// <summary>
    /// The client's GET. <paramref name="key"/> defaults to 16 seeded bytes in base64; any string may be
    /// given, including a malformed one. <paramref name="host"/> defaults to the server endpoint.
    /// </summary>
    public WsConversationBuilder UpgradeRequest(
        string path = "/",
        string? offeredExtensions = SdkExtensionOffer,
        string? key = null,
        string? host = null,
        long afterMicros = DefaultGapMicros)
    {
        if (key is null)
        {
            var nonce = new byte[16];
            _random.NextBytes(nonce);
            key = Convert.ToBase64String(nonce);
        }
        _secWebSocketKey = key;

        var head = new StringBuilder()
            .Append($"GET {path} HTTP/1.1\r\n")
            .Append($"Host: {host ?? _server.ToString()}\r\n")
            .Append("Upgrade: websocket\r\n")
            .Append("Connection: Upgrade\r\n")
            .Append($"Sec-WebSocket-Key: {key}\r\n")
            .Append("Sec-WebSocket-Version: 13\r\n");
        if (offeredExtensions is not null) head.Append($"Sec-WebSocket-Extensions: {offeredExtensions}\r\n");
        head.Append("\r\n");
        return AddRaw(Direction.ClientToServer, afterMicros, Encoding.ASCII.GetBytes(head.ToString()));
    }

    /// <summary>
    /// OpenD's answer. Only a 101 upgrades the connection; it carries Sec-WebSocket-Accept for the last
    /// request's key unless <paramref name="accept"/> overrides it (a wrong accept for negative tests),
    /// and switches compression on when <paramref name="acceptedExtensions"/> names permessage-deflate.
    /// Any other status is a refusal with a plain-text body, after which the server closes the connection.
    /// </summary>
    public WsConversationBuilder UpgradeResponse(
        int status = 101,
        string? acceptedExtensions = null,
        string? body = null,
        string? accept = null,
        long afterMicros = DefaultGapMicros)
    {
        var head = new StringBuilder().Append($"HTTP/1.1 {status} {ReasonPhrase(status)}\r\n");
        if (acceptedExtensions is not null && status != 101)
            throw new ArgumentException("only a 101 accepts extensions", nameof(acceptedExtensions));

        if (status == 101)
        {
            if (body is not null) throw new ArgumentException("a 101 has no body; write one with ServerBytes", nameof(body));
            accept ??= WsFrames.AcceptKey(_secWebSocketKey ?? throw new InvalidOperationException("no upgrade request to answer; pass accept"));
            head.Append("Upgrade: websocket\r\n")
                .Append("Connection: Upgrade\r\n")
                .Append($"Sec-WebSocket-Accept: {accept}\r\n");
            if (acceptedExtensions is not null) head.Append($"Sec-WebSocket-Extensions: {acceptedExtensions}\r\n");
            head.Append("\r\n");
            Negotiate(acceptedExtensions);
            return AddRaw(Direction.ServerToClient, afterMicros, Encoding.ASCII.GetBytes(head.ToString()));
        }

        var content = Encoding.UTF8.GetBytes(body ?? "");
        head.Append("Content-Type: text/plain; charset=utf-8\r\n")
            .Append($"Content-Length: {content.Length}\r\n")
            .Append("Connection: close\r\n")
            .Append("\r\n");
        return AddRaw(Direction.ServerToClient, afterMicros, [.. Encoding.ASCII.GetBytes(head.ToString()), .. content]);
    }

    /// <summary>
    /// Starts the transcript after the upgrade, as a capture begun mid-connection sees it: nothing is
    /// written, but later messages are compressed as <paramref name="acceptedExtensions"/> agreed, each
    /// direction starting from a fresh compressor.
    /// </summary>
    public WsConversationBuilder AssumeUpgraded(string? acceptedExtensions = null)
    {
        Negotiate(acceptedExtensions);
        return this;
    }

    /// <summary>
    /// The SDK's login: InitWebSocket with the MD5 of the user's key, as main.js start() sends it (an empty
    /// key is sent as an empty string, not hashed). A wrong key is refused twice over, in the header
    /// (error 1 and errmsg) and in the body (retType -1 and retMsg), as the SDK checks either.
    /// </summary>
    public WsConversationBuilder Login(
        ulong section,
        string userKey = DefaultUserKey,
        ulong connId = 1,
        bool succeed = true,
        long afterMicros = DefaultGapMicros,
        long replyAfterMicros = DefaultGapMicros)
    {
        var websocketKey = userKey.Length == 0
            ? ""
            : Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(userKey)));
        var request = new InitWebSocket.Request { C2S = new() { WebsocketKey = websocketKey, ProgrammingLanguage = "JavaScript" } };
        Request(WsFrames.CmdInitWebSocket, section, request, afterMicros: afterMicros);

        if (!succeed)
        {
            const string refusal = "websocket key error";
            var refused = new InitWebSocket.Response { RetType = -1, RetMsg = refusal };
            return Reply(WsFrames.CmdInitWebSocket, section, refused, error: 1, errmsg: refusal, afterMicros: replyAfterMicros);
        }

        // serverTime is OpenD's clock when it answers, in whole seconds.
        var serverTime = (_clock + replyAfterMicros) / 1_000_000;
        var response = new InitWebSocket.Response { RetType = 0, S2C = new() { ServerTime = serverTime, ConnID = connId } };
        return Reply(WsFrames.CmdInitWebSocket, section, response, afterMicros: replyAfterMicros);
    }

    public WsConversationBuilder Request(uint cmd, ulong section, IMessage body, WsSend? send = null, long afterMicros = DefaultGapMicros)
    {
        var plaintext = body.ToByteArray();
        return Message(Direction.ClientToServer, WsFrames.ClientMessage(cmd, section, plaintext), send, afterMicros, cmd, section, plaintext);
    }

    /// <summary>A reply; a null body is a header-only answer, which OpenD sends when the error says it all.</summary>
    public WsConversationBuilder Reply(uint cmd, ulong section, IMessage? body, int error = 0, string errmsg = "",
        WsSend? send = null, long afterMicros = DefaultGapMicros)
    {
        var plaintext = body?.ToByteArray() ?? [];
        return Message(Direction.ServerToClient, WsFrames.ServerMessage(cmd, section, error, errmsg, plaintext), send, afterMicros, cmd, section, plaintext);
    }

    /// <summary>A server-initiated message; the SDK tells it from a reply by its section matching no pending request.</summary>
    public WsConversationBuilder Push(uint cmd, IMessage body, ulong section = 0, WsSend? send = null, long afterMicros = DefaultGapMicros)
    {
        var plaintext = body.ToByteArray();
        return Message(Direction.ServerToClient, WsFrames.ServerMessage(cmd, section, 0, "", plaintext), send, afterMicros, cmd, section, plaintext);
    }

    /// <summary>cmd 2: the WebSocket stays up but OpenD behind it went away. Header only.</summary>
    public WsConversationBuilder OpenDDisconnected(WsSend? send = null, long afterMicros = DefaultGapMicros) =>
        Message(Direction.ServerToClient, WsFrames.ServerMessage(WsFrames.CmdOpenDDisconnected, 0, 0, "", []), send, afterMicros,
            WsFrames.CmdOpenDDisconnected, 0, []);

    /// <summary>
    /// Any payload as one binary WebSocket message from the client: a short or foreign-signed SDK message.
    /// Framing and compression are done as for every other message; only the payload is unchecked.
    /// </summary>
    public WsConversationBuilder ClientMessage(byte[] payload, WsSend? send = null, long afterMicros = DefaultGapMicros) =>
        Message(Direction.ClientToServer, payload, send, afterMicros, null, null, null);

    public WsConversationBuilder ServerMessage(byte[] payload, WsSend? send = null, long afterMicros = DefaultGapMicros) =>
        Message(Direction.ServerToClient, payload, send, afterMicros, null, null, null);

    /// <summary>Control frames are written as asked, so a payload over 125 bytes gives the invalid frame a test may want.</summary>
    public WsConversationBuilder Ping(Direction from, byte[]? payload = null, long afterMicros = DefaultGapMicros) =>
        Control(from, WsFrames.OpPing, payload ?? [], afterMicros);

    public WsConversationBuilder Pong(Direction from, byte[]? payload = null, long afterMicros = DefaultGapMicros) =>
        Control(from, WsFrames.OpPong, payload ?? [], afterMicros);

    /// <summary>A null code sends the empty close body RFC 6455 allows, the one §7.1.5 calls "no status" (1005).</summary>
    public WsConversationBuilder Close(Direction from, ushort? code = 1000, string reason = "", long afterMicros = DefaultGapMicros) =>
        Control(from, WsFrames.OpClose, WsFrames.ClosePayload(code, reason), afterMicros);

    /// <summary>Bytes written by the client exactly as given: a hand-made frame, a TLS record, garbage.</summary>
    public WsConversationBuilder ClientBytes(byte[] raw, long afterMicros = DefaultGapMicros) =>
        AddRaw(Direction.ClientToServer, afterMicros, raw);

    public WsConversationBuilder ServerBytes(byte[] raw, long afterMicros = DefaultGapMicros) =>
        AddRaw(Direction.ServerToClient, afterMicros, raw);

    /// <summary>Lets time pass with nothing on the wire.</summary>
    public WsConversationBuilder Idle(long micros)
    {
        if (micros < 0) throw new ArgumentOutOfRangeException(nameof(micros));
        _clock += micros;
        return this;
    }

    public Conversation Build() => new(_client, _server, _startMicros, _messages.ToArray(), null);

    /// <summary>
    /// One data message, all its frames in one write. WireMessage has room for 32 bits of serial number, so
    /// SerialNo holds the low half of the section; the SDK's counter never gets near 2^32.
    /// </summary>
    private WsConversationBuilder Message(Direction dir, byte[] payload, WsSend? send, long afterMicros,
        uint? cmd, ulong? section, byte[]? plaintext)
    {
        send ??= new WsSend();
        if (send.Fragments < 1) throw new ArgumentOutOfRangeException(nameof(send), "a message needs at least one frame");
        if (send.PingBetweenFragments && send.Fragments < 2) throw new ArgumentException("a ping between fragments needs two fragments", nameof(send));
        if (send.Unmasked && (send.MaskKey is not null || dir == Direction.ServerToClient))
            throw new ArgumentException("Unmasked is for client frames without a MaskKey", nameof(send));

        var deflate = send.Compress switch
        {
            false => null,
            true => SenderDeflate(dir) ?? new PerMessageDeflate(contextTakeover: false),
            null => SenderDeflate(dir),
        };
        var wire = deflate?.Compress(payload) ?? payload;

        using var frames = new MemoryStream();
        for (var i = 0; i < send.Fragments; i++)
        {
            var part = wire.AsSpan(Cut(wire.Length, send.Fragments, i)..Cut(wire.Length, send.Fragments, i + 1));
            frames.Write(WsFrames.Frame(i == 0 ? WsFrames.OpBinary : WsFrames.OpContinuation, part,
                fin: i == send.Fragments - 1, rsv1: i == 0 && deflate is not null, MaskFor(dir, send), send.Length));
            if (i == 0 && send.PingBetweenFragments)
                frames.Write(WsFrames.Frame(WsFrames.OpPing, [], maskKey: MaskFor(dir, send)));
        }

        _messages.Add(new WireMessage(dir, Advance(afterMicros), frames.ToArray(), cmd, (uint?)section, plaintext));
        return this;
    }

    private static int Cut(int length, int parts, int index) => (int)((long)length * index / parts);

    private WsConversationBuilder Control(Direction from, byte opcode, byte[] payload, long afterMicros) =>
        AddRaw(from, afterMicros, WsFrames.Frame(opcode, payload, maskKey: MaskFor(from, new WsSend())));

    /// <summary>RFC 6455 §5.3: a fresh unpredictable key per client frame; seeded here so the bytes repeat.</summary>
    private byte[]? MaskFor(Direction dir, WsSend send)
    {
        if (dir == Direction.ServerToClient || send.Unmasked || send.MaskKey is not null) return send.MaskKey;
        var key = new byte[4];
        _random.NextBytes(key);
        return key;
    }

    private PerMessageDeflate? SenderDeflate(Direction dir) =>
        dir == Direction.ClientToServer ? _clientDeflate : _serverDeflate;

    /// <summary>
    /// RFC 7692 §7: the server's Sec-WebSocket-Extensions settles it. client_no_context_takeover binds the
    /// client's compressor, server_no_context_takeover the server's. Window-bits parameters are written
    /// as given but not honoured: DeflateStream always uses a 32 KiB window, so a test that negotiates a
    /// smaller one gets messages only an inflater with a full window is sure to read.
    /// </summary>
    private void Negotiate(string? acceptedExtensions)
    {
        _clientDeflate = _serverDeflate = null;
        var deflate = acceptedExtensions?.Split(',')
            .Select(extension => extension.Split(';', StringSplitOptions.TrimEntries))
            .FirstOrDefault(parts => parts[0].Equals("permessage-deflate", StringComparison.OrdinalIgnoreCase));
        if (deflate is null) return;

        var parameters = deflate.Skip(1)
            .Select(parameter => parameter.Split('=', 2)[0].Trim())
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        _clientDeflate = new PerMessageDeflate(!parameters.Contains("client_no_context_takeover"));
        _serverDeflate = new PerMessageDeflate(!parameters.Contains("server_no_context_takeover"));
    }

    private static string ReasonPhrase(int status) => status switch
    {
        101 => "Switching Protocols",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        426 => "Upgrade Required",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    };

    private WsConversationBuilder AddRaw(Direction dir, long afterMicros, byte[] raw)
    {
        _messages.Add(new WireMessage(dir, Advance(afterMicros), raw.ToArray(), null, null, null));
        return this;
    }

    private long Advance(long afterMicros)
    {
        if (afterMicros < 0) throw new ArgumentOutOfRangeException(nameof(afterMicros), "a transcript only moves forward");
        return _clock += afterMicros;
    }

    /// <summary>
    /// One direction's permessage-deflate sender (RFC 7692 §7.2.1). With context takeover a single
    /// compressor lives as long as the connection, so a message may point back into earlier ones and
    /// cannot be read alone; without it every message gets a compressor of its own.
    /// </summary>
    private sealed class PerMessageDeflate(bool contextTakeover)
    {
        private readonly MemoryStream _output = new();
        private DeflateStream? _deflate;

        public byte[] Compress(ReadOnlySpan<byte> message)
        {
            if (!contextTakeover && _deflate is not null)
            {
                _deflate.Dispose();
                _deflate = null;
            }
            _output.SetLength(0);
            _deflate ??= new DeflateStream(_output, CompressionLevel.Optimal, leaveOpen: true);

            // Flush is a zlib sync flush: it ends on an empty stored block, 00 00 FF FF, which the
            // receiver appends again before inflating, so the sender leaves it out.
            _deflate.Write(message);
            _deflate.Flush();
            var compressed = _output.ToArray();
            if (compressed.Length == 0) return [0x00]; // RFC 7692 §7.2.3.6: the empty message DeflateStream would not flush
            if (!compressed.AsSpan().EndsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFF, 0xFF]))
                throw new InvalidOperationException("DeflateStream.Flush did not end on a sync flush");
            return compressed[..^4];
        }
    }
}
