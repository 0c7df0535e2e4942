using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Runtime.Plugins.Packages;

/// <summary>
/// A package's <c>plugin.json</c>: the specification's plugin metadata (name, version, description, author, category, tags,
/// dependencies, permissions), its resource limits, where its code is, its input and output schemas, and the payload digest.
/// </summary>
/// <remarks>
/// <para>The JSON form (snake_case; unknown fields are refused so typos surface):</para>
/// <code>
/// {
///   "name": "greeter",                         // required; lower-case kebab-case, at most 64 characters
///   "version": "1.0.0",                        // required; semantic version
///   "description": "Says hello", "author": "Acme", "category": "demo", "tags": ["demo"],
///   "dependencies": ["http-request@^1.0.0"],   // "name" or "name@range" (exact, ^, ~, &gt;=, &lt;, x-ranges, ||)
///   "permissions": ["network"],                // names from PluginPermissions.All
///   "resources": { "memory_mb": 256, "cpu_time_seconds": 10 },
///   "entry": { "assembly": "Acme.Greeter.dll", "type": "Acme.Greeter.GreeterPlugin" },  // required
///   "inputs":  { "type": "object", "properties": { "name": { "type": "string" } }, "required": ["name"] },
///   "outputs": { "type": "object", "properties": { "greeting": { "type": "string" } } },
///   "digest": "sha256:…"                       // required in a package; see PluginPackageDigest
/// }
/// </code>
/// </remarks>
public sealed partial record PluginManifest
{
    /// <summary>The manifest's name inside a package.</summary>
    public const string FileName = "plugin.json";

    /// <summary>Largest <c>plugin.json</c> read.</summary>
    public const int MaxBytes = 256 * 1024;

    private static readonly HashSet<string> KnownFields = new(StringComparer.Ordinal)
    {
        "name", "version", "description", "author", "category", "tags", "dependencies", "permissions", "resources", "entry",
        "inputs", "outputs", "digest",
    };

    private static readonly HashSet<string> SchemaTypes = new(StringComparer.Ordinal) { "string", "number", "integer", "boolean", "object", "array", "any" };

    /// <summary>Lower-case kebab-case; also what steps write in <c>config.plugin</c>.</summary>
    public required string Name { get; init; }

    public required SemanticVersion Version { get; init; }

    public string Description { get; init; } = "";

    public string Author { get; init; } = "";

    public string Category { get; init; } = "general";

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyList<PluginDependency> Dependencies { get; init; } = [];

    /// <summary>Permission names (<see cref="PluginPermissions"/>) the plugin asks for; the sandbox grants exactly these.</summary>
    public IReadOnlyList<string> Permissions { get; init; } = [];

    /// <summary>Memory and CPU-time limits in the sandbox; the specification's defaults (512 MB, 30 s) when absent.</summary>
    public PluginResources Resources { get; init; } = PluginResources.Default;

    public required PluginEntryPoint Entry { get; init; }

    /// <summary>JSON Schema (the subset <see cref="PluginSchema.ToJsonSchema"/> writes) of the step inputs.</summary>
    public JsonObject Inputs { get; init; } = PluginSchema.Empty.ToJsonSchema();

    /// <summary>JSON Schema of the step output.</summary>
    public JsonObject Outputs { get; init; } = PluginSchema.Empty.ToJsonSchema();

    /// <summary><c>sha256:</c> and 64 lower-case hex digits over the payload (see <see cref="PluginPackageDigest"/>); null before packing.</summary>
    public string? Digest { get; init; }

    /// <summary>Inputs a step must give (the schema's <c>required</c>).</summary>
    public IReadOnlyList<string> RequiredInputs =>
        Inputs["required"] is JsonArray required ? required.Select(r => r?.GetValue<string>() ?? "").Where(r => r.Length > 0).ToArray() : [];

    /// <summary><c>name@version</c>.</summary>
    public string Id => $"{Name}@{Version}";

    /// <summary>Whether <paramref name="name"/> is a valid plugin name.</summary>
    public static bool IsValidName(string? name) => name is { Length: > 0 and <= 64 } && NamePattern().IsMatch(name);

