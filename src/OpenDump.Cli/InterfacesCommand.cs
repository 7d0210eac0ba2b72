using OpenDump.Capture;

namespace OpenDump.Cli;

/// <summary>`opendump interfaces`: what `live -i` can capture on, with addresses.</summary>
internal static class InterfacesCommand
{
    public static int Run(TextWriter stdout, TextWriter stderr)
    {
        IReadOnlyList<(string Name, string Description, IReadOnlyList<string> Addresses)> interfaces;
        try
        {
            interfaces = LiveCaptureSource.Interfaces();
        }
        catch (Exception e) when (CaptureOpenException.IsLibpcapMissing(e))
        {
            stderr.WriteLine($"opendump: error: {CaptureOpenException.LibpcapMissing(e).Message}");
            return ExitCodes.CannotOpen;
        }
        foreach (var (name, description, addresses) in interfaces)
            stdout.WriteLine($"{name,-20} {string.Join(", ", addresses),-40} {description}".TrimEnd());
        return ExitCodes.Ok;
    }
}
