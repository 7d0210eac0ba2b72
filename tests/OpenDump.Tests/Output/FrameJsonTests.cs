using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Google.Protobuf;
using OpenDump.Capture;
using OpenDump.Crypto;
using OpenDump.Diagnostics;
using OpenDump.Framing;
using OpenDump.Link;
using OpenDump.Output;
using OpenDump.Reassembly;
using OpenDump.Session;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.JsonLines;

/// <summary>
/// The frame's JSON is written by hand for speed; it must be byte for byte what a <see cref="Utf8JsonWriter"/> with
/// the JSON Lines options writes for the same shape (the oracle below, with Google.Protobuf's own formatter for
/// the body), on every frame of the SDK captures and on frames whose strings need escaping.
/// </summary>
public sealed class FrameJsonTests
{
    public static TheoryData<string, BodyDetail> Captures() => new()
    {
        { "sdk/tcp/plain.pcap", BodyDetail.Message }, { "sdk/tcp/ftaes.pcap", BodyDetail.Plaintext }, { "sdk/tcp/cbc.pcap", BodyDetail.Message },
        { "sdk/tcp/cbc.pcap", BodyDetail.Plaintext }, { "sdk/ws/ws_basic.pcap", BodyDetail.Message }, { "sample", BodyDetail.Plaintext },
    };

