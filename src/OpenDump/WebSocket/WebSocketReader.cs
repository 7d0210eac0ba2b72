using System.Buffers;
using OpenDump.Framing;

namespace OpenDump.WebSocket;

/// <summary>One complete data message: how it travelled, and its payload after inflating.</summary>
public readonly record struct WebSocketMessage(WebSocketOpcode Opcode, int Frames, bool Compressed, long WireBytes, long CompressedBytes);

/// <summary>What a <see cref="WebSocketReader"/> hands on for one direction of a connection.</summary>
public interface IWebSocketHandler
{
    /// <summary>The HTTP request or response that opens the connection.</summary>
    void OnHttpHead(HttpHead head, int length, in StreamPosition position);

    /// <summary>A whole data message; <paramref name="payload"/> is valid only during the call.</summary>
    void OnMessage(in WebSocketMessage message, ReadOnlySpan<byte> payload, in StreamPosition position);

    /// <summary>A ping, pong or close frame (possibly between the fragments of a data message).</summary>
    void OnControl(WebSocketOpcode opcode, ReadOnlySpan<byte> payload, in StreamPosition position);

    /// <summary>The first bytes are a TLS record: a wss:// connection, which cannot be read.</summary>
    void OnTls(ReadOnlySpan<byte> sample, in StreamPosition position);

    /// <summary>Something that is not valid WebSocket; <paramref name="sample"/> shows the bytes concerned.</summary>
    void OnProblem(string code, string message, ReadOnlySpan<byte> sample, in StreamPosition position);
}

/// <summary>
/// Cuts one direction of a WebSocket connection into its HTTP head, frames and messages (RFC 6455):
/// unmasks, joins fragments across interleaved control frames, and inflates permessage-deflate
/// messages. Bytes are buffered only while a frame is incomplete. After lost bytes it looks for the
/// next frame that carries an SDK message, since the middle of a frame has nothing to sync on.
/// </summary>
public sealed class WebSocketReader : IDisposable
{
    private enum Phase
    {
        /// <summary>Waiting for the HTTP request or response.</summary>
        Head,
        Frames,
        /// <summary>Lost bytes: looking for a frame that starts with the SDK sign.</summary>
        Resync,
        /// <summary>Not WebSocket (TLS, a refused upgrade): bytes are only counted.</summary>
        Opaque,
    }

    private readonly IWebSocketHandler _handler;
    private readonly bool _fromClient;
    private readonly long _maxMessage;
    private readonly PerMessageInflater _inflater = new();
    private Phase _phase;
    private byte[] _buffer = [];
    private int _buffered;
    private long _bufferStreamOffset;
    private long _streamOffset;

    // The data message being assembled from fragments.
    private byte[] _message = [];
    private int _messageLength;
    private bool _inMessage;
    private WebSocketOpcode _messageOpcode;
    private bool _messageCompressed;
    private int _messageFrames;
    private long _messageWireBytes;
    private StreamPosition _messageStart;
    private byte[] _inflated = [];

    private long _frameBytes, _gapBytes, _garbageBytes, _lostBytes;
    private long _resyncSkipped;
    private StreamPosition _resyncStart;

    public WebSocketReader(IWebSocketHandler handler, bool fromClient, long maxMessage, bool expectHead = true)
    {
        _handler = handler;
        _fromClient = fromClient;
        _maxMessage = maxMessage;
        _phase = expectHead ? Phase.Head : Phase.Frames;
    }

    /// <summary>Set once the server's response is read: how this sender compresses, or null for not at all.</summary>
    public PerMessageDeflate? Deflate { get; set; }

    public StreamAccounting Accounting => new(_streamOffset, _frameBytes, _gapBytes, _garbageBytes + _resyncSkipped, _lostBytes, _buffered);

    /// <summary>The head was not HTTP or the upgrade was refused: from here on, bytes are counted, not read.</summary>
    public void StopReading()
    {
        if (_phase == Phase.Opaque) return;
        _phase = Phase.Opaque;
        if (_draining) return; // Drain counts what is left once the handler returns
        _garbageBytes += _buffered;
        Discard(_buffered);
    }

    private bool _draining;

    public void Append(ReadOnlySpan<byte> data, long timestampMicros, long packetNumber)
    {
        _streamOffset += data.Length;
        if (_phase == Phase.Opaque)
        {
            _garbageBytes += data.Length;
            return;
        }
        EnsureCapacity(ref _buffer, _buffered, _buffered + data.Length);
        data.CopyTo(_buffer.AsSpan(_buffered));
        _buffered += data.Length;
        Drain(timestampMicros, packetNumber);
    }

