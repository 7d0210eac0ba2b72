namespace OpenDump.Cli;

/// <summary>Where a command's data goes: standard output, or the file of -o (a file that cannot be written is exit code 3).</summary>
internal static class CommandOutput
{
    public static int Write(Stream stdout, string? outPath, TextWriter stderr, Func<Stream, int> write)
    {
        Stream output;
        try
        {
            output = outPath is null ? stdout : File.Create(outPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"opendump: error: cannot write {outPath}: {e.Message}");
            return ExitCodes.CannotOpen;
        }
        using (outPath is null ? null : output) return write(output);
    }
}
