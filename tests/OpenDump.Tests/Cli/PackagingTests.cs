using System.Diagnostics;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.Cli;

/// <summary>`opendump` installs as a .NET tool from a locally packed package, as the README says, and introduces itself.</summary>
public sealed class PackagingTests
{
    [Fact]
    public void The_packed_tool_installs_and_prints_its_version_and_examples()
    {
        var dir = Directory.CreateTempSubdirectory("opendump-pack");
        try
        {
            var packages = Path.Combine(dir.FullName, "artifacts");
            var tools = Path.Combine(dir.FullName, "tools");
            var project = Path.Combine(Fixtures.RepoRoot, "src", "OpenDump.Cli");
            Run("dotnet", "pack", project, "-c", "Release", "-o", packages, "--nologo");
            Assert.Single(Directory.GetFiles(packages, "opendump-tool.*.nupkg"));
            Run("dotnet", "tool", "install", "--tool-path", tools, "--add-source", packages, "opendump-tool");

            var opendump = Path.Combine(tools, "opendump");
            var version = Run(opendump, "--version");
            Assert.Matches(@"^opendump \d+\.\d+\.\d+\n$", version);
            var help = Run(opendump, "--help");
            Assert.Contains("examples:", help);
            Assert.Contains("opendump stats capture.pcap", help);
            var read = Run(opendump, "read", Path.Combine(Fixtures.RepoRoot, "captures", "sample.pcap"), "--rsa-key",
                Path.Combine(Fixtures.RepoRoot, "captures", "sample_rsa1024.pem"), "--errors");
            Assert.Contains("Order quantity must be a multiple of the lot size", read);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(300_000), $"{file} {string.Join(' ', args)} did not finish");
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: exit {process.ExitCode}\n{output.Result}\n{error.Result}");
        return output.Result;
    }
}
