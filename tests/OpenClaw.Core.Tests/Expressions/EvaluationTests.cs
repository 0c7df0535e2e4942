using System.Text.Json.Nodes;
using OpenClaw.Core.Expressions;
using static OpenClaw.Core.Tests.Expressions.Eval;

namespace OpenClaw.Core.Tests.Expressions;

public class EvaluationTests
{
    [Theory]
    [InlineData("inputs.name", "\"Ada\"")]
    [InlineData("inputs['name']", "\"Ada\"")]
    [InlineData("inputs[\"name\"]", "\"Ada\"")]
    [InlineData("steps.fetch.output.body.status", "200")]
    [InlineData("steps.fetch.output.body.items[1].id", "2")]
    [InlineData("steps['fetch'].output['body'].items[0]", "{\"id\":1}")]
    [InlineData("inputs.tags[0]", "\"a\"")]
    [InlineData("inputs.tags[-1]", "\"c\"")]
    [InlineData("inputs.tags[-3]", "\"a\"")]
    [InlineData("inputs.tags[1 + 1]", "\"c\"")]
    [InlineData("vars.obj", "{\"a\":1,\"b\":[1,2]}")]
    [InlineData("loop.item.name", "\"x\"")]
    [InlineData("env.REGION", "\"eu\"")]
    public void Property_and_index_access_read_context_data(string expression, string json) =>
        Assert.Equal(json, Json(expression));

    [Theory]
    [InlineData("inputs.nope")]
    [InlineData("inputs.missing")]
    [InlineData("inputs.nope.deeper.still")]
    [InlineData("inputs.missing[0]")]
    [InlineData("inputs.tags[3]")]
    [InlineData("inputs.tags[-4]")]
    [InlineData("inputs['no such key']")]
    [InlineData("steps.unknown.output")]
    public void Missing_data_and_out_of_range_indexes_read_as_null(string expression) =>
        Assert.True(Value(expression).IsNull);

    [Fact]
    public void Unknown_context_is_an_evaluation_error_with_its_column()
    {
        var error = EvalError("inputs.name + foo.bar");
        Assert.Equal("unknown context 'foo' at column 15", error.Message);
    }

    [Theory]
    [InlineData("inputs.name.first", "cannot read property 'first' of a string")]
    [InlineData("inputs.count.x", "cannot read property 'x' of a number")]
    [InlineData("inputs.tags.first", "cannot read property 'first' of an array")]
    [InlineData("inputs.tags.length", "cannot read property 'length' of an array (use length(...))")]
    [InlineData("inputs.tags['a']", "cannot index an array with a string")]
    [InlineData("inputs.tags[0.5]", "array index must be an integer, not 0.5")]
    [InlineData("vars.obj[0]", "cannot index an object with a number")]
    [InlineData("inputs.name[0]", "cannot index a string")]
    public void Reading_into_the_wrong_kind_of_value_is_an_error(string expression, string reason) =>
        Assert.Equal(reason, EvalError(expression).Reason);

    [Fact]
    public void Index_with_an_integral_double_is_accepted() =>
        Assert.Equal("\"b\"", Json("inputs.tags[3 / 2 * 2 - 2.0]"));

    [Theory]
    [InlineData("1 + 2", "3")]
    [InlineData("5 - 7", "-2")]
    [InlineData("6 * 7", "42")]
    [InlineData("8 / 2", "4")]
    [InlineData("7 / 2", "3.5")]
    [InlineData("7 % 3", "1")]
    [InlineData("-7 % 3", "-1")]
    [InlineData("7.5 % 2", "1.5")]
    [InlineData("1 + 2 * 3", "7")]
    [InlineData("(1 + 2) * 3", "9")]
    [InlineData("10 - 2 - 3", "5")]
    [InlineData("2 * 3 / 4", "1.5")]
    [InlineData("-inputs.count", "-3")]
    [InlineData("- -2", "2")]
    [InlineData("inputs.price * 2", "5")]
    [InlineData("0.1 + 0.2", "0.30000000000000004")]
    public void Arithmetic_follows_precedence_and_left_associativity(string expression, string json) =>
        Assert.Equal(json, Json(expression));

    [Fact]
    public void Integer_arithmetic_stays_integral_until_it_cannot()
    {
        Assert.True(Value("2 + 3").IsExactInteger);
        Assert.True(Value("9 / 3").IsExactInteger);
        Assert.False(Value("9 / 2").IsExactInteger);
        Assert.False(Value("1 + 1.0").IsExactInteger);
    }

    [Fact]
    public void Integer_overflow_switches_to_double()
    {
        var sum = Value("9223372036854775807 + 1");
        Assert.False(sum.IsExactInteger);
        Assert.Equal(9223372036854775808.0, sum.GetDouble());

        var product = Value("4611686018427387904 * 4");
        Assert.False(product.IsExactInteger);
        Assert.Equal(1.8446744073709552E19, product.GetDouble());

        var difference = Value("-9223372036854775807 - 2");
        Assert.False(difference.IsExactInteger);
    }

