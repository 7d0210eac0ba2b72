using System.Net;
using OpenDump.Crypto;
using OpenDump.Link;
using OpenDump.Reassembly;
using OpenDump.Session;
using Xunit;

namespace OpenDump.Tests.Sessions;

public sealed class PlaintextLoansTests
{
    [Fact]
    public void A_length_lent_again_reuses_the_array_and_a_kept_body_gets_its_own_copy()
    {
        var loans = PlaintextLoans.ForThisThread;
        var first = loans.Lend([1, 2, 3]);
        var frame = Frame(first);
        PlaintextLoans.GiveBack(frame, first, keep: true);
        Assert.NotSame(first, frame.Plaintext);
        Assert.Equal([1, 2, 3], frame.Plaintext);

        var second = loans.Lend([4, 5, 6]);
        Assert.Same(first, second);
        Assert.Equal([1, 2, 3], frame.Plaintext);

        var given = Frame(second);
        PlaintextLoans.GiveBack(given, second, keep: false);
        Assert.Null(given.Plaintext);
    }

    [Fact]
    public void A_body_longer_than_the_lent_ones_is_its_own_array_and_is_kept_as_it_is()
    {
        var body = Enumerable.Range(0, 20_000).Select(i => (byte)i).ToArray();
        var loans = PlaintextLoans.ForThisThread;
        var lent = loans.Lend(body);
        Assert.NotSame(lent, loans.Lend(body));

        var frame = Frame(lent);
        PlaintextLoans.GiveBack(frame, lent, keep: true);
        Assert.Same(lent, frame.Plaintext);
        Assert.Equal(body, frame.Plaintext);
    }

    private static OpenDFrame Frame(byte[] plaintext) => new()
    {
        Number = 1, TimestampMicros = 1, PacketNumber = 1,
        Connection = new TcpConnection(1, new Endpoint(IPAddress.Loopback, 50000), new Endpoint(IPAddress.Loopback, 11111), 0, false, Transport.Tcp),
        Direction = FlowDirection.ServerToClient, Transport = Transport.Tcp, ProtoId = 3005, SerialNo = 1, BodyLen = (uint)plaintext.Length,
        ProtoFmt = 0, Proto = null, Kind = FrameKind.Push, Encryption = EncryptionKind.None, Decrypted = false, Sha1Ok = true,
        Plaintext = plaintext,
    };
}
