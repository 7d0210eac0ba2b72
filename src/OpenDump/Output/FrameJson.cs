using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using OpenDump.Crypto;
using OpenDump.Diagnostics;
using OpenDump.Reassembly;
using OpenDump.Session;

namespace OpenDump.Output;

/// <summary>
/// The one JSON shape of a frame, shared by JSON Lines and the per-connection JSON. Every key is
/// always present (null when it does not apply), so consumers see the same keys on every line.
/// </summary>
public static class FrameJson
{
    public static readonly JsonFormatter BodyFormatter = new(JsonFormatter.Settings.Default);

    private static readonly JsonEncodedText CodeKey = JsonEncodedText.Encode("code"), SeverityKey = JsonEncodedText.Encode("severity"),
        MessageKey = JsonEncodedText.Encode("message");

    /// <summary>The frame as one JSON value, for a writer that is building a larger document.</summary>
    public static void Write(Utf8JsonWriter w, OpenDFrame f)
    {
        var buffer = t_frame ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        Write(buffer, f);
        w.WriteRawValue(buffer.WrittenSpan, skipInputValidation: true);
        if (buffer.Capacity > 1 << 20) t_frame = null; // one huge body does not pin its buffer
    }

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_frame;

    /// <summary>
    /// The frame's JSON, minimized, exactly as a <see cref="Utf8JsonWriter"/> with <see cref="JsonLinesWriter.Options"/>
    /// writes it, but written by hand: the envelope is the same two dozen keys on every frame, and the writer's
    /// per-call checks and UTF-16 transcoding cost as much as the body.
    /// </summary>
    public static void Write(IBufferWriter<byte> output, OpenDFrame f)
    {
        var w = new Utf8Out(output);
        w.Write("{\"frame\":"u8);
        WriteInteger(ref w, f.Number);
        w.Write(",\"ts\":"u8);
        WriteTimestamp(ref w, f.TimestampMicros);
        w.Write(",\"conn\":"u8);
        WriteInteger(ref w, f.Connection.Number);
        w.Write(f.Transport == Transport.Tcp ? ",\"transport\":\"tcp\",\"client\":"u8 : ",\"transport\":\"ws\",\"client\":"u8);
        WriteString(ref w, f.Connection.ClientText);
        w.Write(",\"server\":"u8);
        WriteString(ref w, f.Connection.ServerText);
        w.Write(",\"connId\":"u8);
        WriteString(ref w, f.ConnId);
        w.Write(f.Direction == FlowDirection.ClientToServer ? ",\"dir\":\"c2s\",\"protoId\":"u8 : ",\"dir\":\"s2c\",\"protoId\":"u8);
        WriteInteger(ref w, f.ProtoId);
        w.Write(",\"proto\":"u8);
        WriteString(ref w, f.ProtoName);
        w.Write(",\"kind\":"u8);
        WriteString(ref w, f.Kind.Name());
        w.Write(",\"protoFmt\":"u8);
        WriteInteger(ref w, f.ProtoFmt);
        w.Write(",\"protoVer\":"u8);
        if (f.ProtoVer is { } ver) WriteInteger(ref w, ver); else w.Write("null"u8);
        w.Write(",\"serialNo\":"u8);
        WriteInteger(ref w, f.SerialNo);
        w.Write(",\"bodyLen\":"u8);
        WriteInteger(ref w, f.BodyLen);
        w.Write(",\"encryption\":"u8);
        WriteString(ref w, f.Encryption.Name());
        w.Write(f.Decrypted ? ",\"decrypted\":true,\"sha1Ok\":"u8 : ",\"decrypted\":false,\"sha1Ok\":"u8);
        WriteBoolean(ref w, f.Sha1Ok);
        if (f.WebSocket is { } ws)
        {
            w.Write(",\"wsError\":"u8);
            if (ws.Error is { } wsError) WriteInteger(ref w, wsError); else w.Write("null"u8);
            w.Write(",\"wsErrmsg\":"u8);
            WriteString(ref w, ws.Errmsg);
            w.Write(",\"wsFrames\":"u8);
            WriteInteger(ref w, ws.Frames);
            w.Write(",\"wsCompressed\":"u8);
            WriteBoolean(ref w, ws.Compressed);
        }
        else
        {
            w.Write(",\"wsError\":null,\"wsErrmsg\":null,\"wsFrames\":null,\"wsCompressed\":null"u8);
        }
        w.Write(",\"latencyMs\":"u8);
        if (f.LatencyMicros is { } lat) WriteMillis(ref w, lat); else w.Write("null"u8);
        w.Write(",\"retType\":"u8);
        if (f.RetType is { } rt) WriteInteger(ref w, rt); else w.Write("null"u8);
        w.Write(",\"retMsg\":"u8);
        WriteString(ref w, f.RetMsg);
        w.Write(",\"body\":"u8);
        if (f.Message is { } m) WriteBody(ref w, m);
        else if (f.Plaintext is { } plain && f.BodyDescriptor is { } type) WriteBody(ref w, type, plain);
        else w.Write("null"u8);
        w.Write(",\"raw\":"u8);
        if (f.Message is null && f.RawBody is { } raw) WriteBase64(ref w, raw); else w.Write("null"u8);
        w.Write(",\"diagnostics\":["u8);
        for (var i = 0; i < f.DiagnosticCount; i++)
        {
            var d = f.Diagnostics[i];
            w.Write(i == 0 ? "{\"code\":"u8 : ",{\"code\":"u8);
            WriteString(ref w, d.Code);
            w.Write(",\"severity\":"u8);
            WriteString(ref w, d.Severity.ToString().ToLowerInvariant());
            w.Write(",\"message\":"u8);
            WriteString(ref w, d.Message);
            w.WriteByte((byte)'}');
        }
        w.Write("]}"u8);
        w.Flush();
    }

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_body;

