using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using OpenDump.Crypto;
using OpenDump.Decoding;
using OpenDump.Diagnostics;
using OpenDump.Framing;
using OpenDump.Reassembly;

namespace OpenDump.Session;

/// <summary>
/// The state of one OpenD connection: what the InitConnect handshake negotiated (keys, algorithm,
/// connID), the requests waiting for replies, and the decoding of every frame in both directions.
/// </summary>
public sealed class OpenDSession : IConnectionSession
{
    private const uint InitConnectId = 1001;

    private readonly TcpConnection _connection;
    private readonly SessionContext _context;
    private readonly FrameAssembler _c2s;
    private readonly FrameAssembler _s2c;
    private readonly Dictionary<(uint ProtoId, uint SerialNo), (long Frame, long Timestamp)> _pending = new();
    private readonly List<Diagnostic> _diagnostics = [];
    private readonly HashSet<string> _saidOnce = [];

    private BodyCipher? _cipher;
    private EncryptionState _state = EncryptionState.Unknown;
    private bool _handshakeEncrypted;
    private ConnectionSummary _summary;
    private long _lastTimestamp;
    private long _frames;

    private enum EncryptionState
    {
        /// <summary>No handshake seen yet: each body is tested against its SHA-1 to tell plaintext from ciphertext.</summary>
        Unknown,
        Plain,
        Aes,
        /// <summary>The handshake was encrypted but could not be read, so later bodies cannot be either.</summary>
        KeysUnknown,
    }

    public OpenDSession(TcpConnection connection, SessionContext context)
    {
        _connection = connection;
        _context = context;
        _c2s = new FrameAssembler(new DirectionHandler(this, FlowDirection.ClientToServer), context.MaxBodyLen);
        _s2c = new FrameAssembler(new DirectionHandler(this, FlowDirection.ServerToClient), context.MaxBodyLen);
        _summary = new ConnectionSummary { Connection = connection, Encryption = EncryptionKind.None, KeysKnown = true, FirstTimestampMicros = connection.FirstTimestampMicros };
        _lastTimestamp = connection.FirstTimestampMicros;
    }

    public TcpConnection Connection => _connection;

    public void Append(FlowDirection direction, ReadOnlySpan<byte> data, long timestampMicros, long packetNumber)
    {
        _lastTimestamp = timestampMicros;
        Assembler(direction).Append(data, timestampMicros, packetNumber);
    }

    public void Gap(FlowDirection direction, long missingBytes, GapReason reason, long timestampMicros, long packetNumber)
    {
        _gapByDirection[(int)direction] = true;
        Report(reason == GapReason.BufferLimit
            ? Diagnostic.Warning(DiagnosticCodes.TcpBufferLimit,
                $"{direction.Name()}: out-of-order bytes passed the per-connection bound while {missingBytes} earlier bytes were missing; those bytes are given up (raise the bound if they arrive late)")
            : Diagnostic.Warning(DiagnosticCodes.TcpGap,
                $"{direction.Name()}: {missingBytes} bytes missing from the capture before packet {packetNumber}; resynchronising on the next frame header"), timestampMicros);
        Assembler(direction).Gap(missingBytes, timestampMicros, packetNumber);
    }

    public void Close(FlowDirection direction, string reason, long timestampMicros, long packetNumber)
    {
        Assembler(direction).Complete(timestampMicros, packetNumber, reason);
    }

    public ConnectionSummary Summarize() => _summary with
    {
        LastTimestampMicros = _lastTimestamp,
        Frames = _frames,
        ClientToServer = _c2s.Accounting,
        ServerToClient = _s2c.Accounting,
        KeysKnown = _state != EncryptionState.KeysUnknown,
        Diagnostics = _diagnostics.ToArray(),
    };

    private FrameAssembler Assembler(FlowDirection d) => d == FlowDirection.ClientToServer ? _c2s : _s2c;

