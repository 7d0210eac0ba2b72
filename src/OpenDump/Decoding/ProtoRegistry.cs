using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Google.Protobuf.Reflection;

namespace OpenDump.Decoding;

/// <summary>
/// A protocol with its message types from the compiled schemas (null when the package has none). A protocol the
/// registry finds builds its schema file the first time a message type is asked for, on whichever thread asks: the
/// thread that frames bodies needs only the name, and the files it built (QotCommon and the files it imports, about
/// 10 ms of CPU) held up the first batches while the decoding thread waited for them (first 13 MB of the 1 GB
/// benchmark to JSON Lines, two threads, 30 runs each: 173.6 -> 167.9 and 167.8 -> 165.9 ms).
/// </summary>
public sealed class ProtoInfo
{
    private sealed record Schemas(MessageDescriptor? Request, MessageDescriptor? Response);

    private readonly Func<(MessageDescriptor? Request, MessageDescriptor? Response)>? _resolve;
    private Schemas? _schemas;

    public ProtoInfo(uint id, string name, MessageDescriptor? request, MessageDescriptor? response) : this(id, name) =>
        _schemas = new Schemas(request, response);

    /// <summary>A protocol whose message types <paramref name="resolve"/> finds when first asked for.</summary>
    internal ProtoInfo(uint id, string name, Func<(MessageDescriptor? Request, MessageDescriptor? Response)> resolve) : this(id, name) =>
        _resolve = resolve;

    private ProtoInfo(uint id, string name)
    {
        Id = id;
        Name = name;
        IsPush = ProtoCatalog.PushIds.Contains(id);
    }

    public uint Id { get; }
    public string Name { get; }

    /// <summary>Whether the protocol is server-initiated (<see cref="ProtoCatalog.PushIds"/>), known without a lookup per frame.</summary>
    public bool IsPush { get; }

    public MessageDescriptor? Request => Resolved.Request;
    public MessageDescriptor? Response => Resolved.Response;

    public MessageDescriptor? For(bool clientToServer) => clientToServer ? Resolved.Request : Resolved.Response;

    // Two threads may both resolve: each gets the same descriptors (a schema file is built once, by its class's static
    // constructor), so either result may stay.
    private Schemas Resolved => Volatile.Read(ref _schemas) ?? Resolve();

    private Schemas Resolve()
    {
        var (request, response) = _resolve!();
        var schemas = new Schemas(request, response);
        Volatile.Write(ref _schemas, schemas);
        return schemas;
    }

    public override string ToString() => $"{Name} ({Id})";
}

