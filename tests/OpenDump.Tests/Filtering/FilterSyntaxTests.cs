using OpenDump.Decoding;
using OpenDump.Filtering;
using Xunit;

namespace OpenDump.Tests.Filtering;

/// <summary>Malformed expressions say where and what, and Validate catches what parses but can never match.</summary>
public sealed class FilterSyntaxTests
{
    private const string ValueExpected = "expected a value (a number, a \"string\", true, false, null or a word)";

    [Theory]
    [InlineData("retType == -1 and and proto == x", 18, "expected a field name, a '(' or 'not', found 'and'")]
    [InlineData("", 0, "expected a field name, a '(' or 'not', found end of expression")]
    [InlineData("or dir == c2s", 0, "expected a field name, a '(' or 'not', found 'or'")]
    [InlineData("(retType == -1 or (dir == c2s)", 30, "expected ')' to close the '(' at 0, found end of expression")]
    [InlineData("(dir == c2s) and (kind == push", 30, "expected ')' to close the '(' at 17, found end of expression")]
    [InlineData("retType == -1)", 13, "expected 'and', 'or' or the end of the expression, found ')'")]
    [InlineData("dir == c2s kind == push", 11, "expected 'and', 'or' or the end of the expression, found 'kind'")]
    [InlineData("()", 1, "expected a field name, a '(' or 'not', found ')'")]
    [InlineData("retType ==", 10, ValueExpected + ", found end of expression")]
    [InlineData("retType == and dir == c2s", 11, ValueExpected + ", found 'and'")]
    [InlineData("retType == (1)", 11, ValueExpected + ", found '('")]
    [InlineData("sha1Ok ok", 7, "expected an operator (==, !=, <, <=, >, >=, contains), 'and', 'or' or the end, found 'ok'")]
    [InlineData("retType = -1", 8, "expected '==', found '='")]
    [InlineData("dir == c2s & kind == push", 11, "expected '&&', found '&'")]
    [InlineData("retType @ 1", 8, "unexpected character '@'")]
    [InlineData("retMsg == \"abc", 10, "unterminated string: expected a closing \", found end of expression")]
    [InlineData("retMsg == 'it\\'s", 10, "unterminated string: expected a closing ', found end of expression")]
    [InlineData("retMsg == \"a\\nb\"", 12, "expected \\\" or \\\\ in a string, found '\\n'")]
    [InlineData("client == 127.0.0.1:42582", 10, ValueExpected + ", found 127.0.0.1:42582: quote text that is more than one word or number, e.g. \"127.0.0.1:42582\"")]
    [InlineData("body.s2c.basicQotList[*].security.code == HK.00700", 42, ValueExpected + ", found HK.00700: quote text that is more than one word or number, e.g. \"HK.00700\"")]
    [InlineData("retType == 123456789012345678901234567890", 11, "number out of range: 123456789012345678901234567890")]
    [InlineData("retType < null", 10, "expected a value to compare with '<', found null: null only goes with == and !=")]
    [InlineData("retMsg contains true", 16, "expected text after 'contains', found true")]
    [InlineData("body.s2c.klList[x].closePrice > 1", 16, "expected an index (0, 1, 2, ...) or '*', found 'x'")]
    [InlineData("body.s2c.klList[-1].closePrice > 1", 16, "expected an index (0, 1, 2, ...) or '*', found '-1'")]
    [InlineData("body.s2c.klList[1.5].closePrice > 1", 16, "expected an index (0, 1, 2, ...) or '*', found '1.5'")]
    [InlineData("body.s2c.klList[].closePrice > 1", 16, "expected an index (0, 1, 2, ...) or '*', found ']'")]
    [InlineData("body.s2c.klList[0 .closePrice > 1", 18, "expected ']', found '.'")]
    [InlineData("body.s2c. == 1", 10, "expected a field name after '.', found '=='")]
    [InlineData("body[0] == 1", 4, "body is a message: expected '.' and a field name, found '[0]'")]
    [InlineData("retTyp == -1", 0, "unknown field 'retTyp': expected one of frame, ts, conn, transport, client, server, connId, dir, protoId, proto, kind, protoFmt, protoVer, serialNo, bodyLen, encryption, decrypted, sha1Ok, wsError, wsErrmsg, wsFrames, wsCompressed, latencyMs, retType, retMsg, body, raw, diagnostics")]
    [InlineData("dir == c2s and RetType == -1", 15, "unknown field 'RetType': did you mean 'retType'?")]
    [InlineData("c2s.header.accID == 1", 0, "unknown field 'c2s': expected one of frame, ts, conn, transport, client, server, connId, dir, protoId, proto, kind, protoFmt, protoVer, serialNo, bodyLen, encryption, decrypted, sha1Ok, wsError, wsErrmsg, wsFrames, wsCompressed, latencyMs, retType, retMsg, body, raw, diagnostics")]
    [InlineData("retType.value == 1", 7, "retType is a single integer: expected an operator, 'and', 'or' or the end, found '.value'")]
    [InlineData("diagnostics.code == x", 11, "diagnostics is a list: expected '[*]' or '[n]', found '.code'")]
    [InlineData("diagnostics[*].cod == x", 14, "expected .code, .severity, .message after diagnostics[*], found '.cod'")]
    [InlineData("diagnostics[0].code.x == y", 19, "diagnostics[0].code is a single string: expected an operator, 'and', 'or' or the end, found '.x'")]
    public void Malformed_expressions_say_where_what_was_expected_and_what_was_found(string expression, int position, string message)
    {
        var e = Assert.Throws<FilterSyntaxException>(() => FilterExpression.Parse(expression));
        Assert.Equal(message, e.Message);
        Assert.Equal(position, e.Position);
        Assert.Equal(expression, e.Expression);
    }

