using System.Security.Cryptography;
using OpenDump.Crypto;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.Crypto;

/// <summary>
/// AesNiDecryptor against the published vectors and System.Security.Cryptography.Aes, and BodyCipher
/// with AES-NI against BodyCipher forced onto the OpenSSL transform. The AesNiDecryptor tests pass
/// vacuously on a CPU without AES-NI (xUnit 2 cannot skip at run time); BodyCipher's are meaningful anywhere.
/// </summary>
public sealed class AesNiTests
{
    private static bool Supported => AesNiDecryptor.IsSupported;

    [Fact]
    public void This_x64_machine_has_aes_ni_and_body_cipher_uses_it()
    {
        if (!System.Runtime.Intrinsics.X86.X86Base.IsSupported) return; // not x86: nothing to prove
        Assert.True(Supported);
        using var fast = new BodyCipher(EncryptionKind.AesEcb, new byte[16]);
        using var slow = new BodyCipher(EncryptionKind.AesEcb, new byte[16], default, useAesNi: false);
        Assert.True(fast.UsesAesNi);
        Assert.False(slow.UsesAesNi);
    }

    [Theory]
    // FIPS-197 appendix C.1 (AES-128) and appendix B (the worked example).
    [InlineData("000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a", "00112233445566778899aabbccddeeff")]
    [InlineData("2b7e151628aed2a6abf7158809cf4f3c", "3925841d02dc09fbdc118597196a0b32", "3243f6a8885a308d313198a2e0370734")]
    // NIST SP 800-38A F.1.2 ECB-AES128.Decrypt.
    [InlineData("2b7e151628aed2a6abf7158809cf4f3c",
        "3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf43b1cd7f598ece23881b00e3ed0306887b0c785e27e8ad3f8223207104725dd4",
        "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710")]
    public void Ecb_known_answers(string key, string ciphertext, string plaintext)
    {
        if (!Supported) return;
        var aes = new AesNiDecryptor(Convert.FromHexString(key));
        var input = Convert.FromHexString(ciphertext);
        var output = new byte[input.Length];
        aes.DecryptEcb(input, output);
        Assert.Equal(plaintext, Convert.ToHexStringLower(output));
    }

    [Fact]
    public void Cbc_known_answer_of_sp800_38a_f22()
    {
        if (!Supported) return;
        var aes = new AesNiDecryptor(Convert.FromHexString("2b7e151628aed2a6abf7158809cf4f3c"));
        var iv = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
        var input = Convert.FromHexString(
            "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7");
        const string plain =
            "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
        var output = new byte[input.Length];
        aes.DecryptCbc(input, iv, output);
        Assert.Equal(plain, Convert.ToHexStringLower(output));

        // Any tail of the blocks decrypts from the ciphertext block before it as the IV.
        for (var start = 1; start < 4; start++)
        {
            var tail = new byte[input.Length - start * 16];
            aes.DecryptCbc(input.AsSpan(start * 16), input.AsSpan(start * 16 - 16, 16), tail);
            Assert.Equal(plain[(start * 32)..], Convert.ToHexStringLower(tail));
        }
    }

    [Fact]
    public void Random_keys_ivs_and_lengths_match_the_framework()
    {
        if (!Supported) return;
        var random = new Random(20260412);
        var key = new byte[16];
        var iv = new byte[16];
        for (var i = 0; i < 3000; i++)
        {
            random.NextBytes(key);
            random.NextBytes(iv);
            var blocks = i % 301; // every length from 0 to 300 blocks, about ten keys each
            var input = new byte[blocks * 16];
            random.NextBytes(input);
            using var reference = Aes.Create();
            reference.Key = key;
            var ni = new AesNiDecryptor(key);

            var output = new byte[input.Length];
            ni.DecryptEcb(input, output);
            Assert.Equal(reference.DecryptEcb(input, PaddingMode.None), output);

            Array.Clear(output);
            ni.DecryptCbc(input, iv, output);
            Assert.Equal(reference.DecryptCbc(input, iv, PaddingMode.None), output);
        }
    }

    [Fact]
    public void Decrypting_in_place_gives_the_same_bytes()
    {
        if (!Supported) return;
        var random = new Random(7);
        var key = new byte[16];
        var iv = new byte[16];
        for (var blocks = 0; blocks <= 40; blocks++)
        {
            random.NextBytes(key);
            random.NextBytes(iv);
            var input = new byte[blocks * 16];
            random.NextBytes(input);
            using var reference = Aes.Create();
            reference.Key = key;
            var ni = new AesNiDecryptor(key);

            var buffer = input.ToArray();
            ni.DecryptEcb(buffer, buffer);
            Assert.Equal(reference.DecryptEcb(input, PaddingMode.None), buffer);

            buffer = input.ToArray();
            ni.DecryptCbc(buffer, iv, buffer);
            Assert.Equal(reference.DecryptCbc(input, iv, PaddingMode.None), buffer);

            // In place inside a larger array, at an unaligned offset, the bytes around it untouched.
            var big = new byte[input.Length + 7 + 9];
            big.AsSpan().Fill(0xA5);
            input.CopyTo(big, 7);
            var window = big.AsSpan(7, input.Length);
            ni.DecryptCbc(window, iv, window);
            Assert.Equal(reference.DecryptCbc(input, iv, PaddingMode.None), window.ToArray());
            Assert.All(big[..7], b => Assert.Equal(0xA5, b));
            Assert.All(big[(7 + input.Length)..], b => Assert.Equal(0xA5, b));
        }
    }

