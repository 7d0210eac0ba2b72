using OpenDump.Testing;

// Regenerates the bundled sample capture. The content lives in OpenDump.Testing.SampleCapture so that
// tests can rebuild it in memory; this program only finds the key and writes the file.
//
//   dotnet run --project tests/OpenDump.Samples -- captures/sample.pcap [--key captures/sample_rsa1024.pem]
//
// A path ending in .pcapng gets the same packets as pcapng.

string? output = null;
string? keyPath = null;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--key" && i + 1 < args.Length) keyPath = args[++i];
    else if (args[i].StartsWith('-')) return Usage($"unknown option {args[i]}");
    else if (output is null) output = args[i];
    else return Usage("only one output path");
}
if (output is null) return Usage("missing output path");

keyPath ??= FindKey();
if (keyPath is null || !File.Exists(keyPath))
    return Usage($"cannot find captures/{SampleCapture.KeyFileName}; pass --key");

var key = TestCrypto.LoadRsaKeyPair(keyPath);
var format = output.EndsWith(".pcapng", StringComparison.OrdinalIgnoreCase) ? CaptureFormat.PcapNg : CaptureFormat.Pcap;
var segments = SampleCapture.Segments(key);
var bytes = segments.ToBytes(LinkKind.Ethernet, format);

var directory = Path.GetDirectoryName(Path.GetFullPath(output));
if (directory is not null) Directory.CreateDirectory(directory);
File.WriteAllBytes(output, bytes);
Console.WriteLine($"{output}: {segments.Count} packets, {bytes.Length} bytes ({format}, key {keyPath})");
return 0;

// The key is looked for upwards from the working directory, then from the build output (which sits
// inside the repository), so the command works from anywhere.
static string? FindKey()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "captures", SampleCapture.KeyFileName);
            if (File.Exists(candidate)) return candidate;
        }
    return null;
}

static int Usage(string problem)
{
    Console.Error.WriteLine($"opendump-samples: {problem}");
    Console.Error.WriteLine("usage: dotnet run --project tests/OpenDump.Samples -- <out.pcap|out.pcapng> [--key <rsa.pem>]");
    return 2;
}
