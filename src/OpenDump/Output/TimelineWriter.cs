using System.Buffers;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using OpenDump.Crypto;
using OpenDump.Decoding;
using OpenDump.Diagnostics;
using OpenDump.Reassembly;
using OpenDump.Session;

namespace OpenDump.Output;

/// <summary>
/// The human view: one line per frame (time since the first frame, connection, direction, protocol,
/// serialNo, size, encryption and SHA-1 status, latency, summary), connection events in between,
/// and a per-connection summary at the end. Verbose mode adds each decoded body.
/// </summary>
public sealed class TimelineWriter : IAnalysisSink
{
    private readonly TextWriter _output;
    private readonly bool _verbose;
    private readonly Palette _p;
    // When the text goes to a stream as UTF-8 without a preamble (the CLI's case), frame lines are rendered as
    // UTF-8 on the workers and written to the stream as bytes; everything else still goes through the writer,
    // whose characters are flushed before any bytes follow them.
    private readonly StreamWriter? _textOfStream;
    private readonly ArrayBufferWriter<byte>? _bytes;
    private readonly byte[] _newLine = [];
    // A highlighted line's colour codes as UTF-8, for the lines written as bytes.
    private readonly byte[] _pushStart = [], _end = [];
    private bool _textPending;

    public TimelineWriter(TextWriter output, bool verbose = false, Palette? palette = null)
    {
        _output = output;
        _verbose = verbose;
        _p = palette ?? Palette.None;
        if (output is StreamWriter { Encoding: UTF8Encoding utf8 } writer && utf8.GetPreamble().Length == 0)
        {
            _textOfStream = writer;
            _bytes = new ArrayBufferWriter<byte>(ByteThreshold + 64 * 1024);
            _newLine = Encoding.UTF8.GetBytes(writer.NewLine);
            _pushStart = Encoding.UTF8.GetBytes(_p.PushStart);
            _end = Encoding.UTF8.GetBytes(_p.End);
        }
    }

    private const int ByteThreshold = 256 * 1024;

    /// <summary>The writer, for anything but a prepared frame line: the bytes written before it go out first.</summary>
    private TextWriter Text()
    {
        FlushBytes();
        _textPending = _textOfStream is not null;
        return _output;
    }

    private void FlushBytes()
    {
        ReportLinesDone();
        if (_bytes is not { WrittenCount: > 0 }) return;
        _textOfStream!.BaseStream.Write(_bytes.WrittenSpan);
        _bytes.ResetWrittenCount();
    }

    private static readonly JsonFormatter Pretty = new(JsonFormatter.Settings.Default.WithIndentation("  "));
    private readonly HashSet<int> _announced = [];
    private TcpConnection? _lastAnnounced;
    private long? _origin;

    /// <summary>
    /// Renders all of the frame's line but its time (which counts from a first frame only the ordered calls know)
    /// on the calling worker thread; <see cref="OnFrame"/> adds the time and writes it.
    /// </summary>
    public void PrepareFrame(OpenDFrame frame)
    {
        if (_bytes is null)
        {
            var line = Line(frame, out var highlight);
            frame.AddPrepared(new PreparedOutput(this, line, highlight));
            return;
        }
        var lines = LineBlockWriter.ForThisThread;
        lines.BeginLine();
        RenderLine(frame, lines, out var plainPush);
        frame.AddPrepared(lines.TakeLine(this, plainPush));
    }

    // The lines copied out of a worker's block are reported a run at a time, as JSON Lines does: an interlocked
    // instruction per line, on the thread the others wait for, made it wait for every store before it each time.
    private LineBlock? _doneBlock;
    private int _doneLines;

    private void ReportLinesDone()
    {
        if (_doneBlock is not { } block) return;
        _doneBlock = null;
        block.LinesDone(_doneLines);
    }

    /// <summary>A line prepared as UTF-8 in a worker's block: written as bytes, and counted as done for its block.</summary>
    private void WriteLineBytes(long timestampMicros, PreparedOutput prepared, LineBlock block)
    {
        WriteLineBytes(timestampMicros, prepared.Buffer.AsSpan(prepared.Offset, prepared.Length), prepared.Highlight);
        if (ReferenceEquals(block, _doneBlock)) _doneLines++;
        else
        {
            ReportLinesDone();
            (_doneBlock, _doneLines) = (block, 1);
        }
    }

