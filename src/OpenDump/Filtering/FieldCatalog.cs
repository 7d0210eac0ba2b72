using System.Globalization;
using Google.Protobuf.Reflection;
using OpenDump.Decoding;

namespace OpenDump.Filtering;

/// <summary>A name a filter can use, with its type and what it means (for `opendump fields`).</summary>
public sealed record FieldInfo(string Path, string Type, string Description);

/// <summary>Every path a filter can use: the top-level names, and a protocol's body paths from its schemas.</summary>
public static class FieldCatalog
{
    /// <summary>Deep enough for every OpenD schema; a limit so that a recursive message cannot run away.</summary>
    private const int MaxDepth = 8;

    public static IReadOnlyList<FieldInfo> TopLevel { get; } = FrameFields.All
        .SelectMany(f => f.Name == FrameFields.Diagnostics
            ? FrameFields.DiagnosticMembers.Select(m => new FieldInfo($"{f.Name}[*].{m.Name}", "string", m.Description)).Prepend(Top(f))
            : [Top(f)])
        .ToArray();

    /// <summary>
    /// body.… paths of the Request (body.c2s…) then of the Response (body.retType…, body.s2c…), in
    /// declaration order, lists shown with [*]. A message already being expanded further up is
    /// listed but not expanded again.
    /// </summary>
    public static IReadOnlyList<FieldInfo> BodyPaths(ProtoInfo proto)
    {
        var paths = new List<FieldInfo>();
        foreach (var root in new[] { proto.Request, proto.Response }.OfType<MessageDescriptor>())
            Add(paths, FrameFields.Body, root, [root], 0);
        return paths;
    }

    private static FieldInfo Top(FrameField f) =>
        new(f.Name, f.Type, f.Values is { } values ? $"{f.Description}: {string.Join(", ", values)}" : f.Description);

    private static void Add(List<FieldInfo> paths, string prefix, MessageDescriptor message, HashSet<MessageDescriptor> open, int depth)
    {
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            var path = $"{prefix}.{field.JsonName}{(field.IsRepeated ? "[*]" : "")}";
            var description = Describe(field);
            if (field.FieldType != FieldType.Message)
            {
                paths.Add(new FieldInfo(path, ProtobufFields.TypeName(field), description));
                continue;
            }
            var nested = field.MessageType;
            var expand = depth + 1 < MaxDepth && !open.Contains(nested);
            if (!expand) description += open.Contains(nested) ? " (recursive: not expanded)" : " (too deep: not expanded)";
            paths.Add(new FieldInfo(path, ProtobufFields.TypeName(field), description));
            if (!expand) continue;
            open.Add(nested);
            Add(paths, path, nested, open, depth + 1);
            open.Remove(nested);
        }
    }

    private static string Describe(FieldDescriptor field)
    {
        var label = field.IsRepeated ? "repeated" : field.IsRequired ? "required" : "optional";
        return field.FieldType == FieldType.Enum
            ? $"{label}; by name or number: {string.Join(", ", field.EnumType.Values.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Name}={v.Number}")))}"
            : label;
    }
}
