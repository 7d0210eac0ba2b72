using OpenDump.Capture;
using OpenDump.Crypto;
using OpenDump.Reassembly;

namespace OpenDump.Cli;

/// <summary>The options every command that reads a capture shares, and the library options they make.</summary>
internal sealed class CaptureArguments
{
    /// <summary>Whole lines, the last one ending in a newline, so the commands can put blocks of options one after another.</summary>
    public const string Help = """
          --rsa-key <pem>       RSA private key configured in OpenD and the SDK (PKCS#1 or PKCS#8 PEM)
          --keylog <file>       AES keys for connections whose handshake is not in the capture
                                (written by `opendump keys`; format in the README)
          --aes-key <key>       one connection's connAESKey (16 characters or 32 hex digits)
          --aes-iv <iv>         and its aesCBCiv, for AES-CBC
          --port <n>            OpenD server port (repeatable; default 11111). Connections whose first
                                bytes are an OpenD header are followed on any port.
          --ws-port <n>         OpenD WebSocket port of the JavaScript SDK (repeatable; default 33333).
                                Connections opening with an HTTP upgrade to websocket are followed on any port.
          --max-body-len <n>    largest plausible bodyLen in bytes (default 67108864); larger = lost sync
          --max-held-bytes <n>  out-of-order bytes held per connection (default 16777216)
          --max-held-total <n>  out-of-order bytes held across connections (default 268435456)
          --max-connections <n> TCP connections tracked at once (default 65536)
          --threads <n>         threads in all (default: one per core, at most 8); the output is the
                                same with any number

        """;

    /// <summary>One per core: the calling thread reads and decrypts, the others decode; past 8 the reader is the limit.</summary>
    public static int DefaultThreads => Math.Clamp(Environment.ProcessorCount, 1, 8);

    /// <summary>
    /// Whether reading runs ahead of the pipeline on a thread of its own: only with a core to spare beyond the framing thread
    /// and one decoding thread. On two cores the three threads took turns on them, and the copy into the read-ahead blocks,
    /// read again cold on the other core, cost more than it saved (1 GB, two threads, medians of 5–6: stats 1.80 -> 1.59 s,
    /// the timeline 2.70 -> 2.50 s, JSON Lines 3.78 -> 3.57 s without it).
    /// </summary>
    internal static bool ReadsAhead(int threads, int cores) => Math.Min(threads, cores) > 2;

    public string? Path { get; private set; }
    private string? _keyPath, _keyLogPath, _aesKey, _aesIv;
    private readonly HashSet<ushort> _ports = [];
    private readonly HashSet<ushort> _wsPorts = [];
    private uint _maxBodyLen = 64 * 1024 * 1024;
    private readonly ReassemblyOptions _defaults = new();
    private long? _maxHeld, _maxHeldTotal;
    private int? _maxConnections;
    private int? _threads;

    /// <summary>Takes the option at <paramref name="i"/> if it is one of ours; false leaves it to the command.</summary>
    public bool TryTake(string[] args, ref int i)
    {
        var a = args[i];
        switch (a)
        {
            case "--rsa-key": _keyPath = Value(args, ref i); return true;
            case "--keylog": _keyLogPath = Value(args, ref i); return true;
            case "--aes-key": _aesKey = Value(args, ref i); return true;
            case "--aes-iv": _aesIv = Value(args, ref i); return true;
            case "--port":
                if (!ushort.TryParse(Value(args, ref i), out var port) || port == 0) throw new UsageException($"--port: '{args[i]}' is not a TCP port");
                _ports.Add(port);
                return true;
            case "--ws-port":
                if (!ushort.TryParse(Value(args, ref i), out var wsPort) || wsPort == 0) throw new UsageException($"--ws-port: '{args[i]}' is not a TCP port");
                _wsPorts.Add(wsPort);
                return true;
            case "--max-body-len":
                if (!uint.TryParse(Value(args, ref i), out _maxBodyLen) || _maxBodyLen == 0) throw new UsageException($"--max-body-len: '{args[i]}' is not a positive byte count");
                return true;
            case "--max-held-bytes": _maxHeld = Positive(args, ref i); return true;
            case "--max-held-total": _maxHeldTotal = Positive(args, ref i); return true;
            case "--max-connections": _maxConnections = (int)Math.Min(Positive(args, ref i), int.MaxValue); return true;
            case "--threads":
                if (!int.TryParse(Value(args, ref i), out var threads) || threads is < 1 or > 64) throw new UsageException($"--threads: '{args[i]}' is not a number of threads from 1 to 64");
                _threads = threads;
                return true;
        }
        if (a.StartsWith('-') && a != "-") return false;
        if (Path is not null) throw new UsageException($"only one capture at a time (got '{Path}' and '{a}')");
        Path = a;
        return true;
    }

