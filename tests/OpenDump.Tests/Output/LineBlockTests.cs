using System.Buffers;
using System.Text;
using OpenDump.Output;
using Xunit;

namespace OpenDump.Tests.JsonLines;

/// <summary>
/// Workers render JSON lines back to back into pooled blocks; a line that outgrows its block moves whole to the
/// next, and a block goes back to the pool only when its worker has left it and all its lines were written.
/// </summary>
public sealed class LineBlockTests
{
    [Fact]
    public void Lines_sit_back_to_back_and_one_that_outgrows_its_block_moves_whole_to_the_next()
    {
        var pool = new CountingPool();
        var writer = new LineBlockWriter(blockSize: 64, pool);
        var lines = new List<(LineBlock Block, int Offset, int Length, string Text)>();
        for (var i = 0; i < 40; i++)
        {
            var text = new string((char)('a' + i % 26), 1 + i * 7 % 50) + "\n";
            writer.BeginLine();
            // Written in pieces, as the JSON writer does, so a line is often cut by the end of a block.
            foreach (var piece in text.Chunk(9))
            {
                var bytes = Encoding.ASCII.GetBytes(piece);
                bytes.CopyTo(writer.GetSpan(bytes.Length));
                writer.Advance(bytes.Length);
            }
            var (block, offset, length) = writer.TakeLine();
            lines.Add((block, offset, length, text));
        }

        foreach (var (block, offset, length, text) in lines) Assert.Equal(text, Encoding.ASCII.GetString(block.Buffer, offset, length));
        for (var i = 1; i < lines.Count; i++)
            if (ReferenceEquals(lines[i].Block, lines[i - 1].Block)) Assert.Equal(lines[i - 1].Offset + lines[i - 1].Length, lines[i].Offset);
        var blocks = lines.Select(l => l.Block).Distinct().ToList();
        Assert.True(blocks.Count > 10, $"{blocks.Count} blocks");
        Assert.Equal(blocks.Count, pool.Rented);
        Assert.Equal(0, pool.Returned);

        // Every block the writer has left is returned once its lines are done, in any order; the current one is kept.
        foreach (var group in lines.GroupBy(l => l.Block).Reverse()) group.Key.LinesDone(group.Count());
        Assert.Equal(blocks.Count - 1, pool.Returned);
        Assert.Equal(blocks.Count - 1, pool.Distinct);
    }

    [Fact]
    public void A_block_left_with_lines_outstanding_is_returned_when_the_last_one_is_written()
    {
        var pool = new CountingPool();
        var writer = new LineBlockWriter(blockSize: 32, pool);
        writer.BeginLine();
        "0123456789"u8.CopyTo(writer.GetSpan(10));
        writer.Advance(10);
        var first = writer.TakeLine();
        writer.BeginLine();
        writer.GetSpan(100); // does not fit: the writer leaves the first block
        Assert.Equal(0, pool.Returned);
        first.Block.LinesDone(1);
        Assert.Equal(1, pool.Returned);

        // A line interrupted (its rendering threw) is dropped by the next BeginLine.
        "garbage"u8.CopyTo(writer.GetSpan(7));
        writer.Advance(7);
        writer.BeginLine();
        "ok\n"u8.CopyTo(writer.GetSpan(3));
        writer.Advance(3);
        var line = writer.TakeLine();
        Assert.Equal("ok\n", Encoding.ASCII.GetString(line.Block.Buffer, line.Offset, line.Length));
    }

    private sealed class CountingPool : ArrayPool<byte>
    {
        private readonly HashSet<byte[]> _returned = new(ReferenceEqualityComparer.Instance);
        public int Rented { get; private set; }
        public int Returned { get; private set; }
        public int Distinct => _returned.Count;

        public override byte[] Rent(int minimumLength)
        {
            Rented++;
            return new byte[minimumLength];
        }

        public override void Return(byte[] array, bool clearArray = false)
        {
            Returned++;
            _returned.Add(array);
        }
    }
}
