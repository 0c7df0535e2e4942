using System.Collections.Concurrent;

namespace OpenClaw.Core.Expressions;

/// <summary>
/// Parses each distinct template or expression text once and hands out the shared, immutable result, so the
/// per-step work of resolving inputs is evaluation only. Thread-safe.
/// </summary>
/// <remarks>
/// Bounded: once <see cref="Capacity"/> entries are stored, new texts are parsed but not stored (nothing is
/// evicted; workflow definitions hold a stable set of texts, so the first ones seen are the ones that recur).
/// Texts longer than 64 KiB are never stored. Failed parses are not stored and throw again on each call.
/// </remarks>
public sealed class ExpressionCache
{
    /// <summary>The capacity used when none is given.</summary>
    public const int DefaultCapacity = 10_000;

    private const int MaxStoredTextLength = 65_536;

    private readonly ConcurrentDictionary<string, Template> _templates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Expression> _expressions = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>Creates a cache that parses with <paramref name="limits"/> (default limits when null).</summary>
    public ExpressionCache(int capacity = DefaultCapacity, ExpressionLimits? limits = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
        Limits = limits ?? ExpressionLimits.Default;
    }

    /// <summary>The most entries (templates and expressions together) the cache stores.</summary>
    public int Capacity { get; }

    /// <summary>How many entries are stored.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The limits entries are parsed with (and, by default, evaluated with).</summary>
    public ExpressionLimits Limits { get; }

    /// <summary>The parsed template for <paramref name="text"/>.</summary>
    /// <exception cref="ExpressionException">The text is not a valid template.</exception>
    public Template GetTemplate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_templates.TryGetValue(text, out var template))
            return template;
        template = Template.Parse(text, Limits);
        return Store(_templates, text, template);
    }

    /// <summary>The parsed expression for the body <paramref name="source"/>.</summary>
    /// <exception cref="ExpressionException">The text is not a valid expression.</exception>
    public Expression GetExpression(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (_expressions.TryGetValue(source, out var expression))
            return expression;
        expression = Expression.Parse(source, Limits);
        return Store(_expressions, source, expression);
    }

    private T Store<T>(ConcurrentDictionary<string, T> entries, string text, T parsed)
    {
        // The count check and the add are not atomic; concurrent misses can overshoot by a few entries, which is harmless.
        if (text.Length > MaxStoredTextLength || Volatile.Read(ref _count) >= Capacity)
            return parsed;
        if (entries.TryAdd(text, parsed))
        {
            Interlocked.Increment(ref _count);
            return parsed;
        }

        return entries.TryGetValue(text, out var existing) ? existing : parsed;
    }
}
