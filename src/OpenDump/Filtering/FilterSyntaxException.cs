namespace OpenDump.Filtering;

/// <summary>
/// A filter expression that does not parse. <see cref="Exception.Message"/> says what was expected
/// and what was found; <see cref="Position"/> is the 0-based character where it was found.
/// </summary>
public sealed class FilterSyntaxException(string expression, int position, string message) : Exception(message)
{
    public string Expression { get; } = expression;
    public int Position { get; } = position;

    /// <summary>The expression with a caret under the error, for a terminal.</summary>
    public string Render() => Caret.Render(Expression, Position, Message);
}

/// <summary>Something in an expression that parses but cannot match what the user probably meant (see <see cref="FilterExpression.Validate"/>).</summary>
public sealed record FilterWarning(string Expression, int Position, string Message)
{
    public string Render() => Caret.Render(Expression, Position, Message);
}

internal static class Caret
{
    /// <summary>
    /// Two lines: the expression, then the message after a caret at <paramref name="position"/>.
    /// Tabs and line breaks are shown as spaces so that the caret stays under its character.
    /// </summary>
    public static string Render(string expression, int position, string message)
    {
        var line = string.Create(expression.Length, expression, static (span, e) =>
        {
            for (var i = 0; i < e.Length; i++) span[i] = char.IsWhiteSpace(e[i]) ? ' ' : e[i];
        });
        return line + "\n" + new string(' ', Math.Clamp(position, 0, expression.Length)) + "^ " + message;
    }
}
