using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.Cli;

/// <summary>`opendump` installs as a .NET tool from a locally packed package, as the README says, and introduces itself.</summary>
[Collection(DotnetBuilds.Name)]
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
            Processes.RunOk("dotnet", "pack", project, "-c", "Release", "-o", packages, "--nologo");
            Assert.Single(Directory.GetFiles(packages, "opendump-tool.*.nupkg"));
            Processes.RunOk("dotnet", "tool", "install", "--tool-path", tools, "--add-source", packages, "opendump-tool");

            var opendump = Path.Combine(tools, "opendump");
            var version = Processes.RunOk(opendump, "--version");
            Assert.Matches(@"^opendump \d+\.\d+\.\d+\n$", version);
            var help = Processes.RunOk(opendump, "--help");
            Assert.Contains("examples:", help);
            Assert.Contains("opendump stats capture.pcap", help);
            var read = Processes.RunOk(opendump, "read", Path.Combine(Fixtures.RepoRoot, "captures", "sample.pcap"), "--rsa-key",
                Path.Combine(Fixtures.RepoRoot, "captures", "sample_rsa1024.pem"), "--errors");
            Assert.Contains("Order quantity must be a multiple of the lot size", read);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
