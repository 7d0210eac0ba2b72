namespace OpenDump.Capture;

/// <summary>The capture cannot be opened at all (missing, a directory, not a capture, libpcap missing).</summary>
public sealed class CaptureOpenException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>
    /// Whether <paramref name="e"/> says the native libpcap could not be loaded. SharpPcap passes the loader's
    /// <see cref="DllNotFoundException"/> on as it is, or wrapped: in a <see cref="TypeInitializationException"/> on first
    /// use, and in a <see cref="NotSupportedException"/> ("libpcap 1.5.0 or higher is required") when a file is opened by handle.
    /// </summary>
    public static bool IsLibpcapMissing(Exception e) => e is DllNotFoundException || e.InnerException is DllNotFoundException;

    public static CaptureOpenException LibpcapMissing(Exception e) =>
        new("libpcap is not installed (Debian/Ubuntu: apt-get install libpcap0.8)", e);
}