/// <summary>
/// protoID -> name and Request/Response descriptors, from <see cref="ProtoCatalog"/> and the
/// generated code. A schema file's descriptor is built the first time a frame needs it: building
/// all 180 at start-up costs about half a second, more than decoding a small capture.
/// </summary>
public sealed class ProtoRegistry
{
    private readonly Dictionary<uint, ProtoEntry> _entries;
    private readonly Dictionary<string, ProtoEntry> _byName;
    // Package (without underscores) -> the generated file's holder class, looked up by name when first needed: listing the
    // assembly's 2,700 types to find them cost ~45 ms at every start.
    private readonly ConcurrentDictionary<string, Type?> _reflectionTypes = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<uint, ProtoInfo> _resolved = new();
    // The resolved entries of the protoIDs OpenD uses (all below 16384) by index: looked up for every frame on the
    // thread that frames them, where a dictionary's hashing and its shared generic code cost more than the rest.
    private const int DirectIds = 16384;
    private readonly ProtoInfo?[] _direct = new ProtoInfo?[DirectIds];
    private readonly Lazy<IReadOnlyDictionary<string, FileDescriptor>> _allFiles;

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = KeptWhole)]
    private ProtoRegistry()
    {
        _entries = ProtoCatalog.Entries.ToDictionary(e => e.Id);
        _byName = ProtoCatalog.Entries.ToDictionary(e => e.Name, StringComparer.OrdinalIgnoreCase);
        _allFiles = new Lazy<IReadOnlyDictionary<string, FileDescriptor>>(() =>
            typeof(ProtoRegistry).Assembly.GetTypes().Where(IsFileHolder).Select(DescriptorOf).OfType<FileDescriptor>().ToDictionary(f => f.Package, StringComparer.Ordinal));
    }

    public static ProtoRegistry Default { get; } = new();

    // A program compiled ahead of time keeps this assembly's types whole (TrimmerRootAssembly in OpenDump.Cli.csproj), so
    // the generated schema classes can be found by name; NativeProgramTests checks that it decodes as the JIT build does.
    internal const string KeptWhole = "The assembly of the generated schemas is rooted whole when the CLI is compiled ahead of time.";

    /// <summary>Every compiled .proto file by package name (builds them all).</summary>
    public IReadOnlyDictionary<string, FileDescriptor> SchemaFiles => _allFiles.Value;

    public IEnumerable<ProtoInfo> All => _entries.Keys.Order().Select(id => Find(id)!);

    public ProtoInfo? Find(uint protoId)
    {
        if (protoId < DirectIds && Volatile.Read(ref _direct[protoId]) is { } direct) return direct;
        // Looked up once per frame: the resolved entry is read without building a factory delegate.
        return _resolved.TryGetValue(protoId, out var known) ? known : Resolve(protoId);
    }

    // No lambda captures a local here or in Find: the compiler builds such a closure on entry to the method, so the
    // fast path paid for it too (32 bytes a frame, a tenth of what a frame allocated).
    private ProtoInfo? Resolve(uint protoId)
    {
        if (!_entries.TryGetValue(protoId, out var entry)) return null;
        var resolved = _resolved.GetOrAdd(protoId, static (_, known) => known.Registry.InfoFor(known.Entry), (Registry: this, Entry: entry));
        // GetOrAdd gives every thread the same instance, so the slot only ever holds that one.
        if (protoId < DirectIds) Volatile.Write(ref _direct[protoId], resolved);
        return resolved;
    }

    public ProtoInfo? Find(string name) => _byName.TryGetValue(name, out var entry) ? Find(entry.Id) : null;

    /// <summary>The compiled file of a .proto package, or null when the package has none.</summary>
    public FileDescriptor? SchemaFile(string package) =>
        FileHolder(package.Replace("_", "", StringComparison.Ordinal)) is { } type && DescriptorOf(type) is { } file && file.Package == package
            ? file
            : null;

    // protoc names each file's holder "<Namespace>.<Namespace>Reflection", the namespace being the package without
    // underscores (its first letter capitalised: the case-blind lookup, which costs more, is the fallback); finding the
    // type does not run its static constructor.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = KeptWhole)]
    private Type? FileHolder(string ns) =>
        _reflectionTypes.GetOrAdd(ns, n =>
            (typeof(ProtoRegistry).Assembly.GetType($"{n}.{n}Reflection", throwOnError: false)
             ?? typeof(ProtoRegistry).Assembly.GetType($"{n}.{n}Reflection", throwOnError: false, ignoreCase: true)) is { } t && IsFileHolder(t) ? t : null);

    private static bool IsFileHolder(Type t) => t is { IsClass: true, IsAbstract: true, Namespace: { } ns } && t.Name == ns + "Reflection";

    private ProtoInfo InfoFor(ProtoEntry e) => new(e.Id, e.Name, () =>
    {
        var file = SchemaFile(e.SchemaPackage);
        return (file?.MessageTypes.FirstOrDefault(m => m.Name == e.RequestMessage), file?.MessageTypes.FirstOrDefault(m => m.Name == e.ResponseMessage));
    });

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = KeptWhole)]
    private static FileDescriptor? DescriptorOf(Type reflectionType) =>
        reflectionType.GetProperty("Descriptor", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)?.GetValue(null) as FileDescriptor;
}
