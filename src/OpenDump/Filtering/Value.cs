using System.Globalization;

namespace OpenDump.Filtering;

internal enum ValueKind
{
    Bool,
    /// <summary>Every integer (64-bit included, exactly) and the decimal fields ts and latencyMs.</summary>
    Number,
    Double,
    Single,
    String,
    Enum,
    Message,
    List,
}

/// <summary>
/// One value a path yields from a frame, typed the way the JSON output shows it. Numbers are decimal
/// so that 64-bit ids and microsecond timestamps compare exactly; protobuf double and float keep
/// their own precision so that a literal compares with them as the JSON spelling would.
/// </summary>
internal readonly record struct Value(ValueKind Kind, decimal Number, double Real, string? Text)
{
    public static Value OfBool(bool b) => new(ValueKind.Bool, b ? 1 : 0, 0, null);
    public static Value OfNumber(decimal d) => new(ValueKind.Number, d, 0, null);
    public static Value OfString(string s) => new(ValueKind.String, 0, 0, s);
    public static Value OfDouble(double d) => new(ValueKind.Double, 0, d, null);
    public static Value OfSingle(float f) => new(ValueKind.Single, 0, f, null);
    public static Value Enum(int number, string name) => new(ValueKind.Enum, number, 0, name);
    public static Value List(int count) => new(ValueKind.List, count, 0, null);
    public static readonly Value Message = new(ValueKind.Message, 0, 0, null);

    /// <summary>What a bare path tests: present and not false, 0, "" or an empty list. An enum shows as its name, so it is always true.</summary>
    public bool IsTruthy => Kind switch
    {
        ValueKind.Bool or ValueKind.Number or ValueKind.List => Number != 0,
        ValueKind.Double or ValueKind.Single => Real != 0,
        ValueKind.String => Text!.Length > 0,
        _ => true,
    };
}

internal enum LiteralKind
{
    Number,
    String,
    Bool,
    Null,
}

internal enum CompareOp
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Contains,
}

/// <summary>
/// The right-hand side of a comparison. <see cref="Text"/> is the number as written or the string's
/// content; <see cref="Numeric"/> is set for numbers, for strings that spell a number (so "123" matches
/// a 64-bit id, which the JSON output prints as a string) and for booleans (1 or 0).
/// </summary>
internal sealed record Literal(LiteralKind Kind, string Text, decimal? Numeric, int Position)
{
    private const NumberStyles Style = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;

    public static decimal? ParseNumber(string text) =>
        decimal.TryParse(text, Style, CultureInfo.InvariantCulture, out var d) ? d : null;

    // Parsed from the text rather than converted from Numeric: decimal-to-double conversion is not
    // always correctly rounded, and a literal copied from the output must equal the field it came from.
    public double Real { get; } = IsNumeric(Kind, Numeric) ? double.Parse(Text, Style, CultureInfo.InvariantCulture) : double.NaN;
    public float Single { get; } = IsNumeric(Kind, Numeric) ? float.Parse(Text, Style, CultureInfo.InvariantCulture) : float.NaN;

    /// <summary>The number a numeric field compares with, or null when the literal is not one.</summary>
    public decimal? AsNumber => IsNumeric(Kind, Numeric) ? Numeric : null;

    private static bool IsNumeric(LiteralKind kind, decimal? numeric) => kind is LiteralKind.Number or LiteralKind.String && numeric is not null;
}

/// <summary>
/// How one value compares with a literal. The value's type decides: a number compares numerically
/// (with a quoted literal too when it spells a number), a string as text (an unquoted number as
/// written, so code == 00700 works), an enum by number or by name, a bool with true or false.
/// Anything else is incomparable: == and the orderings are false, != is true.
/// </summary>
internal static class Comparison
{
    public static bool Test(Value v, CompareOp op, Literal literal)
    {
        if (op == CompareOp.Contains)
            return v.Kind is ValueKind.String or ValueKind.Enum && v.Text!.Contains(literal.Text, StringComparison.Ordinal);
        var order = Order(v, literal);
        return op switch
        {
            CompareOp.Equal => order == 0,
            CompareOp.NotEqual => order != 0,
            CompareOp.Less => order < 0,
            CompareOp.LessOrEqual => order <= 0,
            CompareOp.Greater => order > 0,
            _ => order >= 0,
        };
    }

    private static int? Order(Value v, Literal literal)
    {
        var numeric = literal.AsNumber;
        return v.Kind switch
        {
            ValueKind.Number => numeric is { } n ? v.Number.CompareTo(n) : null,
            ValueKind.Double => numeric is not null && !double.IsNaN(v.Real) ? v.Real.CompareTo(literal.Real) : null,
            ValueKind.Single => numeric is not null && !double.IsNaN(v.Real) ? ((float)v.Real).CompareTo(literal.Single) : null,
            ValueKind.String => literal.Kind is LiteralKind.String or LiteralKind.Number ? Math.Sign(string.CompareOrdinal(v.Text, literal.Text)) : null,
            ValueKind.Enum => literal.Kind switch
            {
                LiteralKind.Number => v.Number.CompareTo(literal.Numeric!.Value),
                LiteralKind.String => Math.Sign(string.CompareOrdinal(v.Text, literal.Text)),
                _ => null,
            },
            ValueKind.Bool => literal.Kind == LiteralKind.Bool ? v.Number.CompareTo(literal.Numeric!.Value) : null,
            _ => null,
        };
    }
}
