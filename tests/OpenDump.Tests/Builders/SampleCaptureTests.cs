using OpenDump.Testing;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.Builders;

/// <summary>
/// captures/sample.pcap is generated; these tests keep the committed file and its generator in step.
/// When they fail after a deliberate change, regenerate it as captures/README.md says.
/// </summary>
public sealed class SampleCaptureTests
{
    private static string Captures(string name) => Path.Combine(Fixtures.RepoRoot, "captures", name);

    [Fact]
    public void The_committed_sample_is_what_the_generator_writes()
    {
        var key = TestCrypto.LoadRsaKeyPair(Captures(SampleCapture.KeyFileName));
        Assert.True(SampleCapture.Pcap(key).AsSpan().SequenceEqual(File.ReadAllBytes(Captures("sample.pcap"))),
            "captures/sample.pcap differs from SampleCapture: run `dotnet run --project tests/OpenDump.Samples -- captures/sample.pcap`");
    }

    [Fact]
    public void The_sample_has_a_cbc_quote_connection_and_an_ftaes_trade_connection()
    {
        var key = TestCrypto.LoadRsaKeyPair(Captures(SampleCapture.KeyFileName));
        var quote = SampleCapture.Quote(key);
        var trade = SampleCapture.Trade(key);

        Assert.Equal(BodyEncryption.AesCbc, quote.Keys!.Encryption);
        Assert.Equal(BodyEncryption.FtAesEcb, trade.Keys!.Encryption);
        Assert.Contains(quote.Messages, m => m.ProtoId == 3004 && m.Dir == Direction.ServerToClient
            && QotGetBasicQot.Response.Parser.ParseFrom(m.Plaintext).RetType == -1);
        Assert.Contains(trade.Messages, m => m.ProtoId == 2208);

        // The history reply is the one frame that needs many segments (about twenty).
        var history = quote.Messages.Single(m => m.ProtoId == 3103 && m.Dir == Direction.ServerToClient);
        Assert.InRange((history.Bytes.Length + 1447) / 1448, 18, 22);
    }
}
