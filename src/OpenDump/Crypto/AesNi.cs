using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace OpenDump.Crypto;

/// <summary>
/// AES-128 decryption (ECB and CBC, whole blocks, no padding) with the AES-NI instructions. The
/// per-call cost of the OpenSSL transform (native call, context reset, pooled copies) was most of
/// the time of a ~300-byte body; here a call is a few loads and the rounds themselves.
/// </summary>
/// <remarks>
/// The key schedule is expanded once in the constructor; the instance is immutable afterwards, so
/// it is thread-safe and allocates nothing per call. Eight blocks are decrypted side by side per
/// loop (AESDEC has a latency of several cycles but a throughput of one or two per cycle), CBC
/// included: CBC decryption only needs the ciphertext, so its blocks are independent too.
/// Input and output may be the same span (in-place decryption) or two spans that do not overlap.
/// </remarks>
internal sealed class AesNiDecryptor
{
    private const int Block = 16;
    private const int Rounds = 10;

    // Decryption round keys of the equivalent inverse cipher, in the order they are used:
    // [0] = encryption key 10, [1..9] = InvMixColumns(encryption keys 9..1), [10] = encryption key 0.
    private readonly RoundKeys _keys;

    public static bool IsSupported => X86Aes.IsSupported && Sse2.IsSupported;

    public AesNiDecryptor(ReadOnlySpan<byte> key)
    {
        if (!IsSupported) throw new PlatformNotSupportedException("AES-NI is not available on this CPU");
        if (key.Length != Block) throw new ArgumentException($"AES-128 key must be 16 bytes, got {key.Length}", nameof(key));

        // AES-128 encryption schedule. KeygenAssist needs its round constant as an immediate, hence
        // the unrolled calls.
        Span<Vector128<byte>> enc = stackalloc Vector128<byte>[Rounds + 1];
        enc[0] = Vector128.Create(key);
        enc[1] = ExpandKey(enc[0], X86Aes.KeygenAssist(enc[0], 0x01));
        enc[2] = ExpandKey(enc[1], X86Aes.KeygenAssist(enc[1], 0x02));
        enc[3] = ExpandKey(enc[2], X86Aes.KeygenAssist(enc[2], 0x04));
        enc[4] = ExpandKey(enc[3], X86Aes.KeygenAssist(enc[3], 0x08));
        enc[5] = ExpandKey(enc[4], X86Aes.KeygenAssist(enc[4], 0x10));
        enc[6] = ExpandKey(enc[5], X86Aes.KeygenAssist(enc[5], 0x20));
        enc[7] = ExpandKey(enc[6], X86Aes.KeygenAssist(enc[6], 0x40));
        enc[8] = ExpandKey(enc[7], X86Aes.KeygenAssist(enc[7], 0x80));
        enc[9] = ExpandKey(enc[8], X86Aes.KeygenAssist(enc[8], 0x1b));
        enc[10] = ExpandKey(enc[9], X86Aes.KeygenAssist(enc[9], 0x36));

        _keys[0] = enc[Rounds];
        for (var i = 1; i < Rounds; i++) _keys[i] = X86Aes.InverseMixColumns(enc[Rounds - i]);
        _keys[Rounds] = enc[0];
    }

    // One step of the AES-128 schedule: w[i] = w[i-1] ^ w[i-4] for the four words, the first of them
    // also XORed with SubWord(RotWord(last word of the previous key)) ^ rcon (dword 3 of KeygenAssist).
    private static Vector128<byte> ExpandKey(Vector128<byte> key, Vector128<byte> assist)
    {
        var t = Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();
        key = Sse2.Xor(key, Sse2.ShiftLeftLogical128BitLane(key, 4));
        key = Sse2.Xor(key, Sse2.ShiftLeftLogical128BitLane(key, 4));
        key = Sse2.Xor(key, Sse2.ShiftLeftLogical128BitLane(key, 4));
        return Sse2.Xor(key, t);
    }

