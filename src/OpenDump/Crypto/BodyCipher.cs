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
    // With AES-NI (any x64 CPU of the last decade) bodies are decrypted in managed code: no native
    // call, no context reset and no copies, which were most of the time of a typical body.
    private readonly AesNiDecryptor? _aesNi;
    // The fallback, reused for every body: the one-shot DecryptEcb/DecryptCbc calls build a native
    // cipher context each time, which cost more than the decryption itself. ECB has no state between
    // blocks, and the CBC transform is reset to the IV after each body, as every OpenD body restarts from it.
    private readonly ICryptoTransform? _decryptor;

    public BodyCipher(EncryptionKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv = default)
        : this(kind, key, iv, useAesNi: true)
    {
    }

    /// <param name="useAesNi">false forces the OpenSSL transform even where AES-NI is available (tests).</param>
    internal BodyCipher(EncryptionKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, bool useAesNi)
    {
        if (kind is not (EncryptionKind.FtAesEcb or EncryptionKind.AesEcb or EncryptionKind.AesCbc))
            throw new ArgumentException($"{kind} is not an AES mode", nameof(kind));
        if (key.Length != 16) throw new ArgumentException($"AES-128 key must be 16 bytes, got {key.Length}", nameof(key));
        if (kind == EncryptionKind.AesCbc && iv.Length != Block) throw new ArgumentException($"CBC IV must be 16 bytes, got {iv.Length}", nameof(iv));
        Kind = kind;
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _iv = kind == EncryptionKind.AesCbc ? iv.ToArray() : new byte[Block];
        _aes.Mode = kind == EncryptionKind.AesCbc ? CipherMode.CBC : CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        if (useAesNi && AesNiDecryptor.IsSupported) _aesNi = new AesNiDecryptor(key);
        else _decryptor = _aes.CreateDecryptor(_aes.Key, _iv);
    }

    public EncryptionKind Kind { get; }

    /// <summary>Whether bodies are decrypted with AES-NI rather than the OpenSSL transform.</summary>
    internal bool UsesAesNi => _aesNi is not null;

    /// <summary>
    /// Whether <see cref="TryDecrypt"/> may run on several threads at once: the AES-NI path keeps nothing between calls,
    /// while the OpenSSL transform is one object, reset after each body.
    /// </summary>
    internal bool DecryptsOnAnyThread => UsesAesNi;

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
                written = Transform(body, destination);
                written = StripPkcs7(destination[..written]);
                return true;
            default:
                if (body.IsEmpty)
                {
                    error = "an AES-CBC body cannot be empty (PKCS#7 always adds a block)";
                    return false;
                }
                written = Transform(body, destination);
                var pad = destination[written - 1];
                if (pad is 0 or > Block || destination.Slice(written - pad, pad).ContainsAnyExcept(pad))
                {
                    error = "AES-CBC padding is invalid after decryption (wrong key or IV?)";
                    return false;
                }
                written -= pad;
                return true;
        }
    }

    private int Transform(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.IsEmpty) return 0;
        if (_aesNi is { } aesNi)
        {
            // The same exception as the copy out of the pooled array below when the destination is short.
            if (output.Length < input.Length) throw new ArgumentException("Destination is too short.", "destination");
            // AES-NI works in place or between separate buffers; a shifted overlap (which the pooled
            // copies used to absorb) is moved into place first.
            if (input.Overlaps(output, out var offset) && offset != 0)
            {
                input.CopyTo(output);
                input = output[..input.Length];
            }
            if (Kind == EncryptionKind.AesCbc) aesNi.DecryptCbc(input, _iv, output);
            else aesNi.DecryptEcb(input, output);
            return input.Length;
        }
        // ICryptoTransform works on arrays; a pooled one keeps the hot path free of allocations.
        var inArray = System.Buffers.ArrayPool<byte>.Shared.Rent(input.Length);
        var outArray = System.Buffers.ArrayPool<byte>.Shared.Rent(input.Length);
        try
        {
            input.CopyTo(inArray);
            var n = _decryptor!.TransformBlock(inArray, 0, input.Length, outArray, 0);
            if (Kind == EncryptionKind.AesCbc) _decryptor.TransformFinalBlock(inArray, 0, 0); // back to the IV
            outArray.AsSpan(0, n).CopyTo(output);
            return n;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(inArray);
            System.Buffers.ArrayPool<byte>.Shared.Return(outArray);
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
        var n = Transform(body[..^Block], destination);
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

    public void Dispose()
    {
        _decryptor?.Dispose();
        _aes.Dispose();
    }
}
