using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenClaw.Core.Expressions;

/// <summary>
/// Applies templates to a whole JSON configuration: the engine resolves each step's inputs with
/// <see cref="Resolve"/>, and definition validation finds and checks every template with <see cref="Scan(JsonElement, string)"/>.
/// </summary>
/// <remarks>
/// Only string values are templates; object keys, numbers, booleans and nulls are copied as they are. Strings
/// without <c>${{</c> are copied without parsing.
/// </remarks>
public static class TemplateResolver
{
    private const string TemplateMarker = "${{";

    /// <summary>
    /// Returns a fresh copy of <paramref name="config"/> in which every string has been evaluated as a template
    /// (a string that is exactly one expression takes that expression's type).
    /// </summary>
    /// <param name="config">The configuration tree; not modified and not referenced by the result.</param>
    /// <param name="context">What the expressions can read.</param>
    /// <param name="cache">Parses each distinct string once; also supplies the limits. Without it every string is parsed on each call.</param>
    /// <exception cref="ExpressionException">A template is invalid or failed; <see cref="ExpressionException.Path"/> names the string.</exception>
    public static JsonNode? Resolve(JsonElement config, IExpressionContext context, ExpressionCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var limits = cache?.Limits ?? ExpressionLimits.Default;
        var evaluator = new Evaluator(context, limits, string.Empty);
        try
        {
            return ResolveElement(config, evaluator, cache);
        }
        catch (ExpressionException e)
        {
            throw e.WithPath("$" + e.Path);
        }
    }

    /// <remarks>
    /// On failure each level wraps the error with its own path segment (so <see cref="ExpressionException.Path"/>
    /// is relative until the top adds <c>$</c>); no path strings are built on the success path.
    /// </remarks>
    private static JsonNode? ResolveElement(JsonElement element, Evaluator evaluator, ExpressionCache? cache)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                EnsureStack();
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    try
                    {
                        obj[property.Name] = ResolveElement(property.Value, evaluator, cache);
                    }
                    catch (ExpressionException e)
                    {
                        throw e.WithPath(JsonPathText.Property(string.Empty, property.Name) + e.Path);
                    }
                }

                return obj;
            case JsonValueKind.Array:
                EnsureStack();
                var array = new JsonArray();
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    try
                    {
                        array.Add(ResolveElement(item, evaluator, cache));
                    }
                    catch (ExpressionException e)
                    {
                        throw e.WithPath(JsonPathText.Index(string.Empty, index) + e.Path);
                    }

                    index++;
                }

                return array;
            case JsonValueKind.String:
                return ResolveString(element.GetString()!, evaluator, cache);
            case JsonValueKind.Number:
                if (element.TryGetInt64(out var integer))
                    return JsonValue.Create(integer);
                if (element.TryGetDecimal(out var exact))
                    return JsonValue.Create(exact);
                return JsonNode.Parse(element.GetRawText());
            case JsonValueKind.True:
                return JsonValue.Create(true);
            case JsonValueKind.False:
                return JsonValue.Create(false);
            default:
                return null;
        }
    }

    private static JsonNode? ResolveString(string text, Evaluator evaluator, ExpressionCache? cache)
    {
        if (!text.Contains(TemplateMarker, StringComparison.Ordinal))
            return JsonValue.Create(text);
        var template = cache is null ? Template.Parse(text, evaluator.Limits) : cache.GetTemplate(text);
        evaluator.Reset(evaluator.Limits, text);
        var value = template.Evaluate(evaluator);
        return ValueJson.ToNode(value, evaluator, template.Expressions[0].Column);
    }

    /// <summary>Finds every string containing <c>${{</c> in <paramref name="config"/> and parses it, collecting syntax errors instead of throwing.</summary>
    /// <param name="config">The configuration tree to search.</param>
    /// <param name="basePath">JSON path of <paramref name="config"/> itself, e.g. <c>$.steps[2].config</c>.</param>
    public static IReadOnlyList<TemplateScanEntry> Scan(JsonElement config, string basePath) =>
        Scan(config, basePath, ExpressionLimits.Default);

    /// <summary>Like <see cref="Scan(JsonElement, string)"/>, parsing with explicit limits.</summary>
    public static IReadOnlyList<TemplateScanEntry> Scan(JsonElement config, string basePath, ExpressionLimits limits)
    {
        ArgumentNullException.ThrowIfNull(basePath);
        ArgumentNullException.ThrowIfNull(limits);
        var found = new List<TemplateScanEntry>();
        ScanElement(config, basePath, limits, found);
        return found;
    }

    private static void ScanElement(JsonElement element, string path, ExpressionLimits limits, List<TemplateScanEntry> found)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                EnsureStack();
                foreach (var property in element.EnumerateObject())
                    ScanElement(property.Value, JsonPathText.Property(path, property.Name), limits, found);
                break;
            case JsonValueKind.Array:
                EnsureStack();
                var index = 0;
                foreach (var item in element.EnumerateArray())
                    ScanElement(item, JsonPathText.Index(path, index++), limits, found);
                break;
            case JsonValueKind.String:
                var text = element.GetString()!;
                if (!text.Contains(TemplateMarker, StringComparison.Ordinal))
                    break;
                try
                {
                    found.Add(new TemplateScanEntry(path, Template.Parse(text, limits), null));
                }
                catch (ExpressionException e)
                {
                    found.Add(new TemplateScanEntry(path, null, e.WithPath(path)));
                }

                break;
        }
    }

    private static void EnsureStack()
    {
        // Configuration depth is bounded by the JSON reader that produced it; this guards callers that raised that bound.
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw new ExpressionException("configuration is nested too deeply", 0, string.Empty);
    }
}
