namespace OpenDump.WebSocket;

/// <summary>One offered or accepted extension of Sec-WebSocket-Extensions (RFC 6455 §9.1).</summary>
public sealed record WebSocketExtension(string Name, IReadOnlyList<KeyValuePair<string, string?>> Parameters)
{
    public override string ToString() =>
        string.Join("; ", Parameters.Select(p => p.Value is null ? p.Key : $"{p.Key}={p.Value}").Prepend(Name));

    public bool Has(string parameter) => Parameters.Any(p => p.Key.Equals(parameter, StringComparison.OrdinalIgnoreCase));

    public string? Value(string parameter) =>
        Parameters.FirstOrDefault(p => p.Key.Equals(parameter, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Every extension in the head's Sec-WebSocket-Extensions fields, in order.</summary>
    public static IReadOnlyList<WebSocketExtension> Parse(HttpHead head) =>
        head.Values("Sec-WebSocket-Extensions").Select(ParseOne).ToArray();

    private static WebSocketExtension ParseOne(string text)
    {
        var parts = text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var parameters = parts.Skip(1).Select(p =>
        {
            var eq = p.IndexOf('=');
            return eq < 0
                ? new KeyValuePair<string, string?>(p, null)
                : new KeyValuePair<string, string?>(p[..eq].Trim(), p[(eq + 1)..].Trim().Trim('"'));
        }).ToArray();
        return new WebSocketExtension(parts.Length > 0 ? parts[0] : "", parameters);
    }
}

/// <summary>
/// What the server accepted of permessage-deflate (RFC 7692 §7.1). Context takeover is per sender:
/// without it every message of that sender is a fresh DEFLATE stream, with it the window carries over.
/// </summary>
public sealed record PerMessageDeflate(bool ServerNoContextTakeover, bool ClientNoContextTakeover, int? ServerMaxWindowBits, int? ClientMaxWindowBits)
{
    public const string ExtensionName = "permessage-deflate";

    /// <summary>Assumed when compressed frames appear but the handshake that negotiated them was not captured.</summary>
    public static PerMessageDeflate Assumed { get; } = new(false, false, null, null);

    public bool NoContextTakeover(bool fromServer) => fromServer ? ServerNoContextTakeover : ClientNoContextTakeover;

    public static PerMessageDeflate? From(IReadOnlyList<WebSocketExtension> accepted, out string? problem)
    {
        problem = null;
        var ext = accepted.FirstOrDefault(e => e.Name.Equals(ExtensionName, StringComparison.OrdinalIgnoreCase));
        if (ext is null) return null;
        return new PerMessageDeflate(ext.Has("server_no_context_takeover"), ext.Has("client_no_context_takeover"),
            Bits(ext, "server_max_window_bits", ref problem), Bits(ext, "client_max_window_bits", ref problem));
    }

    private static int? Bits(WebSocketExtension ext, string name, ref string? problem)
    {
        if (!ext.Has(name) || ext.Value(name) is not { } text) return null;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bits) && bits is >= 8 and <= 15) return bits;
        problem = $"{name}={text} is outside 8..15";
        return null;
    }
}
