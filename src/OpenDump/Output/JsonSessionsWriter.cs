using System.Text.Json;
using OpenDump.Crypto;
using OpenDump.Diagnostics;
using OpenDump.Reassembly;
using OpenDump.Session;

namespace OpenDump.Output;

/// <summary>
/// One JSON document: the frames grouped per connection under a per-connection header. Frames are
/// serialised as they arrive and only their bytes are kept until the end.
/// </summary>
public sealed class JsonSessionsWriter : IAnalysisSink
{
    private readonly Stream _out;
    private readonly Dictionary<int, MemoryStream> _framesByConnection = new();
    private readonly List<Diagnostic> _captureDiagnostics = [];

    public JsonSessionsWriter(Stream output) => _out = output;

    public void OnFrame(OpenDFrame frame)
    {
        if (!_framesByConnection.TryGetValue(frame.Connection.Number, out var buffer))
            _framesByConnection[frame.Connection.Number] = buffer = new MemoryStream();
        if (buffer.Length > 0) buffer.WriteByte((byte)',');
        using var w = new Utf8JsonWriter(buffer, JsonLinesWriter.Options);
        FrameJson.Write(w, frame);
    }

    public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros)
    {
        // Kept in the connection's summary, which the session hands over at the end.
    }

    public void OnCaptureDiagnostic(Diagnostic diagnostic) => _captureDiagnostics.Add(diagnostic);

    public void OnComplete(IReadOnlyList<ConnectionSummary> connections)
    {
        using var w = new Utf8JsonWriter(_out, new JsonWriterOptions { Encoder = JsonLinesWriter.Options.Encoder, Indented = false, SkipValidation = true });
        w.WriteStartObject();
        w.WriteStartArray("connections");
        foreach (var c in connections)
        {
            w.WriteStartObject();
            w.WriteNumber("conn", c.Connection.Number);
            w.WriteString("transport", c.Transport.Name());
            w.WriteString("client", c.Connection.Client.ToString());
            w.WriteString("server", c.Connection.Server.ToString());
            FrameJson.WriteStringOrNull(w, "connId", c.ConnId);
            FrameJson.WriteStringOrNull(w, "clientID", c.ClientId);
            if (c.ClientVer is { } v) w.WriteNumber("clientVer", v); else w.WriteNull("clientVer");
            FrameJson.WriteStringOrNull(w, "programmingLanguage", c.ProgrammingLanguage);
            w.WriteString("encryption", c.Encryption.Name());
            w.WriteBoolean("keysKnown", c.KeysKnown);
            if (c.PushProtoFmt is { } p) w.WriteNumber("pushProtoFmt", p); else w.WriteNull("pushProtoFmt");
            w.WritePropertyName("firstTs");
            FrameJson.WriteTimestamp(w, c.FirstTimestampMicros);
            w.WritePropertyName("lastTs");
            FrameJson.WriteTimestamp(w, c.LastTimestampMicros);
            w.WriteNumber("frameCount", c.Frames);
            WriteWebSocket(w, c.WebSocket);
            w.WriteStartObject("bytes");
            WriteAccounting(w, "c2s", c.ClientToServer);
            WriteAccounting(w, "s2c", c.ServerToClient);
            w.WriteEndObject();
            w.WritePropertyName("diagnostics");
            FrameJson.WriteDiagnostics(w, c.Diagnostics);
            w.WritePropertyName("frames");
            w.WriteRawValue(FramesArray(c.Connection.Number), skipInputValidation: true);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WritePropertyName("diagnostics");
        FrameJson.WriteDiagnostics(w, _captureDiagnostics);
        w.WriteEndObject();
        w.Flush();
        _out.WriteByte((byte)'\n');
        _out.Flush();
    }

    private static void WriteWebSocket(Utf8JsonWriter w, WebSocketSummary? ws)
    {
        if (ws is null)
        {
            w.WriteNull("webSocket");
            return;
        }
        w.WriteStartObject("webSocket");
        FrameJson.WriteStringOrNull(w, "path", ws.Path);
        FrameJson.WriteStringOrNull(w, "extensionsOffered", ws.ExtensionsOffered);
        FrameJson.WriteStringOrNull(w, "extensionsAccepted", ws.ExtensionsAccepted);
        if (ws.UpgradeStatus is { } st) w.WriteNumber("upgradeStatus", st); else w.WriteNull("upgradeStatus");
        FrameJson.WriteStringOrNull(w, "loginKeyMd5", ws.LoginKeyMd5);
        if (ws.LoginSucceeded is { } ok) w.WriteBoolean("loginSucceeded", ok); else w.WriteNull("loginSucceeded");
        w.WriteBoolean("tls", ws.Tls);
        w.WriteNumber("pings", ws.Pings);
        w.WriteNumber("pongs", ws.Pongs);
        if (ws.CloseCode is { } code) w.WriteNumber("closeCode", code); else w.WriteNull("closeCode");
        FrameJson.WriteStringOrNull(w, "closeReason", ws.CloseReason);
        w.WriteBoolean("opendDisconnected", ws.OpenDDisconnected);
        w.WriteEndObject();
    }

    private static void WriteAccounting(Utf8JsonWriter w, string name, Framing.StreamAccounting a)
    {
        w.WriteStartObject(name);
        w.WriteNumber("stream", a.StreamBytes);
        w.WriteNumber("frames", a.FrameBytes);
        w.WriteNumber("gaps", a.GapBytes);
        w.WriteNumber("garbage", a.GarbageBytes);
        w.WriteNumber("lostFrames", a.LostFrameBytes);
        w.WriteEndObject();
    }

    private byte[] FramesArray(int connection)
    {
        var body = _framesByConnection.TryGetValue(connection, out var b) ? b.ToArray() : [];
        var result = new byte[body.Length + 2];
        result[0] = (byte)'[';
        body.CopyTo(result, 1);
        result[^1] = (byte)']';
        return result;
    }
}
