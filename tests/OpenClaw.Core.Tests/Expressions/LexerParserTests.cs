using OpenClaw.Core.Expressions;
using static OpenClaw.Core.Tests.Expressions.Eval;

namespace OpenClaw.Core.Tests.Expressions;

public class LexerParserTests
{
    [Theory]
    [InlineData("null", "null")]
    [InlineData("true", "true")]
    [InlineData("false", "false")]
    [InlineData("42", "42")]
    [InlineData("0", "0")]
    [InlineData("2.5", "2.5")]
    [InlineData("1e3", "1000")]
    [InlineData("1.5E-2", "0.015")]
    [InlineData("2e+2", "200")]
    [InlineData("'single'", "\"single\"")]
    [InlineData("\"double\"", "\"double\"")]
    [InlineData("''", "\"\"")]
    public void Literals_evaluate_to_their_values(string expression, string json) =>
        Assert.Equal(json, Json(expression));

    [Fact]
    public void Integer_literals_stay_integers_and_decimals_become_doubles()
    {
        Assert.True(Value("7").IsExactInteger);
        Assert.False(Value("7.0").IsExactInteger);
        Assert.False(Value("1e2").IsExactInteger);
    }

    [Fact]
    public void Integer_literal_too_large_for_long_becomes_a_double()
    {
        var value = Value("99999999999999999999");
        Assert.False(value.IsExactInteger);
        Assert.Equal(1e20, value.GetDouble());
    }

    [Fact]
    public void Number_out_of_double_range_is_a_parse_error()
    {
        var error = ParseError("1e999");
        Assert.Equal("number '1e999' is out of range at column 1", error.Message);
    }

