namespace OpenDump.Capture;

/// <summary>Passes packets through unchanged while writing each one to a pcapng file (`opendump live -w`).</summary>
public sealed class RecordingCaptureSource(ICaptureSource inner, PcapNgWriter writer) : ICaptureSource
{
    public string Name => inner.Name;
    public CaptureProblem? Problem => inner.Problem;
    public long? Position => inner.Position;
    public long? Length => inner.Length;

    public bool TryReadNext(out CapturedPacket packet)
    {
        if (!inner.TryReadNext(out packet)) return false;
        writer.Write(packet);
        return true;
    }

    public void Dispose()
    {
        writer.Dispose();
        inner.Dispose();
    }
}
