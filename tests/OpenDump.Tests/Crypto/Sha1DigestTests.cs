using System.Runtime.InteropServices;
using System.Security.Cryptography;
using OpenDump.Crypto;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.Crypto;

public sealed class Sha1DigestTests
{
    [Fact]
    public void Uses_the_low_level_openssl_functions_where_libcrypto_has_them()
    {
        var available = OperatingSystem.IsLinux()
            && (NativeLibrary.TryLoad("libcrypto.so.3", out var lib) || NativeLibrary.TryLoad("libcrypto.so", out lib))
            && NativeLibrary.TryGetExport(lib, "SHA1_Update", out _);
        Assert.Equal(available, Sha1Digest.UsesNative);
    }

    [Theory]
    [InlineData("", "da39a3ee5e6b4b0d3255bfef95601890afd80709")]
    [InlineData("abc", "a9993e364706816aba3e25717850c26c9cd0d89d")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1")]
    public void Known_answers(string text, string sha1)
    {
        var data = System.Text.Encoding.ASCII.GetBytes(text);
        var digest = new byte[20];
        Sha1Digest.HashData(data, digest);
        Assert.Equal(sha1, Convert.ToHexStringLower(digest));
        Array.Clear(digest);
        Sha1Digest.HashData(data, digest, useNative: false);
        Assert.Equal(sha1, Convert.ToHexStringLower(digest));
        Assert.True(Sha1Digest.Matches(data, Convert.FromHexString(sha1)));
    }

    [Fact]
    public void Every_length_up_to_10000_matches_the_framework_on_both_paths()
    {
        var random = new Random(4242);
        var pool = new byte[10000 + 64];
        random.NextBytes(pool);
        var expected = new byte[20];
        var actual = new byte[20];
        var fallback = new byte[20];
        for (var length = 0; length <= 10000; length++)
        {
            var data = pool.AsSpan(random.Next(0, 64), length); // unaligned starts too
            SHA1.HashData(data, expected);
            Sha1Digest.HashData(data, actual);
            Sha1Digest.HashData(data, fallback, useNative: false);
            Assert.Equal(expected, actual);
            Assert.Equal(expected, fallback);
        }
    }

    [Theory]
    [InlineData(64 * 1024 - 1)]
    [InlineData(64 * 1024)]
    [InlineData(64 * 1024 + 1)]
    [InlineData(3 * 1024 * 1024 + 7)]
    public void Bodies_either_side_of_the_short_call_limit_match_the_framework(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        var actual = new byte[20];
        Sha1Digest.HashData(data, actual);
        Assert.Equal(SHA1.HashData(data), actual);
    }

    [Fact]
    public void Matches_says_whether_the_digest_is_the_datas()
    {
        var random = new Random(9);
        for (var i = 0; i < 200; i++)
        {
            var data = new byte[random.Next(0, 3000)];
            random.NextBytes(data);
            var digest = SHA1.HashData(data);
            Assert.True(Sha1Digest.Matches(data, digest));

            var wrong = digest.ToArray();
            wrong[random.Next(20)] ^= (byte)(1 << random.Next(8));
            Assert.False(Sha1Digest.Matches(data, wrong));

            if (data.Length > 0)
            {
                data[random.Next(data.Length)] ^= 0x80;
                Assert.False(Sha1Digest.Matches(data, digest));
            }
        }
        Assert.Throws<ArgumentException>(() => Sha1Digest.Matches([1, 2, 3], new byte[19]));
    }

    [Fact]
    public void The_digest_goes_to_the_first_20_bytes_of_the_destination()
    {
        var data = "abc"u8.ToArray();
        var destination = Enumerable.Repeat((byte)0xEE, 32).ToArray();
        Sha1Digest.HashData(data, destination);
        Assert.Equal("a9993e364706816aba3e25717850c26c9cd0d89d", Convert.ToHexStringLower(destination.AsSpan(0, 20)));
        Assert.All(destination[20..], b => Assert.Equal(0xEE, b));
        Assert.Throws<ArgumentException>(() => Sha1Digest.HashData(data, new byte[19]));
        Assert.Throws<ArgumentException>(() => Sha1Digest.HashData(data, new byte[19], useNative: false));
    }

    [Fact]
    public void Threads_hashing_different_data_each_get_their_own_digest()
    {
        var failures = 0;
        Parallel.For(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var random = new Random(i);
            var data = new byte[random.Next(0, 4000)];
            random.NextBytes(data);
            Span<byte> digest = stackalloc byte[20];
            Sha1Digest.HashData(data, digest);
            if (!digest.SequenceEqual(SHA1.HashData(data)) || !Sha1Digest.Matches(data, digest))
                Interlocked.Increment(ref failures);
        });
        Assert.Equal(0, failures);
    }

    [Fact]
    public void Hashing_allocates_nothing()
    {
        var bodies = new[] { 0, 100, 290, 2000, 9000 }.Select(n => new byte[n]).ToArray();
        foreach (var body in bodies) new Random(body.Length).NextBytes(body);
        var expected = bodies.Select(SHA1.HashData).ToArray();
        var digest = new byte[20];
        var matched = 0;
        void Run()
        {
            matched = 0;
            for (var i = 0; i < 1000; i++)
                for (var b = 0; b < bodies.Length; b++)
                {
                    Sha1Digest.HashData(bodies[b], digest);
                    if (Sha1Digest.Matches(bodies[b], expected[b])) matched++;
                }
        }
        Run(); // warm-up
        Assert.Equal(1000 * bodies.Length, matched);
        Assert.Equal(0, Allocations.OfQuietestRun(Run));
        Assert.Equal(1000 * bodies.Length, matched);
    }
}
