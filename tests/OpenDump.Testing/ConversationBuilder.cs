using System.Text;
using Google.Protobuf;
using OpenDump.Link;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace OpenDump.Testing;

/// <summary>
/// Writes one OpenD connection as a transcript: each call is one frame (or raw write) by one side,
/// encrypted exactly as that connection would be at that point of its life (PROTOCOL.md §2, §3).
/// Times are relative: every call happens <c>afterMicros</c> after the previous one.
/// </summary>
public sealed class ConversationBuilder
{
    public const long DefaultStartMicros = 1_700_000_000_000_000;
    public const long DefaultGapMicros = 1_000;

    /// <summary>InitConnect's protoID is fixed; the builder needs it to know which frames get RSA.</summary>
    public const uint InitConnectProtoId = 1001;

    private readonly Endpoint _client;
    private readonly Endpoint _server;
    private readonly long _startMicros;
    private readonly List<WireMessage> _messages = [];
    private long _clock;

    private RsaKeyParameters? _rsaPublic;
    private SecureRandom? _rsaPadding;

    // What the client asked for in InitConnect.C2S; it only takes effect once the reply is in.
    private int _requestedAlgo;
    private byte _pushFormat = OpenDFrames.FormatProtobuf;

    private BodyEncryption _encryption = BodyEncryption.None;
    private byte[]? _aesKey;
    private byte[]? _aesIv;
    private SessionKeys? _keys;

    public ConversationBuilder(Endpoint client, Endpoint server, long startMicros = DefaultStartMicros)
    {
        _client = client;
        _server = server;
        _startMicros = startMicros;
        _clock = startMicros;
    }

    /// <summary>The time of the last thing written; handy to aim the next call at an absolute time.</summary>
    public long NowMicros => _clock;

    /// <summary>
    /// Turns protocol encryption on: both InitConnect bodies are RSA-chunk encrypted with the public half
    /// and later frames use the AES algorithm InitConnect settles on. Without a key everything is plaintext,
    /// as when neither SDK nor OpenD has a key configured. The seed makes the PKCS#1 padding repeatable.
    /// </summary>
    public ConversationBuilder WithRsaKey(AsymmetricCipherKeyPair keyPair, long paddingSeed = 1) =>
        WithRsaKey((RsaKeyParameters)keyPair.Public, paddingSeed);

    public ConversationBuilder WithRsaKey(RsaKeyParameters publicKey, long paddingSeed = 1)
    {
        if (publicKey.IsPrivate) throw new ArgumentException("InitConnect is encrypted with the public half", nameof(publicKey));
        _rsaPublic = publicKey;
        _rsaPadding = TestCrypto.DeterministicRandom(paddingSeed);
        return this;
    }

    /// <summary>
    /// The usual opening: InitConnect request and its successful reply. Parameters named after the
    /// C2S/S2C fields; <paramref name="packetEncAlgo"/> and <paramref name="pushProtoFmt"/> left null are
    /// left unset on the wire, which OpenD reads as FTAES_ECB and its configured push format.
    /// </summary>
    public ConversationBuilder InitConnect(
        uint serialNo,
        string clientId = "test",
        int? packetEncAlgo = null,
        string aesKey = "0123456789abcdef",
        string? aesCbcIv = null,
        ulong connId = 1,
        int? pushProtoFmt = null,
        bool recvNotify = true,
        int clientVer = 1011,
        string programmingLanguage = "Python",
        int serverVer = 1011,
        ulong loginUserId = 10_000_001,
        int keepAliveInterval = 10,
        int? userAttribution = 1,
        long afterMicros = DefaultGapMicros,
        long replyAfterMicros = DefaultGapMicros)
    {
        var c2s = new global::InitConnect.C2S
        {
            ClientVer = clientVer,
            ClientID = clientId,
            RecvNotify = recvNotify,
            ProgrammingLanguage = programmingLanguage,
        };
        if (packetEncAlgo is { } algo) c2s.PacketEncAlgo = algo;
        if (pushProtoFmt is { } fmt) c2s.PushProtoFmt = fmt;

        var s2c = new global::InitConnect.S2C
        {
            ServerVer = serverVer,
            LoginUserID = loginUserId,
            ConnID = connId,
            ConnAESKey = aesKey,
            KeepAliveInterval = keepAliveInterval,
        };
        if (aesCbcIv is not null) s2c.AesCBCiv = aesCbcIv;
        if (userAttribution is { } attribution) s2c.UserAttribution = attribution;

        // OpenD fills retMsg and errCode even on success; a decoder should see them as the SDK does.
        var response = new global::InitConnect.Response { RetType = 0, RetMsg = "", ErrCode = 0, S2C = s2c };
        return InitConnectRequest(serialNo, c2s, afterMicros).InitConnectReply(serialNo, response, replyAfterMicros);
    }

