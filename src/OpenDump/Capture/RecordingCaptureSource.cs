namespace OpenDump.Capture;

/// <summary>
/// Passes packets through unchanged while writing each one to a pcapng file (`opendump live -w`). A recording that
/// cannot be written any more (a full disk) stops, says why once, and the capture goes on being decoded.
/// </summary>
public sealed class RecordingCaptureSource(ICaptureSource inner, PcapNgWriter writer, Action<string>? recordingStopped = null) : ICaptureSource
{
    public string Name => inner.Name;
    public CaptureProblem? Problem => inner.Problem;
    public long? Position => inner.Position;
    public long? Length => inner.Length;

    /// <summary>Packets handed to the file (the last ones may still be in its buffer when the recording stops).</summary>
    public long PacketsRecorded { get; private set; }

    /// <summary>Why the recording stopped before the capture did; null while it goes on.</summary>
    public string? RecordingProblem { get; private set; }

    public bool TryReadNext(out CapturedPacket packet)
    {
        if (!inner.TryReadNext(out packet)) return false;
        if (RecordingProblem is null)
        {
            try
            {
                writer.Write(packet);
                PacketsRecorded++;
            }
            catch (IOException e)
            {
                Stop(e);
            }
        }
        return true;
    }

    private void Stop(IOException e)
    {
        RecordingProblem = $"recording stopped after {PacketsRecorded} packet{(PacketsRecorded == 1 ? "" : "s")}: {e.Message}";
        recordingStopped?.Invoke(RecordingProblem);
    }

    /// <summary>Writes out what the file buffered, so that a failure there is told before the run ends.</summary>
    public void FinishRecording()
    {
        if (RecordingProblem is not null) return;
        try
        {
            writer.Flush();
        }
        catch (IOException e)
        {
            Stop(e);
        }
    }

    public void Dispose()
    {
        try
        {
            // Closing writes what the file still buffered, which can fail the same way.
            writer.Dispose();
        }
        catch (IOException e)
        {
            if (RecordingProblem is null) Stop(e);
        }
        finally
        {
            inner.Dispose();
        }
    }
}
