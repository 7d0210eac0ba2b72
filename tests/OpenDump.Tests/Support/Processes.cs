using System.Diagnostics;
using Xunit;

namespace OpenDump.Tests.Support;

/// <summary>Runs a program to its end, with no input, and gives back its exit code and what it printed.</summary>
internal static class Processes
{
    /// <summary>The CLI as built next to the tests, to run with <c>dotnet</c>.</summary>
    public static string Cli => Path.Combine(AppContext.BaseDirectory, "OpenDump.Cli.dll");

    public static (int Code, string Stdout, string Stderr) Run(string file, IEnumerable<string> args, int timeoutMs = 60_000)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(timeoutMs), $"{file} {string.Join(' ', args)} did not finish");
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>The same, for a program that must succeed: its standard output.</summary>
    public static string RunOk(string file, params string[] args) => RunOk(300_000, file, args);

    public static string RunOk(int timeoutMs, string file, params string[] args)
    {
        var (code, stdout, stderr) = Run(file, args, timeoutMs);
        Assert.True(code == 0, $"{file} {string.Join(' ', args)}: exit {code}\n{stdout}\n{stderr}");
        return stdout;
    }
}
