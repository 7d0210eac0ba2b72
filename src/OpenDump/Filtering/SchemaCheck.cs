using Google.Protobuf.Reflection;
using OpenDump.Decoding;

namespace OpenDump.Filtering;

/// <summary>
/// Finds body paths that no frame can have: walked through every Request and Response schema at
/// once, a path is fine when it gets through in at least one. A path that fails everywhere is
/// reported at the step where the last schema dropped out, with the most helpful reason found there.
/// </summary>
internal static class SchemaCheck
{
    // Where a walk stands: on a message, on a repeated field still to be indexed, or on a scalar.
    private readonly record struct State(MessageDescriptor? Message, FieldDescriptor? Field, bool AwaitsIndex);

    private enum Reason
    {
        // In order of preference: the first ones say what to write instead.
        NeedsIndex,
        NotAList,
        NoFields,
        UnknownField,
    }

    public static FilterWarning? Check(string expression, BodyPath path, IReadOnlyCollection<MessageDescriptor> roots)
    {
        var states = roots.Select(r => new State(r, null, false)).ToHashSet();
        for (var i = 0; i < path.Steps.Count; i++)
        {
            var step = path.Steps[i];
            var next = new HashSet<State>();
            Reason? best = null;
            foreach (var state in states)
            {
                var (moved, reason) = Move(state, step);
                if (moved is { } s) next.Add(s);
                else if (best is null || reason < best) best = reason;
            }
            if (next.Count == 0) return Warn(expression, path, i, best!.Value, states);
            states = next;
        }
        return null;
    }

    private static (State? Next, Reason Why) Move(State state, Step step)
    {
        if (step is FieldStep { Name: var name })
        {
            if (state.AwaitsIndex) return (null, Reason.NeedsIndex);
            if (state.Message is null) return (null, Reason.NoFields);
            var field = ProtobufFields.Find(state.Message, name);
            if (field is null || field.IsMap) return (null, Reason.UnknownField);
            return (field.IsRepeated ? new State(null, field, true) : Enter(field), default);
        }
        return state.AwaitsIndex ? (Enter(state.Field!), default) : (null, Reason.NotAList);
    }

    private static State Enter(FieldDescriptor field) =>
        field.FieldType == FieldType.Message ? new State(field.MessageType, null, false) : new State(null, field, false);

    private static FilterWarning Warn(string expression, BodyPath path, int failed, Reason why, HashSet<State> at)
    {
        var prefix = FrameFields.Body + string.Concat(path.Steps.Take(failed));
        var step = path.Steps[failed];
        var message = why switch
        {
            Reason.NeedsIndex => $"{prefix} is a list: write {prefix}[*] or {prefix}[n] before '{step}'",
            Reason.NotAList => $"{prefix} is not a list in any protocol, so '{step}' never matches",
            Reason.NoFields => $"{prefix} is a {ProtobufFields.TypeName(at.First(s => s.Field is not null).Field!)}: it has no field '{((FieldStep)step).Name}'",
            _ => UnknownField(prefix, ((FieldStep)step).Name, at),
        };
        return new FilterWarning(expression, step is FieldStep f ? f.NamePosition : step.Position, message);
    }

    private static string UnknownField(string prefix, string name, HashSet<State> at)
    {
        var sameButCase = at.Where(s => s.Message is not null)
            .SelectMany(s => s.Message!.Fields.InDeclarationOrder())
            .FirstOrDefault(f => string.Equals(f.JsonName, name, StringComparison.OrdinalIgnoreCase));
        return $"no protocol has a field '{name}' in {prefix}" + (sameButCase is null ? "" : $": did you mean '{sameButCase.JsonName}'?");
    }

    public static FilterWarning? CheckValue(string expression, ValueComparison comparison, ProtoRegistry registry)
    {
        var (field, literal) = comparison;
        if (field.Name == FrameFields.Proto)
        {
            if (registry.Find(literal.Text) is not { } proto) return new FilterWarning(expression, literal.Position, $"no protocol is called '{literal.Text}'");
            return proto.Name == literal.Text ? null
                : new FilterWarning(expression, literal.Position, $"protocol names compare exactly: did you mean '{proto.Name}'?");
        }
        return field.Values is { } values && !values.Contains(literal.Text)
            ? new FilterWarning(expression, literal.Position, $"{field.Name} is one of {string.Join(", ", values)}, never '{literal.Text}'")
            : null;
    }
}
