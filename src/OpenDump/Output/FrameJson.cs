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

    // Property names encoded once: a name given as a string is transcoded and checked for escaping on every
    // frame, which cost as much as the rest of the envelope.
    private static readonly JsonEncodedText FrameKey = JsonEncodedText.Encode("frame"), TsKey = JsonEncodedText.Encode("ts"),
        ConnKey = JsonEncodedText.Encode("conn"), TransportKey = JsonEncodedText.Encode("transport"), ClientKey = JsonEncodedText.Encode("client"),
        ServerKey = JsonEncodedText.Encode("server"), ConnIdKey = JsonEncodedText.Encode("connId"), DirKey = JsonEncodedText.Encode("dir"),
        ProtoIdKey = JsonEncodedText.Encode("protoId"), ProtoKey = JsonEncodedText.Encode("proto"), KindKey = JsonEncodedText.Encode("kind"),
        ProtoFmtKey = JsonEncodedText.Encode("protoFmt"), ProtoVerKey = JsonEncodedText.Encode("protoVer"), SerialNoKey = JsonEncodedText.Encode("serialNo"),
        BodyLenKey = JsonEncodedText.Encode("bodyLen"), EncryptionKey = JsonEncodedText.Encode("encryption"), DecryptedKey = JsonEncodedText.Encode("decrypted"),
        Sha1OkKey = JsonEncodedText.Encode("sha1Ok"), WsErrorKey = JsonEncodedText.Encode("wsError"), WsErrmsgKey = JsonEncodedText.Encode("wsErrmsg"),
        WsFramesKey = JsonEncodedText.Encode("wsFrames"), WsCompressedKey = JsonEncodedText.Encode("wsCompressed"), LatencyMsKey = JsonEncodedText.Encode("latencyMs"),
        RetTypeKey = JsonEncodedText.Encode("retType"), RetMsgKey = JsonEncodedText.Encode("retMsg"), BodyKey = JsonEncodedText.Encode("body"),
        RawKey = JsonEncodedText.Encode("raw"), DiagnosticsKey = JsonEncodedText.Encode("diagnostics"), CodeKey = JsonEncodedText.Encode("code"),
        SeverityKey = JsonEncodedText.Encode("severity"), MessageKey = JsonEncodedText.Encode("message");

    public static void Write(Utf8JsonWriter w, OpenDFrame f)
    {
        w.WriteStartObject();
        w.WriteNumber(FrameKey, f.Number);
        w.WritePropertyName(TsKey);
        WriteTimestamp(w, f.TimestampMicros);
        w.WriteNumber(ConnKey, f.Connection.Number);
        w.WriteString(TransportKey, f.Transport.Name());
        w.WriteString(ClientKey, f.Connection.ClientText);
        w.WriteString(ServerKey, f.Connection.ServerText);
        WriteStringOrNull(w, ConnIdKey, f.ConnId);
        w.WriteString(DirKey, f.Direction.Name());
        w.WriteNumber(ProtoIdKey, f.ProtoId);
        WriteStringOrNull(w, ProtoKey, f.ProtoName);
        w.WriteString(KindKey, f.Kind.Name());
        w.WriteNumber(ProtoFmtKey, f.ProtoFmt);
        if (f.ProtoVer is { } ver) w.WriteNumber(ProtoVerKey, ver); else w.WriteNull(ProtoVerKey);
        w.WriteNumber(SerialNoKey, f.SerialNo);
        w.WriteNumber(BodyLenKey, f.BodyLen);
        w.WriteString(EncryptionKey, f.Encryption.Name());
        w.WriteBoolean(DecryptedKey, f.Decrypted);
        if (f.Sha1Ok is { } ok) w.WriteBoolean(Sha1OkKey, ok); else w.WriteNull(Sha1OkKey);
        var ws = f.WebSocket;
        if (ws?.Error is { } wsError) w.WriteNumber(WsErrorKey, wsError); else w.WriteNull(WsErrorKey);
        WriteStringOrNull(w, WsErrmsgKey, ws?.Errmsg);
        if (ws is not null) w.WriteNumber(WsFramesKey, ws.Frames); else w.WriteNull(WsFramesKey);
        if (ws is not null) w.WriteBoolean(WsCompressedKey, ws.Compressed); else w.WriteNull(WsCompressedKey);
        w.WritePropertyName(LatencyMsKey);
        if (f.LatencyMicros is { } lat) WriteMillis(w, lat); else w.WriteNullValue();
        if (f.RetType is { } rt) w.WriteNumber(RetTypeKey, rt); else w.WriteNull(RetTypeKey);
        WriteStringOrNull(w, RetMsgKey, f.RetMsg);
        w.WritePropertyName(BodyKey);
        if (f.Message is { } m) WriteBody(w, m);
        else if (f.Plaintext is { } plain && f.BodyDescriptor is { } type) WriteBody(w, type, plain);
        else w.WriteNullValue();
        if (f.Message is null && f.RawBody is { } raw) w.WriteString(RawKey, Convert.ToBase64String(raw)); else w.WriteNull(RawKey);
        w.WritePropertyName(DiagnosticsKey);
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

    /// <summary>
    /// A body kept as plaintext (<see cref="BodyDetail.Plaintext"/>): written from its wire bytes by
    /// <see cref="ProtobufWireJson"/> when they are in the canonical form it takes, else parsed and written as a
    /// message; the same bytes either way.
    /// </summary>
    private static void WriteBody(Utf8JsonWriter w, Google.Protobuf.Reflection.MessageDescriptor type, byte[] plaintext)
    {
        if (ProtobufWireJson.TryFormat(type, plaintext, out var json)) w.WriteRawValue(json, skipInputValidation: true);
        else WriteBody(w, type.Parser.ParseFrom(plaintext));
    }

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

    private static void WriteStringOrNull(Utf8JsonWriter w, JsonEncodedText name, string? value)
    {
        if (value is null) w.WriteNull(name); else w.WriteString(name, value);
    }
}
