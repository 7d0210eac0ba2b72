using OpenDump.Capture;
using OpenDump.Diagnostics;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.EndToEnd;

/// <summary>A capture that ends in the middle of a record keeps everything before it and says where it broke.</summary>
public sealed class DamagedCaptureTests
{
    [Theory]
    [InlineData(100_000)]
    [InlineData(150_001)]
    public void A_truncated_pcap_keeps_the_frames_before_the_cut_and_names_the_offset(int keep)
    {
        var cut = CutCopy(Fixtures.SdkTcp("plain.pcap"), keep);
        try
        {
            var sink = new CollectingSink();
            using var source = new PcapFileSource(cut);
            var summary = CaptureAnalyzer.Run(source, new AnalyzerOptions(), sink);

            var expected = SdkCaptureTests.Decode("plain", withKey: false).Frames;
            Assert.InRange(sink.Frames.Count, 10, expected.Count - 1);
            // Whatever was decoded is exactly what the whole capture gives for those frames.
            Assert.Equal(expected.Take(sink.Frames.Count).Select(f => (f.ProtoId, f.SerialNo, f.BodyLen)),
                sink.Frames.Select(f => (f.ProtoId, f.SerialNo, f.BodyLen)));
            var problem = Assert.Single(sink.CaptureDiagnostics);
            Assert.Equal(DiagnosticCodes.CaptureTruncated, problem.Code);
            Assert.Matches(@"at file offset \d+ after packet \d+", problem.Message);
            Assert.NotNull(summary.CaptureProblem);
            var offset = long.Parse(System.Text.RegularExpressions.Regex.Match(problem.Message, @"offset (\d+)").Groups[1].Value);
            Assert.InRange(offset, keep - 1514 - 16, keep);
        }
        finally
        {
            File.Delete(cut);
        }
    }

    [Fact]
    public void A_frame_cut_by_the_end_of_the_capture_is_reported_with_its_header()
    {
        var cut = CutCopy(Fixtures.SdkTcp("plain.pcap"), 100_000);
        try
        {
            var sink = new CollectingSink();
            using var source = new PcapFileSource(cut);
            CaptureAnalyzer.Run(source, new AnalyzerOptions(), sink);
            var lost = Assert.Single(sink.ConnectionDiagnostics, d => d.Diagnostic.Code == DiagnosticCodes.TruncatedFrame);
            Assert.Contains("protoID 3103 (Qot_RequestHistoryKL)", lost.Diagnostic.Message);
            Assert.Contains("bodyLen 120002", lost.Diagnostic.Message);
        }
        finally
        {
            File.Delete(cut);
        }
    }

    [Fact]
    public async Task Standard_input_is_read_by_the_real_command()
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "OpenDump.Cli.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [cli, "read", "-", "--format", "jsonl", "--rsa-key", Fixtures.SdkKey])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await using (var input = File.OpenRead(Fixtures.SdkTcp("ftaes.pcap"))) await input.CopyToAsync(process.StandardInput.BaseStream);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal("", await stderr);
        Assert.Equal(0, process.ExitCode);
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(153, lines.Length);
        Assert.All(lines, l => Assert.Contains("\"sha1Ok\":true", l));
    }

    private static string CutCopy(string path, int keep)
    {
        var cut = Path.Combine(Path.GetTempPath(), $"opendump-cut-{Guid.NewGuid():N}.pcap");
        File.WriteAllBytes(cut, File.ReadAllBytes(path)[..keep]);
        return cut;
    }

    [Fact]
    public void An_absurd_record_length_is_named_with_its_exact_file_offset()
    {
        var bytes = File.ReadAllBytes(Fixtures.SdkTcp("plain.pcap"));
        var offset = 24;
        for (var i = 0; i < 19; i++) offset += 16 + BitConverter.ToInt32(bytes, offset + 8);
        BitConverter.GetBytes(0x7ffffff0).CopyTo(bytes, offset + 8);
        BitConverter.GetBytes(0x7ffffff0).CopyTo(bytes, offset + 12);
        var path = Path.Combine(Path.GetTempPath(), $"opendump-absurd-{Guid.NewGuid():N}.pcap");
        File.WriteAllBytes(path, bytes);
        try
        {
            var sink = new CollectingSink();
            using var source = new PcapFileSource(path);
            var summary = CaptureAnalyzer.Run(source, new AnalyzerOptions(), sink);
            Assert.Equal(19, summary.Packets);
            var problem = Assert.Single(sink.CaptureDiagnostics);
            Assert.Contains($"at file offset {offset} after packet 19", problem.Message);
            Assert.Contains("2147483632", problem.Message);
            Assert.Equal(SdkCaptureTests.Decode("plain", withKey: false).Frames.Take(sink.Frames.Count).Select(f => f.SerialNo), sink.Frames.Select(f => f.SerialNo));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
