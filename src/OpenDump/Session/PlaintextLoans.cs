namespace OpenDump.Session;

/// <summary>
/// The plaintext arrays frames borrow when <see cref="AnalyzerOptions.LendPlaintext"/> is set: one array per body length
/// and thread, of the body's exact length (what <see cref="OpenDFrame.Plaintext"/> is), lent again as soon as the frame
/// gives it back. The few hundred lengths a stream of pushes has stay in the decoding thread's cache; a fresh array per
/// frame, or a pool holding as many arrays as there are frames in flight, made the timeline a tenth slower.
/// </summary>
internal sealed class PlaintextLoans
{
    // Longer bodies are rare (a K-line reply, a snapshot): they get arrays of their own.
    private const int MaxLength = 16 * 1024;

    [ThreadStatic] private static PlaintextLoans? t_current;

    public static PlaintextLoans ForThisThread => t_current ??= new PlaintextLoans();

    private readonly byte[]?[] _byLength = new byte[]?[MaxLength + 1];

    /// <summary>
    /// This thread's array of <paramref name="plain"/>'s length, holding a copy of it: valid until the next call
    /// with a body of the same length on this thread, so the frame must give it back (<see cref="GiveBack"/>) first.
    /// </summary>
    public byte[] Lend(ReadOnlySpan<byte> plain)
    {
        if (plain.IsEmpty) return [];
        var array = plain.Length <= MaxLength
            ? _byLength[plain.Length] ??= GC.AllocateUninitializedArray<byte>(plain.Length)
            : GC.AllocateUninitializedArray<byte>(plain.Length);
        plain.CopyTo(array);
        return array;
    }

    /// <summary>
    /// Takes <paramref name="lent"/> back from the frame. A frame that still needs its body (<paramref name="keep"/>: no
    /// sink prepared it, so one renders it when it is delivered) gets a copy of its own instead, or keeps the array when
    /// it was its own already (a body longer than the lent ones).
    /// </summary>
    public static void GiveBack(OpenDFrame frame, byte[] lent, bool keep)
    {
        if (!ReferenceEquals(frame.Plaintext, lent)) return;
        frame.Plaintext = !keep ? null : lent.Length > MaxLength ? lent : lent.AsSpan().ToArray();
    }
}
