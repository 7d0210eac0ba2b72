using System.IO.Compression;

namespace OpenDump.WebSocket;

/// <summary>
/// Inflates permessage-deflate messages of one sender (RFC 7692 §7.2.2) with .NET's zlib: each
/// message gets the 00 00 FF FF tail back, and with context takeover one inflater lives across
/// messages so back-references into earlier messages resolve.
/// </summary>
internal sealed class PerMessageInflater : IDisposable
{
    private static readonly byte[] SyncTail = [0x00, 0x00, 0xff, 0xff];
    private readonly FeedStream _feed = new();
    private DeflateStream? _inflater;

    /// <summary>True once a message has been inflated on this window: a broken one then loses the context for later messages.</summary>
    public bool HasContext { get; private set; }

    /// <summary>
    /// Inflates one message into <paramref name="output"/> (grown from the pool as needed). Returns the
    /// length, or -1 with the reason; after a failure the window is gone and the next message starts afresh.
    /// </summary>
    public int Inflate(ReadOnlySpan<byte> compressed, bool noContextTakeover, long maxLength, ref byte[] output, out string? problem)
    {
        problem = null;
        if (noContextTakeover || _inflater is null) Reset();
        _feed.Set(compressed, SyncTail);
        var total = 0;
        try
        {
            while (true)
            {
                if (total == output.Length) Grow(ref output, total);
                var n = _inflater!.Read(output, total, output.Length - total);
                if (n == 0) break;
                total += n;
                if (total > maxLength)
                {
                    problem = $"inflates to more than {maxLength} bytes";
                    Reset();
                    return -1;
                }
            }
        }
        catch (InvalidDataException e)
        {
            problem = $"broken DEFLATE data: {e.Message}";
            Reset();
            return -1;
        }
        if (_feed.Remaining > 0)
        {
            // A final (BFINAL) block ended the DEFLATE stream early; what follows it cannot belong to this message.
            problem = $"{_feed.Remaining} bytes after the end of the DEFLATE stream";
            Reset();
            return -1;
        }
        HasContext = !noContextTakeover;
        return total;
    }

    public void Reset()
    {
        _inflater?.Dispose();
        _inflater = new DeflateStream(_feed, CompressionMode.Decompress, leaveOpen: true);
        HasContext = false;
    }

    private static void Grow(ref byte[] output, int used)
    {
        var bigger = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(4096, output.Length * 2));
        output.AsSpan(0, used).CopyTo(bigger);
        if (output.Length > 0) System.Buffers.ArrayPool<byte>.Shared.Return(output);
        output = bigger;
    }

    public void Dispose() => _inflater?.Dispose();

    /// <summary>Hands the inflater one message and its tail, then reports end of data until the next one.</summary>
    private sealed class FeedStream : Stream
    {
        private byte[] _data = [];
        private int _length;
        private int _position;

        public int Remaining => _length - _position;

        public void Set(ReadOnlySpan<byte> message, ReadOnlySpan<byte> tail)
        {
            var needed = message.Length + tail.Length;
            if (_data.Length < needed)
            {
                if (_data.Length > 0) System.Buffers.ArrayPool<byte>.Shared.Return(_data);
                _data = System.Buffers.ArrayPool<byte>.Shared.Rent(needed);
            }
            message.CopyTo(_data);
            tail.CopyTo(_data.AsSpan(message.Length));
            _length = needed;
            _position = 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, Remaining);
            _data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
