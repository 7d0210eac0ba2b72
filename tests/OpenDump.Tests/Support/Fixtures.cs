namespace OpenDump.Tests.Support;

/// <summary>Paths of files shipped with the tests (copied next to the test assembly) and in the repository.</summary>
public static class Fixtures
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    public static string SdkTcp(string name) => Path("sdk", "tcp", name);

    public static string SdkKey => SdkTcp("opend_test_rsa1024.pem");

    public static string SdkWs(string name) => Path("sdk", "ws", name);

    /// <summary>
    /// A capture the end-to-end tests run on, with its key: "sample" (the bundled sample), or a path under Fixtures
    /// such as "sdk/tcp/ftaes.pcap" (the SDK's TCP captures are encrypted with <see cref="SdkKey"/>, ws ones are not).
    /// </summary>
    public static (string Path, OpenDump.Crypto.RsaPrivateKey? Key) CaptureWithKey(string name) =>
        CaptureAndKeyFile(name) is var (path, key) ? (path, key is null ? null : OpenDump.Crypto.RsaPrivateKey.Load(key)) : default;

    /// <summary>The same, with the key as the path of its PEM file (null for a capture without one), for a command line.</summary>
    public static (string Path, string? KeyFile) CaptureAndKeyFile(string name) => name == "sample"
        ? (System.IO.Path.Combine(RepoRoot, "captures", "sample.pcap"), System.IO.Path.Combine(RepoRoot, "captures", OpenDump.Testing.SampleCapture.KeyFileName))
        : (Path(name.Split('/')), name.Contains("/tcp/") ? SdkKey : null);

    /// <summary>Every capture the end-to-end comparisons run on (names for <see cref="CaptureWithKey"/>).</summary>
    public static Xunit.TheoryData<string> EndToEndCaptures => new() { "sdk/tcp/plain.pcap", "sdk/tcp/ftaes.pcap", "sdk/tcp/cbc.pcap", "sdk/ws/ws_basic.pcap", "sample" };

    /// <summary>The repository root, found from the test assembly's location.</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Analyzer.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("repository root (Analyzer.sln) not found above " + AppContext.BaseDirectory);
        }
    }
}
