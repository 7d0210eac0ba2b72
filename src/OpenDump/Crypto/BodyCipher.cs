using System.Security.Cryptography;

namespace OpenDump.Crypto;

/// <summary>
/// The AES layer of one connection, set up once from the InitConnect handshake. One instance per
/// connection, so the key schedule is computed once and not per frame.
/// </summary>
public sealed class BodyCipher : IDisposable
{
    private const int Block = 16;
    private readonly Aes _aes;
    private readonly byte[] _iv;

    public BodyCipher(EncryptionKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv = default)
    {
        if (kind is not (EncryptionKind.FtAesEcb or EncryptionKind.AesEcb or EncryptionKind.AesCbc))
            throw new ArgumentException($"{kind} is not an AES mode", nameof(kind));
        if (key.Length != 16) throw new ArgumentException($"AES-128 key must be 16 bytes, got {key.Length}", nameof(key));
        if (kind == EncryptionKind.AesCbc && iv.Length != Block) throw new ArgumentException($"CBC IV must be 16 bytes, got {iv.Length}", nameof(iv));
        Kind = kind;
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _iv = iv.ToArray();
    }

    public EncryptionKind Kind { get; }

    /// <summary>Upper bound of the plaintext size for a body of <paramref name="bodyLength"/> bytes.</summary>
    public static int MaxPlaintextLength(int bodyLength) => bodyLength;

    public bool TryDecrypt(ReadOnlySpan<byte> body, Span<byte> destination, out int written, out string? error)
    {
        written = 0;
        error = null;
        if (body.Length % Block != 0)
        {
            error = $"body length {body.Length} is not a multiple of the AES block size";
            return false;
        }
        switch (Kind)
        {
            case EncryptionKind.FtAesEcb:
                return TryDecryptFtAes(body, destination, out written, out error);
            case EncryptionKind.AesEcb:
                written = _aes.DecryptEcb(body, destination, PaddingMode.None);
                written = StripPkcs7(destination[..written]);
                return true;
            default:
                try
                {
                    written = _aes.DecryptCbc(body, _iv, destination, PaddingMode.PKCS7);
                    return true;
                }
                catch (CryptographicException)
                {
                    error = "AES-CBC padding is invalid after decryption (wrong key or IV?)";
                    return false;
                }
        }
    }

    // FTAES-ECB: zero-padded ciphertext, then a 16-byte tail in the clear whose last byte is len % 16.
    private bool TryDecryptFtAes(ReadOnlySpan<byte> body, Span<byte> destination, out int written, out string? error)
    {
        written = 0;
        error = null;
        if (body.Length < Block)
        {
            error = $"FTAES body of {body.Length} bytes has no 16-byte tail";
            return false;
        }
        var tail = body[^Block..];
        var remainder = tail[^1];
        if (remainder >= Block || tail[..^1].ContainsAnyExcept((byte)0))
        {
            error = "FTAES tail is not 15 zero bytes and a length remainder (not FTAES-ECB?)";
            return false;
        }
        var cipher = body[..^Block];
        var n = cipher.IsEmpty ? 0 : _aes.DecryptEcb(cipher, destination, PaddingMode.None);
        written = remainder == 0 ? n : n - Block + remainder;
        return true;
    }

    // PROTOCOL.md: the padding of plain AES-ECB is not confirmed on the wire, so PKCS#7 is removed
    // only when it is well formed; the SHA-1 check then says whether that was right.
    private static int StripPkcs7(ReadOnlySpan<byte> plain)
    {
        if (plain.IsEmpty) return 0;
        var pad = plain[^1];
        if (pad is 0 or > Block || pad > plain.Length) return plain.Length;
        return plain[^pad..].ContainsAnyExcept(pad) ? plain.Length : plain.Length - pad;
    }

    public byte[] Encrypt(ReadOnlySpan<byte> plaintext)
    {
        switch (Kind)
        {
            case EncryptionKind.FtAesEcb:
            {
                var padded = (plaintext.Length + Block - 1) / Block * Block;
                var result = new byte[padded + Block];
                plaintext.CopyTo(result);
                if (padded > 0) _aes.EncryptEcb(result.AsSpan(0, padded), result, PaddingMode.None);
                result[^1] = (byte)(plaintext.Length % Block);
                return result;
            }
            case EncryptionKind.AesEcb:
                return _aes.EncryptEcb(plaintext, PaddingMode.PKCS7);
            default:
                return _aes.EncryptCbc(plaintext, _iv, PaddingMode.PKCS7);
        }
    }

    public void Dispose() => _aes.Dispose();
}