    public ConversationBuilder InitConnectRequest(uint serialNo, global::InitConnect.C2S c2s, long afterMicros = DefaultGapMicros)
    {
        _requestedAlgo = c2s.HasPacketEncAlgo ? c2s.PacketEncAlgo : (int)BodyEncryption.FtAesEcb;
        _pushFormat = c2s.HasPushProtoFmt ? (byte)c2s.PushProtoFmt : OpenDFrames.FormatProtobuf;
        var plaintext = new global::InitConnect.Request { C2S = c2s }.ToByteArray();
        return Add(Direction.ClientToServer, afterMicros, InitConnectProtoId, serialNo, plaintext, RsaOrClear(plaintext), OpenDFrames.FormatProtobuf);
    }

    /// <summary>
    /// The InitConnect reply. A successful one (retType 0 with an S2C) switches every later frame, both
    /// directions, to AES — but only when an RSA key is configured.
    /// </summary>
    public ConversationBuilder InitConnectReply(uint serialNo, global::InitConnect.Response response, long afterMicros = DefaultGapMicros)
    {
        var plaintext = response.ToByteArray();
        Add(Direction.ServerToClient, afterMicros, InitConnectProtoId, serialNo, plaintext, RsaOrClear(plaintext), OpenDFrames.FormatProtobuf);

        if (response.RetType != 0 || response.S2C is null) return this;
        var s2c = response.S2C;
        var iv = s2c.HasAesCBCiv ? s2c.AesCBCiv : null;
        var encryption = _rsaPublic is null ? BodyEncryption.None : ChooseEncryption(_requestedAlgo, iv);
        return SetKeys(new SessionKeys(s2c.ConnID, s2c.ConnAESKey, iv, encryption));
    }

    /// <summary>
    /// Starts the transcript in the middle of a session: later frames are encrypted with these keys as if
    /// an InitConnect had happened before the capture began.
    /// </summary>
    public ConversationBuilder AssumeSession(BodyEncryption encryption, string aesKey, string? aesCbcIv = null, ulong connId = 1, int pushProtoFmt = 0)
    {
        _pushFormat = (byte)pushProtoFmt;
        return SetKeys(new SessionKeys(connId, aesKey, aesCbcIv, encryption));
    }

    public ConversationBuilder Request(uint protoId, uint serialNo, IMessage request, long afterMicros = DefaultGapMicros) =>
        Body(Direction.ClientToServer, protoId, serialNo, request.ToByteArray(), OpenDFrames.FormatProtobuf, afterMicros);

    public ConversationBuilder Reply(uint protoId, uint serialNo, IMessage response, long afterMicros = DefaultGapMicros) =>
        Body(Direction.ServerToClient, protoId, serialNo, response.ToByteArray(), OpenDFrames.FormatProtobuf, afterMicros);

    /// <summary>A server-initiated Response, in the push format this connection asked for in InitConnect.</summary>
    public ConversationBuilder Push(uint protoId, uint serialNo, IMessage response, long afterMicros = DefaultGapMicros) =>
        Body(Direction.ServerToClient, protoId, serialNo, Encode(response, _pushFormat), _pushFormat, afterMicros);

    public ConversationBuilder RequestJson(uint protoId, uint serialNo, IMessage request, long afterMicros = DefaultGapMicros) =>
        Body(Direction.ClientToServer, protoId, serialNo, Encode(request, OpenDFrames.FormatJson), OpenDFrames.FormatJson, afterMicros);

    public ConversationBuilder ReplyJson(uint protoId, uint serialNo, IMessage response, long afterMicros = DefaultGapMicros) =>
        Body(Direction.ServerToClient, protoId, serialNo, Encode(response, OpenDFrames.FormatJson), OpenDFrames.FormatJson, afterMicros);

    /// <summary>A client frame around any plaintext (truncated protobuf, a JSON typo...), encrypted like the rest.</summary>
    public ConversationBuilder ClientBody(uint protoId, uint serialNo, ReadOnlySpan<byte> plaintext, byte protoFmt = OpenDFrames.FormatProtobuf, long afterMicros = DefaultGapMicros) =>
        Body(Direction.ClientToServer, protoId, serialNo, plaintext.ToArray(), protoFmt, afterMicros);

    public ConversationBuilder ServerBody(uint protoId, uint serialNo, ReadOnlySpan<byte> plaintext, byte protoFmt = OpenDFrames.FormatProtobuf, long afterMicros = DefaultGapMicros) =>
        Body(Direction.ServerToClient, protoId, serialNo, plaintext.ToArray(), protoFmt, afterMicros);

