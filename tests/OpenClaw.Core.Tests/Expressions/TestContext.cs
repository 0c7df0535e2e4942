using System.Text.Json;
using OpenClaw.Core.Expressions;

namespace OpenClaw.Core.Tests.Expressions;

/// <summary>A context whose top-level names are the properties of a JSON object, plus any extra values added in code.</summary>
internal sealed class TestContext : IExpressionContext
{
    private readonly JsonElement _root;
    private readonly Dictionary<string, ExpressionValue> _extra = new(StringComparer.Ordinal);

    public TestContext(string json = "{}", TimeProvider? clock = null)
    {
        using var document = JsonDocument.Parse(json);
        _root = document.RootElement.Clone();
        TimeProvider = clock ?? new FixedClock(new DateTimeOffset(2025, 1, 2, 3, 4, 5, 678, TimeSpan.Zero));
    }

    public TimeProvider TimeProvider { get; }

    public int Lookups { get; private set; }

    public TestContext With(string name, ExpressionValue value)
    {
        _extra[name] = value;
        return this;
    }

    public bool TryResolve(string name, out ExpressionValue value)
    {
        Lookups++;
        if (_extra.TryGetValue(name, out value))
            return true;
        if (_root.TryGetProperty(name, out var element))
        {
            value = ExpressionValue.From(element);
            return true;
        }

        return false;
    }
}

internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>An object that builds members on demand and counts how often it was asked.</summary>
internal sealed class LazyObject(Func<string, ExpressionValue?> resolve, IReadOnlyList<string>? names = null) : IExpressionObject
{
    public List<string> Requested { get; } = [];

    public bool TryGetMember(string name, out ExpressionValue value)
    {
        Requested.Add(name);
        var found = resolve(name);
        value = found ?? default;
        return found is not null;
    }

    public IEnumerable<KeyValuePair<string, ExpressionValue>>? EnumerateMembers() =>
        names?.Select(n => new KeyValuePair<string, ExpressionValue>(n, resolve(n) ?? default));
}

/// <summary>An object without member listing (uses the interface's default).</summary>
internal sealed class OpaqueObject : IExpressionObject
{
    public bool TryGetMember(string name, out ExpressionValue value)
    {
        value = ExpressionValue.From(name.ToUpperInvariant());
        return true;
    }
}

internal static class Eval
{
    public static readonly string Data = """
        {
          "inputs": { "name": "Ada", "count": 3, "price": 2.5, "enabled": true, "missing": null, "tags": ["a", "b", "c"], "empty": "", "zero": 0 },
          "steps": { "fetch": { "output": { "body": { "items": [ { "id": 1 }, { "id": 2 } ], "status": 200 } } }, "fetch-data": { "output": "hyphen" } },
          "vars": { "list": [1, 2, 3], "obj": { "a": 1, "b": [1, 2] }, "text": "Hello, World" },
          "loop": { "item": { "name": "x" }, "index": 2 },
          "env": { "REGION": "eu" }
        }
        """;

    public static TestContext Context() => new(Data);

    public static ExpressionValue Value(string expression, IExpressionContext? context = null) =>
        Expression.Parse(expression).Evaluate(context ?? Context());

    /// <summary>The result as compact JSON, the easiest form to assert on.</summary>
    public static string Json(string expression, IExpressionContext? context = null) => Value(expression, context).ToJsonString();

    public static ExpressionException ParseError(string expression) =>
        Assert.Throws<ExpressionException>(() => Expression.Parse(expression));

    public static ExpressionException EvalError(string expression, IExpressionContext? context = null)
    {
        var parsed = Expression.Parse(expression);
        return Assert.Throws<ExpressionException>(() => parsed.Evaluate(context ?? Context()));
    }
}
