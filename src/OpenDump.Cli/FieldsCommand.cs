using OpenDump.Decoding;
using OpenDump.Filtering;

namespace OpenDump.Cli;

/// <summary>`opendump fields [proto]`: the field paths a --filter expression can use.</summary>
internal static class FieldsCommand
{
    public const string Help = """
        usage: opendump fields [proto]

        Without a protocol: the fields every frame has, and the protocols (id and name).
        With one (an id or a name): the body paths of its Request and Response, with their types.

        examples:
          opendump fields
          opendump fields Qot_UpdateBasicQot
          opendump read capture.pcap --filter 'body.s2c.basicQotList[*].security.code == "00700"'
        """;

    public static int Run(string[] args, TextWriter stdout)
    {
        if (args.Length > 0 && args[0] is "-h" or "--help")
        {
            stdout.WriteLine(Help);
            return ExitCodes.Ok;
        }
        if (args.Length > 1) throw new UsageException("fields takes at most one protocol");
        var registry = ProtoRegistry.Default;
        if (args.Length == 0)
        {
            stdout.WriteLine("fields of every frame (the JSON Lines keys):");
            Print(stdout, FieldCatalog.TopLevel);
            stdout.WriteLine();
            stdout.WriteLine("protocols (`opendump fields <name>` lists the body paths of one):");
            foreach (var p in registry.All) stdout.WriteLine($"  {p.Id,5}  {p.Name}");
            return ExitCodes.Ok;
        }
        var proto = uint.TryParse(args[0], out var id) ? registry.Find(id) : registry.Find(args[0]);
        if (proto is null) throw new UsageException($"no protocol '{args[0]}' (`opendump fields` lists them)");
        stdout.WriteLine($"{proto.Name} ({proto.Id}):");
        var paths = FieldCatalog.BodyPaths(proto);
        if (paths.Count == 0) stdout.WriteLine("  no schema in the pinned package: bodies are shown schema-less");
        Print(stdout, paths);
        return ExitCodes.Ok;
    }

    private static void Print(TextWriter stdout, IReadOnlyList<FieldInfo> fields)
    {
        var width = fields.Count == 0 ? 0 : fields.Max(f => f.Path.Length);
        var typeWidth = fields.Count == 0 ? 0 : fields.Max(f => f.Type.Length);
        foreach (var f in fields)
            stdout.WriteLine($"  {f.Path.PadRight(width)}  {f.Type.PadRight(typeWidth)}  {f.Description}".TrimEnd());
    }
}
