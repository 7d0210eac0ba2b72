namespace OpenDump.Crypto;

/// <summary>Reading a key file (RSA key, key log) with one kind of error for every way it can fail.</summary>
internal static class KeyFile
{
    public static string ReadText(string path, string what)
    {
        // .NET reports a directory as a path it may not access, which sends the user looking at permissions.
        if (Directory.Exists(path)) throw new KeyLoadException($"cannot read {what} '{path}': it is a directory");
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeyLoadException($"cannot read {what} '{path}': {e.Message}", e);
        }
    }
}
