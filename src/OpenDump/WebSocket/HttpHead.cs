using System.Text;

namespace OpenDump.WebSocket;

/// <summary>
/// The request or status line and header fields of an HTTP/1.1 message: the opening of a WebSocket
/// connection (RFC 6455 §4). Header names compare case-insensitively; repeated fields are kept apart.
/// </summary>
public sealed record HttpHead(
    bool IsRequest,
    string Method,
    string Target,
    int StatusCode,
    string Reason,
    IReadOnlyList<KeyValuePair<string, string>> Fields)
{
    /// <summary>Past this many bytes without the blank line that ends a head, the bytes are not HTTP.</summary>
    public const int MaxHeadBytes = 64 * 1024;

    public string StartLine => IsRequest ? $"{Method} {Target}" : $"{StatusCode} {Reason}";

    /// <summary>All values of a field, comma lists split (RFC 9110 §5.3), in order.</summary>
    public IEnumerable<string> Values(string name) =>
        Fields.Where(f => f.Key.Equals(name, StringComparison.OrdinalIgnoreCase))
            .SelectMany(f => f.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    public string? Field(string name) =>
        Fields.FirstOrDefault(f => f.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    public bool HasToken(string name, string token) => Values(name).Any(v => v.Equals(token, StringComparison.OrdinalIgnoreCase));

    /// <summary>The length of the head including its blank line, or -1 while it is incomplete.</summary>
    public static int FindEnd(ReadOnlySpan<byte> data)
    {
        var at = data.IndexOf("\r\n\r\n"u8);
        return at < 0 ? -1 : at + 4;
    }

    /// <summary>True when the bytes could be the start of an HTTP request (a token and a space).</summary>
    public static bool LooksLikeRequest(ReadOnlySpan<byte> first)
    {
        var space = first.IndexOf((byte)' ');
        if (space < 0) return first.Length < 8 && IsToken(first);
        return space is > 0 and < 8 && IsToken(first[..space]);
    }

    private static bool IsToken(ReadOnlySpan<byte> s)
    {
        foreach (var b in s)
            if (b is < (byte)'A' or > (byte)'Z') return false;
        return true;
    }

    /// <summary>Parses a complete head (as cut by <see cref="FindEnd"/>); a problem names the first thing wrong.</summary>
    public static HttpHead? TryParse(ReadOnlySpan<byte> head, out string? problem)
    {
        problem = null;
        // Latin-1 keeps every byte visible in messages; HTTP field values are octets, not UTF-8.
        var text = Encoding.Latin1.GetString(head).TrimEnd('\r', '\n');
        var lines = text.Split("\r\n");
        var start = lines[0];
        var parts = start.Split(' ', 3);
        HttpHead? result;
        if (start.StartsWith("HTTP/", StringComparison.Ordinal))
        {
            if (parts.Length < 2 || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var status) || parts[1].Length != 3)
            {
                problem = $"status line \"{Printable(start)}\" has no three-digit status code";
                return null;
            }
            result = new HttpHead(false, "", "", status, parts.Length > 2 ? parts[2] : "", []);
        }
        else
        {
            if (parts.Length != 3 || !parts[2].StartsWith("HTTP/", StringComparison.Ordinal) || parts[0].Length == 0 || parts[1].Length == 0)
            {
                problem = $"request line \"{Printable(start)}\" is not \"METHOD target HTTP/version\"";
                return null;
            }
            result = new HttpHead(true, parts[0], parts[1], 0, "", []);
        }

        var fields = new List<KeyValuePair<string, string>>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            var colon = line.IndexOf(':');
            if (colon <= 0 || line[..colon].Any(char.IsWhiteSpace))
            {
                problem ??= $"header line {i + 1} \"{Printable(line)}\" is not \"name: value\"";
                continue;
            }
            fields.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }
        return result with { Fields = fields };
    }

    private static string Printable(string s)
    {
        var cut = s.Length > 80 ? s[..80] + "…" : s;
        return new string(cut.Select(c => c is < ' ' or > '~' and < '\u00a0' ? '?' : c).ToArray());
    }
}
