namespace OpenDump.Diagnostics;

public enum Severity
{
    Info,
    Warning,
    Error,
}

/// <summary>
/// Expert info attached to a frame, a connection or the capture: bad traffic is reported here,
/// never thrown. <see cref="Code"/> is a stable dotted name (see <see cref="DiagnosticCodes"/>).
/// </summary>
public sealed record Diagnostic(string Code, Severity Severity, string Message)
{
    public static Diagnostic Error(string code, string message) => new(code, Severity.Error, message);
    public static Diagnostic Warning(string code, string message) => new(code, Severity.Warning, message);
    public static Diagnostic Info(string code, string message) => new(code, Severity.Info, message);
}
