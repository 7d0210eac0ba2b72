using System.Text;

namespace OpenDump.Filtering;

internal enum TokenKind
{
    End,
    Word,
    Number,
    String,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    Dot,
    Star,
    Operator,
    And,
    Or,
    Not,
    True,
    False,
    Null,
}

/// <summary>
/// One token. <see cref="Text"/> is a string's content with its escapes resolved, else the source
/// spelling. <see cref="IsWord"/> is true for keywords too: after a '.' any word is a field name.
/// </summary>
internal readonly record struct Token(TokenKind Kind, int Start, int Length, string Text, bool IsWord = false, CompareOp Operator = default);

/// <summary>Cuts the expression into tokens on demand, so the first error reported is the leftmost one.</summary>
internal sealed class Lexer(string text)
{
    private int _pos;

    public Token Next()
    {
        while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        if (_pos == text.Length) return new Token(TokenKind.End, _pos, 0, "");

        var start = _pos;
        var c = text[_pos];
        if (IsWordStart(c)) return Word(start);
        if (char.IsAsciiDigit(c) || c == '-' && _pos + 1 < text.Length && char.IsAsciiDigit(text[_pos + 1])) return Number(start);
        if (c is '"' or '\'') return QuotedString(start, c);

        var two = _pos + 1 < text.Length ? text.Substring(_pos, 2) : "";
        switch (two)
        {
            case "==": return Symbol(TokenKind.Operator, 2, CompareOp.Equal);
            case "!=": return Symbol(TokenKind.Operator, 2, CompareOp.NotEqual);
            case "<=": return Symbol(TokenKind.Operator, 2, CompareOp.LessOrEqual);
            case ">=": return Symbol(TokenKind.Operator, 2, CompareOp.GreaterOrEqual);
            case "&&": return Symbol(TokenKind.And, 2);
            case "||": return Symbol(TokenKind.Or, 2);
        }
        return c switch
        {
            '<' => Symbol(TokenKind.Operator, 1, CompareOp.Less),
            '>' => Symbol(TokenKind.Operator, 1, CompareOp.Greater),
            '!' => Symbol(TokenKind.Not, 1),
            '(' => Symbol(TokenKind.LeftParen, 1),
            ')' => Symbol(TokenKind.RightParen, 1),
            '[' => Symbol(TokenKind.LeftBracket, 1),
            ']' => Symbol(TokenKind.RightBracket, 1),
            '.' => Symbol(TokenKind.Dot, 1),
            '*' => Symbol(TokenKind.Star, 1),
            '=' => throw new FilterSyntaxException(text, start, "expected '==', found '='"),
            '&' => throw new FilterSyntaxException(text, start, "expected '&&', found '&'"),
            '|' => throw new FilterSyntaxException(text, start, "expected '||', found '|'"),
            _ => throw new FilterSyntaxException(text, start, $"unexpected character '{c}'"),
        };
    }

    /// <summary>
    /// How far an unquoted value would reach if the user meant it as one piece of text, e.g.
    /// 127.0.0.1:11111 or HK.00700: up to white space, a parenthesis or an operator.
    /// </summary>
    public int UnquotedEnd(int start)
    {
        var end = start;
        while (end < text.Length && !char.IsWhiteSpace(text[end]) && !IsDelimiter(text[end])) end++;
        return end;
    }

    private static bool IsDelimiter(char c) => c is '(' or ')' or '&' or '|' or '!' or '=' or '<' or '>';

    private static bool IsWordStart(char c) => char.IsLetter(c) || c == '_';

    // '-' too, for values such as ftaes-ecb; no name has one, and '-' is no operator here.
    private static bool IsWordPart(char c) => char.IsLetterOrDigit(c) || c is '_' or '-';

    private Token Symbol(TokenKind kind, int length, CompareOp op = default)
    {
        var token = new Token(kind, _pos, length, text.Substring(_pos, length), Operator: op);
        _pos += length;
        return token;
    }

    private Token Word(int start)
    {
        while (_pos < text.Length && IsWordPart(text[_pos])) _pos++;
        var word = text[start.._pos];
        var kind = word.ToLowerInvariant() switch
        {
            "and" => TokenKind.And,
            "or" => TokenKind.Or,
            "not" => TokenKind.Not,
            "true" => TokenKind.True,
            "false" => TokenKind.False,
            "null" => TokenKind.Null,
            "contains" => TokenKind.Operator,
            _ => TokenKind.Word,
        };
        return new Token(kind, start, _pos - start, word, IsWord: true, Operator: kind == TokenKind.Operator ? CompareOp.Contains : default);
    }

    private Token Number(int start)
    {
        if (text[_pos] == '-') _pos++;
        while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
        if (_pos + 1 < text.Length && text[_pos] == '.' && char.IsAsciiDigit(text[_pos + 1]))
        {
            _pos++;
            while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
        }
        return new Token(TokenKind.Number, start, _pos - start, text[start.._pos]);
    }

    private Token QuotedString(int start, char quote)
    {
        var value = new StringBuilder();
        _pos++;
        while (true)
        {
            if (_pos == text.Length)
                throw new FilterSyntaxException(text, start, $"unterminated string: expected a closing {quote}, found end of expression");
            var c = text[_pos];
            if (c == quote)
            {
                _pos++;
                return new Token(TokenKind.String, start, _pos - start, value.ToString());
            }
            if (c == '\\')
            {
                var escaped = _pos + 1 < text.Length ? text[_pos + 1] : '\0';
                if (escaped != quote && escaped != '\\')
                    throw new FilterSyntaxException(text, _pos, $"expected \\{quote} or \\\\ in a string, found '\\{(escaped == '\0' ? "" : escaped)}'");
                value.Append(escaped);
                _pos += 2;
                continue;
            }
            value.Append(c);
            _pos++;
        }
    }
}
