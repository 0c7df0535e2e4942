using System.Text.Json.Nodes;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Plugins.Transform;

/// <summary>
/// Reshapes JSON data with an ordered list of operations: <c>set</c>, <c>rename</c>, <c>remove</c>, <c>map</c>,
/// <c>pick</c> and <c>merge</c>.
/// </summary>
/// <remarks>
/// <para>Paths are dotted with <c>[n]</c> indexes (<c>a.b[0].c</c>); <c>['name.with.dots']</c> quotes a name, and
/// <c>""</c> or <c>$</c> is the root. Every path an operation reads must exist; <c>set</c> and the target of
/// <c>rename</c> create missing parents. In <c>map</c>, a field whose source is absent from an element becomes
/// <c>null</c>, since array elements often differ in shape.</para>
/// <para><c>merge</c> is deep: nested objects are merged key by key; any other value replaces what was there.</para>
/// <para>The plugin works on a copy of <c>data</c>, so it never changes values shared with other steps. Any problem
/// (unknown operation, bad path, wrong kind of value) is a non-retryable <see cref="PluginException"/> whose message
/// starts with <c>operations[i]:</c>.</para>
/// </remarks>
[Plugin("transform", Version = "1.0.0", Author = "OpenClaw", Category = "data", Tags = ["data", "json", "mapping", "transform"],
    Description = "Reshapes JSON data with set, rename, remove, map, pick and merge operations applied in order.")]
public sealed class TransformPlugin : Plugin
{
    private const string OperationList = "set, rename, remove, map, pick or merge";

    private static readonly PluginSchema Inputs = PluginSchema.Of(
        new PluginField("data", "any", Required: true, Description: "The JSON value to transform; it is copied, never changed in place."),
        new PluginField("operations", "array",
            Description: "Operations applied in order, each an object with an 'op' of " + OperationList + ".",
            Default: new JsonArray()));

    private static readonly PluginSchema Outputs = PluginSchema.Of(
        new PluginField("data", "any", Description: "The transformed value."));

    /// <inheritdoc />
    public override PluginSchema InputSchema => Inputs;

    /// <inheritdoc />
    public override PluginSchema OutputSchema => Outputs;

    /// <inheritdoc />
    public override ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        if (!inputs.TryGetPropertyValue("data", out var data)) throw PluginInputs.Invalid("input 'data' is required");
        var operations = inputs["operations"] switch
        {
            null => [],
            JsonArray array => array,
            var other => throw PluginInputs.Invalid($"input 'operations' must be an array, got {PluginInputs.Describe(other)}"),
        };

        JsonNode? result;
        try
        {
            result = data?.DeepClone();
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException)
        {
            // Only nodes built in code around unusual CLR values can fail to copy; parsed JSON always can.
            throw new PluginException($"input 'data' cannot be copied: {e.Message}", retryable: false, e);
        }

        for (var i = 0; i < operations.Count; i++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            try
            {
                result = Apply(result, operations[i]);
            }
            catch (DataPathException e)
            {
                throw new PluginException($"operations[{i}]: {e.Message}", retryable: false, e);
            }
            catch (Exception e) when (e is not PluginException and not OperationCanceledException)
            {
                // Safety net: a transform must fail only with a PluginException the author can act on.
                throw new PluginException($"operations[{i}]: {e.Message}", retryable: false, e);
            }
        }