    /// <summary>A line as UTF-8: the time, the line and the newline go to the byte buffer as they are.</summary>
    private void WriteLineBytes(long timestampMicros, ReadOnlySpan<byte> line, bool highlight)
    {
        if (_textPending)
        {
            _textOfStream!.Flush();
            _textPending = false;
        }
        var bytes = _bytes!;
        var (start, end) = highlight ? (_pushStart, _end) : ([], []);
        var span = bytes.GetSpan(start.Length + 32 + line.Length + end.Length + _newLine.Length);
        start.CopyTo(span);
        var n = start.Length;
        // Every line starts with its time: written as bytes here, on the thread the others wait for.
        n += FormatSeconds(SinceOrigin(timestampMicros), span[n..]);
        line.CopyTo(span[n..]);
        n += line.Length;
        end.CopyTo(span[n..]);
        n += end.Length;
        _newLine.CopyTo(span[n..]);
        bytes.Advance(n + _newLine.Length);
        if (_textOfStream!.AutoFlush)
        {
            FlushBytes();
            _textOfStream.BaseStream.Flush();
        }
        else if (bytes.WrittenCount >= ByteThreshold)
        {
            FlushBytes();
        }
    }

    public void OnFrame(OpenDFrame f)
    {
        Announce(f.Connection, f.TimestampMicros);
        var mine = f.TakePrepared(this);
        if (mine is { Block: { } block } lineBytes) WriteLineBytes(f.TimestampMicros, lineBytes, block);
        else if (mine is { Text: { } prepared }) WriteLineText(f.TimestampMicros, prepared, mine.Highlight);
        // Nothing prepared it (one thread): rendered here, as a worker would have, and written as bytes.
        else if (_bytes is not null) WriteLineBytes(f.TimestampMicros, RenderLine(f, out var highlight), highlight);
        else WriteLineText(f.TimestampMicros, Line(f, out var plainPush), plainPush);
        if (_verbose) WriteDetails(f);
    }

    private void WriteLineText(long timestampMicros, string line, bool highlight)
    {
        // A plain push is highlighted as a whole line, its time included.
        if (highlight)
        {
            Text().WriteLine(_p.Push(Relative(timestampMicros) + line));
        }
        else
        {
            WriteRelative(timestampMicros);
            Text().WriteLine(line);
        }
    }

    private void WriteDetails(OpenDFrame f)
    {
        foreach (var d in f.DiagnosticSpan) Text().WriteLine($"      {d.Severity.ToString().ToLowerInvariant()}: {d.Message}");
        if (f.Message is not null)
        {
            Text().WriteLine(Indent(Pretty.Format(Redacted(f.Message))));
        }
        else if (f.RawFields is { } raw)
        {
            var text = new StringBuilder();
            RawProtobuf.Render(raw, text);
            Text().Write(Indent(text.ToString().TrimEnd('\n')) + "\n");
        }
        if (f.Message is null && f.RawBody is { Length: > 0 } bytes)
            Text().WriteLine($"      raw ({bytes.Length} bytes{(f.Decrypted || f.Encryption == EncryptionKind.None ? "" : ", encrypted")}): {Convert.ToHexStringLower(bytes.AsSpan(0, Math.Min(bytes.Length, 512)))}{(bytes.Length > 512 ? "…" : "")}");
    }

    // Lines rendered by the thread that writes them (one thread, or a writer that takes text) go through this buffer.
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_line;

    /// <summary>The frame's line after its time; <paramref name="highlight"/> for a plain push, which is shown highlighted as a whole.</summary>
    private string Line(OpenDFrame f, out bool highlight) => Encoding.UTF8.GetString(RenderLine(f, out highlight));

    /// <summary>The frame's line as UTF-8 in this thread's buffer, valid until the thread renders the next one.</summary>
    private ReadOnlySpan<byte> RenderLine(OpenDFrame f, out bool highlight)
    {
        var line = t_line ??= new ArrayBufferWriter<byte>(256);
        line.ResetWrittenCount();
        RenderLine(f, line, out highlight);
        return line.WrittenSpan;
    }

