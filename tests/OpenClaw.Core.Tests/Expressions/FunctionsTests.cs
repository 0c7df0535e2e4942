using OpenClaw.Core.Expressions;
using static OpenClaw.Core.Tests.Expressions.Eval;

namespace OpenClaw.Core.Tests.Expressions;

public class FunctionsTests
{
    [Theory]
    [InlineData("contains('Hello', 'ell')", true)]
    [InlineData("contains('Hello', 'ELL')", false)]
    [InlineData("contains('Hello', '')", true)]
    [InlineData("contains(inputs.tags, 'b')", true)]
    [InlineData("contains(inputs.tags, 'B')", false)]
    [InlineData("contains([1, 2], 2.0)", true)]
    [InlineData("contains([1, 2], '1')", false)]
    [InlineData("contains([[1], {a: 2}], {a: 2})", true)]
    [InlineData("contains(vars.obj, 'a')", true)]
    [InlineData("contains(vars.obj, 'z')", false)]
    [InlineData("contains(inputs.nope, 'x')", false)]
    public void Contains_searches_strings_arrays_and_object_keys(string expression, bool expected) =>
        Assert.Equal(expected, Value(expression).GetBoolean());

    [Theory]
    [InlineData("contains(5, 'x')", "contains() expects a string, array or object, not a number")]
    [InlineData("contains('abc', 1)", "contains() cannot search a string for a number")]
    [InlineData("contains(vars.obj, 1)", "contains() looks up object keys, which are strings, not numbers")]
    public void Contains_rejects_wrong_types(string expression, string reason) =>
        Assert.Equal(reason, EvalError(expression).Reason);

    [Theory]
    [InlineData("startsWith('workflow', 'work')", true)]
    [InlineData("startsWith('workflow', 'Work')", false)]
    [InlineData("endsWith('workflow', 'flow')", true)]
    [InlineData("endsWith('workflow', 'FLOW')", false)]
    [InlineData("startsWith(inputs.nope, 'a')", false)]
    [InlineData("endsWith(inputs.nope, 'a')", false)]
    public void StartsWith_and_endsWith_are_case_sensitive(string expression, bool expected) =>
        Assert.Equal(expected, Value(expression).GetBoolean());

    [Fact]
    public void StartsWith_rejects_non_strings() =>
        Assert.Equal("startsWith() expects two strings, not a number and a string", EvalError("startsWith(1, 'a')").Reason);

    [Theory]
    [InlineData("format('{0} and {1}', 'a', 'b')", "a and b")]
    [InlineData("format('{1}{0}{1}', 1, 2)", "212")]
    [InlineData("format('{{literal}} {0}', 'x')", "{literal} x")]
    [InlineData("format('no placeholders')", "no placeholders")]
    [InlineData("format('{0}|{1}|{2}|{3}', null, true, [1], {a: 'b'})", "|true|[1]|{\"a\":\"b\"}")]
    [InlineData("format('{0}{1}{2}{3}{4}{5}', 1, 2, 3, 4, 5, 6)", "123456")]
    public void Format_substitutes_placeholders(string expression, string expected) =>
        Assert.Equal(expected, Value(expression).GetString());

    [Theory]
    [InlineData("format('{1}', 'a')", "format() placeholder {1} has no argument (1 given)")]
    [InlineData("format('{x}', 'a')", "format() found an invalid placeholder at position 1 of the format string (expected {0}, {1}, ... or '{{' for a brace)")]
    [InlineData("format('{0', 'a')", "format() found an invalid placeholder at position 1 of the format string (expected {0}, {1}, ... or '{{' for a brace)")]
    [InlineData("format('a}b', 'a')", "format() found an unmatched '}' at position 2 of the format string (write '}}' for a brace)")]
    [InlineData("format(1)", "format() expects a format string first, not a number")]
    public void Format_rejects_bad_patterns(string expression, string reason) =>
        Assert.Equal(reason, EvalError(expression).Reason);

