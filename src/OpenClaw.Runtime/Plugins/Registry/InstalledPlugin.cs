using System.Text.Json.Nodes;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Plugins.Packages;
using OpenClaw.Sandbox;

namespace OpenClaw.Runtime.Plugins.Registry;

/// <summary>One installed version of a third-party plugin, as the registry knows it.</summary>
/// <param name="Manifest">The package's manifest.</param>
/// <param name="Status">One of <see cref="PluginStatuses"/>.</param>
/// <param name="Directory">Where the package is extracted: <c>&lt;packages&gt;/&lt;name&gt;/&lt;version&gt;</c>.</param>
/// <param name="Settings">Its settings (<see cref="OpenClaw.Plugins.Sdk.PluginConfig.Settings"/>).</param>
public sealed record InstalledPlugin(
    PluginManifest Manifest,
    string Status,
    string Directory,
    JsonObject Settings,
    DateTimeOffset InstalledAt,
    DateTimeOffset UpdatedAt)
{
    public string Name => Manifest.Name;

    public SemanticVersion Version => Manifest.Version;

    public bool IsEnabled => Status == PluginStatuses.Enabled;

    /// <summary>The entry assembly's full path.</summary>
    public string AssemblyPath => Path.Combine(Directory, Manifest.Entry.Assembly);

    /// <summary>What the sandbox needs to run it: the entry point, exactly the permissions the manifest asks for, its limits.</summary>
    public SandboxPluginRef ToSandboxRef() => new(Name, AssemblyPath, Manifest.Entry.Type)
    {
        Permissions = Manifest.Permissions.ToArray(),
        Resources = Manifest.Resources,
    };

    public override string ToString() => $"{Name} {Version} ({Status})";
}

/// <summary>A lifecycle hook the registry called, and what came of it.</summary>
/// <param name="Output">What the hook printed, line by line (hooks have no logger; their console is their log).</param>
/// <param name="Error">Why it failed, when it did.</param>
public sealed record PluginHookRun(PluginLifecycleHook Hook, bool Succeeded, string? Error, IReadOnlyList<string> Output);

/// <summary>The result of an install, upgrade, enable, disable or uninstall: the plugin as it is now and the hooks run, in order.</summary>
/// <param name="Plugin">The version after the change (for an uninstall, as it was before).</param>
public sealed record PluginChange(InstalledPlugin Plugin, IReadOnlyList<PluginHookRun> Hooks);

/// <summary>A registry operation was refused or a lifecycle hook failed; nothing was changed unless the message says so.</summary>
public sealed class PluginRegistryException : Exception
{
    public PluginRegistryException(string message, string code, IReadOnlyList<PluginHookRun>? hooks = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        Hooks = hooks ?? [];
    }

    public PluginRegistryException()
        : this("The plugin registry refused the operation.", PluginRegistryErrorCodes.NotFound)
    {
    }

    public PluginRegistryException(string message)
        : this(message, PluginRegistryErrorCodes.NotFound)
    {
    }

    public PluginRegistryException(string message, Exception innerException)
        : this(message, PluginRegistryErrorCodes.NotFound, null, innerException)
    {
    }

    /// <summary>One of <see cref="PluginRegistryErrorCodes"/>.</summary>
    public string Code { get; }

    /// <summary>The hooks that ran before the failure, the failing one last.</summary>
    public IReadOnlyList<PluginHookRun> Hooks { get; }
}

/// <summary>The codes of <see cref="PluginRegistryException"/>.</summary>
public static class PluginRegistryErrorCodes
{
    /// <summary>No such plugin or version is installed.</summary>
    public const string NotFound = "not-found";

    /// <summary>A lifecycle hook failed (install and enable are rolled back).</summary>
    public const string HookFailed = "hook-failed";

    /// <summary>Another installed plugin depends on this version.</summary>
    public const string InUse = "in-use";

    /// <summary>An upgrade names a plugin that is not installed, or a version not newer than the installed ones.</summary>
    public const string NotAnUpgrade = "not-an-upgrade";
}
