using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace OpenDump.Threading;

/// <summary>Asks for cache lines ahead of their use: an object another core wrote last, or memory long out of the caches.</summary>
internal static class CacheLines
{
    /// <summary>
    /// A hint only: nothing is read. If a collection moves the object in between, the lines asked for are just
    /// wasted, so the reference need not be pinned.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Prefetch(object target, int lines = 1)
    {
        if (!Sse.IsSupported) return;
        var address = (byte*)Unsafe.As<object, nint>(ref target);
        for (var i = 0; i < lines; i++) Sse.Prefetch0(address + 64 * i);
    }

    /// <summary>The lines of <paramref name="array"/> from <paramref name="offset"/> on, as far as the array goes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Prefetch(byte[] array, int offset, int lines)
    {
        if (!Sse.IsSupported) return;
        var end = Math.Min(array.Length, offset + 64 * lines);
        if (offset >= end) return;
        var start = (byte*)Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(array));
        for (var at = offset; at < end; at += 64) Sse.Prefetch0(start + at);
    }
}
