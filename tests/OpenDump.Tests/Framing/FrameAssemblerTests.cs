using System.Security.Cryptography;
using OpenDump.Framing;
using Xunit;

namespace OpenDump.Tests.Framing;

public sealed class FrameAssemblerTests
{
    private static byte[] Frame(uint protoId, uint serialNo, byte[] body, byte fmt = 0)
    {
        var header = new FrameHeader(protoId, fmt, 0, serialNo, (uint)body.Length, SHA1.HashData(body));
        var bytes = new byte[FrameHeader.Size + body.Length];
        header.WriteTo(bytes);
        body.CopyTo(bytes, FrameHeader.Size);
        return bytes;
    }

    private sealed class Recorder : IFrameHandler
    {
        public List<(uint ProtoId, uint SerialNo, byte[] Body, long Offset, long Packet)> Frames { get; } = [];
        public List<(byte[] Sample, HeaderProblem Problem, long Offset)> Garbage { get; } = [];
        public List<(FrameHeader? Header, int Seen, string Reason)> Truncated { get; } = [];

        public Func<FrameHeader, bool> Accept { get; set; } = _ => true;
        public Func<FrameHeader, bool> Expect { get; set; } = _ => true;
        public bool IsExpected(in FrameHeader header) => Expect(header);

        public bool OnFrame(in FrameHeader header, ReadOnlySpan<byte> body, in StreamPosition position)
        {
            if (!Accept(header)) return false;
            Frames.Add((header.ProtoId, header.SerialNo, body.ToArray(), position.StreamOffset, position.PacketNumber));
            return true;
        }
        public void OnGarbage(ReadOnlySpan<byte> sample, long length, HeaderProblem firstProblem, bool frameFollows, in StreamPosition position) =>
            Garbage.Add((sample.ToArray(), firstProblem, position.StreamOffset));
        public void OnTruncatedFrame(FrameHeader? header, int bytesSeen, string reason, in StreamPosition position) =>
            Truncated.Add((header, bytesSeen, reason));
    }

    [Fact]
    public void Header_fields_are_read_little_endian_at_their_offsets()
    {
        var bytes = Frame(0x01020304, 0x0a0b0c0d, [1, 2, 3], fmt: 1);
        Assert.Equal([(byte)'F', (byte)'T', 4, 3, 2, 1, 1, 0, 0x0d, 0x0c, 0x0b, 0x0a, 3, 0, 0, 0], bytes[..16]);
        var h = FrameHeader.Read(bytes);
        Assert.Equal((0x01020304u, (byte)1, 0x0a0b0c0du, 3u), (h.ProtoId, h.ProtoFmt, h.SerialNo, h.BodyLen));
        Assert.True(h.Sha1Equals(SHA1.HashData(new byte[] { 1, 2, 3 })));
        Assert.Equal(new byte[8], bytes[36..44]);
    }

    [Theory]
    [InlineData(0, ScanStatus.NeedMore)]
    [InlineData(1, ScanStatus.NeedMore)]
    [InlineData(43, ScanStatus.NeedMore)]
    [InlineData(44, ScanStatus.NeedMore)]
    [InlineData(46, ScanStatus.Frame)]
    public void Scanner_says_need_more_until_the_whole_frame_is_there(int available, ScanStatus expected)
    {
        var bytes = Frame(1004, 7, [9, 9]);
        var status = FrameScanner.Scan(bytes.AsSpan(0, available), 1 << 20, out _, out var length, out _);
        Assert.Equal(expected, status);
        if (status == ScanStatus.NeedMore && available >= 44) Assert.Equal(46, length);
    }

    [Fact]
    public void An_absurd_body_length_is_lost_sync_not_a_wait()
    {
        var bytes = Frame(3005, 1, [1]);
        bytes[FrameHeader.BodyLenOffset + 3] = 0x7f;
        Assert.Equal(ScanStatus.Invalid, FrameScanner.Scan(bytes, 64 << 20, out _, out _, out var problem));
        Assert.Equal(HeaderProblem.BodyTooLarge, problem);
    }

