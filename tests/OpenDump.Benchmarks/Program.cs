using System.Collections.Concurrent;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace OpenDump.Benchmarks;

/// <summary>
/// dotnet run -c Release --project tests/OpenDump.Benchmarks -- --filter '*'
/// (any BenchmarkDotNet option works: --filter '*Aes*', --list flat, --job medium ...).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var artifacts = Path.Combine(Environment.GetEnvironmentVariable("OPENDUMP_BENCH_DIR") ?? "/tmp/opendump-bench", "BenchmarkDotNet.Artifacts");
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchConfig.Create(artifacts));
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}

/// <summary>
/// ShortRun (3 warm-up and 3 measured iterations, one launch) in process: the whole suite takes a few
/// minutes and no project is regenerated or rebuilt per benchmark. Every operation is one item of the
/// batch (packet, segment, frame or body: OperationsPerInvoke), so Mean is per item and Op/s is items/s.
/// Min and Median are shown too: on a shared 2-core machine other work only ever adds time, so Min is the
/// steadiest figure when the error bars are wide.
/// </summary>
public static class BenchConfig
{
    public static IConfig Create(string artifactsPath) =>
        ManualConfig.CreateEmpty()
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(DefaultConfig.Instance.GetLoggers().ToArray())
            .AddExporter(DefaultConfig.Instance.GetExporters().ToArray())
            .AddAnalyser(DefaultConfig.Instance.GetAnalysers().ToArray())
            .AddValidator(DefaultConfig.Instance.GetValidators().ToArray())
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortRun-InProcess"))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.Min, StatisticColumn.Median, StatisticColumn.OperationsPerSecond, new ThroughputColumn())
            .WithArtifactsPath(artifactsPath);
}

/// <summary>
/// MB/s of the bytes one operation processes (packet bytes, stream bytes, ciphertext, plaintext, JSON
/// written, capture file bytes: each benchmark says which in its GlobalSetup). Filled in by the
/// benchmarks' GlobalSetup, so it shows for in-process runs only ("?" otherwise).
/// </summary>
public sealed class ThroughputColumn : IColumn
{
    private static readonly ConcurrentDictionary<string, double> BytesPerOp = new();

    public static void Register(object benchmark, string method, double bytesPerOperation)
    {
        // The in-process toolchain runs a generated subclass of the benchmark class.
        var type = benchmark.GetType();
        while (type.Assembly != typeof(ThroughputColumn).Assembly && type.BaseType is { } parent) type = parent;
        BytesPerOp[Key(type, method, ParamsOf(benchmark))] = bytesPerOperation;
    }

    private static IEnumerable<(string Name, object? Value)> ParamsOf(object benchmark) =>
        benchmark.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttributes().Any(a => a is ParamsAttribute or ParamsAllValuesAttribute or ParamsSourceAttribute))
            .Select(p => (p.Name, p.GetValue(benchmark)));

    private static string Key(Type type, string method, IEnumerable<(string Name, object? Value)> parameters) =>
        type.FullName + "." + method + "(" + string.Join(",", parameters.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value}")) + ")";

    public string Id => "Throughput.MBps";
    public string ColumnName => "MB/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Megabytes (10^6) processed per second; what counts as processed is said per benchmark";
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var key = Key(benchmarkCase.Descriptor.Type, benchmarkCase.Descriptor.WorkloadMethod.Name,
            benchmarkCase.Parameters.Items.Select(p => (p.Name, (object?)p.Value)));
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (!BytesPerOp.TryGetValue(key, out var bytes) || mean is not { } ns || ns <= 0) return "?";
        var mbps = bytes / ns * 1e3; // bytes/ns = GB/s
        return mbps >= 100 ? mbps.ToString("N0") : mbps.ToString("N1");
    }
}
