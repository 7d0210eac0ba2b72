using SharpPcap;
using SharpPcap.LibPcap;

namespace OpenDump.Capture;

/// <summary>
/// Reads pcap and pcapng files through libpcap (SharpPcap), one packet at a time: the file is
/// streamed, never loaded whole. "-" reads standard input, which libpcap supports natively.
/// </summary>
public sealed class PcapFileSource : ICaptureSource
{
    private readonly CaptureReaderDevice _device;
    private readonly bool _classicPcap;
    private readonly PacketCopier _copier;
    private readonly TimestampResolution _resolution;
    private readonly bool _readsPointers = PcapRecordHeader.Supported;
    private readonly string _path;
    private long _offset;

    public PcapFileSource(string path)
    {
        _path = path;
        Name = path == "-" ? "<stdin>" : path;
        if (path != "-")
        {
            if (Directory.Exists(path)) throw new CaptureOpenException($"{path}: is a directory, not a capture file");
            if (!File.Exists(path)) throw new CaptureOpenException($"{path}: no such file");
            Length = new FileInfo(path).Length;
            _classicPcap = IsClassicPcap(path);
        }

        try
        {
            _device = path == "-" ? OpenThroughLibpcap(path) : OpenBuffered(path) ?? OpenThroughLibpcap(path);
        }
        catch (Exception e) when (CaptureOpenException.IsLibpcapMissing(e))
        {
            throw CaptureOpenException.LibpcapMissing(e);
        }
        catch (PcapException e)
        {
            throw new CaptureOpenException($"{Name}: not a readable pcap or pcapng file ({e.Message.Trim()})", e);
        }
        _copier = new PacketCopier((int)_device.LinkType);
        // libpcap scales every record to the precision asked for at open; it does not change while reading.
        _resolution = _device.TimestampResolution;
        // Classic pcap: 24-byte file header, then 16 bytes before each record; pcapng offsets are not tracked.
        _offset = _classicPcap ? 24 : 0;
    }

    private static CaptureReaderDevice OpenThroughLibpcap(string path)
    {
        var device = new CaptureFileReaderDevice(path);
        device.Open();
        return device;
    }

    // Null when the buffered open is not available (a libpcap older than 1.5) or libpcap refuses the file: libpcap's own
    // open then says why, in its usual words. No libpcap at all is not a reason to try the other open.
    private static CaptureReaderDevice? OpenBuffered(string path)
    {
        if (BufferedCaptureFile.TryOpen(path) is not { } file) return null;
        try
        {
            var device = new CaptureHandleReaderDevice(file);
            device.Open();
            return device;
        }
        catch (Exception e) when (e is PcapException or NotSupportedException || CaptureOpenException.IsLibpcapMissing(e))
        {
            file.CloseUnowned();
            // The constructor's handler says it in the words every command uses.
            if (CaptureOpenException.IsLibpcapMissing(e)) throw;
            return null;
        }
    }

    /// <summary>Whether records are read through <see cref="PcapRecordHeader"/> rather than SharpPcap's packet objects (tests).</summary>
    internal bool ReadsRecordPointers => _readsPointers;

    /// <summary>Whether the file is read through <see cref="BufferedCaptureFile"/> rather than libpcap's own open (tests).</summary>
    internal bool ReadsThroughLargeBuffer => _device is CaptureHandleReaderDevice;

    public string Name { get; }
    public CaptureProblem? Problem { get; private set; }
    public long? Position => _classicPcap ? _offset : null;
    public long? Length { get; }

    public bool TryReadNext(out CapturedPacket packet) => _readsPointers ? TryReadNextRecord(out packet) : TryReadNextCapture(out packet);

    private bool TryReadNextRecord(out CapturedPacket packet)
    {
        packet = default;
        if (Problem is not null) return false;
        nint header = 0, data = 0;
        int result;
        try
        {
            result = _device.GetNextPacketPointers(ref header, ref data);
        }
        catch (Exception e) when (e is PcapException or InvalidOperationException)
        {
            Problem = Truncated(e.Message);
            return false;
        }

        // pcap_next_ex: 1 a packet, -2 the end of the file; anything else (-1, or a 0 that a file never gives) is a read error.
        switch (result)
        {
            case 1:
                break;
            case -2:
                return false;
            default:
                Problem = Truncated(_device.LastError);
                return false;
        }

        var bytes = PcapRecordHeader.Read(header, data, _resolution, out var timestampMicros);
        packet = _copier.Borrow(timestampMicros, bytes);
        _offset += 16 + packet.Data.Length;
        return true;
    }

    /// <summary>Through SharpPcap's packet objects (tests compare both; platforms whose pcap_pkthdr layout is not known here).</summary>
    internal bool TryReadNextCapture(out CapturedPacket packet)
    {
        packet = default;
        if (Problem is not null) return false;
        GetPacketStatus status;
        PacketCapture capture;
        try
        {
            status = _device.GetNextPacket(out capture);
        }
        catch (Exception e) when (e is PcapException or InvalidOperationException)
        {
            Problem = Truncated(e.Message);
            return false;
        }

        switch (status)
        {
            case GetPacketStatus.PacketRead:
                break;
            case GetPacketStatus.NoRemainingPackets:
                return false;
            default:
                Problem = Truncated(_device.LastError);
                return false;
        }

        packet = _copier.Copy(capture);
        _offset += 16 + packet.Data.Length;
        return true;
    }

    private CaptureProblem Truncated(string? libpcapMessage)
    {
        var where = _classicPcap ? $"at file offset {_offset}" : "";
        var text = string.IsNullOrWhiteSpace(libpcapMessage) ? "read error" : libpcapMessage.Trim();
        return new CaptureProblem(Diagnostics.DiagnosticCodes.CaptureTruncated,
            $"{Name}: capture is damaged or truncated {where} after packet {_copier.Count}: {text}; everything before it is shown".Replace("  ", " "));
    }

    private static bool IsClassicPcap(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        // Shared so a capture still being written (by tcpdump, or live -w) can be read.
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (f.Read(magic) < 4) return false;
        var m = BitConverter.ToUInt32(magic);
        return m is 0xa1b2c3d4 or 0xd4c3b2a1 or 0xa1b23c4d or 0x4d3cb2a1;
    }

    public bool CanReopen => _path != "-";

    public ICaptureSource Reopen() => CanReopen ? new PcapFileSource(_path) : throw new NotSupportedException("standard input cannot be read a second time");

    public void Dispose() => _device.Dispose();
}
