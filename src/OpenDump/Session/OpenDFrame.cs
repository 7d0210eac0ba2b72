using Google.Protobuf;
using OpenDump.Crypto;
using OpenDump.Decoding;
using OpenDump.Diagnostics;
using OpenDump.Framing;
using OpenDump.Reassembly;

namespace OpenDump.Session;

public enum FrameKind
{
    Request,
    Response,
    Push,
}

/// <summary>
/// One OpenD frame, fully analysed: header, how it was carried, what it says, and what went wrong.
/// This is what every output renders.
/// </summary>
public sealed record OpenDFrame
{
    // Every frame of a capture is one of these (2.47 M on the 1 GB benchmark), and with two threads a batch of them
    // outlives a young collection while it waits for its turn: its size sets how much the collector allocates and copies.
    // So the enums are kept as bytes, the header as the SHA-1 and protoVer the frame's own fields lack, and the request's
    // frame and latency as longs with a value no frame has (272 -> 208 bytes).
    private const long None = long.MinValue;

    public required long Number { get; init; }
    public required long TimestampMicros { get; init; }
    public required long PacketNumber { get; init; }
    public required TcpConnection Connection { get; init; }
    // ConnId and the body's results are filled in after construction: a handshake frame learns its
    // connID from its own body, and other bodies may be decoded on a worker thread (FrameDelivery).
    // Either way they are set once, before any sink sees the frame.
    public string? ConnId { get; internal set; }
    public required FlowDirection Direction { get => (FlowDirection)_direction; init => _direction = (byte)value; }
    public required Transport Transport { get => (Transport)_transport; init => _transport = (byte)value; }
    /// <summary>protoID on TCP, cmd on WebSocket.</summary>
    public required uint ProtoId { get; init; }
    /// <summary>serialNo on TCP, section on WebSocket (a 64-bit counter there).</summary>
    public required ulong SerialNo { get; init; }
    /// <summary>The body's length as carried: ciphertext on TCP, the inflated message minus its header on WebSocket.</summary>
    public required uint BodyLen { get; init; }
    public required byte ProtoFmt { get; init; }

    /// <summary>
    /// The 44-byte TCP header; null on WebSocket. Its protoID, serialNo, bodyLen and protoFmt are this frame's own
    /// (<see cref="ProtoId"/>, <see cref="SerialNo"/>, <see cref="BodyLen"/>, <see cref="ProtoFmt"/>); the frame keeps
    /// only what they lack, its protoVer and SHA-1.
    /// </summary>
    public FrameHeader? Header
    {
        get => _hasHeader ? new FrameHeader(ProtoId, ProtoFmt, _protoVer, (uint)SerialNo, BodyLen, (_sha1a, _sha1b, _sha1c)) : null;
        init
        {
            _hasHeader = value.HasValue;
            if (value is not { } header) return;
            _protoVer = header.ProtoVer;
            (_sha1a, _sha1b, _sha1c) = header.Sha1Parts;
        }
    }

    /// <summary>How a WebSocket message carried this frame; null on TCP.</summary>
    public WsMessageInfo? WebSocket { get; init; }
    public required ProtoInfo? Proto { get; init; }
    public required FrameKind Kind { get => (FrameKind)_kind; init => _kind = (byte)value; }
    public required EncryptionKind Encryption { get => (EncryptionKind)_encryption; init => _encryption = (byte)value; }
    public required bool Decrypted { get; init; }
    /// <summary>Null when the body could not be decrypted, so there was nothing to hash.</summary>
    public required bool? Sha1Ok { get; init; }
    /// <summary>For a response: the frame number of its request and the time between them.</summary>
    public long? RequestFrame { get => _requestFrame == None ? null : _requestFrame; init => _requestFrame = value ?? None; }
    public long? LatencyMicros { get => _latencyMicros == None ? null : _latencyMicros; init => _latencyMicros = value ?? None; }

    private ulong _sha1a, _sha1b;
    private uint _sha1c;
    private byte _protoVer;
    private bool _hasHeader;
    private byte _direction, _transport, _kind, _encryption;
    private long _requestFrame = None, _latencyMicros = None;

    public int? RetType { get; internal set; }
    public string? RetMsg { get; internal set; }
    public int? ErrCode { get; internal set; }
    public IMessage? Message { get; internal set; }
    /// <summary>
    /// A sound protobuf body's plaintext, kept instead of <see cref="Message"/> when the analysis was asked for
    /// <see cref="BodyDetail.Plaintext"/>: outputs write it from these bytes (<see cref="BodyDescriptor"/> is its type).
    /// </summary>
    public byte[]? Plaintext { get; internal set; }
    /// <summary>The body bytes kept when <see cref="Message"/> is null: plaintext when decrypted, else as on the wire.</summary>
    public byte[]? RawBody { get; internal set; }
    public IReadOnlyList<RawField>? RawFields { get; internal set; }