    /// <summary>The body as <see cref="BodyFormatter"/> formats it, written by <see cref="ProtobufJson"/> (same bytes, several times faster).</summary>
    private static void WriteBody(ref Utf8Out w, IMessage message)
    {
        var buffer = t_body ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        ProtobufJson.Write(message, buffer);
        w.Write(buffer.WrittenSpan);
        if (buffer.Capacity > 1 << 20) t_body = null; // one huge body does not pin its buffer
    }

    /// <summary>
    /// A body kept as plaintext (<see cref="BodyDetail.Plaintext"/>): written from its wire bytes by
    /// <see cref="ProtobufWireJson"/> when they are in the canonical form it takes, else parsed and written as a
    /// message; the same bytes either way.
    /// </summary>
    private static void WriteBody(ref Utf8Out w, Google.Protobuf.Reflection.MessageDescriptor type, byte[] plaintext)
    {
        if (ProtobufWireJson.TryTakeFormatted(type, plaintext, out var json) || ProtobufWireJson.TryFormat(type, plaintext, out json)) w.Write(json);
        else WriteBody(ref w, type.Parser.ParseFrom(plaintext));
    }

    private static void WriteInteger<T>(ref Utf8Out w, T value) where T : IUtf8SpanFormattable
    {
        value.TryFormat(w.GetSpan(24), out var written, default, CultureInfo.InvariantCulture);
        w.Advance(written);
    }

    private static void WriteBoolean(ref Utf8Out w, bool? value) =>
        w.Write(value switch { true => "true"u8, false => "false"u8, null => "null"u8 });

    private static void WriteBase64(ref Utf8Out w, byte[] data)
    {
        var span = w.GetSpan(Base64.GetMaxEncodedToUtf8Length(data.Length) + 2);
        span[0] = (byte)'"';
        Base64.EncodeToUtf8(data, span[1..], out _, out var written);
        span[written + 1] = (byte)'"';
        w.Advance(written + 2);
    }

    /// <summary>
    /// A JSON string as <see cref="JsonLinesWriter.Options"/>' encoder escapes it: printable ASCII but the quote and
    /// the backslash goes as it is (the encoder leaves those alone); any other string is escaped by the encoder itself.
    /// </summary>
    internal static void WriteString(ref Utf8Out w, string? value)
    {
        if (value is null)
        {
            w.Write("null"u8);
            return;
        }
        if (value.AsSpan().ContainsAnyExcept(PlainJsonChars))
        {
            var escaped = JsonEncodedText.Encode(value, JsonLinesWriter.Options.Encoder);
            w.WriteByte((byte)'"');
            w.Write(escaped.EncodedUtf8Bytes);
            w.WriteByte((byte)'"');
            return;
        }
        var span = w.GetSpan(value.Length + 2);
        span[0] = (byte)'"';
        System.Text.Encoding.ASCII.GetBytes(value, span[1..]);
        span[value.Length + 1] = (byte)'"';
        w.Advance(value.Length + 2);
    }

    private static readonly SearchValues<char> PlainJsonChars = SearchValues.Create(
        Enumerable.Range(0x20, 0x7f - 0x20).Select(c => (char)c).Where(c => c is not '"' and not '\\').ToArray());

    public static void WriteDiagnostics(Utf8JsonWriter w, IReadOnlyList<Diagnostic> diagnostics)
    {
        w.WriteStartArray();
        foreach (var d in diagnostics)
        {
            w.WriteStartObject();
            w.WriteString(CodeKey, d.Code);
            w.WriteString(SeverityKey, d.Severity.ToString().ToLowerInvariant());
            w.WriteString(MessageKey, d.Message);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>Seconds since the epoch with exactly microsecond precision, as a JSON number.</summary>
    public static void WriteTimestamp(Utf8JsonWriter w, long micros)
    {
        // Formatted in place: a string per frame for its time would be a needless allocation.
        Span<byte> text = stackalloc byte[32];
        var at = 0;
        if (micros < 0) text[at++] = (byte)'-';
        var abs = Math.Abs(micros);
        (abs / 1_000_000).TryFormat(text[at..], out var written, default, CultureInfo.InvariantCulture);
        at += written;
        text[at++] = (byte)'.';
        (abs % 1_000_000).TryFormat(text[at..], out written, "D6", CultureInfo.InvariantCulture);
        w.WriteRawValue(text[..(at + written)], skipInputValidation: true);
    }

    private static void WriteTimestamp(ref Utf8Out w, long micros)
    {
        var text = w.GetSpan(32);
        var at = 0;
        if (micros < 0) text[at++] = (byte)'-';
        var abs = Math.Abs(micros);
        (abs / 1_000_000).TryFormat(text[at..], out var written, default, CultureInfo.InvariantCulture);
        at += written;
        text[at++] = (byte)'.';
        (abs % 1_000_000).TryFormat(text[at..], out written, "D6", CultureInfo.InvariantCulture);
        w.Advance(at + written);
    }

    private static void WriteMillis(ref Utf8Out w, long micros)
    {
        (micros / 1000.0).TryFormat(w.GetSpan(32), out var written, "0.###", CultureInfo.InvariantCulture);
        w.Advance(written);
    }

    public static string FormatMillis(long micros) =>
        (micros / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    public static void WriteStringOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name); else w.WriteString(name, value);
    }

}