    /// <summary>Decrypts whole 16-byte blocks in ECB mode; <paramref name="output"/> gets input.Length bytes.</summary>
    public void DecryptEcb(ReadOnlySpan<byte> input, Span<byte> output)
    {
        CheckArguments(input, output);
        var k = _keys;
        ref var src = ref MemoryMarshal.GetReference(input);
        ref var dst = ref MemoryMarshal.GetReference(output);
        var blocks = (nuint)(input.Length / Block);
        nuint i = 0;

        for (; i + 8 <= blocks; i += 8)
        {
            var o = i * Block;
            var b0 = Vector128.LoadUnsafe(ref src, o);
            var b1 = Vector128.LoadUnsafe(ref src, o + 16);
            var b2 = Vector128.LoadUnsafe(ref src, o + 32);
            var b3 = Vector128.LoadUnsafe(ref src, o + 48);
            var b4 = Vector128.LoadUnsafe(ref src, o + 64);
            var b5 = Vector128.LoadUnsafe(ref src, o + 80);
            var b6 = Vector128.LoadUnsafe(ref src, o + 96);
            var b7 = Vector128.LoadUnsafe(ref src, o + 112);
            Decrypt8(in k, ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7);
            b0.StoreUnsafe(ref dst, o);
            b1.StoreUnsafe(ref dst, o + 16);
            b2.StoreUnsafe(ref dst, o + 32);
            b3.StoreUnsafe(ref dst, o + 48);
            b4.StoreUnsafe(ref dst, o + 64);
            b5.StoreUnsafe(ref dst, o + 80);
            b6.StoreUnsafe(ref dst, o + 96);
            b7.StoreUnsafe(ref dst, o + 112);
        }
        if (i + 4 <= blocks)
        {
            var o = i * Block;
            var b0 = Vector128.LoadUnsafe(ref src, o);
            var b1 = Vector128.LoadUnsafe(ref src, o + 16);
            var b2 = Vector128.LoadUnsafe(ref src, o + 32);
            var b3 = Vector128.LoadUnsafe(ref src, o + 48);
            Decrypt4(in k, ref b0, ref b1, ref b2, ref b3);
            b0.StoreUnsafe(ref dst, o);
            b1.StoreUnsafe(ref dst, o + 16);
            b2.StoreUnsafe(ref dst, o + 32);
            b3.StoreUnsafe(ref dst, o + 48);
            i += 4;
        }
        for (; i < blocks; i++)
        {
            var o = i * Block;
            Decrypt1(in k, Vector128.LoadUnsafe(ref src, o)).StoreUnsafe(ref dst, o);
        }
    }

    /// <summary>
    /// Decrypts whole 16-byte blocks in CBC mode from <paramref name="iv"/>; <paramref name="output"/>
    /// gets input.Length bytes. Each call starts again from the IV given.
    /// </summary>
    public void DecryptCbc(ReadOnlySpan<byte> input, ReadOnlySpan<byte> iv, Span<byte> output)
    {
        if (iv.Length != Block) throw new ArgumentException($"CBC IV must be 16 bytes, got {iv.Length}", nameof(iv));
        CheckArguments(input, output);
        var k = _keys;
        ref var src = ref MemoryMarshal.GetReference(input);
        ref var dst = ref MemoryMarshal.GetReference(output);
        var blocks = (nuint)(input.Length / Block);
        var previous = Vector128.Create(iv);
        nuint i = 0;

        // Every ciphertext block of a group is loaded before any plaintext is stored, and the last one
        // is carried over in a register, so in-place decryption never reads a block already written.
        for (; i + 8 <= blocks; i += 8)
        {
            var o = i * Block;
            var c0 = Vector128.LoadUnsafe(ref src, o);
            var c1 = Vector128.LoadUnsafe(ref src, o + 16);
            var c2 = Vector128.LoadUnsafe(ref src, o + 32);
            var c3 = Vector128.LoadUnsafe(ref src, o + 48);
            var c4 = Vector128.LoadUnsafe(ref src, o + 64);
            var c5 = Vector128.LoadUnsafe(ref src, o + 80);
            var c6 = Vector128.LoadUnsafe(ref src, o + 96);
            var c7 = Vector128.LoadUnsafe(ref src, o + 112);
            var b0 = c0; var b1 = c1; var b2 = c2; var b3 = c3;
            var b4 = c4; var b5 = c5; var b6 = c6; var b7 = c7;
            Decrypt8(in k, ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7);
            (b0 ^ previous).StoreUnsafe(ref dst, o);
            (b1 ^ c0).StoreUnsafe(ref dst, o + 16);
            (b2 ^ c1).StoreUnsafe(ref dst, o + 32);
            (b3 ^ c2).StoreUnsafe(ref dst, o + 48);
            (b4 ^ c3).StoreUnsafe(ref dst, o + 64);
            (b5 ^ c4).StoreUnsafe(ref dst, o + 80);
            (b6 ^ c5).StoreUnsafe(ref dst, o + 96);
            (b7 ^ c6).StoreUnsafe(ref dst, o + 112);
            previous = c7;
        }
        if (i + 4 <= blocks)
        {
            var o = i * Block;
            var c0 = Vector128.LoadUnsafe(ref src, o);
            var c1 = Vector128.LoadUnsafe(ref src, o + 16);
            var c2 = Vector128.LoadUnsafe(ref src, o + 32);
            var c3 = Vector128.LoadUnsafe(ref src, o + 48);
            var b0 = c0; var b1 = c1; var b2 = c2; var b3 = c3;
            Decrypt4(in k, ref b0, ref b1, ref b2, ref b3);
            (b0 ^ previous).StoreUnsafe(ref dst, o);
            (b1 ^ c0).StoreUnsafe(ref dst, o + 16);
            (b2 ^ c1).StoreUnsafe(ref dst, o + 32);
            (b3 ^ c2).StoreUnsafe(ref dst, o + 48);
            previous = c3;
            i += 4;
        }
        for (; i < blocks; i++)
        {
            var o = i * Block;
            var c = Vector128.LoadUnsafe(ref src, o);
            (Decrypt1(in k, c) ^ previous).StoreUnsafe(ref dst, o);
            previous = c;
        }
    }

