using System.Runtime.InteropServices;
using SharpPcap.LibPcap;

namespace OpenDump.Capture;

/// <summary>
/// libpcap's <c>pcap_next_ex</c> called on the raw <c>pcap_t*</c> of a device SharpPcap opened. SharpPcap's
/// <see cref="PcapDevice.GetNextPacketPointers"/> passes its <see cref="SafeHandle"/> on every call, and the
/// reference count taken and dropped per packet was half the reading thread's time on a 1 GB capture (an
/// interlocked write each way). Here the count is taken once, for as long as the file is read.
/// </summary>
internal sealed unsafe class PcapNextEx : IDisposable
{
    // The names libpcap goes by: Debian's libpcap0.8 package ships libpcap.so.0.8 (and .so.1 on newer releases);
    // the unversioned name needs the -dev package. SharpPcap has loaded one of them already.
    private static readonly string[] LibraryNames = OperatingSystem.IsWindows() ? ["wpcap"]
        : OperatingSystem.IsMacOS() ? ["libpcap.A.dylib", "libpcap.dylib"]
        : ["libpcap.so.1", "libpcap.so.0.8", "libpcap.so"];

    private static readonly delegate* unmanaged<nint, nint*, nint*, int> Function = Resolve();

    private readonly SafeHandle _handle;
    private readonly nint _pcap;
    private bool _released;

    private PcapNextEx(SafeHandle handle)
    {
        _handle = handle;
        var added = false;
        handle.DangerousAddRef(ref added);
        _pcap = handle.DangerousGetHandle();
    }

    /// <summary>Null when libpcap's export cannot be found here; the caller then reads through SharpPcap.</summary>
    public static PcapNextEx? For(PcapDevice device) =>
        Function is null || device.Handle is not { IsInvalid: false, IsClosed: false } handle ? null : new PcapNextEx(handle);

    /// <summary>pcap_next_ex's own result: 1 a record (header and data point into libpcap's buffer until the next call), -2 the end of the file, -1 an error.</summary>
    public int Next(out nint header, out nint data)
    {
        // The handle may already be closed: reading then must fail as SharpPcap's call does, not touch freed memory.
        ObjectDisposedException.ThrowIf(_released, this);
        nint h = 0, d = 0;
        var result = Function(_pcap, &h, &d);
        header = h;
        data = d;
        return result;
    }

    private static delegate* unmanaged<nint, nint*, nint*, int> Resolve()
    {
        foreach (var name in LibraryNames)
        {
            if (NativeLibrary.TryLoad(name, out var library) && NativeLibrary.TryGetExport(library, "pcap_next_ex", out var export))
                return (delegate* unmanaged<nint, nint*, nint*, int>)export;
        }
        return null;
    }

    public void Dispose()
    {
        if (_released) return;
        _released = true;
        _handle.DangerousRelease();
    }
}