    private void Report(Diagnostic diagnostic, long timestampMicros)
    {
        _diagnostics.Add(diagnostic);
        _context.Sink.OnConnectionDiagnostic(_connection, diagnostic, timestampMicros);
    }

    private void ReportOnce(string key, Diagnostic diagnostic, long timestampMicros)
    {
        if (_saidOnce.Add(key)) Report(diagnostic, timestampMicros);
    }

    // One list per session, emptied per frame: most frames have no diagnostics, and those that do get an array of their own.
    private readonly List<Diagnostic> _frameDiagnostics = [];

    private bool OnFrame(FlowDirection direction, in FrameHeader header, ReadOnlySpan<byte> body, in StreamPosition position)
    {
        var diagnostics = _frameDiagnostics;
        diagnostics.Clear();
        var proto = _context.Registry.Find(header.ProtoId);
        var proven = _bodiesProven;
        // Only where a failed hash would reject the frame (below) may it be left to a decoding thread: see Sha1Speculation.
        _mayDeferSha1 = proven && _context.Delivery.DefersSha1;
        _sha1Deferred = false;
        _decryptDeferred = null;
        if (_mayDeferSha1 && _state == EncryptionState.Aes && header.ProtoId != InitConnectId && _cipher!.DecryptsOnAnyThread)
        {
            // What DecryptAes concludes when the body decrypts and matches, which a body that does not proves wrong on the
            // decoding thread.
            _sha1Deferred = true;
            _decryptDeferred = _cipher;
            BuildFrame(direction, header, body, body, proto, _cipher.Kind, decrypted: true, sha1Ok: true, diagnostics, position);
            return true;
        }
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(body.Length, 16));
        try
        {
            var plain = Decrypt(header, body, rented, diagnostics, position, out var encryption, out var decrypted, out var sha1Ok);
            // Once this connection's bodies have matched their SHA-1, a header whose body does not is
            // far likelier a false sync (after a gap, or a corrupted bodyLen) than a corrupted body:
            // the framer is told to look again from the next byte, and these bytes become garbage.
            if (proven && sha1Ok != true && _state is EncryptionState.Plain or EncryptionState.Aes) return false;
            // An RSA handshake proves the RSA key, not the AES algorithm the later bodies use.
            if (sha1Ok == true && encryption != EncryptionKind.Rsa) _bodiesProven = true;
            BuildFrame(direction, header, body, plain, proto, encryption, decrypted, sha1Ok, diagnostics, position);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private bool _bodiesProven;
    private bool _mayDeferSha1, _sha1Deferred;
    // Set with _sha1Deferred when the body handed over is still the ciphertext, for the decoding thread to decrypt first.
    private BodyCipher? _decryptDeferred;
    private readonly long[] _framesByDirection = new long[2];
    private readonly bool[] _gapByDirection = new bool[2];
    private bool _sawInitConnectRequest;
    /// <summary>The reply's keys when the request (and so packetEncAlgo) was not seen: the algorithm is then found by trial.</summary>
    private KeyLogEntry? _handshakeCandidate;

    /// <summary>
    /// Every OpenD connection starts with InitConnect in both directions. Where the TCP handshake
    /// was captured and no bytes went missing since, a first header of any other protoID is garbage
    /// that happens to look like a header; trusting its bodyLen would swallow the real handshake.
    /// </summary>
    private bool IsExpected(FlowDirection direction, in FrameHeader header) =>
        header.ProtoId == InitConnectId
        || !_connection.HandshakeSeen
        || _framesByDirection[(int)direction] > 0
        || _gapByDirection[(int)direction];

    /// <summary>
    /// Produces the plaintext body, or an empty span with the reason in <paramref name="diagnostics"/>.
    /// The header's SHA-1 (taken before encryption) is the judge: it tells plaintext from
    /// ciphertext when the handshake was not seen, and proves a decryption right.
    /// </summary>
    private ReadOnlySpan<byte> Decrypt(in FrameHeader header, ReadOnlySpan<byte> body, byte[] scratch, List<Diagnostic> diagnostics,
        in StreamPosition position, out EncryptionKind encryption, out bool decrypted, out bool? sha1Ok)
    {
        encryption = EncryptionKind.None;
        decrypted = false;
        sha1Ok = null;

        if (header.ProtoId == InitConnectId || _state == EncryptionState.Unknown)
        {
            if (Sha1Matches(header, body))
            {
                sha1Ok = true;
                if (header.ProtoId != InitConnectId && _state == EncryptionState.Unknown) _state = EncryptionState.Plain;
                return body;
            }
            if (header.ProtoId == InitConnectId) return DecryptHandshake(header, body, diagnostics, position, out encryption, out decrypted, out sha1Ok);

            // Mid-stream capture of an encrypted connection: the handshake with the AES key is gone,
            // unless the user supplied keys; those are proven on this frame's SHA-1.
            if (!TryAdoptSuppliedKey(header, body, scratch, position))
            {
                _state = EncryptionState.KeysUnknown;
                return KeysUnknown(header, body, diagnostics, position, out encryption);
            }
        }

        switch (_state)
        {
            case EncryptionState.Plain:
                sha1Ok = DeferOrCheckSha1(header, body);
                if (sha1Ok == false) diagnostics.Add(Sha1Mismatch(header, body));
                return body;
            case EncryptionState.KeysUnknown:
                return KeysUnknown(header, body, diagnostics, position, out encryption);
        }
        return DecryptAes(header, body, scratch, diagnostics, position, out encryption, out decrypted, out sha1Ok);
    }

    private ReadOnlySpan<byte> DecryptHandshake(in FrameHeader header, ReadOnlySpan<byte> body, List<Diagnostic> diagnostics,
        in StreamPosition position, out EncryptionKind encryption, out bool decrypted, out bool? sha1Ok)
    {
        decrypted = false;
        sha1Ok = null;
        encryption = EncryptionKind.Rsa;
        _handshakeEncrypted = true;
        if (_context.RsaKey is null)
        {
            var d = Diagnostic.Error(DiagnosticCodes.NoKey,
                $"connection {_connection}: InitConnect is RSA-encrypted and no key was given; use --rsa-key with the key configured in OpenD and the SDK");
            diagnostics.Add(d);
            ReportOnce(DiagnosticCodes.NoKey, d, position.TimestampMicros);
            return [];
        }
        if (!_context.RsaKey.TryDecrypt(body, out var plain, out var error))
        {
            var d = Diagnostic.Error(DiagnosticCodes.WrongKey,
                $"connection {_connection}: InitConnect does not decrypt with {_context.RsaKey.Source} ({_context.RsaKey.ModulusBits}-bit): {error}");
            diagnostics.Add(d);
            ReportOnce(DiagnosticCodes.WrongKey, d, position.TimestampMicros);
            return [];
        }
        decrypted = true;
        sha1Ok = Sha1Matches(header, plain);
        if (sha1Ok == false)
        {
            var d = Diagnostic.Error(DiagnosticCodes.WrongKey,
                $"connection {_connection}: InitConnect decrypts with {_context.RsaKey.Source} but its SHA-1 {Sha1Hex(plain)} does not match the header's {header.Sha1Hex}: wrong key");
            diagnostics.Add(d);
            ReportOnce(DiagnosticCodes.WrongKey, d, position.TimestampMicros);
        }
        return plain;
    }

    private ReadOnlySpan<byte> DecryptAes(in FrameHeader header, ReadOnlySpan<byte> body, byte[] scratch, List<Diagnostic> diagnostics,
        in StreamPosition position, out EncryptionKind encryption, out bool decrypted, out bool? sha1Ok)
    {
        decrypted = false;
        sha1Ok = null;
        encryption = _cipher!.Kind;
        if (!_cipher.TryDecrypt(body, scratch, out var written, out var why))
        {
            if (Sha1Matches(header, body))
            {
                // Sent in the clear although the handshake said otherwise: show it as it is.
                encryption = EncryptionKind.None;
                sha1Ok = true;
                return body;
            }
            diagnostics.Add(Diagnostic.Error(DiagnosticCodes.DecryptFailed, $"{encryption.Name()} decryption failed: {why}"));
            return [];
        }
        decrypted = true;
        var plaintext = scratch.AsSpan(0, written);
        sha1Ok = DeferOrCheckSha1(header, plaintext);
        if (sha1Ok == false && encryption == EncryptionKind.AesEcb && MatchingEcbLength(header, scratch.AsSpan(0, body.Length)) is { } length)
        {
            // PROTOCOL.md: AES-ECB's padding is not confirmed on the wire. PKCS#7 is tried first; when
            // the SHA-1 says otherwise, every cut of the last block is tried (zero padding, none).
            sha1Ok = true;
            return scratch.AsSpan(0, length);
        }
        if (sha1Ok == false)
        {
            if (Sha1Matches(header, body))
            {
                encryption = EncryptionKind.None;
                decrypted = false;
                sha1Ok = true;
                return body;
            }
            var d = Sha1Mismatch(header, plaintext);
            diagnostics.Add(d);
            ReportOnce(DiagnosticCodes.Sha1Mismatch, Diagnostic.Error(DiagnosticCodes.WrongKey,
                $"connection {_connection}: {encryption.Name()} bodies do not match their SHA-1 after decryption (first: {d.Message}); the AES key from the handshake may be wrong"), position.TimestampMicros);
            return plaintext;
        }
        return plaintext;
    }

    private bool TryAdoptSuppliedKey(in FrameHeader header, ReadOnlySpan<byte> body, byte[] scratch, in StreamPosition position)
    {
        var supplied = _context.SuppliedKeys;
        if (supplied.Count == 0 && _handshakeCandidate is null) return false;
        // The handshake's own key first, then the entry for this address, then every other one,
        // since a connID-only entry (or a NATed address) can only be matched by trying it.
        IEnumerable<KeyLogEntry> candidates = _handshakeCandidate is null ? [] : [_handshakeCandidate];
        candidates = candidates
            .Concat(supplied.Where(e => e.Matches(_connection.Client, _connection.Server)))
            .Concat(supplied.Where(e => !e.Matches(_connection.Client, _connection.Server)));
        foreach (var entry in candidates)
        foreach (var kind in entry.Candidates())
        {
            BodyCipher cipher;
            try
            {
                cipher = new BodyCipher(kind, entry.Key, kind == EncryptionKind.AesCbc ? entry.Iv : default);
            }
            catch (ArgumentException)
            {
                continue;
            }
            var proven = cipher.TryDecrypt(body, scratch, out var written, out _)
                && (Sha1Matches(header, scratch.AsSpan(0, written)) || kind == EncryptionKind.AesEcb && MatchingEcbLength(header, scratch.AsSpan(0, body.Length)) is not null);
            if (!proven)
            {
                cipher.Dispose();
                continue;
            }
            _cipher = cipher;
            _state = EncryptionState.Aes;
            _summary = _summary with
            {
                ConnId = _summary.ConnId ?? entry.ConnId,
                Encryption = kind,
                Keys = entry with { Client = _connection.Client, Server = _connection.Server, Algorithm = kind, ConnId = _summary.ConnId ?? entry.ConnId },
            };
            if (ReferenceEquals(entry, _handshakeCandidate))
            {
                Report(Diagnostic.Info(DiagnosticCodes.Resync,
                    $"connection {_connection}: the InitConnect request is not in the capture; its bodies are {kind.Name()} (found by trial, proven by the SHA-1 of {header.ProtoId}/{header.SerialNo})"), position.TimestampMicros);
                return true;
            }
            var how = entry.Matches(_connection.Client, _connection.Server) ? "matched by address" : "found by trying the supplied keys";
            Report(Diagnostic.Info(DiagnosticCodes.KeyFromLog,
                $"connection {_connection}: no handshake in the capture; using the supplied {kind.Name()} key{(entry.ConnId is null ? "" : $" of connID {entry.ConnId}")} ({how}, proven by the SHA-1 of {header.ProtoId}/{header.SerialNo})"), position.TimestampMicros);
            return true;
        }
        return false;
    }

    private ReadOnlySpan<byte> KeysUnknown(in FrameHeader header, ReadOnlySpan<byte> body, List<Diagnostic> diagnostics, in StreamPosition position, out EncryptionKind encryption)
    {
        // Without the handshake the algorithm is read off the body: FTAES-ECB ends in its clear
        // 16-byte tail (15 zeros and len % 16); anything else is taken for CBC, the SDKs' default.
        encryption = _summary.Encryption != EncryptionKind.None ? _summary.Encryption
            : body.Length >= 16 && body.Length % 16 == 0 && !body[^16..^1].ContainsAnyExcept((byte)0) && body[^1] < 16 ? EncryptionKind.FtAesEcb
            : EncryptionKind.AesCbc;
        var why = _handshakeCandidate is not null
            ? "the InitConnect reply's key decrypts it with no AES mode (no SHA-1 matched)"
            : _handshakeEncrypted
            ? "the InitConnect handshake could not be decrypted"
            : _context.SuppliedKeys.Count > 0
                ? $"the capture does not contain the InitConnect handshake and none of the {_context.SuppliedKeys.Count} supplied key(s) decrypts it (no SHA-1 matched)"
                : "the capture does not contain the InitConnect handshake (supply its keys with --keylog or --aes-key)";
        var d = Diagnostic.Warning(DiagnosticCodes.KeysUnknown, $"body is encrypted and the AES key is unknown: {why}");
        diagnostics.Add(d);
        ReportOnce(DiagnosticCodes.KeysUnknown, Diagnostic.Warning(DiagnosticCodes.KeysUnknown,
            $"connection {_connection}: keys unknown, bodies stay encrypted ({why}); headers are still shown"), position.TimestampMicros);
        return [];
    }

    private void BuildFrame(FlowDirection direction, in FrameHeader header, ReadOnlySpan<byte> wireBody, ReadOnlySpan<byte> plain,
        ProtoInfo? proto, EncryptionKind encryption, bool decrypted, bool? sha1Ok, List<Diagnostic> diagnostics, in StreamPosition position)
    {
        _frames++;
        _framesByDirection[(int)direction]++;
        var haveBody = sha1Ok is not null;
        // The decoding's diagnostics come after those of decryption and before those of pairing.
        var decodeDiagnosticsAt = diagnostics.Count;

        var number = _context.NextFrameNumber();
        var kind = FrameKind.Request;
        long? requestFrame = null, latency = null;
        if (direction == FlowDirection.ClientToServer)
        {
            _pending[(header.ProtoId, header.SerialNo)] = (number, position.TimestampMicros);
        }
        // Most server frames are pushes, with no request waiting on the connection: the lookup is skipped then.
        else if (_pending.Count != 0 && _pending.Remove((header.ProtoId, header.SerialNo), out var request))
        {
            kind = FrameKind.Response;
            requestFrame = request.Frame;
            latency = position.TimestampMicros - request.Timestamp;
        }
        else if (proto is null || proto.IsPush || proto.Request is null)
        {
            kind = FrameKind.Push;
        }
        else
        {
            // A reply whose request is not in the capture (it started late, or the request was lost).
            kind = FrameKind.Response;
            diagnostics.Add(Diagnostic.Info(DiagnosticCodes.UnpairedResponse,
                $"no request with protoID {header.ProtoId} and serialNo {header.SerialNo} was seen on this connection"));
        }

        var frame = new OpenDFrame
        {
            Number = number,
            TimestampMicros = position.TimestampMicros,
            PacketNumber = position.PacketNumber,
            Connection = _connection,
            Direction = direction,
            Transport = Transport.Tcp,
            ProtoId = header.ProtoId,
            SerialNo = header.SerialNo,
            BodyLen = header.BodyLen,
            ProtoFmt = header.ProtoFmt,
            Header = header,
            Proto = proto,
            Kind = kind,
            Encryption = encryption,
            Decrypted = decrypted,
            Sha1Ok = sha1Ok,
            RequestFrame = requestFrame,
            LatencyMicros = latency,
            RawBody = haveBody ? null : wireBody.ToArray(),
            Diagnostics = diagnostics.Count == 0 ? [] : diagnostics.ToArray(),
        };

        if (header.ProtoId == InitConnectId && haveBody)
        {
            // The handshake is decoded here, not later: the keys it carries decrypt the next frames.
            FrameBodies.DecodeInto(frame, plain, decodeDiagnosticsAt);
            // Keys are taken only from a handshake the SHA-1 vouches for; a wrong key can yield a parseable mess.
            if (frame.Message is not null && sha1Ok == true) LearnFromHandshake(direction, frame.Message, encryption == EncryptionKind.Rsa, position);
            frame.ConnId = _summary.ConnId;
            _context.Delivery.OnFrame(frame);
            return;
        }
        frame.ConnId = _summary.ConnId;
        if (haveBody) _context.Delivery.OnFrame(frame, plain, decodeDiagnosticsAt, _sha1Deferred, _decryptDeferred);
        else _context.Delivery.OnFrame(frame);
    }

    private void LearnFromHandshake(FlowDirection direction, IMessage message, bool rsaEncrypted, in StreamPosition position)
    {
        if (direction == FlowDirection.ClientToServer && message is InitConnect.Request { C2S: { } c2s })
        {
            _summary = _summary with
            {
                ClientId = c2s.HasClientID ? c2s.ClientID : null,
                ClientVer = c2s.HasClientVer ? c2s.ClientVer : null,
                ProgrammingLanguage = c2s.HasProgrammingLanguage ? c2s.ProgrammingLanguage : null,
                PacketEncAlgo = c2s.HasPacketEncAlgo ? c2s.PacketEncAlgo : null,
                PushProtoFmt = c2s.HasPushProtoFmt ? c2s.PushProtoFmt : null,
                RecvNotify = c2s.HasRecvNotify ? c2s.RecvNotify : null,
            };
            if (rsaEncrypted) _handshakeEncrypted = true;
            _sawInitConnectRequest = true;
            return;
        }
        if (direction != FlowDirection.ServerToClient || message is not InitConnect.Response response) return;
        if (rsaEncrypted) _handshakeEncrypted = true;
        if (response.RetType != 0 || response.S2C is not { } s2c)
        {
            _state = _handshakeEncrypted ? EncryptionState.KeysUnknown : EncryptionState.Plain;
            return;
        }

        _summary = _summary with
        {
            ConnId = s2c.HasConnID ? s2c.ConnID.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
            ServerVer = s2c.HasServerVer ? s2c.ServerVer : null,
            LoginUserId = s2c.HasLoginUserID ? s2c.LoginUserID.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
            KeepAliveInterval = s2c.HasKeepAliveInterval ? s2c.KeepAliveInterval : null,
        };

        // No RSA on the handshake means no encryption at all; with RSA, packetEncAlgo decides.
        var kind = _handshakeEncrypted
            ? EncryptionKindNames.FromPacketEncAlgo(_summary.PacketEncAlgo, s2c.HasAesCBCiv && s2c.AesCBCiv.Length > 0)
            : EncryptionKind.None;
        _summary = _summary with { Encryption = kind };
        if (kind == EncryptionKind.None)
        {
            _state = EncryptionState.Plain;
            return;
        }

        var key = Encoding.ASCII.GetBytes(s2c.ConnAESKey);
        var iv = s2c.HasAesCBCiv ? Encoding.ASCII.GetBytes(s2c.AesCBCiv) : [];
        _summary = _summary with { Keys = new KeyLogEntry(_summary.ConnId, _connection.Client, _connection.Server, kind, key, iv.Length > 0 ? iv : null) };
        if (!_sawInitConnectRequest)
        {
            // packetEncAlgo was in the request, which the capture lacks: the next bodies tell plaintext
            // (their SHA-1 matches as they are) from each AES mode (proven by trial).
            _handshakeCandidate = _summary.Keys with { Algorithm = null };
            _summary = _summary with { Encryption = EncryptionKind.None, Keys = null };
            _state = EncryptionState.Unknown;
            return;
        }
        try
        {
            _cipher?.Dispose();
            _cipher = new BodyCipher(kind, key, kind == EncryptionKind.AesCbc ? iv : default);
            _state = EncryptionState.Aes;
        }
        catch (ArgumentException e)
        {
            _state = EncryptionState.KeysUnknown;
            Report(Diagnostic.Error(DiagnosticCodes.KeysUnknown, $"connection {_connection}: the handshake's AES parameters are unusable: {e.Message}"), position.TimestampMicros);
        }
    }

    private static int? MatchingEcbLength(in FrameHeader header, ReadOnlySpan<byte> blocks)
    {
        for (var length = blocks.Length; length >= Math.Max(0, blocks.Length - 16); length--)
            if (Sha1Matches(header, blocks[..length])) return length;
        return null;
    }

    private bool DeferOrCheckSha1(in FrameHeader header, ReadOnlySpan<byte> plaintext)
    {
        if (!_mayDeferSha1) return Sha1Matches(header, plaintext);
        _sha1Deferred = true;
        return true;
    }

    internal static bool Sha1Matches(in FrameHeader header, ReadOnlySpan<byte> plaintext)
    {
        Span<byte> digest = stackalloc byte[FrameHeader.Sha1Size];
        Sha1Digest.HashData(plaintext, digest);
        return header.Sha1Equals(digest);
    }

    private static string Sha1Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA1.HashData(data));

