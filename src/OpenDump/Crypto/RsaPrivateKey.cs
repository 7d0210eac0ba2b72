using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;

namespace OpenDump.Crypto;

/// <summary>
/// The RSA key both OpenD and the SDK are configured with. InitConnect bodies are encrypted with
/// its public half in pieces, each piece one modulus-size block, so the key size sets the block size.
/// </summary>
public sealed class RsaPrivateKey
{
    private readonly RsaKeyParameters _private;

    private RsaPrivateKey(RsaKeyParameters privateKey, string source)
    {
        _private = privateKey;
        Source = source;
        ModulusBytes = (privateKey.Modulus.BitLength + 7) / 8;
    }

    public string Source { get; }
    public int ModulusBytes { get; }
    public int ModulusBits => _private.Modulus.BitLength;

    public static RsaPrivateKey Load(string path) => Parse(KeyFile.ReadText(path, "RSA key file"), path);

    /// <summary>Accepts PKCS#1 (BEGIN RSA PRIVATE KEY) and PKCS#8 (BEGIN PRIVATE KEY) PEM.</summary>
    public static RsaPrivateKey Parse(string pem, string source = "key")
    {
        if (!pem.Contains("-----BEGIN", StringComparison.Ordinal))
            throw new KeyLoadException($"{source}: not a PEM file (no '-----BEGIN' line); expected an RSA private key in PKCS#1 or PKCS#8 PEM");
        if (pem.Contains("ENCRYPTED", StringComparison.Ordinal))
            throw new KeyLoadException($"{source}: the private key is password-protected; decrypt it first (openssl rsa -in KEY -out PLAIN)");

        object? read;
        try
        {
            read = new PemReader(new StringReader(pem)).ReadObject();
        }
        catch (Exception e)
        {
            throw new KeyLoadException($"{source}: malformed PEM: {e.Message}", e);
        }

        var key = read switch
        {
            AsymmetricCipherKeyPair pair => pair.Private as RsaKeyParameters,
            RsaPrivateCrtKeyParameters crt => crt,
            RsaKeyParameters { IsPrivate: true } p => p,
            RsaKeyParameters => throw new KeyLoadException($"{source}: this is an RSA public key; decrypting OpenD traffic needs the private key"),
            null => throw new KeyLoadException($"{source}: malformed PEM: no key found"),
            _ => throw new KeyLoadException($"{source}: not an RSA private key ({read.GetType().Name})"),
        };
        if (key is null) throw new KeyLoadException($"{source}: not an RSA key");
        return new RsaPrivateKey(key, source);
    }

    /// <summary>Decrypts a chunked InitConnect body; false with a reason when it is not ours.</summary>
    public bool TryDecrypt(ReadOnlySpan<byte> body, out byte[] plaintext, out string? error)
    {
        plaintext = [];
        if (body.Length == 0 || body.Length % ModulusBytes != 0)
        {
            error = $"body length {body.Length} is not a multiple of the {ModulusBits}-bit key's block size {ModulusBytes}";
            return false;
        }

        var engine = new Pkcs1Encoding(new RsaBlindedEngine());
        engine.Init(false, _private);
        var output = new MemoryStream(body.Length);
        var block = new byte[ModulusBytes];
        for (var offset = 0; offset < body.Length; offset += ModulusBytes)
        {
            body.Slice(offset, ModulusBytes).CopyTo(block);
            try
            {
                var piece = engine.ProcessBlock(block, 0, block.Length);
                output.Write(piece);
            }
            // Bad padding, or a block numerically larger than the modulus (DataLengthException): both mean not ours.
            catch (CryptoException e)
            {
                error = $"RSA block {offset / ModulusBytes + 1} does not decrypt with this key ({e.Message})";
                return false;
            }
        }
        plaintext = output.ToArray();
        error = null;
        return true;
    }
}
