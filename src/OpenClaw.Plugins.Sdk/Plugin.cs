using System.Reflection;
using System.Text.Json.Nodes;

namespace OpenClaw.Plugins.Sdk;

/// <summary>
/// Base class for every plugin (the specification's <c>BasePlugin</c>). Declare metadata with <see cref="PluginAttribute"/>,
/// describe inputs and outputs with <see cref="InputSchema"/> and <see cref="OutputSchema"/>, and implement
/// <see cref="ExecuteAsync"/>.
/// </summary>
/// <example>
/// <code>
/// [Plugin("greet", Description = "Says hello", Author = "me", Category = "demo")]
/// public sealed class GreetPlugin : Plugin
/// {
///     public override PluginSchema InputSchema => PluginSchema.Of(new PluginField("name", "string", Required: true));
///     public override ValueTask&lt;JsonObject&gt; ExecuteAsync(JsonObject inputs, PluginContext context) =>
///         ValueTask.FromResult(new JsonObject { ["greeting"] = $"Hello, {inputs["name"]}!" });
/// }
/// </code>
/// </example>
public abstract class Plugin
{
    private PluginMetadata? _metadata;

    /// <summary>The declared inputs; <see cref="PluginSchema.Empty"/> accepts anything.</summary>
    public virtual PluginSchema InputSchema => PluginSchema.Empty;

    /// <summary>The declared outputs.</summary>
    public virtual PluginSchema OutputSchema => PluginSchema.Empty;

    /// <summary>Metadata read from the <see cref="PluginAttribute"/> on the concrete class.</summary>
    /// <exception cref="InvalidOperationException">The class has no <see cref="PluginAttribute"/>.</exception>
    public PluginMetadata Metadata => _metadata ??= ReadMetadata();

    /// <summary>Runs one step attempt.</summary>
    /// <param name="inputs">The step's inputs with every expression already resolved. The plugin owns this object.</param>
    /// <param name="context">Cancellation, logging, idempotency key, credentials and storage for this attempt.</param>
    /// <returns>The step's output, visible to later steps as <c>steps.&lt;id&gt;.output</c>.</returns>
    /// <exception cref="PluginException">A failure meant for the workflow author; see <see cref="PluginException.Retryable"/>.</exception>
    public abstract ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context);

    /// <summary>Checks plugin settings before they are saved. The default accepts any settings.</summary>
    /// <returns>The problems found; empty when the settings are valid.</returns>
    public virtual ValueTask<IReadOnlyList<string>> ValidateConfigAsync(JsonObject settings, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<string>>([]);

    /// <summary>Called once after the plugin is installed.</summary>
    public virtual ValueTask OnInstallAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>Called once before the plugin is removed.</summary>
    public virtual ValueTask OnUninstallAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>Called when the plugin is enabled (including right after install).</summary>
    public virtual ValueTask OnEnableAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>Called when the plugin is disabled (including right before uninstall).</summary>
    public virtual ValueTask OnDisableAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    private PluginMetadata ReadMetadata()
    {
        var type = GetType();
        var attribute = type.GetCustomAttribute<PluginAttribute>()
            ?? throw new InvalidOperationException($"Plugin class '{type.FullName}' has no [Plugin(\"name\")] attribute.");
        return new PluginMetadata(
            attribute.Name, attribute.Version, attribute.Description, attribute.Author, attribute.Category,
            attribute.Tags, attribute.Dependencies, attribute.Permissions, InputSchema, OutputSchema);
    }
}
