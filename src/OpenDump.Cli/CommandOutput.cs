namespace OpenDump.Cli;

/// <summary>
/// Where a command's data goes: standard output, or the file of -o. A file that cannot be created, and data that
/// cannot be written (a full disk, a closed pipe), are one message and exit code 3.
/// </summary>
internal static class CommandOutput
{
    public static int Write(Stream stdout, string? outPath, TextWriter stderr, Func<Stream, int> write)
    {
        Stream output;
        try
        {
            // Write-only: opened for reading too (File.Create), a named pipe never reported its reader gone, and the run
            // blocked once the pipe was full.
            output = outPath is null ? stdout : new FileStream(outPath, FileMode.Create, FileAccess.Write, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"opendump: error: cannot write {outPath}: {e.Message}");
            return ExitCodes.CannotOpen;
        }
        return Guarded(new GuardedOutput(output, outPath ?? "standard output", ownsInner: outPath is not null), stderr, write);
    }

    /// <summary>Runs <paramref name="write"/> on <paramref name="output"/>, which it disposes, and reports a failed write.</summary>
    public static int Guarded(GuardedOutput output, TextWriter stderr, Func<Stream, int> write)
    {
        try
        {
            using (output) return write(output);
        }
        catch (OutputWriteException e)
        {
            stderr.WriteLine($"opendump: error: {e.Message}");
            return ExitCodes.CannotOpen;
        }
    }
}

/// <summary>A write to a command's output failed; the message says where the data was going and why.</summary>
internal sealed class OutputWriteException(string where, Exception inner) : Exception($"cannot write {where}: {inner.Message}", inner);

/// <summary>
/// A command's output stream whose failed writes are <see cref="OutputWriteException"/>s: an I/O error there is the
/// output's problem, told apart from every other I/O the run does. Data goes through unchanged and unbuffered.
/// </summary>
internal sealed class GuardedOutput(Stream inner, string where, bool ownsInner) : Stream
{
    private bool _disposed;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_disposed && inner.CanWrite;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            inner.Write(buffer);
        }
        catch (IOException e)
        {
            throw new OutputWriteException(where, e);
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush()
    {
        try
        {
            inner.Flush();
        }
        catch (IOException e)
        {
            throw new OutputWriteException(where, e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (_disposed || !disposing) return;
        _disposed = true;
        try
        {
            // A file keeps what it buffered until it is closed: that last write can fail too.
            if (ownsInner) inner.Dispose();
            else inner.Flush();
        }
        catch (IOException e)
        {
            throw new OutputWriteException(where, e);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