    /// <summary>Bytes never captured: the frame (and message) in progress is lost; reading resumes at the next SDK message.</summary>
    public void Gap(long missingBytes, long timestampMicros, long packetNumber)
    {
        var position = new StreamPosition(timestampMicros, packetNumber, _bufferStreamOffset);
        if (_phase is Phase.Frames or Phase.Head)
        {
            if (_buffered > 0 || _inMessage)
                _handler.OnProblem(Diagnostics.DiagnosticCodes.TruncatedFrame,
                    $"{(_inMessage ? $"a {_messageOpcode.Name()} message of {_messageFrames} frame(s) and " : "")}{_buffered} buffered bytes lost to {missingBytes} bytes missing from the capture", _buffer.AsSpan(0, Math.Min(_buffered, 64)), position);
            if (_phase == Phase.Frames || _phase == Phase.Head) _phase = Phase.Resync;
        }
        _lostBytes += _buffered;
        Discard(_buffered);
        DropMessage();
        _streamOffset += missingBytes;
        _gapBytes += missingBytes;
        _bufferStreamOffset = _streamOffset;
        if (_phase == Phase.Resync) _resyncStart = position with { StreamOffset = _streamOffset };
    }

    /// <summary>The direction ended; a frame or fragmented message still open is reported lost.</summary>
    public void Complete(long timestampMicros, long packetNumber, string reason)
    {
        var position = new StreamPosition(timestampMicros, packetNumber, _bufferStreamOffset);
        if (_phase == Phase.Resync && _buffered > 0)
        {
            // Still looking for a frame start: what is left was never a readable frame.
            Skip(_buffered, position);
            Discard(_buffered);
        }
        FlushResync(position);
        if (_phase == Phase.Opaque) return;
        if (_buffered > 0)
        {
            var what = _phase == Phase.Head ? "an HTTP head without its blank line" : "a WebSocket frame";
            _handler.OnProblem(Diagnostics.DiagnosticCodes.TruncatedFrame, $"{_buffered} bytes of {what} seen before {reason}", _buffer.AsSpan(0, Math.Min(_buffered, 64)), position);
            _lostBytes += _buffered;
            Discard(_buffered);
        }
        if (_inMessage)
            _handler.OnProblem(Diagnostics.DiagnosticCodes.TruncatedFrame,
                $"a fragmented {_messageOpcode.Name()} message had {_messageFrames} frame(s) and no final one before {reason}", _message.AsSpan(0, Math.Min(_messageLength, 64)), _messageStart);
        DropMessage();
    }

    private void Drain(long ts, long packet)
    {
        _draining = true;
        var pos = 0;
        while (pos < _buffered && _phase != Phase.Opaque)
        {
            var rest = _buffer.AsSpan(pos, _buffered - pos);
            var position = new StreamPosition(ts, packet, _bufferStreamOffset + pos);
            int used = _phase switch
            {
                Phase.Head => ReadHead(rest, position),
                Phase.Resync => Resync(rest, position),
                _ => ReadFrame(rest, position),
            };
            if (used == 0) break;
            pos += used;
        }
        if (_phase == Phase.Opaque)
        {
            _garbageBytes += _buffered - pos;
            pos = _buffered;
        }
        _draining = false;
        Discard(pos);
        if (_buffered == 0 && _buffer.Length > 256 * 1024) Release(ref _buffer);
    }

    private int ReadHead(ReadOnlySpan<byte> rest, in StreamPosition position)
    {
        if (position.StreamOffset == 0)
        {
            if (TlsRecord.LooksLikeTls(rest))
            {
                _handler.OnTls(rest[..Math.Min(rest.Length, 64)], position);
                _phase = Phase.Opaque;
                return 0;
            }
            var isHttp = _fromClient ? HttpHead.LooksLikeRequest(rest) : StartsLike(rest, "HTTP/"u8);
            if (!isHttp)
            {
                // The capture began after the handshake: what comes first may be the middle of a frame.
                _phase = Phase.Resync;
                _resyncStart = position;
                return 0;
            }
        }
        var end = HttpHead.FindEnd(rest);
        if (end < 0)
        {
            if (rest.Length <= HttpHead.MaxHeadBytes) return 0;
            _handler.OnProblem(Diagnostics.DiagnosticCodes.BadHttp, $"no end of the HTTP head within {HttpHead.MaxHeadBytes} bytes; the rest of this direction is not read", rest[..64], position);
            _phase = Phase.Opaque;
            return 0;
        }
        var head = HttpHead.TryParse(rest[..end], out var problem);
        if (problem is not null)
            _handler.OnProblem(Diagnostics.DiagnosticCodes.BadHttp, $"malformed HTTP head: {problem}", rest[..Math.Min(end, 64)], position);
        _frameBytes += end;
        _phase = Phase.Frames;
        if (head is not null) _handler.OnHttpHead(head, end, position);
        else if (_phase != Phase.Opaque) _phase = Phase.Frames;
        return end;
    }

