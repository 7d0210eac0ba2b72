using System.Buffers;
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

    public static void Write(Utf8JsonWriter w, OpenDFrame f)
    {
        w.WriteStartObject();
        w.WriteNumber("frame", f.Number);
        w.WritePropertyName("ts");
        WriteTimestamp(w, f.TimestampMicros);
        w.WriteNumber("conn", f.Connection.Number);
        w.WriteString("transport", f.Transport.Name());
        w.WriteString("client", f.Connection.ClientText);
        w.WriteString("server", f.Connection.ServerText);
        WriteStringOrNull(w, "connId", f.ConnId);
        w.WriteString("dir", f.Direction.Name());
        w.WriteNumber("protoId", f.ProtoId);
        WriteStringOrNull(w, "proto", f.ProtoName);
        w.WriteString("kind", f.Kind.Name());
        w.WriteNumber("protoFmt", f.ProtoFmt);
        if (f.ProtoVer is { } ver) w.WriteNumber("protoVer", ver); else w.WriteNull("protoVer");
        w.WriteNumber("serialNo", f.SerialNo);
        w.WriteNumber("bodyLen", f.BodyLen);
        w.WriteString("encryption", f.Encryption.Name());
        w.WriteBoolean("decrypted", f.Decrypted);
        if (f.Sha1Ok is { } ok) w.WriteBoolean("sha1Ok", ok); else w.WriteNull("sha1Ok");
        var ws = f.WebSocket;
        if (ws?.Error is { } wsError) w.WriteNumber("wsError", wsError); else w.WriteNull("wsError");
        WriteStringOrNull(w, "wsErrmsg", ws?.Errmsg);
        if (ws is not null) w.WriteNumber("wsFrames", ws.Frames); else w.WriteNull("wsFrames");
        if (ws is not null) w.WriteBoolean("wsCompressed", ws.Compressed); else w.WriteNull("wsCompressed");
        w.WritePropertyName("latencyMs");
        if (f.LatencyMicros is { } lat) WriteMillis(w, lat); else w.WriteNullValue();
        if (f.RetType is { } rt) w.WriteNumber("retType", rt); else w.WriteNull("retType");
        WriteStringOrNull(w, "retMsg", f.RetMsg);
        w.WritePropertyName("body");
        if (f.Message is { } m) WriteBody(w, m); else w.WriteNullValue();
        if (f.Message is null && f.RawBody is { } raw) w.WriteString("raw", Convert.ToBase64String(raw)); else w.WriteNull("raw");
        w.WritePropertyName("diagnostics");
        WriteDiagnostics(w, f.Diagnostics);
        w.WriteEndObject();
    }

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_body;

    /// <summary>
    /// The body as <see cref="BodyFormatter"/> formats it, written by <see cref="ProtobufJson"/> (same bytes,
    /// several times faster) through a per-thread buffer reused from frame to frame.
    /// </summary>
    private static void WriteBody(Utf8JsonWriter w, IMessage message)
    {
        var buffer = t_body ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        ProtobufJson.Write(message, buffer);
        w.WriteRawValue(buffer.WrittenSpan, skipInputValidation: true);
        if (buffer.Capacity > 1 << 20) t_body = null; // one huge body does not pin its buffer
    }

    public static void WriteDiagnostics(Utf8JsonWriter w, IReadOnlyList<Diagnostic> diagnostics)
    {
        w.WriteStartArray();
        foreach (var d in diagnostics)
        {
            w.WriteStartObject();
            w.WriteString("code", d.Code);
            w.WriteString("severity", d.Severity.ToString().ToLowerInvariant());
            w.WriteString("message", d.Message);
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

    private static void WriteMillis(Utf8JsonWriter w, long micros)
    {
        Span<byte> text = stackalloc byte[32];
        (micros / 1000.0).TryFormat(text, out var written, "0.###", CultureInfo.InvariantCulture);
        w.WriteRawValue(text[..written], skipInputValidation: true);
    }

    public static string FormatMillis(long micros) =>
        (micros / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    public static void WriteStringOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name); else w.WriteString(name, value);
    }
}
