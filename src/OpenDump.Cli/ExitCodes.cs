namespace OpenDump.Cli;

/// <summary>The documented exit codes (README, "Exit codes").</summary>
public static class ExitCodes
{
    /// <summary>Everything in the capture was read and decoded.</summary>
    public const int Ok = 0;
    /// <summary>The run finished, but something could not be decoded (no/wrong key, damaged capture, bad frames); details on stderr.</summary>
    public const int Problems = 1;
    /// <summary>The command line is wrong.</summary>
    public const int Usage = 2;
    /// <summary>The capture could not be opened at all, or the output could not be written.</summary>
    public const int CannotOpen = 3;
}