    private int ReadFrame(ReadOnlySpan<byte> rest, in StreamPosition position)
    {
        if (!WebSocketFrameHeader.TryRead(rest, out var header, out var problem))
        {
            if (problem is null) return 0;
            LoseSync(problem, rest, position);
            return 0;
        }
        if (header.PayloadLength > _maxMessage || (_inMessage && _messageLength + header.PayloadLength > _maxMessage))
        {
            LoseSync($"a frame of {header.PayloadLength} payload bytes exceeds the {_maxMessage}-byte message limit", rest, position);
            return 0;
        }
        if (rest.Length < header.FrameLength) return 0;

        var frameLength = (int)header.FrameLength;
        var payload = _buffer.AsSpan(_buffered - rest.Length + header.Size, (int)header.PayloadLength);
        if (header.Masked) WebSocketFrameHeader.Unmask(payload, header.MaskKey, 0);
        _frameBytes += frameLength;

        if (header.Violation() is { } violation)
        {
            _handler.OnProblem(Diagnostics.DiagnosticCodes.BadWebSocketFrame, $"invalid {header.Opcode.Name()} frame ({violation}); skipped", rest[..Math.Min(frameLength, 64)], position);
            return frameLength;
        }
        if (header.Masked != _fromClient)
            _handler.OnProblem(Diagnostics.DiagnosticCodes.BadWebSocketFrame,
                _fromClient ? "client frame is not masked (RFC 6455 §5.1); read anyway" : "server frame is masked (RFC 6455 §5.1); read anyway", rest[..Math.Min(header.Size, 14)], position);

        if (header.Opcode.IsControl())
        {
            _handler.OnControl(header.Opcode, payload, position);
            return frameLength;
        }

        if (header.Opcode == WebSocketOpcode.Continuation)
        {
            if (!_inMessage)
            {
                _handler.OnProblem(Diagnostics.DiagnosticCodes.BadWebSocketFrame, "continuation frame with no message in progress; skipped", rest[..Math.Min(frameLength, 64)], position);
                return frameLength;
            }
        }
        else
        {
            if (_inMessage)
            {
                _handler.OnProblem(Diagnostics.DiagnosticCodes.BadWebSocketFrame,
                    $"a new {header.Opcode.Name()} message starts while a fragmented {_messageOpcode.Name()} message of {_messageFrames} frame(s) has no final frame; that message is lost",
                    _message.AsSpan(0, Math.Min(_messageLength, 64)), _messageStart);
                DropMessage();
            }
            _inMessage = true;
            _messageOpcode = header.Opcode;
            _messageCompressed = header.Rsv1;
            _messageFrames = 0;
            _messageLength = 0;
            _messageWireBytes = 0;
            _messageStart = position;
        }
        _messageFrames++;
        _messageWireBytes += frameLength;

        if (header.Fin && _messageFrames == 1)
        {
            // The common case: a whole message in one frame is handed on from the buffer, not copied.
            Deliver(payload, position);
            return frameLength;
        }
        EnsureCapacity(ref _message, _messageLength, _messageLength + payload.Length);
        payload.CopyTo(_message.AsSpan(_messageLength));
        _messageLength += payload.Length;
        if (header.Fin) Deliver(_message.AsSpan(0, _messageLength), position);
        return frameLength;
    }

    private void Deliver(ReadOnlySpan<byte> payload, in StreamPosition position)
    {
        var message = new WebSocketMessage(_messageOpcode, _messageFrames, _messageCompressed, _messageWireBytes, payload.Length);
        _inMessage = false;
        if (!_messageCompressed)
        {
            _handler.OnMessage(message, payload, position);
            return;
        }
        var deflate = Deflate;
        if (deflate is null)
        {
            _handler.OnProblem(Diagnostics.DiagnosticCodes.Deflate,
                "RSV1 marks a compressed message but permessage-deflate was not negotiated in the captured handshake; inflating it as permessage-deflate", [], position);
            deflate = Deflate = PerMessageDeflate.Assumed;
        }
        var hadContext = _inflater.HasContext;
        var length = _inflater.Inflate(payload, deflate.NoContextTakeover(!_fromClient), _maxMessage, ref _inflated, out var problem);
        if (length < 0)
        {
            var context = hadContext ? "; the shared compression window is lost, so later messages of this direction may not inflate either" : "";
            _handler.OnProblem(Diagnostics.DiagnosticCodes.Deflate,
                $"compressed {_messageOpcode.Name()} message of {payload.Length} bytes in {_messageFrames} frame(s) does not inflate: {problem}{context}", payload[..Math.Min(payload.Length, 64)], position);
            return;
        }
        _handler.OnMessage(message, _inflated.AsSpan(0, length), position);
    }