        return new(new JsonObject { ["data"] = result });
    }

    private static JsonNode? Apply(JsonNode? root, JsonNode? operation)
    {
        if (operation is not JsonObject op)
            throw new DataPathException($"an operation must be an object, got {PluginInputs.Describe(operation)}");
        var name = PluginInputs.AsString(op["op"]) ?? throw new DataPathException($"'op' must be one of {OperationList}");
        switch (name)
        {
            case "set":
                CheckFields(op, name, "path", "value");
                if (!op.TryGetPropertyValue("value", out var value)) throw new DataPathException("'value' is required for set");
                PathOf(op, "path").Set(ref root, value?.DeepClone());
                return root;

            case "rename":
                CheckFields(op, name, "from", "to");
                var from = PathOf(op, "from");
                var to = PathOf(op, "to");
                if (from.IsRoot || to.IsRoot) throw new DataPathException("rename needs non-root 'from' and 'to' paths");
                var moved = from.Remove(root);
                to.Set(ref root, moved);
                return root;

            case "remove":
                CheckFields(op, name, "path");
                PathOf(op, "path").Remove(root);
                return root;

            case "map":
                CheckFields(op, name, "path", "fields");
                Map(root, PathOf(op, "path"), op["fields"]);
                return root;

            case "pick":
                CheckFields(op, name, "paths");
                return Pick(root, op["paths"]);

            case "merge":
                CheckFields(op, name, "path", "value");
                if (op["value"] is not JsonObject source)
                    throw new DataPathException($"'value' must be an object, got {PluginInputs.Describe(op["value"])}");
                var path = op.ContainsKey("path") ? PathOf(op, "path") : DataPath.Parse("");
                if (path.Get(root) is not JsonObject target)
                    throw new DataPathException($"merge target '{path.Text}' is {PluginInputs.Describe(path.Get(root))}, not an object");
                DeepMerge(target, source);
                return root;

            default:
                throw new DataPathException($"unknown op '{name}'; expected {OperationList}");
        }
    }

    private static void Map(JsonNode? root, DataPath path, JsonNode? fieldsNode)
    {
        if (path.Get(root) is not JsonArray items)
            throw new DataPathException($"map path '{path.Text}' is {PluginInputs.Describe(path.Get(root))}, not an array");
        if (fieldsNode is not JsonObject fields)
            throw new DataPathException($"'fields' must be an object of name to source path, got {PluginInputs.Describe(fieldsNode)}");

        var mapping = new List<(string Name, DataPath Source)>(fields.Count);
        foreach (var (fieldName, source) in fields)
        {
            var sourceText = PluginInputs.AsString(source)
                ?? throw new DataPathException($"fields.{fieldName} must be a path string, got {PluginInputs.Describe(source)}");
            mapping.Add((fieldName, DataPath.Parse(sourceText)));
        }

        for (var i = 0; i < items.Count; i++)
        {
            var element = items[i];
            var mapped = new JsonObject();
            foreach (var (fieldName, source) in mapping)
                mapped[fieldName] = source.TryGet(element, out var value) ? value?.DeepClone() : null;
            items[i] = mapped;
        }
    }

    private static JsonNode? Pick(JsonNode? root, JsonNode? pathsNode)
    {
        if (pathsNode is not JsonArray paths)
            throw new DataPathException($"'paths' must be an array of path strings, got {PluginInputs.Describe(pathsNode)}");

        JsonNode? picked = null;
        foreach (var pathNode in paths)
        {
            var text = PluginInputs.AsString(pathNode)
                ?? throw new DataPathException($"'paths' must contain only strings, got {PluginInputs.Describe(pathNode)}");
            var path = DataPath.Parse(text);
            // Indexes keep their positions (earlier slots become null) so several picks from one element line up.
            path.Set(ref picked, path.Get(root)?.DeepClone(), padArrays: true);
        }
        return picked ?? new JsonObject();
    }

    private static void DeepMerge(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source)
        {
            if (value is JsonObject nested && target[key] is JsonObject existing)
                DeepMerge(existing, nested);
            else
                target[key] = value?.DeepClone();
        }
    }

    private static DataPath PathOf(JsonObject op, string field)
    {
        if (!op.TryGetPropertyValue(field, out var node)) throw new DataPathException($"'{field}' is required");
        var text = PluginInputs.AsString(node)
            ?? throw new DataPathException($"'{field}' must be a path string, got {PluginInputs.Describe(node)}");
        return DataPath.Parse(text);
    }

    // Rejecting unknown fields turns a misspelt key ("paht") into an error instead of a silently skipped change.
    private static void CheckFields(JsonObject op, string name, params string[] allowed)
    {
        foreach (var (key, _) in op)
        {
            if (key != "op" && Array.IndexOf(allowed, key) < 0)
                throw new DataPathException($"unknown field '{key}' for {name}; expected {string.Join(", ", allowed)}");
        }
    }
}
