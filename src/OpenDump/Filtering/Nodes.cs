using OpenDump.Session;

namespace OpenDump.Filtering;

internal abstract class Node
{
    public abstract bool Matches(OpenDFrame frame);
}

internal sealed class OrNode(Node left, Node right) : Node
{
    public override bool Matches(OpenDFrame frame) => left.Matches(frame) || right.Matches(frame);
}

internal sealed class AndNode(Node left, Node right) : Node
{
    public override bool Matches(OpenDFrame frame) => left.Matches(frame) && right.Matches(frame);
}

internal sealed class NotNode(Node operand) : Node
{
    public override bool Matches(OpenDFrame frame) => !operand.Matches(frame);
}

/// <summary>A bare path: true when any value it yields is truthy.</summary>
internal sealed class TruthyNode(FieldPath path) : Node
{
    private static readonly Func<Value, bool> IsTruthy = v => v.IsTruthy;

    public override bool Matches(OpenDFrame frame) => path.Any(frame, IsTruthy);
}

/// <summary>path == null (no value at all) or path != null (at least one).</summary>
internal sealed class PresenceNode(FieldPath path, bool present) : Node
{
    private static readonly Func<Value, bool> Always = _ => true;

    public override bool Matches(OpenDFrame frame) => path.Any(frame, Always) == present;
}

/// <summary>True when any value the path yields compares as asked, so != means "some value differs".</summary>
internal sealed class CompareNode : Node
{
    private readonly FieldPath _path;
    // Built once: a lambda made per frame would allocate on every frame.
    private readonly Func<Value, bool> _test;

    public CompareNode(FieldPath path, CompareOp op, Literal literal)
    {
        _path = path;
        _test = v => Comparison.Test(v, op, literal);
    }

    public override bool Matches(OpenDFrame frame) => _path.Any(frame, _test);
}