    /// <summary>
    /// For <see cref="Plaintext"/>: whether its wire check found each singular message field at most once in every message
    /// (<see cref="WireVerdict.MayMerge"/> false). A walk over the wire can then stop at the fields it wants.
    /// </summary>
    internal bool PlaintextSingularsOnce { get; set; }
    public IReadOnlyList<Diagnostic> Diagnostics
    {
        get => _diagnostics;
        internal set => _diagnostics = value as Diagnostic[] ?? [.. value];
    }

    // Kept as an array: the outputs ask every frame how many it has, and an interface call on an array goes through
    // the runtime's slow array-interface dispatch (it showed as a tenth of the timeline's rendering).
    private Diagnostic[] _diagnostics = [];

    /// <summary>How many <see cref="Diagnostics"/> the frame has.</summary>
    public int DiagnosticCount => _diagnostics.Length;

    /// <summary>
    /// <see cref="Diagnostics"/> as a span, for code that reads them for every frame: a foreach over the list takes an
    /// enumerator through the runtime's array-interface dispatch even when there are none (the CLI's count of errors
    /// was 0.6 % of one-thread JSON Lines' samples on the 1 GB benchmark).
    /// </summary>
    public ReadOnlySpan<Diagnostic> DiagnosticSpan => _diagnostics;

    // What sinks rendered ahead for this frame in IAnalysisSink.PrepareFrame, one entry per sink, each taken back
    // in its own OnFrame: a chain, because several writers can prepare the same frame (a TeeSink), and a single
    // slot made the first writer render the frame again and never give its line's block back.
    private PreparedOutput? _prepared;

    /// <summary>The output a sink prepared last for this frame; the others follow it through <see cref="PreparedOutput.Next"/>.</summary>
    internal PreparedOutput? Prepared => _prepared;

    /// <summary>Whether some sink prepared this frame (and so rendered it from its body already).</summary>
    internal bool HasPrepared => _prepared is not null;

    /// <summary>On the preparing thread: keeps what <paramref name="output"/>'s owner rendered for this frame.</summary>
    internal void AddPrepared(PreparedOutput output)
    {
        output.Next = _prepared;
        _prepared = output;
    }

    /// <summary>On the ordered thread: takes back what <paramref name="owner"/> prepared for this frame, if anything.</summary>
    internal PreparedOutput? TakePrepared(object owner)
    {
        PreparedOutput? before = null;
        for (var p = _prepared; p is not null; before = p, p = p.Next)
        {
            if (!ReferenceEquals(p.Owner, owner)) continue;
            if (before is null) _prepared = p.Next;
            else before.Next = p.Next;
            p.Next = null;
            return p;
        }
        return null;
    }

    public string? ProtoName => Proto?.Name;
    /// <summary>The schema of this frame's body: its protocol's Request or Response, by direction; null when there is none.</summary>
    public Google.Protobuf.Reflection.MessageDescriptor? BodyDescriptor => Proto?.For(Direction == FlowDirection.ClientToServer);
    public byte? ProtoVer => _hasHeader ? _protoVer : null;
}

/// <summary>
/// What a sink rendered for a frame on a worker thread: a line in a worker's block of lines (handed over by the block,
/// which reuses it once the line was written: see <see cref="Output.LineBlock"/>) or a text.
/// </summary>
internal sealed class PreparedOutput
{
    /// <summary>A line of a block, made by <see cref="Output.LineBlock.HandOver"/> (which sets it again for later lines).</summary>
    internal PreparedOutput(object owner, Output.LineBlock block, int offset, int length, bool highlight) =>
        Set(owner, block, offset, length, highlight);

    public PreparedOutput(object owner, string text, bool highlight)
    {
        Owner = owner;
        Buffer = [];
        Text = text;
        Highlight = highlight;
    }

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(Owner), nameof(Buffer))]
    internal void Set(object owner, Output.LineBlock block, int offset, int length, bool highlight)
    {
        Owner = owner;
        Block = block;
        Buffer = block.Buffer;
        Offset = offset;
        Length = length;
        Highlight = highlight;
        Next = null;
    }

    public object Owner { get; private set; }
    public byte[] Buffer { get; private set; }
    /// <summary>Where the bytes start in <see cref="Buffer"/>; 0 unless they are in a <see cref="Block"/>.</summary>
    public int Offset { get; private set; }
    public int Length { get; private set; }
    /// <summary>The block <see cref="Buffer"/> belongs to, told when the bytes are written; null for a text.</summary>
    public Output.LineBlock? Block { get; private set; }
    public string? Text { get; }
    /// <summary>Whether the writer shows the line highlighted.</summary>
    public bool Highlight { get; private set; }
    /// <summary>What another sink prepared for the same frame.</summary>
    public PreparedOutput? Next { get; set; }
}

/// <summary>
/// The WebSocket side of a frame: the SDK header's error and errmsg (server messages only), and how
/// many WebSocket frames the message took, compressed or not.
/// </summary>
public sealed record WsMessageInfo(int? Error, string? Errmsg, int Frames, bool Compressed, long WireBytes)
{
    public bool Failed => Error is { } e && e != 0;
}

public static class FrameKindNames
{
    public static string Name(this FrameKind k) => k switch
    {
        FrameKind.Request => "request",
        FrameKind.Response => "response",
        _ => "push",
    };
}