    private static Diagnostic Sha1Mismatch(in FrameHeader header, ReadOnlySpan<byte> plaintext) =>
        Diagnostic.Error(DiagnosticCodes.Sha1Mismatch, $"body SHA-1 {Sha1Hex(plaintext)} does not match the header's {header.Sha1Hex}");

    // A lossy capture can produce a resync per gap; past this many the rest is only counted.
    private const int GarbageReportsPerConnection = 20;
    private int _garbageReports;

    private void OnGarbage(FlowDirection direction, ReadOnlySpan<byte> sample, long length, HeaderProblem problem, bool frameFollows, in StreamPosition position)
    {
        var first = Convert.ToHexStringLower(sample[..Math.Min(sample.Length, 64)]);
        if (_frames == 0 && frameFollows && position.StreamOffset == 0)
        {
            Report(Diagnostic.Info(DiagnosticCodes.Resync,
                $"{direction.Name()}: the first {length} bytes are the end of a frame whose start is not in the capture; decoding starts at the first header"), position.TimestampMicros);
            return;
        }
        if (_frames == 0 && !frameFollows)
        {
            // Nothing on this connection has been OpenD so far: say so once, not once per run or direction.
            ReportOnce(DiagnosticCodes.NotOpenD, Diagnostic.Warning(DiagnosticCodes.NotOpenD,
                $"connection {_connection}: {direction.Name()} does not carry OpenD frames (first bytes: {first}); its bytes are counted as garbage"), position.TimestampMicros);
            return;
        }
        if (++_garbageReports > GarbageReportsPerConnection)
        {
            if (_garbageReports == GarbageReportsPerConnection + 1)
                Report(Diagnostic.Info(DiagnosticCodes.Resync, $"more than {GarbageReportsPerConnection} runs of bytes that are not frames on this connection; further ones are only counted in the byte accounting"), position.TimestampMicros);
            return;
        }

        var why = problem switch
        {
            HeaderProblem.BadMagic => "no 'FT' magic",
            HeaderProblem.BadFormat => "protoFmtType is neither 0 (protobuf) nor 1 (JSON)",
            HeaderProblem.BadProtoId => "implausible protoID",
            HeaderProblem.BodyTooLarge => $"bodyLen over the {_context.MaxBodyLen}-byte limit (lost sync)",
            HeaderProblem.Sha1Rejected => "a header whose body does not match its SHA-1 although this connection's keys are proven: a corrupted frame or a false sync",
            _ => "skipped while resynchronising after a gap",
        };
        var code = problem switch
        {
            HeaderProblem.BodyTooLarge => DiagnosticCodes.BodyTooLarge,
            HeaderProblem.Sha1Rejected => DiagnosticCodes.Sha1Mismatch,
            HeaderProblem.None => DiagnosticCodes.Resync,
            _ => DiagnosticCodes.BadHeader,
        };
        Report(Diagnostic.Warning(code, $"{direction.Name()} at stream offset {position.StreamOffset}: {length} bytes that are not an OpenD frame ({why}); first bytes: {first}"), position.TimestampMicros);
    }