    [Theory]
    [InlineData("1 / 0")]
    [InlineData("1 % 0")]
    [InlineData("1.5 / 0.0")]
    [InlineData("inputs.count / inputs.zero")]
    public void Division_by_zero_is_an_error(string expression) =>
        Assert.Equal("division by zero", EvalError(expression).Reason);

    [Fact]
    public void Double_overflow_is_an_error_rather_than_infinity() =>
        Assert.Equal("result of '*' is out of range", EvalError("1e308 * 10").Reason);

    [Theory]
    [InlineData("true + 1", "cannot apply '+' to boolean and number")]
    [InlineData("null - 1", "cannot apply '-' to null and number")]
    [InlineData("[1] * 2", "cannot apply '*' to array and number")]
    [InlineData("'a' - 'b'", "cannot apply '-' to string and string")]
    [InlineData("-'a'", "cannot apply '-' to a string")]
    public void Arithmetic_on_non_numbers_is_an_error(string expression, string reason) =>
        Assert.Equal(reason, EvalError(expression).Reason);

    [Fact]
    public void Arithmetic_error_points_at_the_operator() =>
        Assert.Equal(7, EvalError("1 + 2 + true").Column);

    [Theory]
    [InlineData("'a' + 'b'", "\"ab\"")]
    [InlineData("'n=' + 1", "\"n=1\"")]
    [InlineData("1 + 2 + 'x'", "\"3x\"")]
    [InlineData("'x' + 1 + 2", "\"x12\"")]
    [InlineData("'v' + null", "\"v\"")]
    [InlineData("'b=' + true", "\"b=true\"")]
    [InlineData("'l=' + [1, 'a']", "\"l=[1,\\\"a\\\"]\"")]
    [InlineData("'p=' + 2.5", "\"p=2.5\"")]
    [InlineData("inputs.name + ' ' + inputs.count", "\"Ada 3\"")]
    public void Plus_concatenates_when_either_side_is_a_string(string expression, string json) =>
        Assert.Equal(json, Json(expression));

    [Fact]
    public void Subtraction_after_concatenation_in_a_chain_is_still_an_error() =>
        Assert.Equal("cannot apply '-' to string and number", EvalError("'a' + 1 - 1").Reason);

    [Theory]
    [InlineData("1 < 2", true)]
    [InlineData("2 <= 2", true)]
    [InlineData("3 > 2.5", true)]
    [InlineData("2 >= 3", false)]
    [InlineData("'abc' < 'abd'", true)]
    [InlineData("'B' < 'a'", true)]
    [InlineData("inputs.count > 2 && inputs.count < 4", true)]
    public void Comparisons_order_numbers_and_strings(string expression, bool expected) =>
        Assert.Equal(expected, Value(expression).GetBoolean());

    [Theory]
    [InlineData("'a' < {}", "cannot compare string with object")]
    [InlineData("1 < '2'", "cannot compare number with string")]
    [InlineData("null < 1", "cannot compare null with number")]
    [InlineData("true > false", "cannot compare boolean with boolean")]
    public void Comparing_different_kinds_is_an_error(string expression, string reason) =>
        Assert.Equal(reason, EvalError(expression).Reason);

    [Theory]
    [InlineData("1 == 1", true)]
    [InlineData("1 == 1.0", true)]
    [InlineData("1 != 2", true)]
    [InlineData("'a' == 'a'", true)]
    [InlineData("'a' == 'A'", false)]
    [InlineData("1 == '1'", false)]
    [InlineData("0 == false", false)]
    [InlineData("null == false", false)]
    [InlineData("'' == null", false)]
    [InlineData("null == null", true)]
    [InlineData("inputs.nope == null", true)]
    [InlineData("[1, [2, 3]] == [1, [2, 3]]", true)]
    [InlineData("[1, 2] == [2, 1]", false)]
    [InlineData("[1, 2] == [1, 2, 3]", false)]
    [InlineData("{a: 1, b: [1, 2]} == {b: [1, 2.0], a: 1}", true)]
    [InlineData("{a: 1} == {a: 1, b: 2}", false)]
    [InlineData("{a: 1, b: 2} == {a: 1}", false)]
    [InlineData("{a: null} == {}", false)]
    [InlineData("vars.obj == {a: 1, b: [1, 2]}", true)]
    [InlineData("vars.list == [1, 2, 3]", true)]
    [InlineData("vars.obj == vars.obj", true)]
    [InlineData("[] == {}", false)]
    public void Equality_is_deep_and_strict(string expression, bool expected) =>
        Assert.Equal(expected, Value(expression).GetBoolean());

