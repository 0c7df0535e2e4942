using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OpenClaw.Core.Expressions;

/// <summary>
/// The functions expressions can call. Names are case-insensitive. Every function that loops charges one
/// step per element and checks the length of the strings it builds, so none can run unbounded.
/// </summary>
/// <remarks>
/// Functions that take a string or a collection accept null (a missing property) and treat it as empty:
/// <c>length(null)</c> is 0, <c>contains(null, x)</c> is false, <c>lower(null)</c> is "". Any other wrong type is
/// an error that names the function.
/// </remarks>
internal static class BuiltinFunctions
{
    private static readonly Dictionary<string, BuiltinFunction> Functions = new BuiltinFunction[]
    {
        new("contains", 2, 2, Contains),
        new("startsWith", 2, 2, StartsWith),
        new("endsWith", 2, 2, EndsWith),
        new("format", 1, int.MaxValue, Format),
        new("join", 1, 2, Join),
        new("length", 1, 1, Length),
        new("toJSON", 1, 1, ToJson),
        new("fromJSON", 1, 1, FromJson),
        new("now", 0, 0, Now),
        new("coalesce", 1, int.MaxValue, Coalesce),
        new("lower", 1, 1, Lower),
        new("upper", 1, 1, Upper),
        new("trim", 1, 1, Trim),
        new("split", 2, 2, Split),
        new("keys", 1, 1, Keys),
        new("values", 1, 1, Values),
        new("string", 1, 1, ToText),
        new("number", 1, 1, ToNumber),
    }.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    public static bool TryGet(string name, [NotNullWhen(true)] out BuiltinFunction? function) =>
        Functions.TryGetValue(name, out function);

    /// <summary>Substring (case-sensitive) for strings, deep-equal membership for arrays, key presence for objects.</summary>
    private static ExpressionValue Contains(Evaluator evaluator, int column, ReadOnlySpan<ExpressionValue> args)
    {
        var haystack = args[0];
        var needle = args[1];
        switch (haystack.Kind)
        {
            case ExpressionValueKind.Null:
                return ExpressionValue.False;
            case ExpressionValueKind.String:
                if (needle.Kind != ExpressionValueKind.String)
                    throw evaluator.Fail($"contains() cannot search a string for {needle.KindNameWithArticle}", column);
                var text = haystack.GetString();
                evaluator.ChargeCharacters(text.Length, column);
                return ExpressionValue.From(text.Contains(needle.GetString(), StringComparison.Ordinal));
            case ExpressionValueKind.Array:
                foreach (var item in haystack.EnumerateArray())
                {
                    evaluator.Charge(column);
                    if (Operators.AreEqual(item, needle, evaluator, column, 0))
                        return ExpressionValue.True;
                }

                return ExpressionValue.False;
            case ExpressionValueKind.Object:
                if (needle.Kind != ExpressionValueKind.String)
                    throw evaluator.Fail($"contains() looks up object keys, which are strings, not {needle.KindName}s", column);
                return ExpressionValue.From(haystack.TryGetMember(needle.GetString(), out _));
            default:
                throw evaluator.Fail($"contains() expects a string, array or object, not {haystack.KindNameWithArticle}", column);
        }
    }

    private static ExpressionValue StartsWith(Evaluator evaluator, int column, ReadOnlySpan<ExpressionValue> args) =>
        StringTest("startsWith", evaluator, column, args, static (s, part) => s.StartsWith(part, StringComparison.Ordinal));

    private static ExpressionValue EndsWith(Evaluator evaluator, int column, ReadOnlySpan<ExpressionValue> args) =>
        StringTest("endsWith", evaluator, column, args, static (s, part) => s.EndsWith(part, StringComparison.Ordinal));

    private static ExpressionValue StringTest(string name, Evaluator evaluator, int column, ReadOnlySpan<ExpressionValue> args, Func<string, string, bool> test)
    {
        if (args[0].IsNull)
            return ExpressionValue.False;
        if (args[0].Kind != ExpressionValueKind.String || args[1].Kind != ExpressionValueKind.String)
            throw evaluator.Fail($"{name}() expects two strings, not {args[0].KindNameWithArticle} and {args[1].KindNameWithArticle}", column);
        return ExpressionValue.From(test(args[0].GetString(), args[1].GetString()));
    }