    private void OnTruncated(FlowDirection direction, FrameHeader? header, int bytesSeen, string reason, in StreamPosition position)
    {
        var what = header is { } h
            ? $"frame protoID {h.ProtoId} ({_context.Registry.Find(h.ProtoId)?.Name ?? "unknown"}) serialNo {h.SerialNo} bodyLen {h.BodyLen}: only {bytesSeen - FrameHeader.Size} of {h.BodyLen} body bytes"
            : $"{bytesSeen} bytes of a frame header";
        Report(Diagnostic.Warning(DiagnosticCodes.TruncatedFrame, $"{direction.Name()} at stream offset {position.StreamOffset}: {what} seen before {reason}; the frame is lost"), position.TimestampMicros);
    }

    public void Dispose()
    {
        _c2s.Dispose();
        _s2c.Dispose();
        _cipher?.Dispose();
    }

    private sealed class DirectionHandler(OpenDSession session, FlowDirection direction) : IFrameHandler
    {
        public bool OnFrame(in FrameHeader header, ReadOnlySpan<byte> body, in StreamPosition position) => session.OnFrame(direction, header, body, position);
        public bool IsExpected(in FrameHeader header) => session.IsExpected(direction, header);
        public void OnGarbage(ReadOnlySpan<byte> sample, long length, HeaderProblem firstProblem, bool frameFollows, in StreamPosition position) => session.OnGarbage(direction, sample, length, firstProblem, frameFollows, position);
        public void OnTruncatedFrame(FrameHeader? header, int bytesSeen, string reason, in StreamPosition position) => session.OnTruncated(direction, header, bytesSeen, reason, position);
    }
}

/// <summary>What all sessions of one analysis share.</summary>
public sealed class SessionContext
{
    internal SessionContext(ProtoRegistry registry, RsaPrivateKey? rsaKey, IReadOnlyList<KeyLogEntry> suppliedKeys, uint maxBodyLen, FrameDelivery delivery)
    {
        Registry = registry;
        RsaKey = rsaKey;
        SuppliedKeys = suppliedKeys;
        MaxBodyLen = maxBodyLen;
        Delivery = delivery;
    }

    public IReadOnlyList<KeyLogEntry> SuppliedKeys { get; }
    private long _frameNumber;
    public ProtoRegistry Registry { get; }
    public RsaPrivateKey? RsaKey { get; }
    public uint MaxBodyLen { get; }
    /// <summary>Where frames and everything else the sessions say go, in order, on their way to the sink.</summary>
    internal FrameDelivery Delivery { get; }
    public IAnalysisSink Sink => Delivery;
    public long NextFrameNumber() => ++_frameNumber;
    public long FramesSoFar => _frameNumber;
}