    [Theory]
    [InlineData("null", false)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("0.0", false)]
    [InlineData("''", false)]
    [InlineData("true", true)]
    [InlineData("1", true)]
    [InlineData("-1", true)]
    [InlineData("'0'", true)]
    [InlineData("'false'", true)]
    [InlineData("[]", true)]
    [InlineData("{}", true)]
    [InlineData("inputs.nope", false)]
    [InlineData("inputs.empty", false)]
    public void Truthiness_follows_the_documented_rules(string expression, bool truthy)
    {
        Assert.Equal(truthy, Value(expression).IsTruthy);
        Assert.Equal(!truthy, Value($"!({expression})").GetBoolean());
    }

    [Fact]
    public void NaN_is_falsy()
    {
        Assert.False(ExpressionValue.From(double.NaN).IsTruthy);
        var context = new TestContext().With("n", ExpressionValue.From(double.NaN));
        Assert.True(Value("!n", context).GetBoolean());
        Assert.False(Value("n == n", context).GetBoolean());
    }

    [Theory]
    [InlineData("inputs.name && inputs.count", "3")]
    [InlineData("inputs.empty && inputs.count", "\"\"")]
    [InlineData("inputs.nope || 'default'", "\"default\"")]
    [InlineData("inputs.name || 'default'", "\"Ada\"")]
    [InlineData("0 || '' || null", "null")]
    [InlineData("1 && 2 && 3", "3")]
    [InlineData("false || true && false", "false")]
    [InlineData("true || false && false", "true")]
    public void And_or_return_the_deciding_operand(string expression, string json) =>
        Assert.Equal(json, Json(expression));

    [Fact]
    public void And_or_short_circuit_so_the_right_side_is_not_evaluated()
    {
        Assert.Equal("false", Json("false && nosuch.thing"));
        Assert.Equal("1", Json("1 || nosuch.thing"));
        Assert.Equal("1", Json("true ? 1 : nosuch.thing"));
        Assert.Equal("unknown context 'nosuch'", EvalError("true && nosuch.thing").Reason);
    }

    [Theory]
    [InlineData("true ? 'y' : 'n'", "\"y\"")]
    [InlineData("inputs.nope ? 'y' : 'n'", "\"n\"")]
    [InlineData("false ? 1 : true ? 2 : 3", "2")]
    [InlineData("inputs.count > 2 ? inputs.tags : []", "[\"a\",\"b\",\"c\"]")]
    [InlineData("(true ? 1 : 2) + 10", "11")]
    public void Ternary_picks_a_branch(string expression, string json) =>
        Assert.Equal(json, Json(expression));

    [Fact]
    public void Array_and_object_literals_evaluate_their_elements_in_order()
    {
        Assert.Equal("""[1,"Ada",[true,null],{"k":3}]""", Json("[1, inputs.name, [true, null], {k: inputs.count}]"));
        Assert.Equal("""{"a":1,"b c":"x","nested":{"list":[1,2,3]}}""", Json("{a: 1, 'b c': 'x', nested: {list: vars.list}}"));
        Assert.Equal("[]", Json("[]"));
        Assert.Equal("{}", Json("{}"));
        Assert.Equal("2", Json("{a: {b: [0, 2]}}.a.b[1]"));
        Assert.Equal("\"y\"", Json("['x', 'y'][-1]"));
    }

    [Fact]
    public void Evaluation_reads_json_node_values_and_lazy_objects_the_same_way()
    {
        var node = JsonNode.Parse("""{ "a": { "b": [10, 20] }, "s": "t" }""");
        var built = new JsonObject { ["n"] = 5, ["d"] = 1.5, ["flag"] = true, ["m"] = 2.5m };
        var lazy = new LazyObject(name => name == "fetch" ? ExpressionValue.From(node) : null);
        var context = new TestContext().With("steps", ExpressionValue.From(lazy)).With("built", ExpressionValue.From(built));

        Assert.Equal("20", Json("steps.fetch.a.b[-1]", context));
        Assert.Equal("\"t\"", Json("steps.fetch.s", context));
        Assert.True(Value("steps.other", context).IsNull);
        Assert.Equal(["fetch", "fetch", "other"], lazy.Requested);
        Assert.Equal("9", Json("built.n + built.d + built.m", context));
        Assert.Equal("true", Json("built.flag", context));
    }

    [Fact]
    public void Evaluation_does_not_touch_the_context_for_constant_expressions()
    {
        var context = Context();
        Expression.Parse("1 + 2").Evaluate(context);
        Assert.Equal(0, context.Lookups);
    }

    [Fact]
    public void Evaluation_errors_carry_the_expression_text()
    {
        var error = EvalError("inputs.count / 0");
        Assert.Equal("inputs.count / 0", error.Text);
        Assert.Equal(14, error.Column);
    }
}
