using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using OpenDump.Diagnostics;
using OpenDump.Session;

namespace OpenDump.Filtering;

/// <summary>One step after a path's first name. <see cref="Position"/> is where its '.' or '[' is.</summary>
internal abstract record Step(int Position);

internal sealed record FieldStep(string Name, int Position, int NamePosition) : Step(Position)
{
    public override string ToString() => "." + Name;
}

internal sealed record IndexStep(int Index, int Position) : Step(Position)
{
    public override string ToString() => $"[{Index}]";
}

internal sealed record AllStep(int Position) : Step(Position)
{
    public override string ToString() => "[*]";
}

/// <summary>
/// A path resolved as far as the frame's fixed shape allows: the top-level names and diagnostics are
/// checked when the expression is parsed, a body path only against each frame's own message.
/// </summary>
internal abstract class FieldPath
{
    /// <summary>True when any value the path yields passes <paramref name="test"/>; a path that yields nothing passes nothing.</summary>
    public abstract bool Any(OpenDFrame frame, Func<Value, bool> test);

    public static FieldPath Create(string expression, Token head, IReadOnlyList<Step> steps)
    {
        if (!FrameFields.ByName.TryGetValue(head.Text, out var field)) throw UnknownField(expression, head);
        if (steps.Count == 0) return new TopLevelPath(field);
        switch (field.Name)
        {
            case FrameFields.Body:
                if (steps[0] is not FieldStep)
                    throw new FilterSyntaxException(expression, steps[0].Position, $"body is a message: expected '.' and a field name, found '{steps[0]}'");
                return new BodyPath(steps.ToArray());
            case FrameFields.Diagnostics:
                return DiagnosticsPath.Create(expression, steps);
            default:
                throw new FilterSyntaxException(expression, steps[0].Position, $"{field.Name} is a single {field.Type}: expected an operator, 'and', 'or' or the end, found '{steps[0]}'");
        }
    }

    private static FilterSyntaxException UnknownField(string expression, Token head)
    {
        var sameButCase = FrameFields.All.FirstOrDefault(f => string.Equals(f.Name, head.Text, StringComparison.OrdinalIgnoreCase));
        return new FilterSyntaxException(expression, head.Start, sameButCase is not null
            ? $"unknown field '{head.Text}': did you mean '{sameButCase.Name}'?"
            : $"unknown field '{head.Text}': expected one of {string.Join(", ", FrameFields.All.Select(f => f.Name))}");
    }
}

internal sealed class TopLevelPath(FrameField frameField) : FieldPath
{
    public FrameField Field { get; } = frameField;

    public override bool Any(OpenDFrame frame, Func<Value, bool> test) => Field.Read(frame) is { } v && test(v);
}

internal sealed class DiagnosticsPath(Step element, string? member) : FieldPath
{
    public static DiagnosticsPath Create(string expression, IReadOnlyList<Step> steps)
    {
        if (steps[0] is FieldStep)
            throw new FilterSyntaxException(expression, steps[0].Position, $"diagnostics is a list: expected '[*]' or '[n]', found '{steps[0]}'");
        if (steps.Count == 1) return new DiagnosticsPath(steps[0], null);
        var names = FrameFields.DiagnosticMembers.Select(m => m.Name).ToArray();
        if (steps[1] is not FieldStep { Name: var name } || !names.Contains(name))
            throw new FilterSyntaxException(expression, steps[1].Position, $"expected .{string.Join(", .", names)} after {FrameFields.Diagnostics}{steps[0]}, found '{steps[1]}'");
        if (steps.Count > 2)
            throw new FilterSyntaxException(expression, steps[2].Position, $"{FrameFields.Diagnostics}{steps[0]}{steps[1]} is a single string: expected an operator, 'and', 'or' or the end, found '{steps[2]}'");
        return new DiagnosticsPath(steps[0], name);
    }

    public override bool Any(OpenDFrame frame, Func<Value, bool> test)
    {
        var list = frame.Diagnostics;
        if (element is IndexStep { Index: var n }) return n < list.Count && test(Member(list[n]));
        foreach (var d in list)
            if (test(Member(d))) return true;
        return false;
    }

    private Value Member(Diagnostic d) => member is null ? Value.Message : FrameFields.DiagnosticMember(d, member);
}

/// <summary>
/// body.… walked through the decoded message by JSON names. A repeated field is a list: [*] goes on
/// with every element, [n] with one, and a path that goes on without either yields nothing. An
/// empty list yields nothing too, as the JSON output leaves it out.
/// </summary>
internal sealed class BodyPath(Step[] steps) : FieldPath
{
    /// <summary>The steps after "body".</summary>
    public IReadOnlyList<Step> Steps => steps;

    public override bool Any(OpenDFrame frame, Func<Value, bool> test) => frame.Message is { } m && Walk(m, 0, test);

    private bool Walk(IMessage message, int i, Func<Value, bool> test)
    {
        if (i == steps.Length) return test(Value.Message);
        if (steps[i] is not FieldStep { Name: var name } || ProtobufFields.Find(message.Descriptor, name) is not { } field || field.IsMap) return false;
        if (!field.IsRepeated)
        {
            // Fields without presence (proto3 scalars) always have their value, as a default is a value.
            return (!field.HasPresence || field.Accessor.HasValue(message)) && Element(field, field.Accessor.GetValue(message), i + 1, test);
        }
        var list = (IList)field.Accessor.GetValue(message);
        if (list.Count == 0) return false;
        if (i + 1 == steps.Length) return test(Value.List(list.Count));
        switch (steps[i + 1])
        {
            case IndexStep { Index: var n }:
                return n < list.Count && Element(field, list[n]!, i + 2, test);
            case AllStep:
                foreach (var item in list)
                    if (Element(field, item, i + 2, test)) return true;
                return false;
            default:
                return false;
        }
    }

    private bool Element(FieldDescriptor field, object value, int i, Func<Value, bool> test) =>
        value is IMessage child ? Walk(child, i, test) : i == steps.Length && test(ProtobufFields.ToValue(field, value));
}
