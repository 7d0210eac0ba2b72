using System.Runtime.InteropServices;

namespace OpenDump.Capture;

/// <summary>
/// A capture file opened with C's <c>fopen</c> and given a 1 MiB stdio buffer, for libpcap to read through
/// (SharpPcap's <c>CaptureHandleReaderDevice</c> wants a <c>FILE*</c>). libpcap's own open keeps the default
/// buffer of one 4 KiB page, so a 1 GB capture took a quarter of a million read calls, which cost more than
/// libpcap's parsing of the records.
/// </summary>
internal sealed partial class BufferedCaptureFile : SafeHandle
{
    private const int FullBuffering = 0; // _IOFBF
    private const nuint BufferSize = 1 << 20;

    // The stdio buffer: glibc ignores the size asked for when it is to allocate the buffer itself, so it is ours,
    // pinned, and lives as long as this handle, which the device holds until it has closed the file.
    private readonly byte[] _buffer;

    private BufferedCaptureFile(nint file, byte[] buffer) : base(0, ownsHandle: true)
    {
        SetHandle(file);
        _buffer = buffer;
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>Null where the C library cannot be used this way (not Linux) or the file does not open; the caller falls back to libpcap's own open.</summary>
    public static BufferedCaptureFile? TryOpen(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var file = Fopen(path, "rb");
            if (file == 0) return null;
            var buffer = GC.AllocateUninitializedArray<byte>((int)BufferSize, pinned: true);
            // A refusal leaves the default buffer, which still works.
            unsafe
            {
                fixed (byte* start = buffer) _ = Setvbuf(file, (nint)start, FullBuffering, BufferSize);
            }
            return new BufferedCaptureFile(file, buffer);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>libpcap closes the file when the device is closed; called only when no device took it.</summary>
    public void CloseUnowned()
    {
        if (!IsInvalid) _ = Fclose(handle);
        SetHandleAsInvalid();
    }

    // The device that was given the file closes it (pcap_close calls fclose); closing it here too would free it twice.
    protected override bool ReleaseHandle() => true;

    [LibraryImport("libc", EntryPoint = "fopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint Fopen(string path, string mode);

    [LibraryImport("libc", EntryPoint = "setvbuf")]
    private static partial int Setvbuf(nint file, nint buffer, int mode, nuint size);

    [LibraryImport("libc", EntryPoint = "fclose")]
    private static partial int Fclose(nint file);
}