    [Fact]
    public void Only_input_length_bytes_of_a_longer_output_are_written()
    {
        if (!Supported) return;
        var ni = new AesNiDecryptor(new byte[16]);
        var output = Enumerable.Repeat((byte)0x5A, 100).ToArray();
        ni.DecryptEcb(new byte[48], output);
        Assert.All(output[48..], b => Assert.Equal(0x5A, b));
        using var reference = Aes.Create();
        reference.Key = new byte[16]; // the same all-zero key, not the random one Create() picks
        Assert.Equal(reference.DecryptEcb(new byte[48], PaddingMode.None), output[..48]);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        if (!Supported) return;
        Assert.Throws<ArgumentException>(() => new AesNiDecryptor(new byte[24]));
        var ni = new AesNiDecryptor(new byte[16]);
        Assert.Throws<ArgumentException>(() => ni.DecryptEcb(new byte[17], new byte[32]));
        Assert.Throws<ArgumentException>(() => ni.DecryptEcb(new byte[32], new byte[16]));
        Assert.Throws<ArgumentException>(() => ni.DecryptCbc(new byte[32], new byte[15], new byte[32]));
        var shared = new byte[64];
        Assert.Throws<ArgumentException>(() => ni.DecryptEcb(shared.AsSpan(0, 32), shared.AsSpan(16, 32)));
        Assert.Throws<ArgumentException>(() => ni.DecryptCbc(shared.AsSpan(16, 32), new byte[16], shared.AsSpan(0, 32)));
    }

    public static TheoryData<EncryptionKind> Modes => [EncryptionKind.FtAesEcb, EncryptionKind.AesEcb, EncryptionKind.AesCbc];