    /// <summary><c>format('{0} and {1}', a, b)</c>; <c>{{</c> and <c>}}</c> stand for literal braces.</summary>
    private static ExpressionValue Format(Evaluator evaluator, int column, ReadOnlySpan<ExpressionValue> args)
    {
        if (args[0].Kind != ExpressionValueKind.String)
            throw evaluator.Fail($"format() expects a format string first, not {args[0].KindNameWithArticle}", column);
        var pattern = args[0].GetString();
        var result = new StringBuilder(pattern.Length + 16);
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            if (c == '{' && i + 1 < pattern.Length && pattern[i + 1] == '{')
            {
                result.Append('{');
                i += 2;
                continue;
            }

            if (c == '}')
            {
                if (i + 1 < pattern.Length && pattern[i + 1] == '}')
                {
                    result.Append('}');
                    i += 2;
                    continue;
                }

                throw evaluator.Fail($"format() found an unmatched '}}' at position {i + 1} of the format string (write '}}}}' for a brace)", column);
            }

            if (c != '{')
            {
                result.Append(c);
                i++;
                continue;
            }

            var close = pattern.IndexOf('}', i + 1);
            if (close < 0 || !int.TryParse(pattern.AsSpan(i + 1, close - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                throw evaluator.Fail($"format() found an invalid placeholder at position {i + 1} of the format string (expected {{0}}, {{1}}, ... or '{{{{' for a brace)", column);
            if (index + 1 >= args.Length)
                throw evaluator.Fail($"format() placeholder {{{index}}} has no argument ({args.Length - 1} given)", column);

            var piece = ValueJson.ToDisplayString(args[index + 1], evaluator, column);
            evaluator.CheckStringLength((long)result.Length + piece.Length, column);
            evaluator.Charge(column);
            evaluator.ChargeCharacters(piece.Length, column);
            result.Append(piece);
            i = close + 1;
        }

        return ExpressionValue.From(result.ToString());
    }

    /// <summary><c>join(array, separator = ',')</c>; a string is returned unchanged, null gives "".</summary>
    private static ExpressionValue Join(Evaluator evaluator, int column, ReadOnlySpan<ExpressionValue> args)
    {
        var items = args[0];
        var separator = ",";
        if (args.Length > 1)
        {
            if (args[1].Kind != ExpressionValueKind.String)
                throw evaluator.Fail($"join() expects a string separator, not {args[1].KindNameWithArticle}", column);
            separator = args[1].GetString();
        }

        switch (items.Kind)
        {
            case ExpressionValueKind.Null:
                return ExpressionValue.From(string.Empty);
            case ExpressionValueKind.String:
                return items;
            case ExpressionValueKind.Array:
                var result = new StringBuilder();
                var first = true;
                foreach (var item in items.EnumerateArray())
                {
                    evaluator.Charge(column);
                    var piece = ValueJson.ToDisplayString(item, evaluator, column);
                    var added = piece.Length + (first ? 0 : separator.Length);
                    evaluator.CheckStringLength((long)result.Length + added, column);
                    evaluator.ChargeCharacters(added, column);
                    if (!first)
                        result.Append(separator);
                    result.Append(piece);
                    first = false;
                }

                return ExpressionValue.From(result.ToString());
            default:
                throw evaluator.Fail($"join() expects an array, not {items.KindNameWithArticle}", column);
        }
    }

    private static ExpressionValue Length(Evaluator evaluator, int column, ReadOnlySpan<ExpressionValue> args)
    {
        var value = args[0];
        switch (value.Kind)
        {
            case ExpressionValueKind.Null:
                return ExpressionValue.From(0L);
            case ExpressionValueKind.String:
                return ExpressionValue.From((long)value.GetString().Length);
            case ExpressionValueKind.Array:
                return ExpressionValue.From((long)value.GetArrayLength());
            case ExpressionValueKind.Object:
                long count = 0;
                foreach (var _ in value.TryEnumerateObject() ?? throw Operators.CannotList(evaluator, column))
                {
                    evaluator.Charge(column);
                    count++;
                }

                return ExpressionValue.From(count);
            default:
                throw evaluator.Fail($"length() expects a string, array or object, not {value.KindNameWithArticle}", column);
        }
    }

    private static ExpressionValue ToJson(Evaluator evaluator, int column, ReadOnlySpan<ExpressionValue> args) =>
        ExpressionValue.From(ValueJson.ToJsonString(args[0], evaluator, column));

    private static ExpressionValue FromJson(Evaluator evaluator, int column, ReadOnlySpan<ExpressionValue> args)
    {
        if (args[0].Kind != ExpressionValueKind.String)
            throw evaluator.Fail($"fromJSON() expects a string, not {args[0].KindNameWithArticle}", column);
        var json = args[0].GetString();
        evaluator.ChargeCharacters(json.Length, column);
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = evaluator.Limits.MaxValueDepth });
            return ExpressionValue.From(document.RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw new ExpressionException($"fromJSON() was given invalid JSON: {e.Message}", column, evaluator.Text, path: null, e);
        }
    }

    /// <summary>The current UTC time from the context's clock, ISO-8601 with milliseconds (e.g. 2025-01-02T03:04:05.678Z).</summary>
    private static ExpressionValue Now(Evaluator evaluator, int column, ReadOnlySpan<ExpressionValue> args)
    {
        var clock = evaluator.Context?.TimeProvider ?? TimeProvider.System;
        var text = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        return ExpressionValue.From(text);
    }

