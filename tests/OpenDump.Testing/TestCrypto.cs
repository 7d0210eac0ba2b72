using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Prng;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Security;

namespace OpenDump.Testing;

/// <summary>
/// The OpenD body ciphers of PROTOCOL.md §3, written from the description rather than shared with the
/// library: AES through System.Security.Cryptography, RSA through BouncyCastle.
/// </summary>
public static class TestCrypto
{
    private const int AesBlock = 16;

    /// <summary>
    /// The SDKs' RSA chunking leaves 28 bytes of each block for PKCS#1 v1.5 padding
    /// (100-byte pieces for a 1024-bit key), more than the 11 the standard needs.
    /// </summary>
    private const int RsaChunkOverhead = 28;

    /// <summary>
    /// FTAES_ECB: zero padding up to a block, AES-ECB, then a clear 16-byte tail whose last byte is
    /// len % 16 — the only place the real length survives the zero padding.
    /// </summary>
    public static byte[] FtAesEcbEncrypt(ReadOnlySpan<byte> key16, ReadOnlySpan<byte> plaintext)
    {
        var paddedLength = (plaintext.Length + AesBlock - 1) / AesBlock * AesBlock;
        var padded = new byte[paddedLength];
        plaintext.CopyTo(padded);

        using var aes = CreateAes(key16);
        var body = new byte[paddedLength + AesBlock];
        aes.EncryptEcb(padded, body.AsSpan(0, paddedLength), PaddingMode.None);
        body[^1] = (byte)(plaintext.Length % AesBlock);
        return body;
    }

    public static byte[] FtAesEcbDecrypt(ReadOnlySpan<byte> key16, ReadOnlySpan<byte> body)
    {
        if (body.Length < AesBlock || body.Length % AesBlock != 0)
            throw new ArgumentException("an FTAES_ECB body is whole blocks plus a 16-byte tail", nameof(body));
        var cipherLength = body.Length - AesBlock;
        var tail = body[^1];
        using var aes = CreateAes(key16);
        var plain = aes.DecryptEcb(body[..cipherLength], PaddingMode.None);
        return tail == 0 ? plain : plain[..(cipherLength - AesBlock + tail)];
    }

    /// <summary>Standard AES-ECB with PKCS#7 padding (packetEncAlgo 1).</summary>
    public static byte[] AesEcbEncrypt(ReadOnlySpan<byte> key16, ReadOnlySpan<byte> plaintext)
    {
        using var aes = CreateAes(key16);
        return aes.EncryptEcb(plaintext, PaddingMode.PKCS7);
    }

    public static byte[] AesEcbDecrypt(ReadOnlySpan<byte> key16, ReadOnlySpan<byte> body)
    {
        using var aes = CreateAes(key16);
        return aes.DecryptEcb(body, PaddingMode.PKCS7);
    }

    /// <summary>AES-CBC with PKCS#7 (packetEncAlgo 2); OpenD restarts every body from the same IV.</summary>
    public static byte[] AesCbcEncrypt(ReadOnlySpan<byte> key16, ReadOnlySpan<byte> iv16, ReadOnlySpan<byte> plaintext)
    {
        using var aes = CreateAes(key16);
        return aes.EncryptCbc(plaintext, iv16, PaddingMode.PKCS7);
    }

    public static byte[] AesCbcDecrypt(ReadOnlySpan<byte> key16, ReadOnlySpan<byte> iv16, ReadOnlySpan<byte> body)
    {
        using var aes = CreateAes(key16);
        return aes.DecryptCbc(body, iv16, PaddingMode.PKCS7);
    }

    /// <summary>
    /// InitConnect's RSA layer: the plaintext cut into (modulusBytes - 28)-byte pieces, each PKCS#1 v1.5
    /// encrypted with the public key into one modulus-size block. The padding is random, so the caller
    /// passes the generator that makes it repeatable.
    /// </summary>
    public static byte[] RsaChunkEncrypt(RsaKeyParameters publicKey, ReadOnlySpan<byte> plaintext, SecureRandom rng)
    {
        var modulusBytes = ModulusBytes(publicKey);
        var pieceLength = modulusBytes - RsaChunkOverhead;
        var engine = new Pkcs1Encoding(new RsaEngine());
        engine.Init(true, new ParametersWithRandom(publicKey, rng));

        var pieces = (plaintext.Length + pieceLength - 1) / pieceLength;
        var output = new byte[pieces * modulusBytes];
        for (var i = 0; i < pieces; i++)
        {
            var piece = plaintext.Slice(i * pieceLength, Math.Min(pieceLength, plaintext.Length - i * pieceLength)).ToArray();
            var block = engine.ProcessBlock(piece, 0, piece.Length);
            // BouncyCastle returns the block at full modulus size already; the copy keeps that an explicit contract.
            block.CopyTo(output.AsSpan(i * modulusBytes + modulusBytes - block.Length));
        }
        return output;
    }