    [Theory]
    [InlineData(FrameHeader.ProtoFmtOffset, 7, HeaderProblem.BadFormat)]
    [InlineData(0, (byte)'X', HeaderProblem.BadMagic)]
    public void Bad_format_or_magic_is_invalid(int offset, byte value, HeaderProblem expected)
    {
        var bytes = Frame(3005, 1, [1]);
        bytes[offset] = value;
        Assert.Equal(ScanStatus.Invalid, FrameScanner.Scan(bytes, 1 << 20, out _, out _, out var problem));
        Assert.Equal(expected, problem);
    }

    [Fact]
    public void Many_frames_in_one_chunk_come_out_in_order_with_their_offsets()
    {
        var frames = Enumerable.Range(1, 50).Select(i => Frame(3011, (uint)i, Enumerable.Repeat((byte)i, i).ToArray())).ToList();
        var rec = new Recorder();
        using var asm = new FrameAssembler(rec, 1 << 20);
        asm.Append(frames.SelectMany(f => f).ToArray(), 1, 1);

        Assert.Equal(Enumerable.Range(1, 50).Select(i => (uint)i), rec.Frames.Select(f => f.SerialNo));
        Assert.Equal(Enumerable.Repeat((byte)17, 17), rec.Frames[16].Body);
        Assert.Equal(frames.Take(10).Sum(f => f.Length), rec.Frames[10].Offset);
        Assert.Empty(rec.Garbage);
    }

    [Fact]
    public void A_frame_fed_one_byte_at_a_time_completes_on_its_last_byte()
    {
        var body = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();
        var bytes = Frame(3103, 42, body);
        var rec = new Recorder();
        using var asm = new FrameAssembler(rec, 1 << 20);
        for (var i = 0; i < bytes.Length; i++)
        {
            asm.Append(bytes.AsSpan(i, 1), i, i + 1);
            Assert.Equal(i == bytes.Length - 1 ? 1 : 0, rec.Frames.Count);
        }
        Assert.Equal(body, rec.Frames[0].Body);
        Assert.Equal(bytes.Length, rec.Frames[0].Packet);
    }

    [Fact]
    public void Garbage_between_frames_is_reported_once_with_its_bytes_and_framing_resumes()
    {
        var garbage = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray();
        var stream = Frame(1004, 1, [1]).Concat(garbage).Concat(Frame(1004, 2, [2])).ToArray();
        var rec = new Recorder();
        using var asm = new FrameAssembler(rec, 1 << 20);
        asm.Append(stream, 1, 1);
        asm.Complete(2, 2, "FIN");

        Assert.Equal([1u, 2u], rec.Frames.Select(f => f.SerialNo));
        var g = Assert.Single(rec.Garbage);
        Assert.Equal(garbage, g.Sample);
        Assert.Equal(HeaderProblem.BadMagic, g.Problem);
        Assert.Equal(45, g.Offset);
        Assert.Equal(garbage.Length, asm.GarbageBytes);
    }

    [Fact]
    public void A_frame_cut_by_the_end_of_the_stream_is_reported_with_its_header()
    {
        var bytes = Frame(3006, 9, new byte[1000]);
        var rec = new Recorder();
        using var asm = new FrameAssembler(rec, 1 << 20);
        asm.Append(bytes.AsSpan(0, 600), 1, 1);
        asm.Complete(2, 2, "end of capture");

        Assert.Empty(rec.Frames);
        var t = Assert.Single(rec.Truncated);
        Assert.Equal(3006u, t.Header!.Value.ProtoId);
        Assert.Equal(600, t.Seen);
        Assert.Equal("end of capture", t.Reason);
    }

