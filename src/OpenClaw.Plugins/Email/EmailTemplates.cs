using System.Text.Json.Nodes;
using HandlebarsDotNet;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Email;

/// <summary>Renders Handlebars templates for e-mail, compiling each distinct template once.</summary>
/// <remarks>
/// HTML bodies are rendered with Handlebars' HTML escaping (<c>{{value}}</c> escapes, <c>{{{value}}}</c> does not); subjects
/// and text bodies without it, since escaping would put <c>&amp;amp;</c> into plain text.
/// </remarks>
internal sealed class EmailTemplates(int capacity = 256)
{
    private static readonly IHandlebars Html = Handlebars.Create(new HandlebarsConfiguration());
    private static readonly IHandlebars Plain = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true });

    private readonly BoundedCache<(bool Html, string Source), Compiled> _cache = new(capacity);

    /// <exception cref="PluginException">The template does not parse or fails to render (not retryable).</exception>
    public string Render(string part, string source, bool html, object? data)
    {
        var compiled = _cache.GetOrAdd((html, source), key => Compile(key.Html, key.Source));
        if (compiled.Error is { } error) throw PluginInputs.Invalid($"template {part} is invalid: {error}");
        try
        {
            return compiled.Template!(data);
        }
        catch (HandlebarsException e)
        {
            throw new PluginException($"template {part} failed to render: {e.Message}", retryable: false, e);
        }
    }

    private static Compiled Compile(bool html, string source)
    {
        try
        {
            return new Compiled((html ? Html : Plain).Compile(source), null);
        }
        catch (HandlebarsException e)
        {
            return new Compiled(null, e.Message);
        }
    }

    /// <summary>Converts JSON to the dictionaries, lists and scalars Handlebars binds to.</summary>
    public static object? ToModel(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(p => p.Key, p => ToModel(p.Value), StringComparer.Ordinal),
        JsonArray array => array.Select(ToModel).ToList(),
        JsonValue value => JsonScalars.ToClr(value),
        _ => null,
    };

    private sealed record Compiled(HandlebarsTemplate<object, object>? Template, string? Error);
}