    public static byte[] RsaChunkDecrypt(RsaKeyParameters privateKey, ReadOnlySpan<byte> body)
    {
        var modulusBytes = ModulusBytes(privateKey);
        if (body.Length % modulusBytes != 0)
            throw new ArgumentException($"an RSA-chunked body is whole {modulusBytes}-byte blocks", nameof(body));
        var engine = new Pkcs1Encoding(new RsaEngine());
        engine.Init(false, privateKey);
        using var plain = new MemoryStream();
        for (var offset = 0; offset < body.Length; offset += modulusBytes)
        {
            var block = body.Slice(offset, modulusBytes).ToArray();
            plain.Write(engine.ProcessBlock(block, 0, block.Length));
        }
        return plain.ToArray();
    }

    public static int ModulusBytes(RsaKeyParameters key) => (key.Modulus.BitLength + 7) / 8;

    /// <summary>
    /// Reads the PKCS#1 PEM the SDKs use ("BEGIN RSA PRIVATE KEY"); a PKCS#8 "BEGIN PRIVATE KEY" also
    /// loads, because openssl's default output is easy to produce by mistake.
    /// </summary>
    public static AsymmetricCipherKeyPair LoadRsaKeyPair(string pemPath)
    {
        using var reader = File.OpenText(pemPath);
        return ReadRsaKeyPair(reader);
    }

    public static AsymmetricCipherKeyPair ReadRsaKeyPair(TextReader pem)
    {
        var obj = new PemReader(pem).ReadObject();
        return obj switch
        {
            AsymmetricCipherKeyPair { Private: RsaKeyParameters } pair => pair,
            RsaPrivateCrtKeyParameters crt => new AsymmetricCipherKeyPair(
                new RsaKeyParameters(false, crt.Modulus, crt.PublicExponent), crt),
            null => throw new InvalidDataException("no PEM object found"),
            _ => throw new InvalidDataException($"PEM holds {obj.GetType().Name}, not an RSA private key"),
        };
    }

    /// <summary>PKCS#1 PEM text ("BEGIN RSA PRIVATE KEY") of a key pair, as OpenD and the SDKs expect it.</summary>
    public static string ToPem(AsymmetricCipherKeyPair keyPair)
    {
        using var text = new StringWriter();
        var writer = new PemWriter(text);
        writer.WriteObject(keyPair.Private);
        writer.Writer.Flush();
        return text.ToString().ReplaceLineEndings("\n");
    }

    /// <summary>
    /// A repeatable key pair for tests that need a key of another size (2048 bits gives 228-byte pieces)
    /// without a PEM file on disk.
    /// </summary>
    public static AsymmetricCipherKeyPair GenerateRsaKeyPair(int bits = 1024, long seed = 1)
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), DeterministicRandom(seed), bits, 80));
        return generator.GenerateKeyPair();
    }

    /// <summary>
    /// A SecureRandom with no entropy at all: SHA-256 over the seed only. Never use it outside tests.
    /// </summary>
    public static SecureRandom DeterministicRandom(long seed)
    {
        var seedBytes = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(seedBytes, seed);
        return DeterministicRandom(seedBytes);
    }

    public static SecureRandom DeterministicRandom(byte[] seed)
    {
        var generator = new DigestRandomGenerator(new Sha256Digest());
        generator.AddSeedMaterial(seed);
        return new SecureRandom(generator);
    }

    private static Aes CreateAes(ReadOnlySpan<byte> key16)
    {
        if (key16.Length != AesBlock)
            throw new ArgumentException("OpenD's connAESKey is 16 bytes (AES-128)", nameof(key16));
        var aes = Aes.Create();
        aes.Key = key16.ToArray();
        return aes;
    }
}
