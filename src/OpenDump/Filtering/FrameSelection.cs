using System.Text.RegularExpressions;
using OpenDump.Decoding;
using OpenDump.Diagnostics;
using OpenDump.Reassembly;
using OpenDump.Session;

namespace OpenDump.Filtering;

/// <summary>
/// Which frames a command shows: the quick options (--proto, --conn, --dir, --kind, --errors,
/// --since/--until) and a --filter expression, all of which must hold. Filtering happens after the
/// session, so a reply that passes keeps its pairing and latency even when its request does not.
/// </summary>
public sealed record FrameSelection
{
    public static FrameSelection All { get; } = new();

    /// <summary>protoIDs (or cmds) to keep; null keeps every protocol.</summary>
    public IReadOnlySet<uint>? ProtoIds { get; init; }
    public IReadOnlySet<int>? Connections { get; init; }
    public FlowDirection? Direction { get; init; }
    public IReadOnlySet<FrameKind>? Kinds { get; init; }
    public bool ErrorsOnly { get; init; }
    public TimeBound? Since { get; init; }
    public TimeBound? Until { get; init; }
    public FilterExpression? Expression { get; init; }

    public bool IsEverything => this == All;

    /// <param name="originMicros">The time of the first frame, which relative bounds (+N seconds) count from.</param>
    public bool Matches(OpenDFrame frame, long originMicros)
    {
        if (ProtoIds is not null && !ProtoIds.Contains(frame.ProtoId)) return false;
        if (Connections is not null && !Connections.Contains(frame.Connection.Number)) return false;
        if (Direction is { } d && frame.Direction != d) return false;
        if (Kinds is not null && !Kinds.Contains(frame.Kind)) return false;
        if (!InTime(frame.TimestampMicros, originMicros)) return false;
        if (ErrorsOnly && !IsError(frame)) return false;
        return Expression is null || Expression.Matches(frame);
    }

    /// <summary>Connection diagnostics and events follow only the connection and time options: they belong to no protocol.</summary>
    public bool MatchesConnection(TcpConnection connection, long timestampMicros, long originMicros) =>
        (Connections is null || Connections.Contains(connection.Number)) && InTime(timestampMicros, originMicros);

    private bool InTime(long ts, long origin) =>
        (Since is not { } s || ts >= s.Resolve(origin)) && (Until is not { } u || ts <= u.Resolve(origin));

    /// <summary>
    /// What --errors keeps: a failed call (retType other than 0, or a WebSocket header error), a body
    /// whose SHA-1 does not match, and any frame with a warning or error (decode failure, truncation, no key).
    /// </summary>
    public static bool IsError(OpenDFrame frame)
    {
        if (frame.RetType is { } rt && rt != 0) return true;
        if (frame.WebSocket is { Failed: true }) return true;
        if (frame.Sha1Ok == false) return true;
        foreach (var d in frame.DiagnosticSpan)
            if (d.Severity != Severity.Info) return true;
        return false;
    }

    /// <summary>
    /// Turns --proto values into protoIDs: numbers, names, and wildcards over names (<c>Qot_Update*</c>,
    /// case-insensitive), comma-separated. A name that matches nothing is an error, with suggestions.
    /// </summary>
    public static IReadOnlySet<uint> ResolveProtos(IEnumerable<string> patterns, ProtoRegistry registry)
    {
        var ids = new HashSet<uint>();
        var all = registry.All.ToList();
        foreach (var raw in patterns.SelectMany(p => p.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (uint.TryParse(raw, out var id))
            {
                ids.Add(id);
                continue;
            }
            var regex = new Regex("^" + Regex.Escape(raw).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            var matched = all.Where(p => regex.IsMatch(p.Name)).Select(p => p.Id).ToList();
            if (matched.Count == 0)
            {
                var close = all.Select(p => p.Name).Where(n => n.Contains(raw.Trim('*', '?'), StringComparison.OrdinalIgnoreCase)).Take(5).ToList();
                throw new ArgumentException($"no protocol is named '{raw}'{(close.Count == 0 ? "" : $"; did you mean {string.Join(", ", close)}?")} (`opendump fields` lists them)");
            }
            ids.UnionWith(matched);
        }
        return ids;
    }
}

/// <summary>A --since/--until bound: an absolute time, or seconds after the first frame.</summary>
public readonly record struct TimeBound(long Micros, bool Relative)
{
    public long Resolve(long originMicros) => Relative ? originMicros + Micros : Micros;

    /// <summary>
    /// Accepts seconds since the epoch (<c>1795566161.5</c>), an ISO 8601 date and time (UTC unless it
    /// has an offset), or <c>+N</c> / <c>+Ns</c> seconds after the first frame.
    /// </summary>
    public static TimeBound Parse(string text)
    {
        var t = text.Trim();
        if (t.StartsWith('+'))
        {
            var number = t[1..].TrimEnd('s');
            if (decimal.TryParse(number, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var rel))
                return new TimeBound((long)(rel * 1_000_000m), true);
        }
        else if (decimal.TryParse(t, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var epoch))
        {
            return new TimeBound((long)(epoch * 1_000_000m), false);
        }
        else if (DateTimeOffset.TryParse(t, System.Globalization.CultureInfo.InvariantCulture,
                     System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var when))
        {
            return new TimeBound((when.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10, false);
        }
        throw new FormatException($"'{text}' is not a time: use seconds since the epoch, an ISO 8601 time (2026-11-25T09:30:00Z) or +seconds after the first frame");
    }
}

/// <summary>Passes on the frames a <see cref="FrameSelection"/> keeps; everything else a sink hears passes through.</summary>
public sealed class FilteringSink(IAnalysisSink inner, FrameSelection selection) : IAnalysisSink
{
    // Set once, by the first thing heard; PrepareFrame reads it from other threads.
    private long _origin;
    private volatile bool _originKnown;

    private long Origin(long timestampMicros)
    {
        if (!_originKnown)
        {
            _origin = timestampMicros;
            _originKnown = true;
            inner.OnTimeOrigin(timestampMicros);
        }
        return _origin;
    }

    /// <summary>
    /// Frames the selection drops are not prepared. Before the time origin is known, whether it keeps one cannot be
    /// told, and a line prepared for a frame OnFrame then drops would hold its block from the pool, so the frame is
    /// left for the writer to render in its OnFrame.
    /// </summary>
    public void PrepareFrame(OpenDFrame frame)
    {
        if (_originKnown && selection.Matches(frame, _origin)) inner.PrepareFrame(frame);
    }

    public void OnFrame(OpenDFrame frame)
    {
        if (selection.Matches(frame, Origin(frame.TimestampMicros))) inner.OnFrame(frame);
    }

    public void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros)
    {
        if (selection.MatchesConnection(connection, timestampMicros, Origin(timestampMicros))) inner.OnConnectionDiagnostic(connection, diagnostic, timestampMicros);
    }

    public void OnConnectionEvent(TcpConnection connection, ConnectionEvent connectionEvent)
    {
        if (selection.MatchesConnection(connection, connectionEvent.TimestampMicros, Origin(connectionEvent.TimestampMicros))) inner.OnConnectionEvent(connection, connectionEvent);
    }

    public void OnCaptureDiagnostic(Diagnostic diagnostic) => inner.OnCaptureDiagnostic(diagnostic);

    public void OnTimeOrigin(long timestampMicros) => Origin(timestampMicros);

    public void OnComplete(IReadOnlyList<ConnectionSummary> connections) =>
        inner.OnComplete(selection.Connections is null ? connections : connections.Where(c => selection.Connections.Contains(c.Connection.Number)).ToArray());
}