    /// <summary>
    /// The frame's line after its time, as UTF-8 straight into <paramref name="into"/>, white space at its end cut as
    /// <see cref="char.IsWhiteSpace(char)"/> finds it. Written as bytes, not built as characters in a StringBuilder, copied
    /// out and encoded (1 GB, 10 interleaved pairs: two threads 2.47 -> 2.26 s; one thread, which now writes bytes too
    /// instead of a string per line, 4.8 -> 3.99 s in 6).
    /// </summary>
    private void RenderLine(OpenDFrame f, IBufferWriter<byte> into, out bool highlight)
    {
        var summary = FrameSummary.DescribeInScratch(f);
        var failed = summary.StartsWith("FAILED", StringComparison.Ordinal) || summary.StartsWith("LOGIN FAILED", StringComparison.Ordinal) || summary.StartsWith("OPEND", StringComparison.Ordinal);
        highlight = f.Kind == FrameKind.Push && !failed && f.DiagnosticCount == 0;
        var protoName = f.ProtoName ?? "?";
        var latency = f.Kind == FrameKind.Response && f.LatencyMicros is { } lat ? FrameJson.FormatMillis(lat) + "ms" : null;
        var wsFrames = f.WebSocket is { Frames: not 1 } w ? $"{w.Frames} frames" : "";
        var shown = summary.IsEmpty || !failed ? summary : _p.Failure(summary.ToString());
        string[]? problems = null;
        var problemChars = 0;
        if (f.DiagnosticCount > 0)
        {
            problems = new string[f.DiagnosticCount];
            var i = 0;
            foreach (var d in f.DiagnosticSpan) problemChars += (problems[i++] = _p.Problem($"[{d.Code}]")).Length + 2;
        }
        // Every fixed column with its widest number, three bytes for each character of the rest, and 32 to spare (Spaces).
        var bound = 224 + 3 * (protoName.Length + (latency?.Length ?? 0) + wsFrames.Length + f.Encryption.Name().Length + shown.Length + problemChars);
        var text = new LineText(into.GetSpan(bound));

        text.Ascii("  #"u8);
        text.PadRight(f.Connection.Number, 3);
        text.Ascii(f.Direction == FlowDirection.ClientToServer ? " → "u8 : f.Kind == FrameKind.Push ? " ⇐ "u8 : " ← "u8);
        text.PadLeft(f.ProtoId, 5);
        text.Ascii(" "u8);
        text.PadRight(protoName, 28);
        text.Ascii(" sn="u8);
        text.PadRight(f.SerialNo, 10);
        text.PadLeft(f.BodyLen, 8);
        text.Ascii("B "u8);
        text.Ascii(f.ProtoFmt == 1 ? "json "u8 : "     "u8);
        if (f.WebSocket is { } ws)
        {
            // No encryption and no SHA-1 on this transport; how the message travelled takes their place.
            text.PadRight(ws.Compressed ? "ws+defl" : "ws", 9);
            text.Ascii(" "u8);
            text.PadRight(wsFrames, 8);
        }
        else
        {
            text.PadRight(f.Encryption.Name(), 9);
            text.Ascii(" "u8);
            text.Ascii(f.Sha1Ok switch { true => "sha1 ok "u8, false => "SHA1 BAD"u8, null => "sha1 ?  "u8 });
        }
        text.Ascii(" "u8);
        switch (f.Kind)
        {
            case FrameKind.Push: text.PadRight("push", 11); break;
            case FrameKind.Response when latency is not null: text.PadLeft(latency, 11); break;
            case FrameKind.Response: text.PadRight("reply", 11); break;
            default: text.Spaces(11); break;
        }
        if (shown.Length > 0)
        {
            text.Ascii("  "u8);
            text.Text(shown);
        }
        if (problems is not null)
        {
            foreach (var problem in problems)
            {
                text.Ascii("  "u8);
                text.Text(problem);
            }
        }
        into.Advance(text.Length);
    }