    [Theory]
    [InlineData("join(inputs.tags)", "a,b,c")]
    [InlineData("join(inputs.tags, ' | ')", "a | b | c")]
    [InlineData("join([1, null, true, 'x'], '-')", "1--true-x")]
    [InlineData("join([])", "")]
    [InlineData("join('already text')", "already text")]
    [InlineData("join(inputs.nope)", "")]
    public void Join_concatenates_elements_with_a_separator(string expression, string expected) =>
        Assert.Equal(expected, Value(expression).GetString());

    [Fact]
    public void Join_rejects_objects_and_non_string_separators()
    {
        Assert.Equal("join() expects an array, not an object", EvalError("join(vars.obj)").Reason);
        Assert.Equal("join() expects a string separator, not a number", EvalError("join([1], 2)").Reason);
    }

    [Theory]
    [InlineData("length('héllo')", 5)]
    [InlineData("length('')", 0)]
    [InlineData("length(inputs.tags)", 3)]
    [InlineData("length([])", 0)]
    [InlineData("length(vars.obj)", 2)]
    [InlineData("length({a: 1, b: 2, c: 3})", 3)]
    [InlineData("length(inputs.nope)", 0)]
    public void Length_counts_characters_elements_or_members(string expression, long expected)
    {
        var value = Value(expression);
        Assert.True(value.TryGetInt64(out var length));
        Assert.Equal(expected, length);
    }

    [Fact]
    public void Length_rejects_numbers() =>
        Assert.Equal("length() expects a string, array or object, not a number", EvalError("length(5)").Reason);

    [Theory]
    [InlineData("toJSON(vars.obj)", "{\"a\":1,\"b\":[1,2]}")]
    [InlineData("toJSON('é <tag> \"q\"')", "\"é <tag> \\\"q\\\"\"")]
    [InlineData("toJSON(null)", "null")]
    [InlineData("toJSON(2.5)", "2.5")]
    [InlineData("toJSON({b: 1, a: [true]})", "{\"b\":1,\"a\":[true]}")]
    public void ToJSON_writes_compact_readable_json(string expression, string expected) =>
        Assert.Equal(expected, Value(expression).GetString());

    [Fact]
    public void FromJSON_parses_text_into_values()
    {
        Assert.Equal("2", Json("fromJSON('{\"a\": [1, 2]}').a[1]"));
        Assert.Equal("true", Json("fromJSON('[1, 2]') == [1, 2]"));
        Assert.Equal("\"x\"", Json("fromJSON('\"x\"')"));
        Assert.True(Value("fromJSON('null')").IsNull);
        Assert.Equal("{\"k\":\"v\"}", Json("fromJSON(toJSON({k: 'v'}))"));
    }

    [Fact]
    public void FromJSON_reports_invalid_json_with_the_parser_detail()
    {
        var error = EvalError("fromJSON('{bad')");
        Assert.StartsWith("fromJSON() was given invalid JSON:", error.Reason, StringComparison.Ordinal);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(error.InnerException);
        Assert.Equal(1, error.Column);
    }

    [Fact]
    public void Now_uses_the_context_clock_in_iso_8601_utc()
    {
        Assert.Equal("2025-01-02T03:04:05.678Z", Value("now()").GetString());
        var other = new TestContext(clock: new FixedClock(new DateTimeOffset(2030, 6, 7, 10, 0, 0, TimeSpan.FromHours(2))));
        Assert.Equal("2030-06-07T08:00:00.000Z", Value("now()", other).GetString());
    }

    [Theory]
    [InlineData("coalesce(inputs.nope, inputs.missing, 'x', 'y')", "\"x\"")]
    [InlineData("coalesce(inputs.empty, 'x')", "\"\"")]
    [InlineData("coalesce(false, true)", "false")]
    [InlineData("coalesce(null, null)", "null")]
    [InlineData("coalesce(inputs.nope)", "null")]
    [InlineData("coalesce(null, null, null, null, null, 6)", "6")]
    public void Coalesce_returns_the_first_non_null_argument(string expression, string json) =>
        Assert.Equal(json, Json(expression));

