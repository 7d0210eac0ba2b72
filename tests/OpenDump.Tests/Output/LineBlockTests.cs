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
            var line = writer.TakeLine(this);
            lines.Add((line.Block!, line.Offset, line.Length, text));
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
        var first = writer.TakeLine(this);
        writer.BeginLine();
        writer.GetSpan(100); // does not fit: the writer leaves the first block
        Assert.Equal(0, pool.Returned);
        first.Block!.LinesDone(1);
        Assert.Equal(1, pool.Returned);

        // A line interrupted (its rendering threw) is dropped by the next BeginLine.
        "garbage"u8.CopyTo(writer.GetSpan(7));
        writer.Advance(7);
        writer.BeginLine();
        "ok\n"u8.CopyTo(writer.GetSpan(3));
        writer.Advance(3);
        var line = writer.TakeLine(this);
        Assert.Equal("ok\n", Encoding.ASCII.GetString(line.Buffer, line.Offset, line.Length));
    }

    [Fact]
    public void Lines_written_on_another_thread_as_they_are_handed_over_return_every_block_left_exactly_once()
    {
        // The worker counts its lines without an atomic and tells the total when it seals a block; the writing thread
        // adds the lines it wrote in runs. Whichever comes last must return the block, and only once.
        for (var round = 0; round < 5; round++)
        {
            var pool = new CountingPool();
            var writer = new LineBlockWriter(blockSize: 256, pool);
            var handed = new System.Collections.Concurrent.BlockingCollection<LineBlock>(boundedCapacity: round % 2 == 0 ? 4 : 4096);
            const int lines = 200_000;
            var worker = new Thread(() =>
            {
                for (var i = 0; i < lines; i++)
                {
                    writer.BeginLine();
                    var length = 5 + i % 37;
                    writer.GetSpan(length)[..length].Fill((byte)'x');
                    writer.Advance(length);
                    handed.Add(writer.TakeLine(this).Block!);
                }
                handed.CompleteAdding();
            });
            var random = new Random(round);
            var written = 0;
            var consumer = new Thread(() =>
            {
                LineBlock? run = null;
                var runLines = 0;
                foreach (var block in handed.GetConsumingEnumerable())
                {
                    written++;
                    if (ReferenceEquals(block, run) && runLines < random.Next(1, 8))
                    {
                        runLines++;
                        continue;
                    }
                    run?.LinesDone(runLines);
                    (run, runLines) = (block, 1);
                    // As a writer flushing when it has caught up: the block's lines can then all be done before it is sealed.
                    if (handed.Count == 0)
                    {
                        run.LinesDone(runLines);
                        (run, runLines) = (null, 0);
                    }
                }
                run?.LinesDone(runLines);
            });
            worker.Start();
            consumer.Start();
            worker.Join();
            consumer.Join();
            Assert.Equal(lines, written);
            Assert.True(pool.Rented > 1000, $"{pool.Rented} blocks");
            // All but the block the worker is still in.
            Assert.Equal(pool.Rented - 1, pool.Returned);
            Assert.Equal(pool.Returned, pool.Distinct);
        }
    }

    private sealed class CountingPool : ArrayPool<byte>
    {
        private readonly HashSet<byte[]> _returned = new(ReferenceEqualityComparer.Instance);
        public int Rented { get; private set; }
        public int Returned { get; private set; }
        public int Distinct => _returned.Count;

        public override byte[] Rent(int minimumLength)
        {
            lock (_returned) Rented++;
            return new byte[minimumLength];
        }

        public override void Return(byte[] array, bool clearArray = false)
        {
            lock (_returned)
            {
                Returned++;
                _returned.Add(array);
            }
        }
    }
}
