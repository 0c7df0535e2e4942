using OpenClaw.Core.Expressions;

namespace OpenClaw.Core.Tests.Expressions;

public class CacheTests
{
    [Fact]
    public void GetTemplate_parses_each_distinct_text_once()
    {
        var cache = new ExpressionCache();
        var first = cache.GetTemplate("Hello ${{ inputs.name }}");
        Assert.Same(first, cache.GetTemplate("Hello ${{ inputs.name }}"));
        Assert.NotSame(first, cache.GetTemplate("Hello ${{ inputs.name }}!"));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void GetExpression_parses_each_distinct_body_once()
    {
        var cache = new ExpressionCache();
        var first = cache.GetExpression("inputs.count + 1");
        Assert.Same(first, cache.GetExpression("inputs.count + 1"));
        Assert.Equal("4", first.Evaluate(Eval.Context()).ToJsonString());
    }

    [Fact]
    public void Templates_and_expressions_with_the_same_text_are_cached_separately()
    {
        var cache = new ExpressionCache();
        var template = cache.GetTemplate("inputs.count");
        var expression = cache.GetExpression("inputs.count");
        Assert.True(template.IsLiteral);
        Assert.Equal("3", expression.Evaluate(Eval.Context()).ToJsonString());
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void A_full_cache_still_parses_but_stops_storing()
    {
        var cache = new ExpressionCache(capacity: 2);
        cache.GetExpression("1");
        cache.GetExpression("2");
        var third = cache.GetExpression("3");
        Assert.Equal(2, cache.Count);
        Assert.NotSame(third, cache.GetExpression("3"));
        Assert.Equal("3", third.Evaluate(Eval.Context()).ToJsonString());
        Assert.Same(cache.GetExpression("1"), cache.GetExpression("1"));
    }

    [Fact]
    public void Very_long_texts_are_not_stored()
    {
        var cache = new ExpressionCache();
        var text = new string('a', 70_000) + "${{ 1 }}";
        Assert.NotSame(cache.GetTemplate(text), cache.GetTemplate(text));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Failed_parses_are_not_stored_and_fail_every_time()
    {
        var cache = new ExpressionCache();
        Assert.Throws<ExpressionException>(() => cache.GetTemplate("${{ nope( }}"));
        var again = Assert.Throws<ExpressionException>(() => cache.GetTemplate("${{ nope( }}"));
        Assert.Equal("unknown function 'nope' at column 5", again.Message);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void The_cache_parses_with_its_own_limits()
    {
        var cache = new ExpressionCache(limits: ExpressionLimits.Default with { MaxDepth = 2 });
        Assert.Equal("1", cache.GetExpression("((1))").Evaluate(Eval.Context()).ToJsonString());
        var error = Assert.Throws<ExpressionException>(() => cache.GetExpression("(((1)))"));
        Assert.Equal("expression too deeply nested (limit 2) at column 3", error.Message);
        Assert.Same(cache.Limits, cache.GetExpression("1").Limits);
    }

    [Fact]
    public void Concurrent_lookups_share_one_instance_per_text()
    {
        var cache = new ExpressionCache();
        var texts = Enumerable.Range(0, 50).Select(i => $"v=${{{{ inputs.count + {i} }}}}").ToArray();
        var seen = new Template[texts.Length, 8];
        Parallel.For(0, texts.Length * 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, n =>
            seen[n % texts.Length, n / texts.Length] = cache.GetTemplate(texts[n % texts.Length]));

        for (var i = 0; i < texts.Length; i++)
        {
            var stored = cache.GetTemplate(texts[i]);
            for (var j = 0; j < 8; j++)
                Assert.Same(stored, seen[i, j]);
            Assert.Equal($"v={3 + i}", stored.Evaluate(Eval.Context()).GetString());
        }

        Assert.Equal(texts.Length, cache.Count);
    }

    [Fact]
    public void Negative_capacity_is_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExpressionCache(capacity: -1));
}