    [Theory]
    [InlineData("lower('MiXed Ä')", "mixed ä")]
    [InlineData("upper('MiXed ä')", "MIXED Ä")]
    [InlineData("trim('  padded \\n')", "padded")]
    [InlineData("lower(inputs.nope)", "")]
    [InlineData("upper(inputs.nope)", "")]
    [InlineData("trim(inputs.nope)", "")]
    public void Case_and_trim_functions_transform_strings(string expression, string expected) =>
        Assert.Equal(expected, Value(expression).GetString());

    [Fact]
    public void String_functions_reject_non_strings() =>
        Assert.Equal("upper() expects a string, not an array", EvalError("upper([])").Reason);

    [Theory]
    [InlineData("split('a,b,,c', ',')", "[\"a\",\"b\",\"\",\"c\"]")]
    [InlineData("split('a::b', '::')", "[\"a\",\"b\"]")]
    [InlineData("split('abc', ',')", "[\"abc\"]")]
    [InlineData("split('', ',')", "[\"\"]")]
    [InlineData("split(inputs.nope, ',')", "[]")]
    [InlineData("join(split(vars.text, ', '), '+')", "\"Hello+World\"")]
    public void Split_cuts_a_string_at_each_separator(string expression, string json) =>
        Assert.Equal(json, Json(expression));

    [Fact]
    public void Split_requires_a_non_empty_separator() =>
        Assert.Equal("split() expects a non-empty string separator", EvalError("split('abc', '')").Reason);

    [Fact]
    public void Keys_and_values_list_object_members_in_order()
    {
        Assert.Equal("[\"a\",\"b\"]", Json("keys(vars.obj)"));
        Assert.Equal("[1,[1,2]]", Json("values(vars.obj)"));
        Assert.Equal("[\"z\",\"y\"]", Json("keys({z: 1, y: 2})"));
        Assert.Equal("[]", Json("keys(inputs.nope)"));
        Assert.Equal("keys() expects an object, not an array", EvalError("keys([1])").Reason);
    }

    [Theory]
    [InlineData("string(12)", "12")]
    [InlineData("string(2.5)", "2.5")]
    [InlineData("string(true)", "true")]
    [InlineData("string(null)", "")]
    [InlineData("string([1, 'a'])", "[1,\"a\"]")]
    [InlineData("string('s')", "s")]
    public void String_converts_any_value_to_its_template_text(string expression, string expected) =>
        Assert.Equal(expected, Value(expression).GetString());

    [Theory]
    [InlineData("number('42')", "42")]
    [InlineData("number(' -7 ')", "-7")]
    [InlineData("number('2.5e1')", "25")]
    [InlineData("number(3)", "3")]
    [InlineData("number(true)", "1")]
    [InlineData("number(false)", "0")]
    [InlineData("number('10') > 9", "true")]
    public void Number_converts_strings_and_booleans(string expression, string json) =>
        Assert.Equal(json, Json(expression));

    [Theory]
    [InlineData("number('abc')", "number() cannot convert 'abc' to a number")]
    [InlineData("number('')", "number() cannot convert '' to a number")]
    [InlineData("number(null)", "number() cannot convert null to a number")]
    [InlineData("number([])", "number() cannot convert an array to a number")]
    public void Number_rejects_values_that_are_not_numbers(string expression, string reason) =>
        Assert.Equal(reason, EvalError(expression).Reason);

    [Fact]
    public void Function_errors_point_at_the_call() =>
        Assert.Equal(9, EvalError("1 + 2 + length(5)").Column);

    [Fact]
    public void Functions_compose()
    {
        Assert.Equal("\"ADA HAS 3 TAGS: A/B/C\"", Json("upper(format('{0} has {1} tags: {2}', inputs.name, length(inputs.tags), join(inputs.tags, '/')))"));
    }
}