    /// <summary>Parses and checks a manifest, collecting every problem.</summary>
    /// <param name="json">The text of <c>plugin.json</c>.</param>
    /// <param name="requireDigest">Whether <c>digest</c> must be present (in packages, not in a project's source manifest).</param>
    /// <param name="errors">Receives the problems, each with its JSON path.</param>
    /// <returns>The manifest, or null when there were problems.</returns>
    public static PluginManifest? Parse(string json, bool requireDigest, List<PluginPackageError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            errors.Add(new(FileName, $"plugin.json is not valid JSON: {e.Message}", PluginPackageErrorCodes.ManifestSyntax));
            return null;
        }
        if (root is not JsonObject obj)
        {
            errors.Add(new("$", "plugin.json must hold a JSON object.", PluginPackageErrorCodes.ManifestSyntax));
            return null;
        }

        var before = errors.Count;
        foreach (var (key, _) in obj)
        {
            if (!KnownFields.Contains(key))
                errors.Add(new($"$.{key}", $"Unknown field '{key}'; known fields are {string.Join(", ", KnownFields)}.", PluginPackageErrorCodes.UnknownField));
        }

        var name = RequiredString(obj, "name", errors);
        if (name is not null && !IsValidName(name))
            errors.Add(new("$.name", $"'{name}' is not a valid plugin name: use lower-case letters, digits and single hyphens, starting with a letter (e.g. 'web-scraper'), at most 64 characters.", PluginPackageErrorCodes.InvalidValue));

        SemanticVersion? version = null;
        if (RequiredString(obj, "version", errors) is { } versionText && !SemanticVersion.TryParse(versionText, out version, out var versionError))
            errors.Add(new("$.version", versionError, PluginPackageErrorCodes.InvalidVersion));

        var description = OptionalString(obj, "description", 2000, errors) ?? "";
        var author = OptionalString(obj, "author", 200, errors) ?? "";
        var category = OptionalString(obj, "category", 64, errors) ?? "general";
        if (obj.ContainsKey("category") && category.Length > 0 && !NamePattern().IsMatch(category))
            errors.Add(new("$.category", $"Category '{category}' must be lower-case kebab-case, e.g. 'data-collection'.", PluginPackageErrorCodes.InvalidValue));

        var tags = StringArray(obj, "tags", errors) ?? [];
        for (var i = 0; i < tags.Count; i++)
        {
            if (tags[i].Length is 0 or > 32)
                errors.Add(new($"$.tags[{i}]", "A tag must have 1 to 32 characters.", PluginPackageErrorCodes.InvalidValue));
        }
        if (tags.Count > 20) errors.Add(new("$.tags", $"At most 20 tags, not {tags.Count}.", PluginPackageErrorCodes.InvalidValue));

        var dependencies = ParseDependencies(obj, name, errors);
        var permissions = ParsePermissions(obj, errors);
        var resources = ParseResources(obj, errors);
        var entry = ParseEntry(obj, errors);
        var inputs = ParseSchema(obj, "inputs", errors);
        var outputs = ParseSchema(obj, "outputs", errors);

        string? digest = null;
        if (obj.ContainsKey("digest") || requireDigest)
        {
            digest = RequiredString(obj, "digest", errors);
            if (digest is not null && !PluginPackageDigest.IsWellFormed(digest))
                errors.Add(new("$.digest", $"'{digest}' is not a digest: write 'sha256:' followed by 64 lower-case hex digits.", PluginPackageErrorCodes.InvalidValue));
        }

