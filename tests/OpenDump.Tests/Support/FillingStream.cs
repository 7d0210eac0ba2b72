namespace OpenDump.Tests.Support;

/// <summary>A device that takes so many bytes and then fails every write, as a full disk does (and, if asked, every flush).</summary>
internal sealed class FillingStream(long capacity) : Stream
{
    public long Accepted { get; private set; }
    public bool FailFlush { get; init; }
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Accepted;
    public override long Position { get => Accepted; set => throw new NotSupportedException(); }

    public override void Flush()
    {
        if (FailFlush) throw new IOException("No space left on device");
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Accepted + buffer.Length > capacity) throw new IOException("No space left on device");
        Accepted += buffer.Length;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
