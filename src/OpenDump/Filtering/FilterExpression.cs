using Google.Protobuf.Reflection;
using OpenDump.Decoding;
using OpenDump.Session;

namespace OpenDump.Filtering;

/// <summary>
/// A frame filter (--filter), e.g. <c>proto == Qot_UpdateTicker and dir == s2c</c> or
/// <c>body.s2c.basicQotList[*].security.code == "00700"</c>.
/// <para>
/// Names are the keys of the JSON output with the values it shows (ts in seconds, latencyMs in
/// milliseconds, dir, kind and encryption as their strings); body.… walks the decoded message by
/// the JSON names of its fields. A path yields zero or more values: [*] yields every element of a
/// list, [n] one, and a field that is absent (or a null key) yields none.
/// </para>
/// <para>
/// A comparison is true when ANY value satisfies it, so with [*] <c>!=</c> means "some element
/// differs", not "no element equals": write <c>not (x[*].y == v)</c> for that. A path that yields
/// nothing fails every comparison, != included, except <c>== null</c>. A bare path is true when some
/// value is not false, 0, "" or an empty list.
/// </para>
/// <para>
/// The value's type decides how it compares: numbers numerically and exactly (64-bit ids too, which
/// also equal their quoted decimal spelling), strings ordinally (an unquoted number as written, so
/// <c>code == 00700</c> works), enums by name or by number, booleans with true and false.
/// </para>
/// </summary>
public sealed class FilterExpression
{
    private readonly Node _root;
    private readonly IReadOnlyList<BodyPath> _bodyPaths;
    private readonly IReadOnlyList<ValueComparison> _valueComparisons;

    private FilterExpression(string text, Node root, IReadOnlyList<BodyPath> bodyPaths, IReadOnlyList<ValueComparison> valueComparisons)
    {
        Text = text;
        _root = root;
        _bodyPaths = bodyPaths;
        _valueComparisons = valueComparisons;
    }

    public string Text { get; }

    /// <summary>Parses and checks every top-level name; body paths are only checked by <see cref="Validate"/>.</summary>
    /// <exception cref="FilterSyntaxException">The expression is malformed or names an unknown top-level field.</exception>
    public static FilterExpression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text);
        var root = parser.ParseExpression();
        return new FilterExpression(text, root, parser.BodyPaths, parser.ValueComparisons);
    }

    public bool Matches(OpenDFrame frame) => _root.Matches(frame);

    /// <summary>
    /// What parses but can never match, for the CLI to warn about typos: a body path that exists in
    /// no Request or Response schema, a protocol name that does not exist, a dir, kind, transport or
    /// encryption those fields never show. Builds every schema, so it costs about half a second once.
    /// </summary>
    public IReadOnlyList<FilterWarning> Validate(ProtoRegistry registry)
    {
        var warnings = new List<FilterWarning>();
        if (_bodyPaths.Count > 0)
        {
            var roots = registry.All.SelectMany(p => new[] { p.Request, p.Response }).OfType<MessageDescriptor>().ToHashSet();
            warnings.AddRange(_bodyPaths.Select(p => SchemaCheck.Check(Text, p, roots)).OfType<FilterWarning>());
        }
        warnings.AddRange(_valueComparisons.Select(c => SchemaCheck.CheckValue(Text, c, registry)).OfType<FilterWarning>());
        return warnings.OrderBy(w => w.Position).ToList();
    }

    public override string ToString() => Text;
}
