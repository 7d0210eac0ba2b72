using System.Buffers.Binary;
using System.Security.Cryptography;
using OpenDump.Testing;
using Xunit;

namespace OpenDump.Tests.Builders;

public sealed class OpenDFramesTests
{
    [Fact]
    public void Header_follows_the_wire_diagram_and_hashes_the_plaintext()
    {
        var plaintext = "the plaintext body"u8.ToArray();
        var wire = new byte[] { 9, 8, 7, 6, 5 };

        var frame = OpenDFrames.Frame(protoId: 3004, serialNo: 0x01020304, plaintext, wire, protoFmt: 1, protoVer: 2);

        Assert.Equal(OpenDFrames.HeaderLength + wire.Length, frame.Length);
        Assert.Equal("FT"u8.ToArray(), frame[..2]);
        Assert.Equal(3004u, BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(2)));
        Assert.Equal(1, frame[6]);
        Assert.Equal(2, frame[7]);
        Assert.Equal(0x01020304u, BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(8)));
        Assert.Equal((uint)wire.Length, BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(12)));
        Assert.Equal(SHA1.HashData(plaintext), frame[16..36]);
        Assert.Equal(new byte[8], frame[36..44]);
        Assert.Equal(wire, frame[44..]);
    }

    [Fact]
    public void A_clear_frame_carries_its_plaintext_as_the_body()
    {
        var body = new byte[] { 1, 2, 3 };
        var frame = OpenDFrames.Frame(1004, 7, body);
        Assert.Equal(body, frame[44..]);
        Assert.Equal(SHA1.HashData(body), frame[16..36]);
        Assert.Equal(OpenDFrames.FormatProtobuf, frame[6]);
    }

    [Fact]
    public void A_hand_made_header_may_lie_about_its_length()
    {
        var header = OpenDFrames.Header(3103, 1, bodyLength: 0x7FFF_FFFF, sha1: new byte[20]);
        Assert.Equal(OpenDFrames.HeaderLength, header.Length);
        Assert.Equal(0x7FFF_FFFFu, BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(12)));
    }
}
