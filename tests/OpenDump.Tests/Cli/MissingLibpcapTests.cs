using OpenDump.Capture;
using OpenDump.Cli;
using OpenDump.Tests.Support;
using Xunit;

namespace OpenDump.Tests.Cli;

/// <summary>
/// Without the native libpcap, every command that reads packets says so in one line and how to install it. The CLI
/// runs in a mount namespace of its own where each libpcap file is /dev/null (like the live tests, this needs root,
/// which CI has), so the runtime's loader fails the way it does on a machine without the package.
/// </summary>
public sealed class MissingLibpcapTests
{
    [Theory]
    [InlineData("read")]
    [InlineData("stats")]
    [InlineData("interfaces")]
    [InlineData("live")]
    public void A_command_without_libpcap_says_how_to_install_it(string command)
    {
        string[] args = command switch
        {
            "read" or "stats" => [command, Fixtures.SdkTcp("plain.pcap")],
            "live" => [command, "-i", "lo", "--duration", "1"],
            _ => [command],
        };
        var (code, stdout, stderr) = RunWithoutLibpcap(args);

        Assert.Equal(ExitCodes.CannotOpen, code);
        Assert.Equal("", stdout);
        Assert.Contains("libpcap is not installed (Debian/Ubuntu: apt-get install libpcap0.8)", stderr);
        Assert.DoesNotContain("Unhandled exception", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void The_same_commands_with_libpcap_open_the_capture()
    {
        // The namespace alone changes nothing: the failure above is libpcap's absence, not the way the CLI was started.
        var (code, stdout, stderr) = Processes.Run("unshare", ["-m", "dotnet", Processes.Cli, "stats", Fixtures.SdkTcp("plain.pcap")]);
        Assert.True(code == ExitCodes.Ok, stderr);
        Assert.Contains("InitConnect", stdout);
    }

    [Theory]
    [InlineData(typeof(DllNotFoundException), null, true)]
    [InlineData(typeof(TypeInitializationException), typeof(DllNotFoundException), true)]
    [InlineData(typeof(NotSupportedException), typeof(DllNotFoundException), true)]
    [InlineData(typeof(NotSupportedException), null, false)]
    [InlineData(typeof(InvalidOperationException), null, false)]
    public void Libpcap_is_missing_only_when_the_loader_said_so(Type thrown, Type? inner, bool missing)
    {
        var innerException = inner is null ? null : (Exception)Activator.CreateInstance(inner, "wpcap")!;
        var e = thrown == typeof(TypeInitializationException)
            ? new TypeInitializationException("SharpPcap.LibPcap.LibPcapSafeNativeMethods", innerException)
            : (Exception)Activator.CreateInstance(thrown, "libpcap 1.5.0 or higher is required", innerException)!;
        Assert.Equal(missing, CaptureOpenException.IsLibpcapMissing(e));
    }

    private static (int Code, string Stdout, string Stderr) RunWithoutLibpcap(string[] args)
    {
        // Every file the loader could find libpcap under, each bind-mounted over by /dev/null (symlinks resolved).
        const string hide = """
            set -e
            files=$(ldconfig -p | awk '/libpcap\.so/ {print $NF}' | xargs -r readlink -f | sort -u)
            [ -n "$files" ] || { echo "no libpcap on this machine to hide" >&2; exit 97; }
            for f in $files; do mount --bind /dev/null "$f"; done
            exec dotnet "$@"
            """;
        var result = Processes.Run("unshare", ["-m", "sh", "-c", hide, "sh", Processes.Cli, .. args]);
        Assert.True(result.Code != 97, result.Stderr);
        return result;
    }
}
