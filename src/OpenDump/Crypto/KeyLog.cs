using System.Globalization;
using System.Text;
using OpenDump.Link;

namespace OpenDump.Crypto;

/// <summary>
/// The AES layer of one connection as learned from its handshake (or supplied by the user):
/// what a capture that starts after InitConnect needs, like a TLS key log entry.
/// </summary>
/// <param name="ConnId">OpenD's connID, when known.</param>
/// <param name="Client">The client address, when known; with <paramref name="Server"/> it matches a connection directly.</param>
/// <param name="Algorithm">Null when not known: every AES mode is then tried.</param>
public sealed record KeyLogEntry(string? ConnId, Endpoint? Client, Endpoint? Server, EncryptionKind? Algorithm, byte[] Key, byte[]? Iv)
{
    public bool Matches(Endpoint client, Endpoint server) => Client == client && Server == server;

    /// <summary>The AES modes worth trying with this entry, most likely first.</summary>
    public IEnumerable<EncryptionKind> Candidates()
    {
        if (Algorithm is { } known)
        {
            yield return known;
            yield break;
        }
        if (Iv is { Length: 16 }) yield return EncryptionKind.AesCbc;
        yield return EncryptionKind.FtAesEcb;
        yield return EncryptionKind.AesEcb;
    }
}

/// <summary>
/// Reads and writes key log files. One connection per line, fields separated by spaces:
/// <code>connId client server algorithm key iv</code>
/// connId is OpenD's connID (or "-"), client and server are "ip:port" (or "-"), algorithm is
/// ftaes-ecb, aes-ecb, aes-cbc (or "-" to try each), key and iv are hex (iv "-" when there is
/// none). Keys are hex because connAESKey is an arbitrary 16-character string. Lines starting
/// with '#' and blank lines are ignored.
/// </summary>
public static class KeyLog
{
    public const string Header = "# opendump key log: connId client server algorithm aesKeyHex ivHex";

    public static IReadOnlyList<KeyLogEntry> Load(string path) => Parse(KeyFile.ReadText(path, "key log"), path);

    public static IReadOnlyList<KeyLogEntry> Parse(string text, string source = "key log")
    {
        var entries = new List<KeyLogEntry>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 6) throw Bad(source, lineNumber, $"expected 6 fields (connId client server algorithm key iv), found {f.Length}");
            entries.Add(new KeyLogEntry(
                Optional(f[0]),
                Optional(f[1]) is { } c ? ParseEndpoint(c, source, lineNumber) : null,
                Optional(f[2]) is { } s ? ParseEndpoint(s, source, lineNumber) : null,
                Optional(f[3]) is { } a ? ParseAlgorithm(a, source, lineNumber) : null,
                ParseHex(f[4], "key", source, lineNumber),
                Optional(f[5]) is { } iv ? ParseHex(iv, "iv", source, lineNumber) : null));
        }
        return entries;
    }

    /// <summary>
    /// A key typed on the command line: 16 characters as OpenD hands them out (connAESKey), or 32
    /// hex digits; the IV likewise.
    /// </summary>
    public static KeyLogEntry FromCommandLine(string key, string? iv)
    {
        var keyBytes = KeyBytes(key, "--aes-key");
        var ivBytes = iv is null ? null : KeyBytes(iv, "--aes-iv");
        return new KeyLogEntry(null, null, null, null, keyBytes, ivBytes);
    }

    public static string Format(KeyLogEntry e) => string.Join(' ',
        e.ConnId ?? "-",
        e.Client?.ToString() ?? "-",
        e.Server?.ToString() ?? "-",
        e.Algorithm?.Name() ?? "-",
        Convert.ToHexStringLower(e.Key),
        e.Iv is null ? "-" : Convert.ToHexStringLower(e.Iv));

    private static byte[] KeyBytes(string text, string option)
    {
        if (text.Length == 16) return Encoding.ASCII.GetBytes(text);
        if (text.Length == 32 && text.All(Uri.IsHexDigit)) return Convert.FromHexString(text);
        throw new KeyLoadException($"{option}: expected 16 characters (as in InitConnect's connAESKey/aesCBCiv) or 32 hex digits, got {text.Length} characters");
    }

    private static string? Optional(string field) => field == "-" ? null : field;

    private static Endpoint ParseEndpoint(string text, string source, int line)
    {
        try
        {
            return Endpoint.Parse(text);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw Bad(source, line, $"'{text}' is not ip:port");
        }
    }

    private static EncryptionKind ParseAlgorithm(string text, string source, int line) => text switch
    {
        "ftaes-ecb" => EncryptionKind.FtAesEcb,
        "aes-ecb" => EncryptionKind.AesEcb,
        "aes-cbc" => EncryptionKind.AesCbc,
        _ => throw Bad(source, line, $"algorithm '{text}' is not ftaes-ecb, aes-ecb or aes-cbc"),
    };

    private static byte[] ParseHex(string text, string what, string source, int line)
    {
        if (text.Length != 32 || !text.All(Uri.IsHexDigit)) throw Bad(source, line, $"{what} must be 32 hex digits (16 bytes)");
        return Convert.FromHexString(text);
    }

    private static KeyLoadException Bad(string source, int line, string why) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{source}:{line}: {why}"));
}
