using OpenDump.Testing;
using OpenDump.Tests.Support;
using Org.BouncyCastle.Crypto.Parameters;
using Xunit;

namespace OpenDump.Tests.Builders;

public sealed class TestCryptoTests
{
    private static readonly byte[] Key = "0123456789abcdef"u8.ToArray();
    private static readonly byte[] Iv = "fedcba9876543210"u8.ToArray();

    private static byte[] Bytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new SeededRandom(seed).NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(1000)]
    public void Ftaes_pads_with_zeros_and_keeps_the_length_in_a_clear_tail(int length)
    {
        var plain = Bytes(length);
        var body = TestCrypto.FtAesEcbEncrypt(Key, plain);

        Assert.Equal((length + 15) / 16 * 16 + 16, body.Length);
        Assert.Equal(new byte[15], body[^16..^1]);
        Assert.Equal(length % 16, body[^1]);
        Assert.Equal(plain, TestCrypto.FtAesEcbDecrypt(Key, body));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(100)]
    public void Cbc_and_ecb_use_pkcs7_so_aligned_bodies_gain_a_block(int length)
    {
        var plain = Bytes(length);
        var cbc = TestCrypto.AesCbcEncrypt(Key, Iv, plain);
        var ecb = TestCrypto.AesEcbEncrypt(Key, plain);

        Assert.Equal(length / 16 * 16 + 16, cbc.Length);
        Assert.Equal(length / 16 * 16 + 16, ecb.Length);
        Assert.Equal(plain, TestCrypto.AesCbcDecrypt(Key, Iv, cbc));
        Assert.Equal(plain, TestCrypto.AesEcbDecrypt(Key, ecb));
    }

    [Fact]
    public void Cbc_restarts_from_the_iv_for_every_body()
    {
        var plain = Bytes(40);
        Assert.Equal(TestCrypto.AesCbcEncrypt(Key, Iv, plain), TestCrypto.AesCbcEncrypt(Key, Iv, plain));
    }

    [Theory]
    [InlineData(1024, 100)]
    [InlineData(2048, 228)]
    public void Rsa_chunks_are_modulus_minus_28_bytes_each_in_one_block(int bits, int pieceLength)
    {
        var keys = TestCrypto.GenerateRsaKeyPair(bits, seed: bits);
        var modulusBytes = bits / 8;
        var plain = Bytes(2 * pieceLength + 1);

        var body = TestCrypto.RsaChunkEncrypt((RsaKeyParameters)keys.Public, plain, TestCrypto.DeterministicRandom(5));

        Assert.Equal(3 * modulusBytes, body.Length);
        Assert.Equal(plain, TestCrypto.RsaChunkDecrypt((RsaKeyParameters)keys.Private, body));
        // Each block alone decrypts to one piece: the pieces are independent, as the SDKs cut them.
        Assert.Equal(plain[..pieceLength], TestCrypto.RsaChunkDecrypt((RsaKeyParameters)keys.Private, body.AsSpan(0, modulusBytes)));
    }

    [Fact]
    public void Rsa_padding_repeats_with_the_seed_and_only_with_it()
    {
        var keys = TestCrypto.GenerateRsaKeyPair();
        var plain = Bytes(60);
        var pub = (RsaKeyParameters)keys.Public;

        var once = TestCrypto.RsaChunkEncrypt(pub, plain, TestCrypto.DeterministicRandom(1));
        var again = TestCrypto.RsaChunkEncrypt(pub, plain, TestCrypto.DeterministicRandom(1));
        var other = TestCrypto.RsaChunkEncrypt(pub, plain, TestCrypto.DeterministicRandom(2));

        Assert.Equal(once, again);
        Assert.NotEqual(once, other);
    }

    [Fact]
    public void Keys_are_written_and_read_as_pkcs1_pem()
    {
        var keys = TestCrypto.GenerateRsaKeyPair(seed: 42);
        var pem = TestCrypto.ToPem(keys);
        Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", pem);
        Assert.Equal(pem, TestCrypto.ToPem(TestCrypto.GenerateRsaKeyPair(seed: 42)));

        var read = TestCrypto.ReadRsaKeyPair(new StringReader(pem));
        Assert.Equal(keys.Private, read.Private);
        Assert.Equal(keys.Public, read.Public);
    }

    [Fact]
    public void The_sample_key_is_a_1024_bit_pkcs1_key()
    {
        var path = Path.Combine(Fixtures.RepoRoot, "captures", SampleCapture.KeyFileName);
        Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", File.ReadAllText(path));
        Assert.Equal(128, TestCrypto.ModulusBytes((RsaKeyParameters)TestCrypto.LoadRsaKeyPair(path).Public));
    }
}