    /// <summary>
    /// A line's UTF-8 in a span with room for all of it and 32 bytes more; its <see cref="Length"/> leaves out the white
    /// space at its end. Columns are padded to a width in characters (UTF-16 code units), as <see cref="string.PadRight(int)"/> counts.
    /// </summary>
    private ref struct LineText(Span<byte> span)
    {
        private readonly Span<byte> _span = span;
        private int _pos;

        /// <summary>The bytes written, without the white space at the end (<see cref="char.IsWhiteSpace(char)"/>'s, decoded from UTF-8).</summary>
        public readonly int Length
        {
            get
            {
                var n = _pos;
                while (n > 0)
                {
                    var last = _span[n - 1];
                    if (last < 0x80)
                    {
                        if (!char.IsWhiteSpace((char)last)) break;
                        n--;
                        continue;
                    }
                    if (System.Text.Rune.DecodeLastFromUtf8(_span[..n], out var rune, out var size) != OperationStatus.Done || !System.Text.Rune.IsWhiteSpace(rune)) break;
                    n -= size;
                }
                return n;
            }
        }

        public void Ascii(scoped ReadOnlySpan<byte> utf8)
        {
            utf8.CopyTo(_span[_pos..]);
            _pos += utf8.Length;
        }

        public void Text(scoped ReadOnlySpan<char> text)
        {
            // Names, codes and times are ASCII: copied a character at a time, without the encoder's set-up.
            var to = _span[_pos..];
            if (text.Length <= to.Length)
            {
                var i = 0;
                for (; i < text.Length && text[i] < 0x80; i++) to[i] = (byte)text[i];
                if (i == text.Length)
                {
                    _pos += i;
                    return;
                }
            }
            _pos += Encoding.UTF8.GetBytes(text, to);
        }

        public void Spaces(int count)
        {
            if (count <= 0) return;
            if (count <= 32 && _span.Length - _pos >= 32) System.Runtime.CompilerServices.Unsafe.WriteUnaligned(ref _span[_pos], System.Runtime.Intrinsics.Vector256.Create((byte)' '));
            else _span.Slice(_pos, count).Fill((byte)' ');
            _pos += count;
        }

        public void PadRight(string text, int width)
        {
            Text(text);
            Spaces(width - text.Length);
        }

        public void PadLeft(string text, int width)
        {
            Spaces(width - text.Length);
            Text(text);
        }

        public void PadRight<T>(T number, int width) where T : IUtf8SpanFormattable
        {
            number.TryFormat(_span[_pos..], out var written, default, CultureInfo.InvariantCulture);
            _pos += written;
            Spaces(width - written);
        }

        public void PadLeft<T>(T number, int width) where T : IUtf8SpanFormattable
        {
            Span<byte> digits = stackalloc byte[24];
            number.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
            Spaces(width - written);
            Ascii(digits[..written]);
        }
    }

