using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace OpenDump.Threading;

/// <summary>Asks for an object's first cache lines ahead of its use, for objects another core wrote last.</summary>
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
}