    private static long Positive(string[] args, ref int i)
    {
        var option = args[i];
        if (!long.TryParse(Value(args, ref i), out var n) || n <= 0) throw new UsageException($"{option}: '{args[i]}' is not a positive number");
        return n;
    }

    public static string Value(string[] args, ref int i)
    {
        if (i + 1 >= args.Length) throw new UsageException($"{args[i]} needs a value");
        return args[++i];
    }

    /// <summary>Builds the analyzer options. A key that cannot be used is reported and left out, so the rest still decodes.</summary>
    public AnalyzerOptions BuildOptions(TextWriter stderr, out bool problems)
    {
        problems = false;
        if (_aesIv is not null && _aesKey is null) throw new UsageException("--aes-iv needs --aes-key");
        RsaPrivateKey? key = null;
        var supplied = new List<KeyLogEntry>();
        try
        {
            if (_keyPath is not null) key = RsaPrivateKey.Load(_keyPath);
        }
        catch (KeyLoadException e)
        {
            stderr.WriteLine($"opendump: error: {e.Message}; continuing without a key");
            problems = true;
        }
        try
        {
            if (_keyLogPath is not null) supplied.AddRange(KeyLog.Load(_keyLogPath));
        }
        catch (KeyLoadException e)
        {
            stderr.WriteLine($"opendump: error: {e.Message}; continuing without the key log");
            problems = true;
        }
        try
        {
            if (_aesKey is not null) supplied.Add(KeyLog.FromCommandLine(_aesKey, _aesIv));
        }
        catch (KeyLoadException e)
        {
            stderr.WriteLine($"opendump: error: {e.Message}; continuing without it");
            problems = true;
        }

        return new AnalyzerOptions
        {
            RsaKey = key,
            SuppliedKeys = supplied,
            MaxBodyLen = _maxBodyLen,
            Threads = _threads ?? DefaultThreads,
            Reassembly = new ReassemblyOptions
            {
                ServerPorts = _ports.Count > 0 ? _ports : _defaults.ServerPorts,
                WebSocketPorts = _wsPorts.Count > 0 ? _wsPorts : _defaults.WebSocketPorts,
                MaxOutOfOrderBytesPerConnection = _maxHeld ?? _defaults.MaxOutOfOrderBytesPerConnection,
                MaxOutOfOrderBytesTotal = _maxHeldTotal ?? _defaults.MaxOutOfOrderBytesTotal,
                MaxConnections = _maxConnections ?? _defaults.MaxConnections,
            },
        };
    }

    /// <summary>Opens the capture, or says why not (null).</summary>
    public ICaptureSource? Open(TextWriter stderr)
    {
        if (Path is null) throw new UsageException("a capture file is needed (or - for standard input)");
        try
        {
            var file = new PcapFileSource(Path);
            return ReadsAhead(_threads ?? DefaultThreads, Environment.ProcessorCount) ? new ReadAheadCaptureSource(file) : file;
        }
        catch (CaptureOpenException e)
        {
            stderr.WriteLine($"opendump: error: {e.Message}");
            return null;
        }
    }
}
