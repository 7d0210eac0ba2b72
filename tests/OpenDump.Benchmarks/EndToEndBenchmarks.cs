using BenchmarkDotNet.Attributes;
using OpenDump.Capture;
using OpenDump.Output;
using OpenDump.Testing;

namespace OpenDump.Benchmarks;

/// <summary>
/// The whole pipeline on a ~20 MB capture of the workload (8 connections × 6,000 FTAES-ECB pushes,
/// 48,096 frames) written once to a temp file; per frame, so Op/s is frames/s. RunFile reads it
/// through libpcap into a counting sink, RunFileJsonLines into the JSON Lines writer over Stream.Null,
/// InMemoryPackets skips libpcap (packets already in memory). Each operation includes the 16 RSA
/// InitConnect decryptions. MB/s: capture file bytes.
/// </summary>
[MemoryDiagnoser]
public class EndToEnd
{
    public const int PushesPerConnection = 6_000;
    public const int Frames = Workload.Connections * (2 + PushesPerConnection + 2 * ((PushesPerConnection - 1) / Workload.KeepAliveEvery));

    private string _path = "";
    private CapturedPacket[] _packets = [];
    private AnalyzerOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        var data = Workload.Build(PushesPerConnection, BodyEncryption.FtAesEcb, seed: 2);
        if (data.Frames != Frames) throw new InvalidOperationException($"{data.Frames} frames built, expected {Frames}");
        _packets = data.Packets;
        _options = new AnalyzerOptions { RsaKey = Workload.RsaKey };
        _path = Path.Combine(Path.GetTempPath(), $"opendump-bench-e2e-{Environment.ProcessId}.pcap");
        using (var file = File.Create(_path)) CaptureFile.Write(file, data.Segments, LinkKind.Ethernet, CaptureFormat.Pcap);
        var bytesPerFrame = (double)new FileInfo(_path).Length / Frames;
        ThroughputColumn.Register(this, nameof(RunFile), bytesPerFrame);
        ThroughputColumn.Register(this, nameof(RunFileJsonLines), bytesPerFrame);
        ThroughputColumn.Register(this, nameof(InMemoryPackets), bytesPerFrame);
        var sink = new CountingSink();
        using (var source = new PcapFileSource(_path)) CaptureAnalyzer.Run(source, _options, sink);
        sink.Check(Frames, "RunFile");
        Console.WriteLine($"// end-to-end capture: {new FileInfo(_path).Length:N0} bytes, {_packets.Length:N0} packets, {Frames:N0} frames");
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark(OperationsPerInvoke = Frames)]
    public long RunFile()
    {
        var sink = new CountingSink();
        using var source = new PcapFileSource(_path);
        return CaptureAnalyzer.Run(source, _options, sink).Frames;
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public long RunFileJsonLines()
    {
        using var writer = new JsonLinesWriter(Stream.Null, _ => { });
        using var source = new PcapFileSource(_path);
        return CaptureAnalyzer.Run(source, _options, writer).Frames;
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public long InMemoryPackets()
    {
        var sink = new CountingSink();
        using var analyzer = new CaptureAnalyzer(_options, sink);
        foreach (var packet in _packets) analyzer.ProcessPacket(packet);
        return analyzer.Finish().Frames;
    }
}