    [Theory]
    [MemberData(nameof(Captures))]
    public void Every_frame_of_a_capture_is_written_as_the_JSON_writer_writes_it(string capture, BodyDetail bodies)
    {
        var (path, key) = Fixtures.CaptureWithKey(capture);
        var sink = new CollectingSink();
        using (var source = new PcapFileSource(path)) CaptureAnalyzer.Run(source, new AnalyzerOptions { RsaKey = key, Bodies = bodies }, sink);
        Assert.NotEmpty(sink.Frames);
        foreach (var frame in sink.Frames) AssertSameAsOracle(frame);
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain ascii: <b>&'+`~</b> 100%")]
    [InlineData("quote \" and backslash \\ and slash /")]
    [InlineData("controls \u0000\u0001\b\t\n\f\r\u001f and DEL \u007f and C1 \u0085\u009f")]
    [InlineData("市场未开盘，请稍后再试 — 快手-W")]
    [InlineData("line separator \u2028 paragraph \u2029 bom \ufeff nbsp \u00a0")]
    [InlineData("emoji 📈 and a CJK extension 𠀀")]
    public void Strings_are_escaped_as_the_JSON_writer_escapes_them(string text)
    {
        var connection = new TcpConnection(7, new Endpoint(IPAddress.Parse("fe80::1"), 51000), new Endpoint(IPAddress.Parse("10.0.0.1"), 33333), 0, false, Transport.WebSocket);
        var frame = new OpenDFrame
        {
            Number = 12, TimestampMicros = -1_234_567, PacketNumber = 3, Connection = connection, Direction = FlowDirection.ServerToClient,
            Transport = Transport.WebSocket, ProtoId = 3004, SerialNo = ulong.MaxValue, BodyLen = 9, ProtoFmt = 1,
            Proto = OpenDump.Decoding.ProtoRegistry.Default.Find(3004), Kind = FrameKind.Response, Encryption = EncryptionKind.None,
            Decrypted = false, Sha1Ok = false, RequestFrame = 11, LatencyMicros = 1_234_567_891,
            WebSocket = new WsMessageInfo(-3, text, 2, true, 99),
            // Every base64 character, '+' and '/' included.
            RawBody = Enumerable.Range(0, 256).Select(i => (byte)i).Concat(new byte[] { 0xfb, 0xff, 0xbf }).ToArray(),
        };
        frame.ConnId = text;
        frame.RetType = -1;
        frame.RetMsg = text;
        frame.Diagnostics = [Diagnostic.Error("decode.failed", text), Diagnostic.Info("pairing.unpaired", "second")];
        AssertSameAsOracle(frame);

        // The other branch of every optional key.
        var bare = frame with { WebSocket = null, Transport = Transport.Tcp, LatencyMicros = null, Sha1Ok = null, Decrypted = true, RawBody = null, Header = null };
        bare.ConnId = null;
        bare.RetType = null;
        bare.RetMsg = null;
        bare.Diagnostics = [];
        AssertSameAsOracle(bare);
    }

    private static void AssertSameAsOracle(OpenDFrame frame)
    {
        var expected = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(expected, JsonLinesWriter.Options)) Oracle(w, frame);
        var actual = new ArrayBufferWriter<byte>();
        FrameJson.Write(actual, frame);
        JsonWriterChecks.AssertEqualText(System.Text.Encoding.UTF8.GetString(expected.WrittenSpan), System.Text.Encoding.UTF8.GetString(actual.WrittenSpan), $"frame {frame.Number}");

        // The same value inside a larger document (the per-connection JSON) goes through the Utf8JsonWriter overload.
        var nested = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(nested, JsonLinesWriter.Options))
        {
            w.WriteStartArray();
            FrameJson.Write(w, frame);
            FrameJson.Write(w, frame);
            w.WriteEndArray();
        }
        var text = System.Text.Encoding.UTF8.GetString(expected.WrittenSpan);
        Assert.Equal($"[{text},{text}]", System.Text.Encoding.UTF8.GetString(nested.WrittenSpan));
    }

    /// <summary>The frame's JSON shape through the writer's own calls.</summary>
    private static void Oracle(Utf8JsonWriter w, OpenDFrame f)
    {
        w.WriteStartObject();
        w.WriteNumber("frame", f.Number);
        w.WritePropertyName("ts");
        w.WriteRawValue(FormattableString.Invariant($"{(f.TimestampMicros < 0 ? "-" : "")}{Math.Abs(f.TimestampMicros) / 1_000_000}.{Math.Abs(f.TimestampMicros) % 1_000_000:D6}"));
        w.WriteNumber("conn", f.Connection.Number);
        w.WriteString("transport", f.Transport == Transport.Tcp ? "tcp" : "ws");
        w.WriteString("client", f.Connection.Client.ToString());
        w.WriteString("server", f.Connection.Server.ToString());
        StringOrNull("connId", f.ConnId);
        w.WriteString("dir", f.Direction == FlowDirection.ClientToServer ? "c2s" : "s2c");
        w.WriteNumber("protoId", f.ProtoId);
        StringOrNull("proto", f.Proto?.Name);
        w.WriteString("kind", f.Kind.Name());
        w.WriteNumber("protoFmt", f.ProtoFmt);
        if (f.Header is { } h) w.WriteNumber("protoVer", h.ProtoVer); else w.WriteNull("protoVer");
        w.WriteNumber("serialNo", f.SerialNo);
        w.WriteNumber("bodyLen", f.BodyLen);
        w.WriteString("encryption", f.Encryption.Name());
        w.WriteBoolean("decrypted", f.Decrypted);
        if (f.Sha1Ok is { } ok) w.WriteBoolean("sha1Ok", ok); else w.WriteNull("sha1Ok");
        var ws = f.WebSocket;
        if (ws?.Error is { } error) w.WriteNumber("wsError", error); else w.WriteNull("wsError");
        StringOrNull("wsErrmsg", ws?.Errmsg);
        if (ws is not null) w.WriteNumber("wsFrames", ws.Frames); else w.WriteNull("wsFrames");
        if (ws is not null) w.WriteBoolean("wsCompressed", ws.Compressed); else w.WriteNull("wsCompressed");
        w.WritePropertyName("latencyMs");
        if (f.LatencyMicros is { } lat) w.WriteRawValue((lat / 1000.0).ToString("0.###", CultureInfo.InvariantCulture)); else w.WriteNullValue();
        if (f.RetType is { } rt) w.WriteNumber("retType", rt); else w.WriteNull("retType");
        StringOrNull("retMsg", f.RetMsg);
        w.WritePropertyName("body");
        var message = f.Message ?? (f.Plaintext is { } plain ? f.BodyDescriptor!.Parser.ParseFrom(plain) : null);
        if (message is not null) w.WriteRawValue(JsonFormatter.Default.Format(message)); else w.WriteNullValue();
        if (f.Message is null && f.RawBody is { } raw) w.WriteString("raw", Convert.ToBase64String(raw)); else w.WriteNull("raw");
        w.WriteStartArray("diagnostics");
        foreach (var d in f.Diagnostics)
        {
            w.WriteStartObject();
            w.WriteString("code", d.Code);
            w.WriteString("severity", d.Severity.ToString().ToLowerInvariant());
            w.WriteString("message", d.Message);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();

        void StringOrNull(string name, string? value)
        {
            if (value is null) w.WriteNull(name); else w.WriteString(name, value);
        }
    }
}