    [Fact]
    public void After_a_gap_the_frame_in_progress_is_lost_and_the_next_header_is_found()
    {
        var first = Frame(3011, 1, new byte[300]);
        var second = Frame(3011, 2, new byte[10]);
        var rec = new Recorder();
        using var asm = new FrameAssembler(rec, 1 << 20);
        asm.Append(first.AsSpan(0, 100), 1, 1);
        asm.Gap(150, 2, 2);
        asm.Append(first.AsSpan(250).ToArray().Concat(second).ToArray(), 3, 3);

        Assert.Equal([2u], rec.Frames.Select(f => f.SerialNo));
        Assert.Single(rec.Truncated);
        Assert.Equal(first.Length, rec.Frames[0].Offset);

        // 100 bytes of the lost frame, 150 never captured, its last 94 skipped, then a whole frame.
        var a = asm.Accounting;
        Assert.Equal((first.Length + second.Length, (long)second.Length, 150L, 94L, 100L, 0L), (a.StreamBytes, a.FrameBytes, a.GapBytes, a.GarbageBytes, a.LostFrameBytes, a.PendingBytes));
        Assert.True(a.AddsUp);
    }

    [Fact]
    public void A_rejected_header_becomes_garbage_and_the_search_resumes_at_the_next_byte()
    {
        var stream = Frame(3011, 1, [1, 2]).Concat(Frame(3011, 2, [3])).Concat(Frame(3011, 3, [4])).ToArray();
        var rec = new Recorder { Accept = h => h.SerialNo != 2 };
        using var asm = new FrameAssembler(rec, 1 << 20);
        asm.Append(stream, 1, 1);
        asm.Complete(2, 2, "FIN");

        Assert.Equal([1u, 3u], rec.Frames.Select(f => f.SerialNo));
        var g = Assert.Single(rec.Garbage);
        Assert.Equal(HeaderProblem.Sha1Rejected, g.Problem);
        Assert.Equal(46, g.Offset);
        Assert.True(asm.Accounting.AddsUp);
        Assert.Equal(45, asm.Accounting.GarbageBytes);
    }

    [Fact]
    public void Frames_swallowed_by_a_corrupted_body_length_are_recovered_when_the_stream_ends()
    {
        var corrupted = Frame(3011, 1, new byte[10]);
        corrupted[FrameHeader.BodyLenOffset + 1] = 0x40; // claims 16394 bytes
        var stream = corrupted.Concat(Frame(3011, 2, [7])).Concat(Frame(3011, 3, [8, 9])).ToArray();
        var rec = new Recorder();
        using var asm = new FrameAssembler(rec, 1 << 20);
        asm.Append(stream, 1, 1);
        Assert.Empty(rec.Frames); // still waiting for the claimed body
        asm.Complete(2, 2, "end of capture");

        Assert.Equal([2u, 3u], rec.Frames.Select(f => f.SerialNo));
        var lost = Assert.Single(rec.Truncated);
        Assert.Equal((1u, 54), (lost.Header!.Value.SerialNo, lost.Seen));
        var a = asm.Accounting;
        Assert.True(a.AddsUp);
        Assert.Equal((54L, (long)stream.Length - 54, 0L), (a.LostFrameBytes, a.FrameBytes, a.PendingBytes));
    }

    [Fact]
    public void Resync_skips_ft_bytes_whose_reserved_field_is_not_zero()
    {
        var decoy = Frame(3011, 99, [1]);
        decoy[FrameHeader.ReservedOffset + 3] = 1;
        var stream = new byte[] { 0xde, 0xad }.Concat(decoy).Concat(Frame(3011, 5, [2])).ToArray();
        var rec = new Recorder();
        using var asm = new FrameAssembler(rec, 1 << 20);
        asm.Append(stream, 1, 1);
        asm.Complete(2, 2, "FIN");
        Assert.Equal([5u], rec.Frames.Select(f => f.SerialNo));
        Assert.Equal(2 + decoy.Length, asm.Accounting.GarbageBytes);
    }
}