    private static bool StartsLike(ReadOnlySpan<byte> data, ReadOnlySpan<byte> prefix) =>
        data[..Math.Min(data.Length, prefix.Length)].SequenceEqual(prefix[..Math.Min(data.Length, prefix.Length)]);

    private void LoseSync(string why, ReadOnlySpan<byte> rest, in StreamPosition position)
    {
        _handler.OnProblem(Diagnostics.DiagnosticCodes.BadWebSocketFrame, $"{why}: lost sync, looking for the next SDK message", rest[..Math.Min(rest.Length, 64)], position);
        DropMessage();
        _phase = Phase.Resync;
        _resyncStart = position;
    }

    /// <summary>
    /// Looks for a frame whose payload (unmasked) starts with the SDK sign: the only thing in this
    /// protocol that marks where a frame begins. Compressed frames cannot be checked and are skipped.
    /// </summary>
    private int Resync(ReadOnlySpan<byte> rest, in StreamPosition position)
    {
        var sign = SdkMessageHeader.Sign;
        for (var i = 0; i < rest.Length; i++)
        {
            var candidate = rest[i..];
            if (candidate.Length < 2 + 8) return Skip(i, position);
            if (!WebSocketFrameHeader.TryRead(candidate, out var h, out _))
            {
                if (candidate.Length < WebSocketFrameHeader.MaxSize + 8) return Skip(i, position);
                continue;
            }
            if (h.Opcode != WebSocketOpcode.Binary || h.Rsv1 || h.Rsv23 != 0 || h.Masked != _fromClient || h.PayloadLength < sign.Length || h.PayloadLength > _maxMessage) continue;
            if (candidate.Length < h.Size + sign.Length) return Skip(i, position);
            Span<byte> start = stackalloc byte[8];
            candidate.Slice(h.Size, 8).CopyTo(start);
            if (h.Masked) WebSocketFrameHeader.Unmask(start, h.MaskKey, 0);
            if (!start.SequenceEqual(sign)) continue;
            Skip(i, position);
            FlushResync(position);
            _phase = Phase.Frames;
            return i > 0 ? i : ReadFrame(candidate, position);
        }
        return Skip(rest.Length, position);
    }

    private int Skip(int count, in StreamPosition position)
    {
        if (count > 0 && _pendingSkip == 0) _resyncStart = position;
        _resyncSkipped += count;
        _pendingSkip += count;
        return count;
    }

    private long _pendingSkip;

    private void FlushResync(in StreamPosition position)
    {
        if (_pendingSkip == 0) return;
        _handler.OnProblem(Diagnostics.DiagnosticCodes.Resync, $"{_pendingSkip} bytes skipped while looking for the next WebSocket frame after lost sync", [], _resyncStart);
        _pendingSkip = 0;
    }

    // The frames of a dropped message stay counted as frame bytes: they were read, only their message is lost.
    private void DropMessage()
    {
        _inMessage = false;
        _messageLength = 0;
        _messageFrames = 0;
        if (_message.Length > 256 * 1024) Release(ref _message);
    }

    private void Discard(int count)
    {
        var rest = _buffered - count;
        if (count > 0 && rest > 0) Buffer.BlockCopy(_buffer, count, _buffer, 0, rest);
        _buffered = rest;
        _bufferStreamOffset += count;
    }

    private static void EnsureCapacity(ref byte[] buffer, int used, long needed)
    {
        if (buffer.Length >= needed) return;
        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Max(needed, Math.Max(4096, buffer.Length * 2L)));
        buffer.AsSpan(0, used).CopyTo(bigger);
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
        buffer = bigger;
    }

    private static void Release(ref byte[] buffer)
    {
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
        buffer = [];
    }

    public void Dispose()
    {
        Release(ref _buffer);
        Release(ref _message);
        Release(ref _inflated);
        _inflater.Dispose();
        _buffered = 0;
    }
}
