namespace OpenDump.Filtering;

/// <summary>A comparison of a top-level name with a text value, kept so that Validate can check the value.</summary>
internal sealed record ValueComparison(FrameField Field, Literal Literal);

/// <summary>
/// Recursive descent over the grammar, lowest precedence first:
/// or := and ('or' and)* ; and := not ('and' not)* ; not := 'not' not | primary ;
/// primary := '(' or ')' | path [op literal].
/// </summary>
internal sealed class Parser
{
    private const string ValueExpected = "a value (a number, a \"string\", true, false, null or a word)";

    private readonly string _text;
    private readonly Lexer _lexer;
    private Token _current;

    public List<BodyPath> BodyPaths { get; } = [];
    public List<ValueComparison> ValueComparisons { get; } = [];

    public Parser(string text)
    {
        _text = text;
        _lexer = new Lexer(text);
        _current = _lexer.Next();
    }

    public Node ParseExpression()
    {
        var root = ParseOr();
        if (_current.Kind != TokenKind.End) throw Expected("'and', 'or' or the end of the expression");
        return root;
    }

    private Node ParseOr()
    {
        var left = ParseAnd();
        while (_current.Kind == TokenKind.Or)
        {
            Advance();
            left = new OrNode(left, ParseAnd());
        }
        return left;
    }

    private Node ParseAnd()
    {
        var left = ParseNot();
        while (_current.Kind == TokenKind.And)
        {
            Advance();
            left = new AndNode(left, ParseNot());
        }
        return left;
    }

    private Node ParseNot()
    {
        if (_current.Kind != TokenKind.Not) return ParsePrimary();
        Advance();
        return new NotNode(ParseNot());
    }

    private Node ParsePrimary()
    {
        if (_current.Kind == TokenKind.LeftParen)
        {
            var open = _current;
            Advance();
            var inner = ParseOr();
            if (_current.Kind != TokenKind.RightParen) throw Expected($"')' to close the '(' at {open.Start}");
            Advance();
            return inner;
        }
        if (_current.Kind != TokenKind.Word) throw Expected("a field name, a '(' or 'not'");

        var path = ParsePath();
        if (_current.Kind != TokenKind.Operator)
        {
            if (_current.Kind is not (TokenKind.And or TokenKind.Or or TokenKind.RightParen or TokenKind.End))
                throw Expected("an operator (==, !=, <, <=, >, >=, contains), 'and', 'or' or the end");
            return new TruthyNode(path);
        }
        var op = _current.Operator;
        Advance();
        var literal = ParseLiteral(op);
        if (literal.Kind == LiteralKind.Null) return new PresenceNode(path, present: op == CompareOp.NotEqual);
        if (path is TopLevelPath { Field: var field } && literal.Kind == LiteralKind.String && op is CompareOp.Equal or CompareOp.NotEqual)
            ValueComparisons.Add(new ValueComparison(field, literal));
        return new CompareNode(path, op, literal);
    }

    private FieldPath ParsePath()
    {
        var head = _current;
        Advance();
        var steps = new List<Step>();
        while (true)
        {
            var at = _current.Start;
            if (_current.Kind == TokenKind.Dot)
            {
                Advance();
                if (!_current.IsWord) throw Expected("a field name after '.'");
                steps.Add(new FieldStep(_current.Text, at, _current.Start));
                Advance();
            }
            else if (_current.Kind == TokenKind.LeftBracket)
            {
                Advance();
                if (_current.Kind == TokenKind.Star) steps.Add(new AllStep(at));
                else if (_current.Kind == TokenKind.Number && int.TryParse(_current.Text, System.Globalization.NumberStyles.None, null, out var index)) steps.Add(new IndexStep(index, at));
                else throw Expected("an index (0, 1, 2, ...) or '*'");
                Advance();
                if (_current.Kind != TokenKind.RightBracket) throw Expected("']'");
                Advance();
            }
            else
            {
                break;
            }
        }
        var path = FieldPath.Create(_text, head, steps);
        if (path is BodyPath body) BodyPaths.Add(body);
        return path;
    }

    private Literal ParseLiteral(CompareOp op)
    {
        var token = _current;
        var literal = token.Kind switch
        {
            TokenKind.Number => new Literal(LiteralKind.Number, token.Text,
                Literal.ParseNumber(token.Text) ?? throw new FilterSyntaxException(_text, token.Start, $"number out of range: {token.Text}"), token.Start),
            TokenKind.String => new Literal(LiteralKind.String, token.Text, Literal.ParseNumber(token.Text), token.Start),
            TokenKind.Word => new Literal(LiteralKind.String, token.Text, null, token.Start),
            TokenKind.True => new Literal(LiteralKind.Bool, "true", 1, token.Start),
            TokenKind.False => new Literal(LiteralKind.Bool, "false", 0, token.Start),
            TokenKind.Null => new Literal(LiteralKind.Null, "null", null, token.Start),
            _ => throw Expected(ValueExpected),
        };
        if (token.Kind is TokenKind.Number or TokenKind.Word && _lexer.UnquotedEnd(token.Start) is var end && end > token.Start + token.Length)
        {
            var whole = _text[token.Start..end];
            throw new FilterSyntaxException(_text, token.Start,
                $"expected {ValueExpected}, found {whole}: quote text that is more than one word or number, e.g. \"{whole}\"");
        }
        if (literal.Kind == LiteralKind.Null && op is not (CompareOp.Equal or CompareOp.NotEqual))
            throw new FilterSyntaxException(_text, token.Start, $"expected a value to compare with '{OperatorText(op)}', found null: null only goes with == and !=");
        if (literal.Kind == LiteralKind.Bool && op == CompareOp.Contains)
            throw new FilterSyntaxException(_text, token.Start, $"expected text after 'contains', found {literal.Text}");
        Advance();
        return literal;
    }

    private static string OperatorText(CompareOp op) => op switch
    {
        CompareOp.Less => "<",
        CompareOp.LessOrEqual => "<=",
        CompareOp.Greater => ">",
        CompareOp.GreaterOrEqual => ">=",
        _ => "contains",
    };

    private void Advance() => _current = _lexer.Next();

    private FilterSyntaxException Expected(string what) => new(_text, _current.Start, $"expected {what}, found {Describe(_current)}");

    private string Describe(Token t) => t.Kind switch
    {
        TokenKind.End => "end of expression",
        TokenKind.String => _text.Substring(t.Start, t.Length),
        _ => $"'{t.Text}'",
    };
}
