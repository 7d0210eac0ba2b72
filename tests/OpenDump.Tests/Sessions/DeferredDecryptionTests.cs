using OpenDump.Capture;
using OpenDump.Crypto;
using OpenDump.Diagnostics;
using OpenDump.Reassembly;
using OpenDump.Session;
using OpenDump.Testing;
using OpenDump.Tests.EndToEnd;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.Sessions;

/// <summary>
/// What a session hands over to a delivery that defers SHA-1s (Session/Sha1Speculation): on a proven AES connection the
/// body still encrypted, with the cipher that decrypts it, so that decryption leaves the framing thread with the hash.
/// </summary>
public sealed class DeferredDecryptionTests
{
    private sealed record Handed(uint ProtoId, ulong SerialNo, byte[] Body, bool Sha1Deferred, BodyCipher? DecryptWith, OpenDFrame Frame);

    /// <summary>Records what the sessions hand over, and decodes nothing.</summary>
    private sealed class RecordingDelivery(bool defers) : FrameDelivery(new CollectingSink(), BodyDetail.Verdict, lendPlaintext: false)
    {
        public readonly List<Handed> Frames = [];
        public readonly List<Diagnostic> Diagnostics = [];

        public override bool DefersSha1 => defers;

        public override void OnFrame(OpenDFrame frame, ReadOnlySpan<byte> plain, int diagnosticsAt, bool sha1Deferred = false, BodyCipher? decryptWith = null) =>
            Frames.Add(new Handed(frame.ProtoId, frame.SerialNo, plain.ToArray(), sha1Deferred, decryptWith, frame));

        public override void OnFrame(OpenDFrame frame) => Frames.Add(new Handed(frame.ProtoId, frame.SerialNo, [], false, null, frame));
        public override void OnConnectionDiagnostic(TcpConnection connection, Diagnostic diagnostic, long timestampMicros) => Diagnostics.Add(diagnostic);
        public override void OnConnectionEvent(TcpConnection connection, ConnectionEvent connectionEvent) { }
        public override void OnCaptureDiagnostic(Diagnostic diagnostic) => Diagnostics.Add(diagnostic);
        public override void OnComplete(IReadOnlyList<ConnectionSummary> connections) { }
        public override void Flush() { }
    }

    private static RecordingDelivery HandOver(int? packetEncAlgo, bool defers, int pushes = 12)
    {
        var path = ImperfectCaptureTests.PushSession(pushes, packetEncAlgo).Segment().WriteTemp();
        try
        {
            var delivery = new RecordingDelivery(defers);
            using var source = new PcapFileSource(path);
            using var analyzer = CaptureAnalyzer.ForDelivery(new AnalyzerOptions { RsaKey = packetEncAlgo is null ? null : ImperfectCaptureTests.Key }, delivery);
            while (source.TryReadNext(out var packet)) analyzer.ProcessPacket(packet);
            analyzer.Finish();
            Assert.Empty(delivery.Diagnostics);
            return delivery;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The push the builder sent as serialNo 100 + i has i % 5 + 1 tickers (ImperfectCaptureTests.PushSession).</summary>
    private static void AssertIsPush(Handed handed, ReadOnlySpan<byte> plaintext)
    {
        var push = QotUpdateTicker.Response.Parser.ParseFrom(plaintext);
        Assert.Equal((int)(handed.SerialNo - 100) % 5 + 1, push.S2C.TickerList.Count);
        Assert.Equal("00700", push.S2C.Security.Code);
    }

    [Theory]
    [InlineData(0, EncryptionKind.FtAesEcb)]
    [InlineData(1, EncryptionKind.AesEcb)]
    [InlineData(2, EncryptionKind.AesCbc)]
    public void On_a_proven_AES_connection_bodies_are_handed_over_encrypted_with_their_cipher(int packetEncAlgo, EncryptionKind kind)
    {
        var handed = HandOver(packetEncAlgo, defers: true);
        Assert.Equal(2 + 12, handed.Frames.Count);
        if (!AesNiDecryptor.IsSupported)
        {
            // The OpenSSL transform keeps state between calls: it never leaves the session's thread.
            Assert.All(handed.Frames, h => Assert.Null(h.DecryptWith));
            return;
        }

        // The handshake is decoded in place (its keys decrypt what follows), and the first push proves the connection.
        Assert.All(handed.Frames.Take(3), h => Assert.Null(h.DecryptWith));
        Assert.All(handed.Frames.Take(3), h => Assert.False(h.Sha1Deferred));
        AssertIsPush(handed.Frames[2], handed.Frames[2].Body);

        var rest = handed.Frames.Skip(3).ToList();
        Assert.Equal(Enumerable.Range(101, 11).Select(i => (ulong)i), rest.Select(h => h.SerialNo));
        var cipher = rest[0].DecryptWith;
        Assert.NotNull(cipher);
        Assert.Equal(kind, cipher.Kind);
        foreach (var h in rest)
        {
            Assert.True(h.Sha1Deferred);
            Assert.Same(cipher, h.DecryptWith);
            // The frame says what the session would say of a body that decrypts and matches; the decoding thread holds it to that.
            Assert.Equal(kind, h.Frame.Encryption);
            Assert.True(h.Frame.Decrypted);
            Assert.True(h.Frame.Sha1Ok);
            Assert.Equal(h.Frame.BodyLen, (uint)h.Body.Length);
            Span<byte> body = h.Body.ToArray();
            Assert.True(Sha1Speculation.TryConfirm(h.Frame, h.DecryptWith, ref body));
            Assert.True(body.Length < h.Body.Length, "the body handed over was not the ciphertext");
            AssertIsPush(h, body);

            // A ciphertext one bit off fails the confirmation, as a wrong plaintext fails the hash.
            Span<byte> flipped = h.Body.ToArray();
            flipped[0] ^= 1;
            Assert.False(Sha1Speculation.TryConfirm(h.Frame, h.DecryptWith, ref flipped));
        }
    }

    [Fact]
    public void Plaintext_bodies_are_handed_over_unhashed_but_never_with_a_cipher()
    {
        var handed = HandOver(packetEncAlgo: null, defers: true);
        Assert.Equal(2 + 12, handed.Frames.Count);
        Assert.All(handed.Frames, h => Assert.Null(h.DecryptWith));
        Assert.All(handed.Frames.Skip(3), h => Assert.True(h.Sha1Deferred));
        Assert.All(handed.Frames.Skip(2), h => AssertIsPush(h, h.Body));
    }

    [Fact]
    public void A_delivery_that_does_not_defer_gets_every_body_decrypted_and_hashed()
    {
        var handed = HandOver(packetEncAlgo: 0, defers: false);
        Assert.Equal(2 + 12, handed.Frames.Count);
        Assert.All(handed.Frames, h => Assert.Null(h.DecryptWith));
        Assert.All(handed.Frames, h => Assert.False(h.Sha1Deferred));
        Assert.All(handed.Frames.Skip(2), h => AssertIsPush(h, h.Body));
    }
}