    /// <summary>Bytes written by the client exactly as given: garbage, a broken header, half a frame.</summary>
    public ConversationBuilder ClientBytes(byte[] raw, long afterMicros = DefaultGapMicros) =>
        AddRaw(Direction.ClientToServer, afterMicros, raw);

    public ConversationBuilder ServerBytes(byte[] raw, long afterMicros = DefaultGapMicros) =>
        AddRaw(Direction.ServerToClient, afterMicros, raw);

    /// <summary>Lets time pass with nothing on the wire (KeepAlive gaps, idle timeouts).</summary>
    public ConversationBuilder Idle(long micros)
    {
        if (micros < 0) throw new ArgumentOutOfRangeException(nameof(micros));
        _clock += micros;
        return this;
    }

    public Conversation Build() => new(_client, _server, _startMicros, _messages.ToArray(), _keys);

    /// <summary>
    /// InitConnect bodies get RSA whenever a key is set, whichever method wrote them (a JSON InitConnect,
    /// a truncated one); only InitConnectRequest/InitConnectReply also change the connection's keys.
    /// </summary>
    private ConversationBuilder Body(Direction dir, uint protoId, uint serialNo, byte[] plaintext, byte protoFmt, long afterMicros) =>
        Add(dir, afterMicros, protoId, serialNo, plaintext,
            protoId == InitConnectProtoId ? RsaOrClear(plaintext) : EncryptBody(plaintext), protoFmt);

    private ConversationBuilder Add(Direction dir, long afterMicros, uint protoId, uint serialNo, byte[] plaintext, byte[] wireBody, byte protoFmt)
    {
        var frame = OpenDFrames.Frame(protoId, serialNo, plaintext, wireBody, protoFmt);
        _messages.Add(new WireMessage(dir, Advance(afterMicros), frame, protoId, serialNo, plaintext));
        return this;
    }

    private ConversationBuilder AddRaw(Direction dir, long afterMicros, byte[] raw)
    {
        _messages.Add(new WireMessage(dir, Advance(afterMicros), raw.ToArray(), null, null, null));
        return this;
    }

    private long Advance(long afterMicros)
    {
        if (afterMicros < 0) throw new ArgumentOutOfRangeException(nameof(afterMicros), "a transcript only moves forward");
        return _clock += afterMicros;
    }

    private ConversationBuilder SetKeys(SessionKeys keys)
    {
        _keys = keys;
        _encryption = keys.Encryption;
        _aesKey = Encoding.ASCII.GetBytes(keys.AesKey);
        _aesIv = keys.AesCbcIv is null ? null : Encoding.ASCII.GetBytes(keys.AesCbcIv);
        if (_encryption != BodyEncryption.None && _aesKey.Length != 16)
            throw new ArgumentException($"connAESKey must be 16 ASCII characters, got {keys.AesKey.Length}");
        if (_encryption == BodyEncryption.AesCbc && _aesIv is not { Length: 16 })
            throw new ArgumentException("AES-CBC needs a 16-character aesCBCiv");
        return this;
    }

    /// <summary>
    /// PROTOCOL.md §3: the client's packetEncAlgo decides, except that CBC needs the server to hand out an
    /// IV; without one the SDK falls back to FTAES_ECB, which is also the default for unset or unknown values.
    /// </summary>
    private static BodyEncryption ChooseEncryption(int requestedAlgo, string? iv) => requestedAlgo switch
    {
        (int)BodyEncryption.None => BodyEncryption.None,
        (int)BodyEncryption.AesEcb => BodyEncryption.AesEcb,
        (int)BodyEncryption.AesCbc when iv is not null => BodyEncryption.AesCbc,
        _ => BodyEncryption.FtAesEcb,
    };

    private byte[] EncryptBody(byte[] plaintext) => _encryption switch
    {
        BodyEncryption.None => plaintext,
        BodyEncryption.FtAesEcb => TestCrypto.FtAesEcbEncrypt(_aesKey!, plaintext),
        BodyEncryption.AesEcb => TestCrypto.AesEcbEncrypt(_aesKey!, plaintext),
        BodyEncryption.AesCbc => TestCrypto.AesCbcEncrypt(_aesKey!, _aesIv!, plaintext),
        _ => throw new InvalidOperationException($"unknown encryption {_encryption}"),
    };

    private byte[] RsaOrClear(byte[] plaintext) =>
        _rsaPublic is null ? plaintext : TestCrypto.RsaChunkEncrypt(_rsaPublic, plaintext, _rsaPadding!);

    /// <summary>The JSON form is the protobuf JSON mapping, as the SDKs' JSON printers write it (PROTOCOL.md §4).</summary>
    private static byte[] Encode(IMessage message, byte protoFmt) =>
        protoFmt == OpenDFrames.FormatJson
            ? Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(message))
            : message.ToByteArray();
}
