using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Sandbox;

/// <summary>
/// Which plugin to run in the sandbox and what it is allowed: its assembly (the assembly's folder is bound read-only into
/// the sandbox), the <see cref="Plugin"/> type, the permissions granted and its resource limits.
/// </summary>
/// <param name="Name">The plugin's name, used in security events and logs.</param>
/// <param name="AssemblyPath">Absolute path of the plugin's assembly on the host.</param>
/// <param name="TypeName">Full name of the class deriving from <see cref="Plugin"/>.</param>
public sealed record SandboxPluginRef(string Name, string AssemblyPath, string TypeName)
{
    /// <summary>Granted permissions (<see cref="PluginPermissions"/>); <c>network</c>, <c>process</c> and <c>credentials</c> change what the sandbox allows.</summary>
    public IReadOnlyCollection<string> Permissions { get; init; } = [];

    /// <summary>Memory and CPU limits; <see langword="null"/> takes <see cref="SandboxOptions.DefaultResources"/>.</summary>
    public PluginResources? Resources { get; init; }

    /// <summary>Whether <paramref name="permission"/> was granted.</summary>
    public bool Has(string permission) => Permissions.Contains(permission, StringComparer.Ordinal);
}