        if (errors.Count > before || name is null || version is null || entry is null) return null;
        return new PluginManifest
        {
            Name = name,
            Version = version,
            Description = description,
            Author = author,
            Category = category,
            Tags = tags,
            Dependencies = dependencies,
            Permissions = permissions,
            Resources = resources,
            Entry = entry,
            Inputs = inputs ?? PluginSchema.Empty.ToJsonSchema(),
            Outputs = outputs ?? PluginSchema.Empty.ToJsonSchema(),
            Digest = digest,
        };
    }

    /// <summary>Parses a manifest or throws with every problem.</summary>
    /// <exception cref="PluginPackageException">The manifest is invalid.</exception>
    public static PluginManifest Parse(string json, bool requireDigest = true)
    {
        var errors = new List<PluginPackageError>();
        return Parse(json, requireDigest, errors) ?? throw new PluginPackageException(errors);
    }

    /// <summary>The manifest as <c>plugin.json</c> writes it.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["name"] = Name,
            ["version"] = Version.ToString(),
            ["description"] = Description,
            ["author"] = Author,
            ["category"] = Category,
            ["tags"] = new JsonArray(Tags.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
            ["dependencies"] = new JsonArray(Dependencies.Select(d => (JsonNode)JsonValue.Create(d.ToString())).ToArray()),
            ["permissions"] = new JsonArray(Permissions.Select(p => (JsonNode)JsonValue.Create(p)).ToArray()),
            ["resources"] = new JsonObject { ["memory_mb"] = Resources.MemoryMb, ["cpu_time_seconds"] = Resources.CpuTimeSeconds },
            ["entry"] = new JsonObject { ["assembly"] = Entry.Assembly, ["type"] = Entry.Type },
            ["inputs"] = Inputs.DeepClone(),
            ["outputs"] = Outputs.DeepClone(),
        };
        if (Digest is not null) json["digest"] = Digest;
        return json;
    }

    /// <summary>Indented UTF-8 JSON.</summary>
    public string ToJsonString() => ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    private static IReadOnlyList<PluginDependency> ParseDependencies(JsonObject obj, string? self, List<PluginPackageError> errors)
    {
        var texts = StringArray(obj, "dependencies", errors);
        if (texts is null) return [];
        var result = new List<PluginDependency>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < texts.Count; i++)
        {
            var path = $"$.dependencies[{i}]";
            if (!PluginDependency.TryParse(texts[i], out var dependency, out var error))
            {
                errors.Add(new(path, error, error.Contains("range", StringComparison.Ordinal) ? PluginPackageErrorCodes.InvalidVersion : PluginPackageErrorCodes.InvalidValue));
                continue;
            }
            if (dependency.Name == self)
                errors.Add(new(path, $"A plugin cannot depend on itself ('{texts[i]}').", PluginPackageErrorCodes.InvalidValue));
            else if (!seen.Add(dependency.Name))
                errors.Add(new(path, $"'{dependency.Name}' is listed more than once; combine the ranges into one entry.", PluginPackageErrorCodes.InvalidValue));
            else
                result.Add(dependency);
        }
        return result;
    }

    private static IReadOnlyList<string> ParsePermissions(JsonObject obj, List<PluginPackageError> errors)
    {
        var permissions = StringArray(obj, "permissions", errors);
        if (permissions is null) return [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < permissions.Count; i++)
        {
            if (!PluginPermissions.All.Contains(permissions[i]))
            {
                errors.Add(new($"$.permissions[{i}]",
                    $"Unknown permission '{permissions[i]}'; known permissions are {string.Join(", ", PluginPermissions.All.Order(StringComparer.Ordinal))}.",
                    PluginPackageErrorCodes.UnknownPermission));
            }
            else if (!seen.Add(permissions[i]))
            {
                errors.Add(new($"$.permissions[{i}]", $"Permission '{permissions[i]}' is listed more than once.", PluginPackageErrorCodes.InvalidValue));
            }
        }
        return permissions;
    }

    private static PluginResources ParseResources(JsonObject obj, List<PluginPackageError> errors)
    {
        if (!obj.TryGetPropertyValue("resources", out var node) || node is null) return PluginResources.Default;
        if (node is not JsonObject resources)
        {
            errors.Add(new("$.resources", "resources must be an object: { \"memory_mb\": 512, \"cpu_time_seconds\": 30 }.", PluginPackageErrorCodes.InvalidValue));
            return PluginResources.Default;
        }
        foreach (var (key, _) in resources)
        {
            if (key is not ("memory_mb" or "cpu_time_seconds"))
                errors.Add(new($"$.resources.{key}", $"Unknown field '{key}'; known fields are memory_mb, cpu_time_seconds.", PluginPackageErrorCodes.UnknownField));
        }
        var memory = Integer(resources, "memory_mb", "$.resources.memory_mb", 16, 16_384, errors) ?? PluginResources.Default.MemoryMb;
        var cpu = Integer(resources, "cpu_time_seconds", "$.resources.cpu_time_seconds", 1, 3_600, errors) ?? PluginResources.Default.CpuTimeSeconds;
        return new PluginResources(memory, cpu);
    }

    private static PluginEntryPoint? ParseEntry(JsonObject obj, List<PluginPackageError> errors)
    {
        if (!obj.TryGetPropertyValue("entry", out var node) || node is null)
        {
            errors.Add(new("$.entry", "Missing field 'entry': { \"assembly\": \"My.Plugin.dll\", \"type\": \"My.Plugin.MyPlugin\" }.", PluginPackageErrorCodes.MissingField));
            return null;
        }
        if (node is not JsonObject entry)
        {
            errors.Add(new("$.entry", "entry must be an object with 'assembly' and 'type'.", PluginPackageErrorCodes.InvalidValue));
            return null;
        }
        foreach (var (key, _) in entry)
        {
            if (key is not ("assembly" or "type"))
                errors.Add(new($"$.entry.{key}", $"Unknown field '{key}'; known fields are assembly, type.", PluginPackageErrorCodes.UnknownField));
        }
        var assembly = RequiredString(entry, "assembly", errors, "$.entry.assembly");
        var type = RequiredString(entry, "type", errors, "$.entry.type");
        if (assembly is not null && (!assembly.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || assembly.IndexOfAny(['/', '\\', ':']) >= 0 || assembly.StartsWith('.')))
            errors.Add(new("$.entry.assembly", $"'{assembly}' must be the file name of a .dll at the top of the package (no folders): the sandbox binds that folder.", PluginPackageErrorCodes.InvalidValue));
        if (type is not null && !TypeNamePattern().IsMatch(type))
            errors.Add(new("$.entry.type", $"'{type}' is not a full .NET type name such as 'Acme.Greeter.GreeterPlugin'.", PluginPackageErrorCodes.InvalidValue));
        return assembly is null || type is null ? null : new PluginEntryPoint(assembly, type);
    }

    private static JsonObject? ParseSchema(JsonObject obj, string field, List<PluginPackageError> errors)
    {
        if (!obj.TryGetPropertyValue(field, out var node) || node is null) return null;
        var path = "$." + field;
        if (node is not JsonObject schema)
        {
            errors.Add(new(path, $"{field} must be a JSON Schema object: {{ \"type\": \"object\", \"properties\": {{ … }}, \"required\": [ … ] }}.", PluginPackageErrorCodes.InvalidValue));
            return null;
        }
        if (schema["type"] is not JsonValue type || type.GetValueKind() != JsonValueKind.String || type.GetValue<string>() != "object")
            errors.Add(new($"{path}.type", "A schema's type must be \"object\" (inputs and outputs are objects).", PluginPackageErrorCodes.InvalidValue));

        var names = new HashSet<string>(StringComparer.Ordinal);
        if (schema["properties"] is { } propertiesNode)
        {
            if (propertiesNode is not JsonObject properties)
            {
                errors.Add(new($"{path}.properties", "properties must be an object of field name to { \"type\": … }.", PluginPackageErrorCodes.InvalidValue));
            }
            else
            {
                foreach (var (name, value) in properties)
                {
                    names.Add(name);
                    var fieldPath = $"{path}.properties.{name}";
                    if (value is not JsonObject property || property["type"] is not JsonValue t || t.GetValueKind() != JsonValueKind.String)
                        errors.Add(new(fieldPath, "Each property needs a \"type\".", PluginPackageErrorCodes.InvalidValue));
                    else if (!SchemaTypes.Contains(t.GetValue<string>()))
                        errors.Add(new($"{fieldPath}.type", $"Type '{t.GetValue<string>()}' is not one of {string.Join(", ", SchemaTypes)}.", PluginPackageErrorCodes.InvalidValue));
                }
            }
        }
        if (schema["required"] is { } requiredNode)
        {
            if (requiredNode is not JsonArray required || required.Any(r => r is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
            {
                errors.Add(new($"{path}.required", "required must be an array of property names.", PluginPackageErrorCodes.InvalidValue));
            }
            else
            {
                for (var i = 0; i < required.Count; i++)
                {
                    var name = required[i]!.GetValue<string>();
                    if (!names.Contains(name))
                        errors.Add(new($"{path}.required[{i}]", $"'{name}' is required but not declared in properties.", PluginPackageErrorCodes.InvalidValue));
                }
            }
        }
        return schema;
    }

    private static string? RequiredString(JsonObject obj, string field, List<PluginPackageError> errors, string? path = null)
    {
        path ??= "$." + field;
        if (!obj.TryGetPropertyValue(field, out var node) || node is null)
        {
            errors.Add(new(path, $"Missing field '{field}'.", PluginPackageErrorCodes.MissingField));
            return null;
        }
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            errors.Add(new(path, $"'{field}' must be a string.", PluginPackageErrorCodes.InvalidValue));
            return null;
        }
        var text = value.GetValue<string>();
        if (text.Length == 0)
        {
            errors.Add(new(path, $"'{field}' cannot be empty.", PluginPackageErrorCodes.MissingField));
            return null;
        }
        return text;
    }

    private static string? OptionalString(JsonObject obj, string field, int maxLength, List<PluginPackageError> errors)
    {
        if (!obj.TryGetPropertyValue(field, out var node) || node is null) return null;
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            errors.Add(new("$." + field, $"'{field}' must be a string.", PluginPackageErrorCodes.InvalidValue));
            return null;
        }
        var text = value.GetValue<string>();
        if (text.Length > maxLength)
            errors.Add(new("$." + field, $"'{field}' is {text.Length} characters long; at most {maxLength} are allowed.", PluginPackageErrorCodes.InvalidValue));
        return text;
    }

    private static List<string>? StringArray(JsonObject obj, string field, List<PluginPackageError> errors)
    {
        if (!obj.TryGetPropertyValue(field, out var node) || node is null) return null;
        if (node is not JsonArray array)
        {
            errors.Add(new("$." + field, $"'{field}' must be an array of strings.", PluginPackageErrorCodes.InvalidValue));
            return null;
        }
        var result = new List<string>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonValue value && value.GetValueKind() == JsonValueKind.String) result.Add(value.GetValue<string>());
            else errors.Add(new($"$.{field}[{i}]", "Must be a string.", PluginPackageErrorCodes.InvalidValue));
        }
        return result;
    }

    private static int? Integer(JsonObject obj, string field, string path, int min, int max, List<PluginPackageError> errors)
    {
        if (!obj.TryGetPropertyValue(field, out var node) || node is null) return null;
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue<int>(out var number))
        {
            errors.Add(new(path, $"'{field}' must be a whole number.", PluginPackageErrorCodes.InvalidValue));
            return null;
        }
        if (number < min || number > max)
        {
            errors.Add(new(path, string.Create(CultureInfo.InvariantCulture, $"'{field}' must be between {min} and {max}, not {number}."), PluginPackageErrorCodes.InvalidValue));
            return null;
        }
        return number;
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\+[A-Za-z_][A-Za-z0-9_]*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex TypeNamePattern();
}

/// <summary>Where a package's plugin class is: an assembly at the package's top level and the full name of a <see cref="Plugin"/> subclass.</summary>
public sealed record PluginEntryPoint(string Assembly, string Type);

/// <summary>A dependency on another plugin: its name and the versions accepted.</summary>
public sealed record PluginDependency(string Name, VersionRange Range)
{
    /// <summary>Parses <c>name</c> (any version) or <c>name@range</c>.</summary>
    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PluginDependency? dependency, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        dependency = null;
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? text : text[..at];
        var rangeText = at < 0 ? "*" : text[(at + 1)..];
        if (!PluginManifest.IsValidName(name))
        {
            error = $"'{text}' does not start with a plugin name; write 'name' or 'name@range', e.g. 'http-request@^1.0.0'.";
            return false;
        }
        if (!VersionRange.TryParse(rangeText, out var range, out var rangeError))
        {
            error = $"'{text}' has an invalid version range: {rangeError}";
            return false;
        }
        dependency = new PluginDependency(name, range);
        error = null;
        return true;
    }

    public override string ToString() => Range.Text == "*" ? Name : $"{Name}@{Range.Text}";
}
