using System.Text.Json.Nodes;
using OpenClaw.Core.Definitions;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Sandbox;

namespace OpenClaw.Runtime.Plugins;

/// <summary>
/// A plugin that ships with OpenClaw but runs user code (<c>code</c>), so it is called in the sandbox like a third-party
/// plugin, never in this process. The host registers one per such plugin; the resolver binds steps to the sandbox.
/// </summary>
/// <param name="Plugin">An instance, read only for its metadata and schemas (never executed here).</param>
public sealed record SandboxedBuiltInPlugin(Plugin Plugin)
{
    public string Name => Plugin.Metadata.Name;

    internal SandboxedPluginBinding Bind()
    {
        var type = Plugin.GetType();
        var reference = new SandboxPluginRef(Name, type.Assembly.Location, type.FullName!) { Permissions = Plugin.Metadata.Permissions };
        return new SandboxedPluginBinding(Name, Plugin.Metadata.Version, reference, new JsonObject());
    }

    internal PluginDescriptor Describe() => new(Name, Plugin.Metadata.Version, Plugin.InputSchema.Required.ToArray());
}
