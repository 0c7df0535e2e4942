using System.Text;
using System.Text.Json;
using OpenClaw.Core.Expressions;

namespace OpenClaw.Core.Tests.Expressions;

/// <summary>Inputs meant to exhaust the stack, the CPU or memory must fail at a counted limit with a plain message.</summary>
public class HostileInputsTests
{
    private static readonly ExpressionLimits LongSources = ExpressionLimits.Default with { MaxSourceLength = 10_000_000 };

    // Boundedness is proven by which limit the error names (depth, steps, length), not by timing: the limits are
    // counted, so a test that hits one is deterministic on any machine.
    private static ExpressionException FailsAtALimit(Action action) => Assert.Throws<ExpressionException>(action);

    private static TestContext ContextWith(string name, ExpressionValue value) => new TestContext().With(name, value);

    private static ExpressionValue JsonValue(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 10_000 });
        return ExpressionValue.From(document.RootElement.Clone());
    }

    [Fact]
    public void Ten_thousand_nested_parentheses_fail_at_the_depth_limit()
    {
        var source = new string('(', 10_000) + "1" + new string(')', 10_000);
        var error = FailsAtALimit(() => Expression.Parse(source, LongSources));
        Assert.Equal("expression too deeply nested (limit 64) at column 65", error.Message);
    }

    [Fact]
    public void Nesting_within_the_default_source_length_still_fails_at_the_depth_limit()
    {
        var source = new string('(', 5_000) + "1" + new string(')', 5_000);
        Assert.Equal("expression too deeply nested (limit 64)", FailsAtALimit(() => Expression.Parse(source)).Reason);
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_accepted()
    {
        var source = new string('(', 63) + "1" + new string(')', 63);
        Assert.Equal("1", Expression.Parse(source).Evaluate(new TestContext()).ToJsonString());
    }

    [Theory]
    [InlineData("!", "", "true")]
    [InlineData("-", "", "1")]
    [InlineData("[", "]", "1")]
    [InlineData("{a:", "}", "1")]
    [InlineData("length(", ")", "1")]
    [InlineData("true ? ", " : 0", "1")]
    [InlineData("[", "][0]", "1")]
    public void Every_nesting_construct_counts_toward_the_depth_limit(string open, string close, string leaf)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < 3_000; i++)
            builder.Append(open);
        builder.Append(leaf);
        for (var i = 0; i < 3_000; i++)
            builder.Append(close);
        var error = FailsAtALimit(() => Expression.Parse(builder.ToString(), LongSources));
        Assert.Equal("expression too deeply nested (limit 64)", error.Reason);
    }

    [Fact]
    public void Long_property_chains_count_toward_the_depth_limit()
    {
        var source = "inputs" + string.Concat(Enumerable.Repeat(".a", 5_000));
        Assert.Equal("expression too deeply nested (limit 64)", FailsAtALimit(() => Expression.Parse(source)).Reason);
    }

    [Fact]
    public void A_ten_megabyte_expression_is_rejected_before_parsing()
    {
        var source = new string('1', 10_000_000);
        var error = FailsAtALimit(() => Expression.Parse(source));
        Assert.Equal("expression is longer than 16384 characters at column 1", error.Message);
    }

    [Fact]
    public void A_ten_megabyte_template_block_is_rejected_at_the_source_limit()
    {
        var text = "x ${{ '" + new string('a', 10_000_000) + "' }}";
        var error = FailsAtALimit(() => Template.Parse(text));
        Assert.Equal("expression is longer than 16384 characters at column 3", error.Message);
    }

    [Fact]
    public void A_ten_megabyte_unterminated_block_is_rejected_at_the_source_limit()
    {
        var text = "${{ 1 + " + new string(' ', 10_000_000);
        Assert.Equal("expression is longer than 16384 characters", FailsAtALimit(() => Template.Parse(text)).Reason);
    }

    [Fact]
    public void A_large_literal_template_is_just_text()
    {
        var text = new string('a', 5_000_000);
        var template = Template.Parse(text);
        Assert.True(template.IsLiteral);
        Assert.Same(text, template.Evaluate(new TestContext()).GetString());
    }

    [Fact]
    public void Concatenating_a_huge_string_from_data_fails_on_the_string_limit()
    {
        var context = ContextWith("big", ExpressionValue.From(new string('x', 1_048_576)));
        var error = FailsAtALimit(() => Expression.Parse("big + '!'").Evaluate(context));
        Assert.Equal("result string exceeds 1048576 characters at column 5", error.Message);
    }

    [Fact]
    public void Passing_a_huge_string_through_unchanged_is_allowed()
    {
        var big = new string('x', 5_000_000);
        Assert.Same(big, Expression.Parse("big").Evaluate(ContextWith("big", ExpressionValue.From(big))).GetString());
    }

    [Fact]
    public void Comparing_a_huge_string_with_a_short_one_costs_nothing_but_scanning_it_is_charged()
    {
        var context = ContextWith("big", ExpressionValue.From(new string('x', 10_000_000)));
        Assert.False(Expression.Parse("big == ''").Evaluate(context).GetBoolean());
        Assert.Equal("10000000", Expression.Parse("length(big)").Evaluate(context).ToJsonString());
        Assert.Equal("expression exceeded the limit of 100000 evaluation steps", FailsAtALimit(() => Expression.Parse("contains(big, 'y')").Evaluate(context)).Reason);
    }

    [Fact]
    public void Long_concatenation_chains_stop_at_the_string_limit()
    {
        var context = ContextWith("s", ExpressionValue.From(new string('x', 4_096)));
        var source = "s" + string.Concat(Enumerable.Repeat(" + s", 4_000));
        var error = FailsAtALimit(() => Expression.Parse(source).Evaluate(context));
        Assert.Equal("result string exceeds 1048576 characters", error.Reason);
    }

    [Fact]
    public void Long_flat_chains_evaluate_in_a_loop_without_hitting_the_depth_limit()
    {
        var source = "0" + string.Concat(Enumerable.Repeat(" + 1", 4_000));
        Assert.Equal("4000", Expression.Parse(source).Evaluate(new TestContext()).ToJsonString());
        var text = "''" + string.Concat(Enumerable.Repeat("+'a'", 3_000));
        Assert.Equal(3_000, Expression.Parse(text).Evaluate(new TestContext()).GetString().Length);
        var logical = "false" + string.Concat(Enumerable.Repeat(" || false", 1_500)) + " || 'last'";
        Assert.Equal("last", Expression.Parse(logical).Evaluate(new TestContext()).GetString());
    }

    [Fact]
    public void Join_of_a_huge_array_fails_on_the_step_limit()
    {
        var context = ContextWith("items", JsonValue("[" + string.Join(",", Enumerable.Repeat("1", 1_000_000)) + "]"));
        var error = FailsAtALimit(() => Expression.Parse("join(items, ',')").Evaluate(context));
        Assert.Equal("expression exceeded the limit of 100000 evaluation steps at column 1", error.Message);
    }

    [Theory]
    [InlineData("contains(items, 2)")]
    [InlineData("toJSON(items)")]
    [InlineData("items == items2")]
    [InlineData("string(items)")]
    [InlineData("'' + items")]
    public void Walking_a_huge_array_fails_on_the_step_limit(string source)
    {
        var items = ExpressionValue.FromArray(Enumerable.Repeat(ExpressionValue.From(1L), 1_000_000).ToArray());
        var items2 = ExpressionValue.FromArray(Enumerable.Repeat(ExpressionValue.From(1L), 1_000_000).ToArray());
        var context = ContextWith("items", items).With("items2", items2);
        Assert.Equal("expression exceeded the limit of 100000 evaluation steps", FailsAtALimit(() => Expression.Parse(source).Evaluate(context)).Reason);
    }

    [Fact]
    public void Splitting_a_huge_string_fails_on_the_step_limit()
    {
        var context = ContextWith("csv", ExpressionValue.From(string.Join(",", Enumerable.Repeat("a", 500_000))));
        Assert.Equal("expression exceeded the limit of 100000 evaluation steps", FailsAtALimit(() => Expression.Parse("split(csv, ',')").Evaluate(context)).Reason);
    }

    [Fact]
    public void Doubling_a_string_through_nested_format_calls_fails_on_the_string_limit()
    {
        var source = "'abcd'";
        for (var i = 0; i < 40; i++)
            source = $"format('{{0}}{{0}}', {source})";
        Assert.Equal("result string exceeds 1048576 characters", FailsAtALimit(() => Expression.Parse(source).Evaluate(new TestContext())).Reason);
    }

    [Fact]
    public void Many_large_copies_fail_on_the_step_limit_before_memory_grows()
    {
        var context = ContextWith("s", ExpressionValue.From(new string('x', 1_000_000)));
        var source = "[" + string.Join(", ", Enumerable.Repeat("s + ''", 2_000)) + "]";
        Assert.Equal("expression exceeded the limit of 100000 evaluation steps", FailsAtALimit(() => Expression.Parse(source).Evaluate(context)).Reason);
    }

    [Fact]
    public void A_small_step_limit_stops_ordinary_evaluation()
    {
        var limits = ExpressionLimits.Default with { MaxSteps = 10 };
        var source = "1" + string.Concat(Enumerable.Repeat(" + 1", 20));
        Assert.Equal("expression exceeded the limit of 10 evaluation steps", FailsAtALimit(() => Expression.Parse(source).Evaluate(new TestContext(), limits)).Reason);
    }

    [Fact]
    public void Cyclic_lazy_objects_cannot_loop_forever()
    {
        LazyObject? first = null;
        LazyObject? second = null;
        first = new LazyObject(_ => ExpressionValue.From(first), ["self"]);
        second = new LazyObject(_ => ExpressionValue.From(second), ["self"]);
        var context = ContextWith("o", ExpressionValue.From(first)).With("p", ExpressionValue.From(second));

        Assert.Equal("value is nested deeper than 128 levels", FailsAtALimit(() => Expression.Parse("toJSON(o)").Evaluate(context)).Reason);
        Assert.Equal("value is nested deeper than 128 levels", FailsAtALimit(() => Expression.Parse("o == p").Evaluate(context)).Reason);
        Assert.Equal("value is nested deeper than 128 levels", FailsAtALimit(() => Template.Parse("${{ o }}").Evaluate(context).ToJsonNode()).Reason);
        Assert.True(Expression.Parse("o.self.self.self == o").Evaluate(context).GetBoolean());
    }

    [Fact]
    public void FromJSON_of_deeply_nested_text_is_rejected()
    {
        var context = ContextWith("text", ExpressionValue.From(new string('[', 5_000) + new string(']', 5_000)));
        var error = FailsAtALimit(() => Expression.Parse("fromJSON(text)").Evaluate(context));
        Assert.StartsWith("fromJSON() was given invalid JSON:", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_caller_data_fails_on_the_value_depth_limit_when_converted()
    {
        var context = ContextWith("deep", JsonValue(new string('[', 2_000) + new string(']', 2_000)));
        Assert.Equal("value is nested deeper than 128 levels", FailsAtALimit(() => Expression.Parse("toJSON(deep)").Evaluate(context)).Reason);
        Assert.Equal("value is nested deeper than 128 levels", FailsAtALimit(() => TemplateResolver.Resolve(JsonDocument.Parse("\"${{ deep }}\"").RootElement, context)).Reason);
    }

    [Fact]
    public void Limits_reject_values_that_would_defeat_them()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpressionLimits.Default with { MaxDepth = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpressionLimits.Default with { MaxDepth = 100_000 });
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpressionLimits.Default with { MaxSteps = -1 });
    }
}
