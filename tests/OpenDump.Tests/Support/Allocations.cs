namespace OpenDump.Tests.Support;

/// <summary>
/// What code allocates on the calling thread once warm. A run can count an allocation that is not the code's: the
/// first call of a method it has not run before, or a tier change, is compiled on that thread, and under the parallel
/// suite that happens after any warm-up now and then (3,912 bytes, once in ~25 suite runs). A per-call allocation shows
/// in every run of thousands of calls; so the work runs up to <c>runs</c> times and the quietest run is what counts.
/// </summary>
internal static class Allocations
{
    /// <summary>The bytes of the quietest of up to <paramref name="runs"/> runs of <paramref name="work"/> (it stops at a run with none).</summary>
    public static long OfQuietestRun(Action work, int runs = 3)
    {
        var quietest = long.MaxValue;
        for (var i = 0; i < runs && quietest != 0; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            work();
            quietest = Math.Min(quietest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return quietest;
    }
}
