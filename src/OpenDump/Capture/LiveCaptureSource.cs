using SharpPcap;
using SharpPcap.LibPcap;

namespace OpenDump.Capture;

/// <summary>Kernel counters of a live capture, from libpcap's statistics.</summary>
public readonly record struct LiveCaptureStatistics(long Received, long DroppedByKernel, long DroppedByInterface);

/// <summary>
/// Packets as an interface sees them, through libpcap with a BPF filter. An idle interface is
/// polled every <see cref="IdleMilliseconds"/>, so a stop request (Ctrl-C, --duration) is honoured promptly.
/// </summary>
public sealed class LiveCaptureSource : ICaptureSource
{
    public const int PollMilliseconds = 100;
    public const int IdleMilliseconds = 5;
    private readonly LibPcapLiveDevice _device;
    private readonly CancellationToken _stop;
    private readonly PacketCopier _copier;

    public LiveCaptureSource(string interfaceName, string filter, CancellationToken stop, int snapLength = 262144)
    {
        _stop = stop;
        List<LibPcapLiveDevice> devices;
        try
        {
            devices = LibPcapLiveDeviceList.Instance.ToList();
        }
        catch (Exception e) when (CaptureOpenException.IsLibpcapMissing(e))
        {
            throw CaptureOpenException.LibpcapMissing(e);
        }
        _device = devices.FirstOrDefault(d => d.Name == interfaceName)
            ?? throw new CaptureOpenException($"no capture interface named '{interfaceName}' (see `opendump interfaces`)");
        try
        {
            // Immediate delivery, and non-blocking reads polled by TryReadNext: on Linux libpcap's read
            // timeout only starts once a packet has arrived, so a blocking read on a quiet interface
            // would never see a stop request.
            _device.Open(new DeviceConfiguration { Mode = DeviceModes.None, ReadTimeout = PollMilliseconds, Snaplen = snapLength, Immediate = true });
            _device.NonBlockingMode = true;
        }
        catch (PcapException e)
        {
            var text = e.Message.Trim();
            throw new CaptureOpenException(text.Contains("ermission", StringComparison.Ordinal) || text.Contains("not permitted", StringComparison.Ordinal)
                ? $"no permission to capture on {interfaceName} ({text}). Run as root, or allow it once: sudo setcap cap_net_raw,cap_net_admin=eip \"$(readlink -f \"$(command -v dotnet)\")\""
                : $"cannot capture on {interfaceName}: {text}", e);
        }
        try
        {
            _device.Filter = filter;
        }
        catch (PcapException e)
        {
            _device.Dispose();
            throw new CaptureOpenException($"BPF filter '{filter}' is not valid: {e.Message.Trim()}", e);
        }
        Name = interfaceName;
        Filter = filter;
        LinkType = (int)_device.LinkType;
        _copier = new PacketCopier(LinkType);
    }

    public string Name { get; }
    public string Filter { get; }
    public int LinkType { get; }
    public CaptureProblem? Problem { get; private set; }
    public long? Position => null;
    public long? Length => null;

    public static IReadOnlyList<(string Name, string Description, IReadOnlyList<string> Addresses)> Interfaces() =>
        LibPcapLiveDeviceList.Instance
            .Select(d => (d.Name, d.Description ?? "", (IReadOnlyList<string>)d.Addresses.Select(a => a.Addr?.ipAddress?.ToString()).OfType<string>().ToList()))
            .ToList();

    public LiveCaptureStatistics Statistics
    {
        get
        {
            var s = _device.Statistics;
            return new LiveCaptureStatistics(s.ReceivedPackets, s.DroppedPackets, s.InterfaceDroppedPackets);
        }
    }

    public bool TryReadNext(out CapturedPacket packet)
    {
        packet = default;
        while (!_stop.IsCancellationRequested)
        {
            GetPacketStatus status;
            PacketCapture capture;
            try
            {
                status = _device.GetNextPacket(out capture);
            }
            catch (PcapException e)
            {
                Problem = new CaptureProblem(Diagnostics.DiagnosticCodes.CaptureTruncated, $"capture on {Name} failed: {e.Message.Trim()}");
                return false;
            }
            if (status == GetPacketStatus.ReadTimeout)
            {
                _stop.WaitHandle.WaitOne(IdleMilliseconds);
                continue;
            }
            if (status != GetPacketStatus.PacketRead)
            {
                Problem = new CaptureProblem(Diagnostics.DiagnosticCodes.CaptureTruncated, $"capture on {Name} stopped: {_device.LastError}");
                return false;
            }
            packet = _copier.Copy(capture);
            return true;
        }
        return false;
    }

    public void Dispose() => _device.Dispose();
}