    private static void CheckArguments(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Length % Block != 0)
            throw new ArgumentException($"input length {input.Length} is not a multiple of the AES block size", nameof(input));
        if (output.Length < input.Length)
            throw new ArgumentException($"output of {output.Length} bytes is shorter than the input of {input.Length}", nameof(output));
        // Groups of blocks are loaded before they are stored: exact aliasing is fine, a shifted overlap is not.
        if (input.Overlaps(output, out var offset) && offset != 0)
            throw new ArgumentException("input and output overlap without being the same memory", nameof(output));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Decrypt1(in RoundKeys k, Vector128<byte> b)
    {
        b ^= k[0];
        b = X86Aes.Decrypt(b, k[1]);
        b = X86Aes.Decrypt(b, k[2]);
        b = X86Aes.Decrypt(b, k[3]);
        b = X86Aes.Decrypt(b, k[4]);
        b = X86Aes.Decrypt(b, k[5]);
        b = X86Aes.Decrypt(b, k[6]);
        b = X86Aes.Decrypt(b, k[7]);
        b = X86Aes.Decrypt(b, k[8]);
        b = X86Aes.Decrypt(b, k[9]);
        return X86Aes.DecryptLast(b, k[10]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Decrypt4(in RoundKeys k, ref Vector128<byte> b0, ref Vector128<byte> b1, ref Vector128<byte> b2, ref Vector128<byte> b3)
    {
        var key = k[0];
        b0 ^= key; b1 ^= key; b2 ^= key; b3 ^= key;
        for (var r = 1; r < Rounds; r++)
        {
            key = k[r];
            b0 = X86Aes.Decrypt(b0, key);
            b1 = X86Aes.Decrypt(b1, key);
            b2 = X86Aes.Decrypt(b2, key);
            b3 = X86Aes.Decrypt(b3, key);
        }
        key = k[Rounds];
        b0 = X86Aes.DecryptLast(b0, key);
        b1 = X86Aes.DecryptLast(b1, key);
        b2 = X86Aes.DecryptLast(b2, key);
        b3 = X86Aes.DecryptLast(b3, key);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Decrypt8(in RoundKeys k,
        ref Vector128<byte> b0, ref Vector128<byte> b1, ref Vector128<byte> b2, ref Vector128<byte> b3,
        ref Vector128<byte> b4, ref Vector128<byte> b5, ref Vector128<byte> b6, ref Vector128<byte> b7)
    {
        var key = k[0];
        b0 ^= key; b1 ^= key; b2 ^= key; b3 ^= key;
        b4 ^= key; b5 ^= key; b6 ^= key; b7 ^= key;
        for (var r = 1; r < Rounds; r++)
        {
            key = k[r];
            b0 = X86Aes.Decrypt(b0, key);
            b1 = X86Aes.Decrypt(b1, key);
            b2 = X86Aes.Decrypt(b2, key);
            b3 = X86Aes.Decrypt(b3, key);
            b4 = X86Aes.Decrypt(b4, key);
            b5 = X86Aes.Decrypt(b5, key);
            b6 = X86Aes.Decrypt(b6, key);
            b7 = X86Aes.Decrypt(b7, key);
        }
        key = k[Rounds];
        b0 = X86Aes.DecryptLast(b0, key);
        b1 = X86Aes.DecryptLast(b1, key);
        b2 = X86Aes.DecryptLast(b2, key);
        b3 = X86Aes.DecryptLast(b3, key);
        b4 = X86Aes.DecryptLast(b4, key);
        b5 = X86Aes.DecryptLast(b5, key);
        b6 = X86Aes.DecryptLast(b6, key);
        b7 = X86Aes.DecryptLast(b7, key);
    }

    [InlineArray(Rounds + 1)]
    private struct RoundKeys
    {
        private Vector128<byte> _element;
    }
}