    [Fact]
    public void The_error_renders_with_a_caret_under_its_position()
    {
        var e = Assert.Throws<FilterSyntaxException>(() => FilterExpression.Parse("retType == -1 and and proto == x"));
        Assert.Equal(
            "retType == -1 and and proto == x\n" +
            "                  ^ expected a field name, a '(' or 'not', found 'and'",
            e.Render());

        // A tab would put the caret out of line on a terminal.
        var tabbed = Assert.Throws<FilterSyntaxException>(() => FilterExpression.Parse("dir\t==\t"));
        Assert.Equal("dir == \n       ^ " + ValueExpected + ", found end of expression", tabbed.Render());
    }

    [Theory]
    [InlineData("retType == -1")]
    [InlineData("  (retType==-1)||!(dir==c2s)&&kind!=push  ")]
    [InlineData("NOT retType == -1 AND dir == c2s OR kind CONTAINS 'sh'")]
    [InlineData("body.s2c.basicQotList[*].security.code == \"00700\"")]
    [InlineData("body.s2c.klList[0].closePrice >= 380.5 and body.s2c.klList[12].closePrice <= -1")]
    [InlineData("body . s2c . klList [ 0 ] . closePrice > 1")]
    [InlineData("retMsg == 'say \"hi\"' or retMsg == \"it's\" or retMsg == 'it\\'s' or retMsg == \"back\\\\slash\"")]
    [InlineData("body.c2s.not.and.or == null")]
    [InlineData("diagnostics[*].code == opendump_x or diagnostics[3] or diagnostics")]
    [InlineData("sha1Ok == true and decrypted == false and connId != null")]
    public void Well_formed_expressions_parse(string expression)
    {
        Assert.Equal(expression, FilterExpression.Parse(expression).Text);
    }

    [Fact]
    public void Validate_accepts_paths_that_some_schema_has()
    {
        var filter = FilterExpression.Parse(
            "body.s2c.basicQotList[*].security.code == 00700 or body.c2s.header.accID == 1 or body.retType == -1 or body.s2c.klList[3].closePrice > 1 " +
            "or body.s2c.programStatus.type == ProgramStatusType_Ready or body.s2c.accList or proto == Qot_Sub or dir == c2s or kind == push " +
            "or encryption == ftaes-ecb or transport == ws or body.c2s.securityList[*]");
        Assert.Empty(filter.Validate(ProtoRegistry.Default));
    }

    [Fact]
    public void Validate_reports_what_can_never_match_where_it_is()
    {
        const string expression = "body.s2c.basicQotList[*].security.codee == 00700 or body.s2c.basicQotList.security.code == 1 " +
            "or body.s2c.basicQotList[*].security.code.x or body.C2S.header or body.retType[0] or body.s2c.basicQotList[*].security[*] " +
            "or proto == Qot_Sbu or proto == qot_sub or dir == c2x or kind == pushes";
        var warnings = FilterExpression.Parse(expression).Validate(ProtoRegistry.Default);

        Assert.Equal(
        [
            (expression.IndexOf("codee", StringComparison.Ordinal), "no protocol has a field 'codee' in body.s2c.basicQotList[*].security"),
            (expression.IndexOf("security.code == 1", StringComparison.Ordinal),
                "body.s2c.basicQotList is a list: write body.s2c.basicQotList[*] or body.s2c.basicQotList[n] before '.security'"),
            (expression.IndexOf("x or", StringComparison.Ordinal), "body.s2c.basicQotList[*].security.code is a string: it has no field 'x'"),
            (expression.IndexOf("C2S", StringComparison.Ordinal), "no protocol has a field 'C2S' in body: did you mean 'c2s'?"),
            (expression.IndexOf("[0]", StringComparison.Ordinal), "body.retType is not a list in any protocol, so '[0]' never matches"),
            (expression.IndexOf("security[*]", StringComparison.Ordinal) + "security".Length,
                "body.s2c.basicQotList[*].security is not a list in any protocol, so '[*]' never matches"),
            (expression.IndexOf("Qot_Sbu", StringComparison.Ordinal), "no protocol is called 'Qot_Sbu'"),
            (expression.IndexOf("qot_sub", StringComparison.Ordinal), "protocol names compare exactly: did you mean 'Qot_Sub'?"),
            (expression.IndexOf("c2x", StringComparison.Ordinal), "dir is one of c2s, s2c, never 'c2x'"),
            (expression.IndexOf("pushes", StringComparison.Ordinal), "kind is one of request, response, push, never 'pushes'"),
        ], warnings.Select(w => (w.Position, w.Message)));
        Assert.All(warnings, w => Assert.Equal(expression, w.Expression));
    }

    [Fact]
    public void A_warning_renders_like_an_error()
    {
        var warning = Assert.Single(FilterExpression.Parse("proto == Qot_Sub and body.c2s.securityList[*].cod == x").Validate(ProtoRegistry.Default));
        Assert.Equal(
            "proto == Qot_Sub and body.c2s.securityList[*].cod == x\n" +
            "                                              ^ no protocol has a field 'cod' in body.c2s.securityList[*]",
            warning.Render());
    }
}