    private static ExpressionValue Coalesce(Evaluator evaluator, int column, ReadOnlySpan<ExpressionValue> args)
    {
        foreach (var value in args)
        {
            if (!value.IsNull)
                return value;
        }

        return ExpressionValue.Null;
    }

    private static ExpressionValue Lower(Evaluator evaluator, int column, ReadOnlySpan<ExpressionValue> args) =>
        MapString("lower", evaluator, column, args[0], static s => s.ToLowerInvariant());

    private static ExpressionValue Upper(Evaluator evaluator, int column, ReadOnlySpan<ExpressionValue> args) =>
        MapString("upper", evaluator, column, args[0], static s => s.ToUpperInvariant());

    private static ExpressionValue Trim(Evaluator evaluator, int column, ReadOnlySpan<ExpressionValue> args) =>
        MapString("trim", evaluator, column, args[0], static s => s.Trim());

    private static ExpressionValue MapString(string name, Evaluator evaluator, int column, in ExpressionValue value, Func<string, string> map)
    {
        if (value.IsNull)
            return ExpressionValue.From(string.Empty);
        if (value.Kind != ExpressionValueKind.String)
            throw evaluator.Fail($"{name}() expects a string, not {value.KindNameWithArticle}", column);
        var text = value.GetString();
        evaluator.ChargeCharacters(text.Length, column);
        return ExpressionValue.From(map(text));
    }

    private static ExpressionValue Split(Evaluator evaluator, int column, ReadOnlySpan<ExpressionValue> args)
    {
        if (args[1].Kind != ExpressionValueKind.String || args[1].GetString().Length == 0)
            throw evaluator.Fail("split() expects a non-empty string separator", column);
        if (args[0].IsNull)
            return ExpressionValue.FromArray([]);
        if (args[0].Kind != ExpressionValueKind.String)
            throw evaluator.Fail($"split() expects a string, not {args[0].KindNameWithArticle}", column);

        var text = args[0].GetString();
        var separator = args[1].GetString();
        evaluator.ChargeCharacters(text.Length, column);
        var parts = new List<ExpressionValue>();
        var start = 0;
        while (true)
        {
            evaluator.Charge(column);
            var next = text.IndexOf(separator, start, StringComparison.Ordinal);
            if (next < 0)
            {
                parts.Add(ExpressionValue.From(text[start..]));
                return ExpressionValue.FromArray(parts);
            }

            parts.Add(ExpressionValue.From(text[start..next]));
            start = next + separator.Length;
        }
    }

    private static ExpressionValue Keys(Evaluator evaluator, int column, ReadOnlySpan<ExpressionValue> args) =>
        Members("keys", evaluator, column, args[0], static member => ExpressionValue.From(member.Key));

    private static ExpressionValue Values(Evaluator evaluator, int column, ReadOnlySpan<ExpressionValue> args) =>
        Members("values", evaluator, column, args[0], static member => member.Value);

    private static ExpressionValue Members(string name, Evaluator evaluator, int column, in ExpressionValue value, Func<KeyValuePair<string, ExpressionValue>, ExpressionValue> select)
    {
        if (value.IsNull)
            return ExpressionValue.FromArray([]);
        if (value.Kind != ExpressionValueKind.Object)
            throw evaluator.Fail($"{name}() expects an object, not {value.KindNameWithArticle}", column);
        var result = new List<ExpressionValue>();
        foreach (var member in value.TryEnumerateObject() ?? throw Operators.CannotList(evaluator, column))
        {
            evaluator.Charge(column);
            result.Add(select(member));
        }

        return ExpressionValue.FromArray(result);
    }

    /// <summary>The text a template would splice in, for explicit conversion (comparisons never convert).</summary>
    private static ExpressionValue ToText(Evaluator evaluator, int column, ReadOnlySpan<ExpressionValue> args) =>
        args[0].Kind == ExpressionValueKind.String ? args[0] : ExpressionValue.From(ValueJson.ToDisplayString(args[0], evaluator, column));

    /// <summary>Parses a number from a string (invariant culture, surrounding blanks allowed); booleans give 1 or 0.</summary>
    private static ExpressionValue ToNumber(Evaluator evaluator, int column, ReadOnlySpan<ExpressionValue> args)
    {
        var value = args[0];
        switch (value.Kind)
        {
            case ExpressionValueKind.Number:
                return value;
            case ExpressionValueKind.Boolean:
                return ExpressionValue.From(value.GetBoolean() ? 1L : 0L);
            case ExpressionValueKind.String:
                var text = value.GetString().AsSpan().Trim();
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                    return ExpressionValue.From(integer);
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
                    return ExpressionValue.From(d);
                var shown = value.GetString();
                throw evaluator.Fail($"number() cannot convert '{(shown.Length > 40 ? shown[..40] + "..." : shown)}' to a number", column);
            default:
                throw evaluator.Fail($"number() cannot convert {value.KindNameWithArticle} to a number", column);
        }
    }
}