    public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic d, long timestampMicros)
    {
        Announce(connection, timestampMicros);
        Text().WriteLine($"{Relative(timestampMicros)}  #{connection.Number.ToString(CultureInfo.InvariantCulture).PadRight(3)} {_p.Problem($"! {d.Severity.ToString().ToLowerInvariant()} {d.Code}: {d.Message}")}");
    }

    public void OnConnectionEvent(TcpConnection connection, ConnectionEvent e)
    {
        Announce(connection, e.TimestampMicros);
        Text().WriteLine($"{Relative(e.TimestampMicros)}  #{connection.Number.ToString(CultureInfo.InvariantCulture).PadRight(3)} {(e.Direction == FlowDirection.ClientToServer ? "→" : "←")} {_p.Dim(e.Text)}");
    }

    public void OnTimeOrigin(long timestampMicros) => _origin ??= timestampMicros;

    public void OnCaptureDiagnostic(Diagnostic d) => Text().WriteLine(_p.Problem($"! {d.Severity.ToString().ToLowerInvariant()} {d.Code}: {d.Message}"));

    public void OnComplete(IReadOnlyList<ConnectionSummary> connections)
    {
        if (connections.Count == 0)
        {
            Text().WriteLine("no OpenD connections found");
            Text().Flush();
            return;
        }
        Text().WriteLine();
        Text().WriteLine("connections:");
        foreach (var c in connections)
        {
            var who = c.ClientId is null ? "" : $" clientID={c.ClientId}";
            var ver = c.ClientVer is null ? "" : $" clientVer={c.ClientVer}";
            var lang = c.ProgrammingLanguage is null ? "" : $" {c.ProgrammingLanguage}";
            var keys = c.KeysKnown ? "" : " KEYS UNKNOWN";
            var ws = c.WebSocket is { } w ? WebSocketLine(w) : "";
            var problems = c.GapBytes > 0 || c.UnparsedBytes > 0 ? $" MISSING={c.GapBytes}B UNPARSED={c.UnparsedBytes}B" : "";
            var bytes = $" bytes c2s={c.ClientToServer.StreamBytes} s2c={c.ServerToClient.StreamBytes}";
            Text().WriteLine($"  #{c.Connection.Number} {c.Connection.Client} → {c.Connection.Server} connID={c.ConnId ?? "?"}{who}{ver}{lang} {(c.WebSocket is null ? $"encryption={c.Encryption.Name()}" : "websocket")}{ws}{keys} frames={c.Frames}{bytes}{problems} {FormatDuration(c.LastTimestampMicros - c.FirstTimestampMicros)}");
        }
        Text().Flush();
    }

    private static string WebSocketLine(WebSocketSummary w)
    {
        var parts = new List<string>();
        if (w.Tls) parts.Add("TLS (not decodable)");
        if (w.Path is not null) parts.Add($"path={w.Path}");
        if (w.UpgradeStatus is { } st and not 101) parts.Add($"UPGRADE REFUSED ({st})");
        if (w.ExtensionsAccepted is not null) parts.Add($"extensions={w.ExtensionsAccepted}");
        if (w.LoginKeyMd5 is not null) parts.Add($"login key md5={w.LoginKeyMd5}");
        if (w.LoginSucceeded == false) parts.Add("LOGIN FAILED");
        if (w.OpenDDisconnected) parts.Add("OPEND DISCONNECTED");
        if (w.CloseCode is { } code) parts.Add($"closed {code}{(w.CloseReason is null ? "" : $" \"{w.CloseReason}\"")}");
        return parts.Count == 0 ? "" : " " + string.Join(' ', parts);
    }

    private void Announce(TcpConnection c, long ts)
    {
        // Most frames come from the connection of the frame before; the set is asked only on a change.
        if (ReferenceEquals(c, _lastAnnounced) || !_announced.Add(c.Number))
        {
            _lastAnnounced = c;
            return;
        }
        _lastAnnounced = c;
        _origin ??= ts;
        Text().WriteLine($"{Relative(ts)}  #{c.Number.ToString(CultureInfo.InvariantCulture).PadRight(3)} {_p.Heading($"connection {c.Client} → {c.Server}")}{(c.HandshakeSeen ? "" : " (no TCP handshake in capture)")}");
    }

    private string Relative(long ts)
    {
        Span<char> text = stackalloc char[32];
        return new string(FormatRelative(ts, text));
    }

    /// <summary><see cref="Relative"/> written straight to the output: it starts every line.</summary>
    private void WriteRelative(long ts)
    {
        Span<char> text = stackalloc char[32];
        Text().Write(FormatRelative(ts, text));
    }

    private ReadOnlySpan<char> FormatRelative(long ts, Span<char> text) => FormatSeconds(SinceOrigin(ts), text);

    /// <summary>Microseconds since the first time this writer showed (which becomes the origin if there is none yet).</summary>
    private long SinceOrigin(long ts)
    {
        _origin ??= ts;
        return ts - _origin.Value;
    }

    /// <summary><see cref="FormatSeconds(long, Span{byte})"/> as characters (the text the writer's other lines need).</summary>
    internal static ReadOnlySpan<char> FormatSeconds(long micros, Span<char> text)
    {
        Span<byte> ascii = stackalloc byte[32];
        var n = FormatSeconds(micros, ascii);
        for (var i = 0; i < n; i++) text[i] = (char)ascii[i];
        return text[..n];
    }

    /// <summary>
    /// Seconds with six decimals from the integer microseconds (what "0.000000" makes of them as a double), padded to 12,
    /// as UTF-8 into <paramref name="utf8"/> (32 bytes are enough); the bytes written.
    /// </summary>
    internal static int FormatSeconds(long micros, Span<byte> utf8)
    {
        var abs = (ulong)Math.Abs(micros);
        var seconds = abs / 1_000_000;
        var fraction = (uint)(abs % 1_000_000);
        var secondDigits = 1;
        for (var s = seconds; s >= 10; s /= 10) secondDigits++;
        var n = (micros < 0 ? 1 : 0) + secondDigits + 7;
        var pad = Math.Max(0, 12 - n);
        // Right to left, straight into the line.
        var at = pad + n;
        for (var i = 0; i < 6; i++, fraction /= 10) utf8[--at] = (byte)('0' + (int)(fraction % 10));
        utf8[--at] = (byte)'.';
        do
        {
            utf8[--at] = (byte)('0' + (int)(seconds % 10));
            seconds /= 10;
        } while (seconds != 0);
        if (micros < 0) utf8[--at] = (byte)'-';
        utf8[..pad].Fill((byte)' ');
        return pad + n;
    }

    private static string FormatDuration(long micros) => (micros / 1e6).ToString("0.000", CultureInfo.InvariantCulture) + "s";

    // InitWebSocket.C2S can carry the user's RSA private key; the timeline shows the login by the key's MD5 only.
    internal static IMessage Redacted(IMessage message)
    {
        if (message is not InitWebSocket.Request { C2S: { HasRSAPrivateKey: true } c2s } request) return message;
        var copy = request.Clone();
        copy.C2S.RSAPrivateKey = $"<redacted: {c2s.RSAPrivateKey.Length} characters>";
        return copy;
    }

    private static string Indent(string text) => "      " + text.Replace("\n", "\n      ");
}
