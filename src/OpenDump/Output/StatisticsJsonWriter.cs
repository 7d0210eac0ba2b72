using System.Globalization;
using System.Text.Json;
using OpenDump.Crypto;
using OpenDump.Reassembly;
using OpenDump.Session;

namespace OpenDump.Output;

/// <summary>
/// `opendump stats --format json`: one object {"totals", "connections", "protocols", "failedCalls"}.
/// Every key is always present (null when it does not apply); timestamps are epoch seconds and
/// durations seconds, both with microsecond precision; latencies are milliseconds.
/// </summary>
public static class StatisticsJsonWriter
{
    public static void Write(StatisticsReport report, Stream output)
    {
        using (var w = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JsonLinesWriter.Options.Encoder }))
        {
            w.WriteStartObject();
            WriteTotals(w, report.Totals);
            w.WriteStartArray("connections");
            foreach (var c in report.Connections) WriteConnection(w, c);
            w.WriteEndArray();
            w.WriteStartArray("protocols");
            foreach (var p in report.Protocols) WriteProtocol(w, p);
            w.WriteEndArray();
            w.WriteStartArray("failedCalls");
            foreach (var f in report.FailedCalls) WriteFailedCall(w, f);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        output.WriteByte((byte)'\n');
        output.Flush();
    }

    private static void WriteTotals(Utf8JsonWriter w, StatisticsTotals t)
    {
        w.WriteStartObject("totals");
        w.WriteNumber("frames", t.Frames);
        w.WriteNumber("connections", t.Connections);
        w.WriteNumber("requests", t.Requests);
        w.WriteNumber("responses", t.Responses);
        w.WriteNumber("pushes", t.Pushes);
        w.WriteNumber("unpairedResponses", t.UnpairedResponses);
        w.WriteNumber("failedCalls", t.FailedCalls);
        w.WriteNumber("diagnostics", t.Diagnostics);
        WriteTimestampOrNull(w, "firstTs", t.FirstTimestampMicros);
        WriteTimestampOrNull(w, "lastTs", t.LastTimestampMicros);
        WriteTimestampOrNull(w, "durationSeconds", t.LastTimestampMicros - t.FirstTimestampMicros);
        w.WriteEndObject();
    }

    private static void WriteConnection(Utf8JsonWriter w, ConnectionStatistics c)
    {
        w.WriteStartObject();
        w.WriteNumber("conn", c.Number);
        w.WriteString("transport", c.Transport.Name());
        w.WriteString("client", c.Client.ToString());
        w.WriteString("server", c.Server.ToString());
        FrameJson.WriteStringOrNull(w, "connId", c.ConnId);
        FrameJson.WriteStringOrNull(w, "clientID", c.ClientId);
        if (c.ClientVer is { } v) w.WriteNumber("clientVer", v); else w.WriteNull("clientVer");
        FrameJson.WriteStringOrNull(w, "programmingLanguage", c.ProgrammingLanguage);
        w.WriteString("encryption", c.Encryption.Name());
        FrameJson.WriteStringOrNull(w, "pushFormat", c.PushFormatName);
        WriteTimestampOrNull(w, "firstTs", c.FirstTimestampMicros);
        WriteTimestampOrNull(w, "lastTs", c.LastTimestampMicros);
        WriteTimestampOrNull(w, "durationSeconds", c.DurationMicros);
        w.WriteNumber("frames", c.Frames);
        w.WriteNumber("requests", c.Requests);
        w.WriteNumber("responses", c.Responses);
        w.WriteNumber("pushes", c.Pushes);
        w.WriteStartObject("bytes");
        w.WriteNumber("c2s", c.ClientToServerBytes);
        w.WriteNumber("s2c", c.ServerToClientBytes);
        w.WriteNumber("gaps", c.GapBytes);
        w.WriteNumber("unparsed", c.UnparsedBytes);
        w.WriteEndObject();
        w.WriteNumber("diagnostics", c.Diagnostics);
        w.WriteEndObject();
    }

    private static void WriteProtocol(Utf8JsonWriter w, ProtocolStatistics p)
    {
        w.WriteStartObject();
        w.WriteNumber("protoId", p.ProtoId);
        FrameJson.WriteStringOrNull(w, "proto", p.Name);
        w.WriteNumber("requests", p.Requests);
        w.WriteNumber("responses", p.Responses);
        w.WriteNumber("pushes", p.Pushes);
        w.WriteNumber("failed", p.Failed);
        w.WriteStartObject("failuresByRetType");
        foreach (var (retType, count) in p.FailuresByRetType) w.WriteNumber(retType.ToString(CultureInfo.InvariantCulture), count);
        w.WriteEndObject();
        w.WriteNumber("wsErrors", p.WsErrors);
        w.WriteStartObject("bodyBytes");
        w.WriteNumber("c2s", p.ClientToServerBodyBytes);
        w.WriteNumber("s2c", p.ServerToClientBodyBytes);
        w.WriteEndObject();
        if (p.Latency is { } l)
        {
            w.WriteStartObject("latencyMs");
            w.WriteNumber("count", l.Count);
            WriteMillis(w, "min", l.MinMicros);
            WriteMillis(w, "p50", l.P50Micros);
            WriteMillis(w, "p95", l.P95Micros);
            WriteMillis(w, "p99", l.P99Micros);
            WriteMillis(w, "max", l.MaxMicros);
            w.WriteEndObject();
        }
        else w.WriteNull("latencyMs");
        WritePeak(w, "peak1s", p.Peak1s);
        WritePeak(w, "peak30s", p.Peak30s);
        w.WriteStartArray("requestsPerSecond");
        foreach (var s in p.RequestsPerSecond)
        {
            w.WriteStartArray();
            w.WriteNumberValue(s.Second);
            w.WriteNumberValue(s.Requests);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteFailedCall(Utf8JsonWriter w, FailedCall f)
    {
        w.WriteStartObject();
        w.WriteNumber("frame", f.Frame);
        w.WritePropertyName("ts");
        FrameJson.WriteTimestamp(w, f.TimestampMicros);
        w.WriteNumber("conn", f.Conn);
        w.WriteNumber("protoId", f.ProtoId);
        FrameJson.WriteStringOrNull(w, "proto", f.Proto);
        w.WriteString("kind", f.Kind.Name());
        w.WriteNumber("serialNo", f.SerialNo);
        if (f.RetType is { } rt) w.WriteNumber("retType", rt); else w.WriteNull("retType");
        if (f.ErrCode is { } ec) w.WriteNumber("errCode", ec); else w.WriteNull("errCode");
        FrameJson.WriteStringOrNull(w, "retMsg", f.RetMsg);
        if (f.WsError is { } we) w.WriteNumber("wsError", we); else w.WriteNull("wsError");
        FrameJson.WriteStringOrNull(w, "wsErrmsg", f.WsErrmsg);
        if (f.LatencyMicros is { } lat) WriteMillis(w, "latencyMs", lat); else w.WriteNull("latencyMs");
        w.WriteEndObject();
    }

    private static void WritePeak(Utf8JsonWriter w, string name, RequestPeak? peak)
    {
        if (peak is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        w.WriteNumber("requests", peak.Requests);
        w.WritePropertyName("startTs");
        FrameJson.WriteTimestamp(w, peak.StartTimestampMicros);
        w.WriteEndObject();
    }

    private static void WriteMillis(Utf8JsonWriter w, string name, long micros)
    {
        w.WritePropertyName(name);
        w.WriteRawValue(FrameJson.FormatMillis(micros));
    }

    private static void WriteTimestampOrNull(Utf8JsonWriter w, string name, long? micros)
    {
        w.WritePropertyName(name);
        if (micros is { } m) FrameJson.WriteTimestamp(w, m); else w.WriteNullValue();
    }
}
