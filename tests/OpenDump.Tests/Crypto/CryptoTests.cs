using System.Text;
using OpenDump.Crypto;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.Crypto;

public sealed class CryptoTests
{
    private static readonly byte[] Key = "gIGLBahtTd3uK00n"u8.ToArray();
    private static readonly byte[] Iv = "0123456789abcdef"u8.ToArray();

    [Theory]
    [InlineData(EncryptionKind.FtAesEcb, 0, 16)]
    [InlineData(EncryptionKind.FtAesEcb, 1, 32)]
    [InlineData(EncryptionKind.FtAesEcb, 16, 32)]
    [InlineData(EncryptionKind.FtAesEcb, 17, 48)]
    [InlineData(EncryptionKind.AesEcb, 15, 16)]
    [InlineData(EncryptionKind.AesEcb, 16, 32)]
    [InlineData(EncryptionKind.AesCbc, 0, 16)]
    [InlineData(EncryptionKind.AesCbc, 16, 32)]
    [InlineData(EncryptionKind.AesCbc, 100, 112)]
    public void Aes_modes_round_trip_with_the_wire_lengths_of_the_protocol(EncryptionKind kind, int length, int wireLength)
    {
        using var cipher = new BodyCipher(kind, Key, kind == EncryptionKind.AesCbc ? Iv : default);
        var plain = Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 3)).ToArray();
        var wire = cipher.Encrypt(plain);
        Assert.Equal(wireLength, wire.Length);

        var back = new byte[wire.Length];
        Assert.True(cipher.TryDecrypt(wire, back, out var written, out var error), error);
        Assert.Equal(plain, back[..written]);
    }

    [Fact]
    public void Ftaes_tail_is_clear_and_holds_the_remainder()
    {
        using var cipher = new BodyCipher(EncryptionKind.FtAesEcb, Key);
        var wire = cipher.Encrypt(new byte[21]);
        Assert.Equal(new byte[15], wire[^16..^1]);
        Assert.Equal(5, wire[^1]);
    }

    [Fact]
    public void Cbc_restarts_from_the_same_iv_for_every_body()
    {
        using var cipher = new BodyCipher(EncryptionKind.AesCbc, Key, Iv);
        var body = Encoding.ASCII.GetBytes("same body twice");
        Assert.Equal(cipher.Encrypt(body), cipher.Encrypt(body));
    }

    [Fact]
    public void Cbc_with_the_wrong_key_fails_cleanly()
    {
        using var right = new BodyCipher(EncryptionKind.AesCbc, Key, Iv);
        using var wrong = new BodyCipher(EncryptionKind.AesCbc, "AAAAAAAAAAAAAAAA"u8, Iv);
        var plain = new byte[40];
        var wire = right.Encrypt(plain);
        var output = new byte[wire.Length];
        var ok = wrong.TryDecrypt(wire, output, out var written, out var error);
        // A wrong key either breaks the padding (refused with the reason) or, rarely, yields other bytes
        // that the SHA-1 check then refuses; it never gives back the plaintext.
        if (ok) Assert.NotEqual(plain, output[..written]);
        else Assert.Contains("padding", error);
    }

    [Theory]
    [InlineData("sdk/tcp/opend_test_rsa1024.pem", 1024, 128)]
    [InlineData("keys/sdk_key_pkcs8.pem", 1024, 128)]
    [InlineData("keys/test_rsa2048.pem", 2048, 256)]
    public void Rsa_keys_load_from_pkcs1_and_pkcs8_and_set_the_block_size(string file, int bits, int block)
    {
        var key = RsaPrivateKey.Load(Fixtures.Path(file.Split('/')));
        Assert.Equal(bits, key.ModulusBits);
        Assert.Equal(block, key.ModulusBytes);
    }

    [Theory]
    [InlineData("not a key at all", "not a PEM file")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n", "malformed")]
    [InlineData("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", "password")]
    public void Bad_key_files_say_what_is_wrong(string pem, string expected)
    {
        var e = Assert.Throws<KeyLoadException>(() => RsaPrivateKey.Parse(pem, "k.pem"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("k.pem", e.Message);
    }

    [Fact]
    public void A_missing_key_file_is_a_key_error_not_a_crash()
    {
        var e = Assert.Throws<KeyLoadException>(() => RsaPrivateKey.Load("/nonexistent/key.pem"));
        Assert.Contains("cannot read", e.Message);
    }

    [Fact]
    public void A_directory_given_as_the_key_is_named_as_one()
    {
        var dir = Path.GetTempPath().TrimEnd('/');
        var e = Assert.Throws<KeyLoadException>(() => RsaPrivateKey.Load(dir));
        Assert.Equal($"cannot read RSA key file '{dir}': it is a directory", e.Message);
    }

    [Fact]
    public void A_body_that_is_not_whole_blocks_is_refused_with_the_reason()
    {
        var key = RsaPrivateKey.Load(Fixtures.SdkKey);
        Assert.False(key.TryDecrypt(new byte[100], out _, out var error));
        Assert.Contains("multiple of", error);
    }

    [Fact]
    public void A_block_larger_than_the_modulus_is_refused_not_thrown()
    {
        var key = RsaPrivateKey.Load(Fixtures.SdkKey);
        var block = Enumerable.Repeat((byte)0xff, key.ModulusBytes).ToArray();
        Assert.False(key.TryDecrypt(block, out _, out var error));
        Assert.Contains("RSA block 1", error);
    }
}
