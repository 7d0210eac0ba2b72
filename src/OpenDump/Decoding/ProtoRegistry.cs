using Google.Protobuf.Reflection;

namespace OpenDump.Decoding;

/// <summary>A protocol with its message types resolved from the compiled schemas (null when the package has none).</summary>
public sealed record ProtoInfo(uint Id, string Name, MessageDescriptor? Request, MessageDescriptor? Response)
{
    public MessageDescriptor? For(bool clientToServer) => clientToServer ? Request : Response;
}

/// <summary>protoID -> name and Request/Response descriptors, built once from <see cref="ProtoCatalog"/> and the generated code.</summary>
public sealed class ProtoRegistry
{
    private readonly Dictionary<uint, ProtoInfo> _byId;
    private readonly Dictionary<string, ProtoInfo> _byName;

    private ProtoRegistry(IEnumerable<ProtoInfo> infos, IReadOnlyDictionary<string, FileDescriptor> files)
    {
        _byId = infos.ToDictionary(i => i.Id);
        _byName = _byId.Values.ToDictionary(i => i.Name, StringComparer.OrdinalIgnoreCase);
        SchemaFiles = files;
    }

    public static ProtoRegistry Default { get; } = Build();

    /// <summary>Every compiled .proto file by package name.</summary>
    public IReadOnlyDictionary<string, FileDescriptor> SchemaFiles { get; }

    public IEnumerable<ProtoInfo> All => _byId.Values.OrderBy(i => i.Id);

    public ProtoInfo? Find(uint protoId) => _byId.GetValueOrDefault(protoId);

    public ProtoInfo? Find(string name) => _byName.GetValueOrDefault(name);

    private static ProtoRegistry Build()
    {
        var files = GeneratedFiles();
        var infos = ProtoCatalog.Entries.Select(e =>
        {
            files.TryGetValue(e.SchemaPackage, out var file);
            return new ProtoInfo(e.Id, e.Name,
                file?.MessageTypes.FirstOrDefault(m => m.Name == e.RequestMessage),
                file?.MessageTypes.FirstOrDefault(m => m.Name == e.ResponseMessage));
        });
        return new ProtoRegistry(infos, files);
    }

    // Each generated file has a static "<File>Reflection.Descriptor"; finding them by reflection keeps
    // the list in step with the pinned package without a hand-kept list of 180 type names.
    private static Dictionary<string, FileDescriptor> GeneratedFiles()
    {
        var result = new Dictionary<string, FileDescriptor>(StringComparer.Ordinal);
        foreach (var type in typeof(ProtoRegistry).Assembly.GetTypes())
        {
            if (!type.IsClass || !type.IsAbstract || !type.Name.EndsWith("Reflection", StringComparison.Ordinal)) continue;
            if (type.GetProperty("Descriptor", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)?.GetValue(null) is FileDescriptor fd)
                result[fd.Package] = fd;
        }
        return result;
    }
}
