namespace OpenDump.Capture;

/// <summary>
/// Where packets come from: a file, standard input or an interface. Our own interface so that no
/// other stage sees SharpPcap types and a faster reader can replace it.
/// </summary>
public interface ICaptureSource : IDisposable
{
    string Name { get; }

    /// <summary>Next packet, or false at the end. A damaged capture ends early and sets <see cref="Problem"/>.</summary>
    bool TryReadNext(out CapturedPacket packet);

    /// <summary>Why reading stopped before the natural end, if it did.</summary>
    CaptureProblem? Problem { get; }

    /// <summary>Bytes of the input consumed so far, when known (for progress and error offsets).</summary>
    long? Position { get; }

    long? Length { get; }

    /// <summary>Whether <see cref="Reopen"/> can read the input again from its start (a file can; standard input and an interface cannot).</summary>
    bool CanReopen => false;

    /// <summary>A new source that reads the same packets from the start; this one is left as it is.</summary>
    ICaptureSource Reopen() => throw new NotSupportedException($"{Name} cannot be read a second time");
}