    [Theory]
    [MemberData(nameof(Modes))]
    public void A_cipher_that_decrypts_on_any_thread_gives_every_thread_its_own_bodies(EncryptionKind kind)
    {
        // The session hands one connection's cipher to the decoding threads (Sha1Speculation) only when this holds.
        var key = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
        var iv = kind == EncryptionKind.AesCbc ? Enumerable.Range(40, 16).Select(i => (byte)i).ToArray() : default(ReadOnlySpan<byte>);
        using var shared = new BodyCipher(kind, key, iv);
        using var slow = new BodyCipher(kind, key, iv, useAesNi: false);
        Assert.False(slow.DecryptsOnAnyThread);
        if (!shared.DecryptsOnAnyThread) return; // no AES-NI: nothing leaves the session's thread

        var random = new Random(77);
        var bodies = Enumerable.Range(0, 400).Select(_ => { var b = new byte[random.Next(1, 700)]; random.NextBytes(b); return b; }).ToArray();
        var wires = bodies.Select(b => shared.Encrypt(b)).ToArray();
        var wrong = new System.Collections.Concurrent.ConcurrentBag<int>();
        using var start = new Barrier(4);
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var round = 0; round < 50; round++)
            for (var i = t; i < wires.Length; i += 4)
            {
                var buffer = wires[i].ToArray();
                if (!shared.TryDecrypt(buffer, buffer, out var written, out _) || !buffer.AsSpan(0, written).SequenceEqual(bodies[i])) wrong.Add(i);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(wrong);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Body_cipher_gives_the_same_results_with_and_without_aes_ni(EncryptionKind kind)
    {
        var random = new Random(1000 + (int)kind);
        var key = new byte[16];
        var iv = new byte[16];
        for (var i = 0; i < 300; i++)
        {
            random.NextBytes(key);
            random.NextBytes(iv);
            var cbcIv = kind == EncryptionKind.AesCbc ? iv : default(ReadOnlySpan<byte>);
            using var fast = new BodyCipher(kind, key, cbcIv);
            using var slow = new BodyCipher(kind, key, cbcIv, useAesNi: false);
            Assert.False(slow.UsesAesNi);

            // A well-formed body of a random length (0 to 2000 bytes)...
            var plain = new byte[i < 40 ? i : random.Next(0, 2001)];
            random.NextBytes(plain);
            var wire = fast.Encrypt(plain);
            Assert.Equal(wire, slow.Encrypt(plain));
            var (fastOk, fastBytes, fastError) = Decrypt(fast, wire);
            var (slowOk, slowBytes, slowError) = Decrypt(slow, wire);
            Assert.True(fastOk, fastError);
            Assert.True(slowOk, slowError);
            Assert.Equal(plain, fastBytes);
            Assert.Equal(plain, slowBytes);

            // ...and random blocks (wrong key, garbage): the same verdict, bytes and error either way.
            var garbage = new byte[16 * random.Next(0, 40)];
            random.NextBytes(garbage);
            if (kind == EncryptionKind.FtAesEcb && garbage.Length >= 16 && random.Next(2) == 0)
            {
                garbage.AsSpan(garbage.Length - 16, 15).Clear(); // a valid FTAES tail half the time
                garbage[^1] = (byte)random.Next(16);
            }
            (fastOk, fastBytes, fastError) = Decrypt(fast, garbage);
            (slowOk, slowBytes, slowError) = Decrypt(slow, garbage);
            Assert.Equal(slowOk, fastOk);
            Assert.Equal(slowError, fastError);
            if (slowOk) Assert.Equal(slowBytes, fastBytes);

            // The cipher is reused per body: a second decryption of the first body still agrees (CBC back to the IV).
            Assert.Equal(plain, Decrypt(fast, wire).Plain);
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Body_cipher_decrypts_into_its_own_buffer(EncryptionKind kind)
    {
        var key = "0123456789ABCDEF"u8;
        var iv = "abcdefghijklmnop"u8;
        var cbcIv = kind == EncryptionKind.AesCbc ? iv : default;
        using var fast = new BodyCipher(kind, key, cbcIv);
        using var slow = new BodyCipher(kind, key, cbcIv, useAesNi: false);
        var plain = Enumerable.Range(0, 333).Select(i => (byte)(i * 13 + 1)).ToArray();
        var wire = fast.Encrypt(plain);
        foreach (var cipher in new[] { fast, slow })
        {
            // The same memory...
            var buffer = wire.ToArray();
            Assert.True(cipher.TryDecrypt(buffer, buffer, out var written, out var error), error);
            Assert.Equal(plain, buffer[..written]);

            // ...and the body 16 or 48 bytes after the destination's start, and before it.
            foreach (var shift in new[] { 16, 48, -16, -48 })
            {
                buffer = new byte[wire.Length + 64];
                var at = shift > 0 ? shift : 0;
                wire.CopyTo(buffer, at);
                var destination = buffer.AsSpan(at - shift, wire.Length);
                Assert.True(cipher.TryDecrypt(buffer.AsSpan(at, wire.Length), destination, out written, out error), error);
                Assert.Equal(plain, destination[..written].ToArray());
            }
        }
    }

    [Fact]
    public void Body_cipher_refuses_a_short_destination_as_before()
    {
        using var fast = new BodyCipher(EncryptionKind.AesEcb, new byte[16]);
        using var slow = new BodyCipher(EncryptionKind.AesEcb, new byte[16], default, useAesNi: false);
        var wire = fast.Encrypt(new byte[40]);
        Assert.Throws<ArgumentException>(() => fast.TryDecrypt(wire, new byte[16], out _, out _));
        Assert.Throws<ArgumentException>(() => slow.TryDecrypt(wire, new byte[16], out _, out _));
    }

    [Fact]
    public void Decrypting_allocates_nothing()
    {
        if (!Supported) return;
        var ni = new AesNiDecryptor("0123456789ABCDEF"u8);
        var iv = "abcdefghijklmnop"u8.ToArray();
        var input = new byte[16 * 37];
        new Random(3).NextBytes(input);
        var output = new byte[input.Length];
        var ciphers = new[] { EncryptionKind.FtAesEcb, EncryptionKind.AesEcb, EncryptionKind.AesCbc }
            .Select(k => new BodyCipher(k, "0123456789ABCDEF"u8, k == EncryptionKind.AesCbc ? iv : default)).ToArray();
        var bodies = ciphers.Select(c => c.Encrypt(input.AsSpan(0, 290))).ToArray();

        void Run()
        {
            for (var i = 0; i < 1000; i++)
            {
                ni.DecryptEcb(input, output);
                ni.DecryptCbc(input, iv, output);
                ni.DecryptCbc(output, iv, output);
                for (var c = 0; c < ciphers.Length; c++)
                    if (!ciphers[c].TryDecrypt(bodies[c], output, out _, out _)) throw new InvalidOperationException("does not decrypt");
            }
        }
        Run(); // warm-up
        Assert.Equal(0, Allocations.OfQuietestRun(Run));
        foreach (var c in ciphers) c.Dispose();
    }

    // Plain is what TryDecrypt reports as written. A 16-byte FTAES body whose tail claims a remainder
    // "succeeds" with a negative length (BodyCipher does that with or without AES-NI): then the length itself.
    private static (bool Ok, byte[] Plain, string? Error) Decrypt(BodyCipher cipher, byte[] body)
    {
        var destination = new byte[body.Length];
        var ok = cipher.TryDecrypt(body, destination, out var written, out var error);
        return (ok, written >= 0 ? destination[..written] : BitConverter.GetBytes(written), error);
    }
}