    [Fact]
    public void Number_followed_by_letters_is_a_parse_error()
    {
        var error = ParseError("1 + 12abc");
        Assert.Equal(5, error.Column);
        Assert.Contains("invalid number '12a'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"'a\nb'", "a\nb")]
    [InlineData(@"'tab\there'", "tab\there")]
    [InlineData(@"'it\'s'", "it's")]
    [InlineData(@"""say \""hi\""""", "say \"hi\"")]
    [InlineData(@"'back\\slash'", "back\\slash")]
    [InlineData(@"'\u00e9t\u00E9'", "été")]
    [InlineData(@"'a\/b\r\0'", "a/b\r\0")]
    [InlineData("\"it's\"", "it's")]
    [InlineData("'say \"hi\"'", "say \"hi\"")]
    public void String_escapes_are_decoded(string expression, string expected) =>
        Assert.Equal(expected, Value(expression).GetString());

    [Fact]
    public void Unknown_escape_is_reported_at_the_backslash()
    {
        var error = ParseError(@"'ab\q'");
        Assert.Equal(@"invalid escape sequence '\q' at column 4", error.Message);
    }

    [Fact]
    public void Short_unicode_escape_is_rejected()
    {
        var error = ParseError(@"'\u12'");
        Assert.Equal(2, error.Column);
        Assert.Contains("four hex digits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unterminated_string_points_at_its_opening_quote()
    {
        var error = ParseError("1 + 'abc");
        Assert.Equal("unterminated string starting at column 5", error.Message);
        Assert.Equal(5, error.Column);
        Assert.Equal("1 + 'abc", error.Text);
    }

    [Fact]
    public void Unknown_function_is_a_parse_error_with_the_column_of_its_name()
    {
        var error = ParseError("1 + foo(2)");
        Assert.Equal("unknown function 'foo' at column 5", error.Message);
        Assert.Equal("unknown function 'foo'", error.Reason);
    }

    [Theory]
    [InlineData("contains('a')", "function 'contains' expects 2 arguments but got 1 at column 1")]
    [InlineData("join([1], ',', 'x')", "function 'join' expects 1 to 2 arguments but got 3 at column 1")]
    [InlineData("now(1)", "function 'now' expects no arguments but got 1 at column 1")]
    [InlineData("coalesce()", "function 'coalesce' expects at least 1 argument but got 0 at column 1")]
    [InlineData("length(1, 2)", "function 'length' expects 1 argument but got 2 at column 1")]
    public void Wrong_arity_is_a_parse_error(string expression, string message) =>
        Assert.Equal(message, ParseError(expression).Message);

    [Fact]
    public void Function_names_are_case_insensitive()
    {
        Assert.Equal("3", Json("LENGTH('abc')"));
        Assert.Equal("\"[1]\"", Json("tojson([1])"));
    }

    [Fact]
    public void Missing_closing_parenthesis_is_reported_where_it_was_expected()
    {
        var error = ParseError("(1 + 2");
        Assert.Equal(7, error.Column);
        Assert.StartsWith("expected ')' but found end of expression", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_closing_parenthesis_of_a_call_names_what_was_found()
    {
        var error = ParseError("format('{0}', 1 2)");
        Assert.Equal("expected ')' but found number 2 at column 17", error.Message);
    }

    [Theory]
    [InlineData("1 +", 4, "expected an expression but found end of expression")]
    [InlineData("* 2", 1, "expected an expression but found '*'")]
    [InlineData("1 2", 3, "unexpected number 2")]
    [InlineData("a = 1", 3, "unexpected character '=' (use '==' to compare)")]
    [InlineData("a & b", 3, "unexpected character '&' (use '&&')")]
    [InlineData("a | b", 3, "unexpected character '|' (use '||')")]
    [InlineData("#", 1, "unexpected character '#'")]
    [InlineData("a.", 3, "expected a property name after '.' but found end of expression")]
    [InlineData("a[1", 4, "expected ']' but found end of expression")]
    [InlineData("[1, 2", 6, "expected ']' but found end of expression")]
    [InlineData("{a 1}", 4, "expected ':' but found number 1")]
    [InlineData("{1: 2}", 2, "expected a property name but found number 1")]
    [InlineData("true ? 1", 9, "expected ':' but found end of expression")]
    [InlineData("a }", 3, "unexpected '}'")]
    public void Syntax_errors_name_the_problem_and_its_column(string expression, int column, string reason)
    {
        var error = ParseError(expression);
        Assert.Equal(reason, error.Reason);
        Assert.Equal(column, error.Column);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_expression_is_rejected(string expression) =>
        Assert.Equal("expression is empty", ParseError(expression).Reason);

    [Fact]
    public void Duplicate_object_keys_are_rejected()
    {
        var error = ParseError("{a: 1, 'a': 2}");
        Assert.Equal("duplicate key 'a' at column 8", error.Message);
    }

    [Fact]
    public void Referenced_contexts_list_each_root_name_once()
    {
        var expression = Expression.Parse("inputs.a + steps.x.output + inputs.b + coalesce(vars.c, loop.item)");
        Assert.Equal(["inputs", "loop", "steps", "vars"], expression.ReferencedContexts.Order());
    }

    [Fact]
    public void Referenced_steps_include_dotted_bracketed_and_hyphenated_ids_but_not_deeper_names()
    {
        var expression = Expression.Parse("steps.fetch.output.other + steps['load data'].output + steps.fetch-data.output + steps[inputs.x]");
        Assert.Equal(["fetch", "fetch-data", "load data"], expression.ReferencedSteps.Order());
    }

    [Fact]
    public void Hyphen_inside_a_property_name_is_part_of_the_name()
    {
        Assert.Equal("\"hyphen\"", Json("steps.fetch-data.output"));
    }

    [Fact]
    public void Hyphen_before_a_digit_or_with_spaces_is_subtraction()
    {
        Assert.Equal("1", Json("loop.index-1"));
        Assert.Equal("0", Json("loop.index - vars.obj.b[1]"));
        Assert.Equal("-1", Json("inputs.count-4"));
    }

    [Fact]
    public void Hyphen_after_a_root_name_is_subtraction()
    {
        var context = new TestContext("""{ "a": 5, "b": 2 }""");
        Assert.Equal("3", Json("a-b", context));
    }

    [Fact]
    public void Keywords_can_be_property_names_and_object_keys()
    {
        var context = new TestContext("""{ "o": { "null": 1, "true": 2 } }""");
        Assert.Equal("3", Json("o.null + o.true", context));
        Assert.Equal("""{"null":1,"false":2}""", Json("{null: 1, false: 2}"));
    }

    [Fact]
    public void Whitespace_including_newlines_is_ignored_between_tokens()
    {
        Assert.Equal("6", Json("\n  1 +\t2\r\n + 3 "));
        Assert.Equal("3", Json("length ('abc')"));
    }

    [Fact]
    public void Parse_keeps_the_source_text()
    {
        var expression = Expression.Parse("inputs.name");
        Assert.Equal("inputs.name", expression.Source);
        Assert.Equal("inputs.name", expression.ToString());
    }

    [Fact]
    public void Template_syntax_is_not_accepted_by_expression_parse()
    {
        var error = ParseError("${{ inputs.name }}");
        Assert.Equal("unexpected character '$' at column 1", error.Message);
    }
}
