using System.Globalization;
using System.Text;
using Google.Protobuf;
using OpenDump.Diagnostics;
using OpenDump.Reassembly;
using OpenDump.Session;

namespace OpenDump.Output;

/// <summary>
/// One connection as a conversation ("follow stream" for OpenD): every request with its decoded body,
/// each reply naming the request it answers and how long it took, pushes where they arrived, and
/// connection events and problems in between — in capture order, bodies expanded.
/// </summary>
public sealed class FollowWriter(TextWriter output, Palette? palette = null) : IAnalysisSink
{
    private static readonly JsonFormatter Pretty = new(JsonFormatter.Settings.Default.WithIndentation("  "));
    private readonly Palette _p = palette ?? Palette.None;
    private readonly Dictionary<long, (uint ProtoId, string? Name, ulong SerialNo)> _requests = [];
    private readonly HashSet<int> _announced = [];
    private long? _origin;

    public void OnFrame(OpenDFrame f)
    {
        Announce(f.Connection, f.TimestampMicros);
        var name = $"{f.ProtoName ?? "unknown"} ({f.ProtoId})";
        var line = new StringBuilder(Relative(f.TimestampMicros)).Append("  ");
        switch (f.Kind)
        {
            case FrameKind.Request:
                _requests[f.Number] = (f.ProtoId, f.ProtoName, f.SerialNo);
                line.Append(_p.Request("→ request ")).Append(name).Append(" sn=").Append(f.SerialNo.ToString(CultureInfo.InvariantCulture))
                    .Append("  [frame ").Append(f.Number.ToString(CultureInfo.InvariantCulture)).Append(']');
                break;
            case FrameKind.Response:
                line.Append(_p.Reply("← reply   ")).Append(name).Append(" sn=").Append(f.SerialNo.ToString(CultureInfo.InvariantCulture));
                if (f.RequestFrame is { } rf && f.LatencyMicros is { } lat)
                    line.Append("  to frame ").Append(rf.ToString(CultureInfo.InvariantCulture)).Append(" after ").Append(FrameJson.FormatMillis(lat)).Append(" ms");
                else
                    line.Append("  (its request is not in the capture)");
                break;
            default:
                line.Append(_p.Push("⇐ push    ")).Append(name);
                break;
        }
        var summary = FrameSummary.Describe(f);
        if (summary.Length > 0) line.Append("  ").Append(summary.StartsWith("FAILED", StringComparison.Ordinal) || summary.StartsWith("LOGIN FAILED", StringComparison.Ordinal) ? _p.Failure(summary) : summary);
        output.WriteLine(line.ToString());
        foreach (var d in f.DiagnosticSpan) output.WriteLine($"{Pad}{_p.Problem($"{d.Severity.ToString().ToLowerInvariant()} {d.Code}: {d.Message}")}");
        if (f.Message is not null) output.WriteLine(Indent(Pretty.Format(TimelineWriter.Redacted(f.Message))));
        else if (f.RawBody is { Length: > 0 } raw) output.WriteLine($"{Pad}raw ({raw.Length} bytes): {Convert.ToHexStringLower(raw.AsSpan(0, Math.Min(raw.Length, 512)))}{(raw.Length > 512 ? "…" : "")}");
        if (f.Kind == FrameKind.Response && f.RequestFrame is { } answered) _requests.Remove(answered);
    }

    public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic d, long timestampMicros)
    {
        Announce(connection, timestampMicros);
        output.WriteLine($"{Relative(timestampMicros)}  {_p.Problem($"! {d.Severity.ToString().ToLowerInvariant()} {d.Code}: {d.Message}")}");
    }

    public void OnConnectionEvent(TcpConnection connection, ConnectionEvent e)
    {
        Announce(connection, e.TimestampMicros);
        output.WriteLine($"{Relative(e.TimestampMicros)}  {(e.Direction == FlowDirection.ClientToServer ? "→" : "←")} {_p.Dim(e.Text)}");
    }

    public void OnTimeOrigin(long timestampMicros) => _origin ??= timestampMicros;

    public void OnCaptureDiagnostic(Diagnostic d) => output.WriteLine(_p.Problem($"! {d.Severity.ToString().ToLowerInvariant()} {d.Code}: {d.Message}"));

    public void OnComplete(IReadOnlyList<ConnectionSummary> connections)
    {
        if (_announced.Count == 0) output.WriteLine("no frames on this connection");
        foreach (var (frame, r) in _requests.OrderBy(kv => kv.Key))
            output.WriteLine(_p.Failure($"no reply to frame {frame}: {r.Name ?? "unknown"} ({r.ProtoId}) sn={r.SerialNo}"));
        foreach (var c in connections)
            output.WriteLine($"end of connection #{c.Connection.Number}: {c.Frames} frames, bytes c2s={c.ClientToServer.StreamBytes} s2c={c.ServerToClient.StreamBytes}" +
                             (c.GapBytes > 0 ? $", {c.GapBytes} bytes missing" : ""));
        output.Flush();
    }

    private const string Pad = "              ";

    private void Announce(TcpConnection c, long ts)
    {
        if (!_announced.Add(c.Number)) return;
        _origin ??= ts;
        output.WriteLine(_p.Heading($"connection #{c.Number} {c.Client} → {c.Server} ({(c.Transport == Transport.WebSocket ? "WebSocket" : "TCP")}){(c.HandshakeSeen ? "" : ", no TCP handshake in the capture")}"));
    }

    private string Relative(long ts)
    {
        _origin ??= ts;
        return ((ts - _origin.Value) / 1e6).ToString("0.000000", CultureInfo.InvariantCulture).PadLeft(12);
    }

    private static string Indent(string text) => Pad + text.Replace("\n", "\n" + Pad);
}
