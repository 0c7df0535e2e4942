using System.Text.Json.Nodes;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Sandbox;

namespace OpenClaw.Runtime.Plugins;

/// <summary>What a step's plugin reference resolves to: a trusted plugin called in process, a third-party plugin called in the
/// sandbox, or a known plugin that cannot be called now (disabled), with the reason.</summary>
public abstract record PluginBinding(string Name, string Version);

/// <summary>A trusted (built-in) plugin, called in this process.</summary>
public sealed record InProcessPluginBinding(Plugin Plugin) : PluginBinding(Plugin.Metadata.Name, Plugin.Metadata.Version);

/// <summary>An installed third-party plugin, called through <see cref="SandboxedPluginInvoker"/>.</summary>
/// <param name="Sandbox">Its assembly, type, granted permissions and resource limits.</param>
/// <param name="Settings">Its installed settings (<see cref="PluginConfig.Settings"/>).</param>
public sealed record SandboxedPluginBinding(string Name, string Version, SandboxPluginRef Sandbox, JsonObject Settings) : PluginBinding(Name, Version);

/// <summary>A plugin that exists but cannot be called, e.g. every matching version is disabled.</summary>
/// <param name="Reason">For the workflow's author, e.g. <c>plugin 'greeter' 1.0.0 is disabled</c>.</param>
public sealed record UnavailablePluginBinding(string Name, string Version, string Reason) : PluginBinding(Name, Version);
