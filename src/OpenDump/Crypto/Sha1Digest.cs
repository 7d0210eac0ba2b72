using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace OpenDump.Crypto;

/// <summary>
/// SHA-1 of a frame body, as the session checks every frame. Same result as
/// <see cref="SHA1.HashData(ReadOnlySpan{byte}, Span{byte})"/>, without its fixed cost.
/// </summary>
/// <remarks>
/// On Linux, <see cref="SHA1"/> goes through OpenSSL's EVP layer, which costs ~300 ns per call
/// (algorithm fetch, context allocation and teardown) before hashing a byte: more than the hash of a
/// typical 300-byte body. OpenSSL's low-level SHA1_Init/SHA1_Update/SHA1_Final (deprecated in
/// OpenSSL 3 but still exported, and used here from the libcrypto .NET has already loaded) hash into a
/// context on the stack and go straight to the block function (SHA-NI where the CPU has it).
/// Whether they can be used is decided once, with a self-test; anywhere else (another OS, no
/// libcrypto, a missing export, a failed self-test) every call goes to <see cref="SHA1.HashData(ReadOnlySpan{byte}, Span{byte})"/>.
/// Thread-safe and allocation-free.
/// </remarks>
public static unsafe class Sha1Digest
{
    public const int Size = 20;

    // sizeof(SHA_CTX) is 96 (5 + 2 + 16 + 1 32-bit words) in OpenSSL 1.1 and 3; the buffer has room to spare.
    private const int ContextSize = 128;

    private static readonly nint Libcrypto = LoadLibcrypto();
    // A body's hash is three short native calls that neither block nor call back: they skip the two switches of the
    // thread's GC mode a call normally makes, six per frame. Only SHA1_Update of a large body, which could keep a
    // collection waiting, goes the usual way.
    private static readonly delegate* unmanaged[SuppressGCTransition]<byte*, int> Sha1Init = (delegate* unmanaged[SuppressGCTransition]<byte*, int>)Export("SHA1_Init");
    private static readonly delegate* unmanaged<byte*, byte*, nuint, int> Sha1Update = (delegate* unmanaged<byte*, byte*, nuint, int>)Export("SHA1_Update");
    private static readonly delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int> Sha1UpdateShort = (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int>)Export("SHA1_Update");
    private static readonly delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int> Sha1Final = (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int>)Export("SHA1_Final");
    private const int ShortUpdate = 64 * 1024;
    private static readonly bool Native = Sha1Init != null && Sha1Update != null && Sha1Final != null && NativeSelfTest();

    /// <summary>Whether the low-level OpenSSL functions are in use (false: SHA1.HashData).</summary>
    internal static bool UsesNative => Native;

    /// <summary>Writes the SHA-1 of <paramref name="data"/> to the first 20 bytes of <paramref name="digest20"/>.</summary>
    public static void HashData(ReadOnlySpan<byte> data, Span<byte> digest20)
    {
        if (digest20.Length < Size) ThrowDigestTooShort(digest20.Length);
        if (Native) HashNative(data, digest20);
        else SHA1.HashData(data, digest20);
    }

    /// <summary>Whether the SHA-1 of <paramref name="data"/> is <paramref name="expected20"/> (20 bytes).</summary>
    [SkipLocalsInit]
    public static bool Matches(ReadOnlySpan<byte> data, ReadOnlySpan<byte> expected20)
    {
        if (expected20.Length != Size) throw new ArgumentException($"a SHA-1 digest is 20 bytes, got {expected20.Length}", nameof(expected20));
        Span<byte> digest = stackalloc byte[Size];
        HashData(data, digest);
        return digest.SequenceEqual(expected20);
    }

    /// <summary>HashData with the native path allowed or not (<paramref name="useNative"/>: false forces SHA1.HashData; tests).</summary>
    internal static void HashData(ReadOnlySpan<byte> data, Span<byte> digest20, bool useNative)
    {
        if (digest20.Length < Size) ThrowDigestTooShort(digest20.Length);
        if (useNative && Native) HashNative(data, digest20);
        else SHA1.HashData(data, digest20);
    }

    [SkipLocalsInit]
    private static void HashNative(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        var context = stackalloc byte[ContextSize];
        fixed (byte* input = data)
        fixed (byte* output = digest)
        {
            // The three return 1; a 0 is not expected, but would leave the digest to the managed path.
            if (Sha1Init(context) != 1
                || data.Length != 0 && (data.Length <= ShortUpdate ? Sha1UpdateShort(context, input, (nuint)data.Length) : Sha1Update(context, input, (nuint)data.Length)) != 1
                || Sha1Final(output, context) != 1)
                SHA1.HashData(data, digest);
        }
    }

    private static void ThrowDigestTooShort(int length) =>
        throw new ArgumentException($"a SHA-1 digest needs 20 bytes, the destination has {length}", "digest20");

    private static nint LoadLibcrypto()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        // The one System.Security.Cryptography loaded already (so the same OpenSSL), or the unversioned name.
        foreach (var name in (ReadOnlySpan<string>)["libcrypto.so.3", "libcrypto.so"])
            if (NativeLibrary.TryLoad(name, out var handle)) return handle;
        return 0;
    }

    private static nint Export(string name) =>
        Libcrypto != 0 && NativeLibrary.TryGetExport(Libcrypto, name, out var address) ? address : 0;

    // Proves the exports and the context size on inputs that cross the block and padding boundaries
    // before any body relies on them.
    private static bool NativeSelfTest()
    {
        try
        {
            Span<byte> data = stackalloc byte[1000];
            for (var i = 0; i < data.Length; i++) data[i] = (byte)(i * 31 + 7);
            Span<byte> native = stackalloc byte[Size];
            Span<byte> managed = stackalloc byte[Size];
            foreach (var length in (ReadOnlySpan<int>)[0, 3, 55, 56, 64, 119, 1000])
            {
                HashNative(data[..length], native);
                SHA1.HashData(data[..length], managed);
                if (!native.SequenceEqual(managed)) return false;
            }
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
