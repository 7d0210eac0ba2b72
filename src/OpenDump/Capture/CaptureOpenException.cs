namespace OpenDump.Capture;

/// <summary>The capture cannot be opened at all (missing, not a capture, libpcap missing).</summary>
public sealed class CaptureOpenException(string message, Exception? inner = null) : Exception(message, inner);
