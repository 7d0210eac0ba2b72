using OpenDump.Capture;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.CaptureFiles;

/// <summary>`live -w`: a recording that cannot be written stops and says why once; the packets still reach the analysis.</summary>
public sealed class RecordingCaptureSourceTests
{
    [Fact]
    public void A_recording_that_fills_the_disk_stops_once_and_passes_every_packet_on()
    {
        var packets = Enumerable.Range(0, 10).Select(i => Enumerable.Repeat((byte)i, 100).ToArray()).ToList();
        // Header blocks (28 + 20 bytes) and three 132-byte packet blocks fit; the fourth does not.
        var disk = new FillingStream(48 + 3 * 132 + 50);
        var said = new List<string>();
        var inner = new ListCaptureSource(packets);
        var recording = new RecordingCaptureSource(inner, new PcapNgWriter(disk, 1), said.Add);

        var passed = new List<byte[]>();
        while (recording.TryReadNext(out var packet)) passed.Add(packet.Data.ToArray());
        recording.FinishRecording();
        recording.Dispose();

        Assert.Equal(packets, passed);
        Assert.Equal(3, recording.PacketsRecorded);
        Assert.Equal(48 + 3 * 132, disk.Accepted);
        Assert.Equal(["recording stopped after 3 packets: No space left on device"], said);
        Assert.Equal(said[0], recording.RecordingProblem);
        Assert.True(inner.Disposed);
    }

    [Fact]
    public void A_failure_when_the_buffered_rest_is_written_is_told_too()
    {
        var said = new List<string>();
        var disk = new FillingStream(long.MaxValue) { FailFlush = true };
        var recording = new RecordingCaptureSource(new ListCaptureSource([new byte[60]]), new PcapNgWriter(disk, 1), said.Add);
        while (recording.TryReadNext(out _)) { }
        recording.FinishRecording();
        recording.Dispose();

        Assert.Equal(1, recording.PacketsRecorded);
        Assert.Equal(["recording stopped after 1 packet: No space left on device"], said);
    }

    [Fact]
    public void A_recording_that_goes_well_says_nothing()
    {
        var said = new List<string>();
        var disk = new FillingStream(long.MaxValue);
        var recording = new RecordingCaptureSource(new ListCaptureSource([new byte[60], new byte[61]]), new PcapNgWriter(disk, 1), said.Add);
        while (recording.TryReadNext(out _)) { }
        recording.FinishRecording();
        recording.Dispose();

        Assert.Empty(said);
        Assert.Null(recording.RecordingProblem);
        Assert.Equal(2, recording.PacketsRecorded);
        Assert.Equal(48 + (32 + 60) + (32 + 64), disk.Accepted);
    }
}
