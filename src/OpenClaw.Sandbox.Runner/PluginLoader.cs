using System.Reflection;
using System.Runtime.Loader;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Sandbox.Runner;

/// <summary>
/// Loads a plugin assembly into its own <see cref="AssemblyLoadContext"/>: the plugin's dependencies resolve from its own
/// folder, so they never clash with the runner's, while the SDK contract is shared so <see cref="Plugin"/> is one type.
/// </summary>
internal sealed class PluginLoadContext(string assemblyPath) : AssemblyLoadContext("plugin:" + Path.GetFileName(assemblyPath))
{
    // The SDK's public surface exposes these; a private copy would make the plugin's Plugin a different type from ours.
    private static readonly HashSet<string> Shared = new(StringComparer.OrdinalIgnoreCase)
    {
        "OpenClaw.Plugins.Sdk",
        "Microsoft.Extensions.Logging.Abstractions",
        "Microsoft.Extensions.DependencyInjection.Abstractions",
    };

    private readonly AssemblyDependencyResolver _resolver = new(assemblyPath);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is { } name && Shared.Contains(name)) return null;
        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }

    /// <summary>Loads the assembly and creates the plugin.</summary>
    /// <exception cref="InvalidOperationException">The type is missing, is not a <see cref="Plugin"/> or has no public parameterless constructor.</exception>
    public static Plugin Create(string assemblyPath, string typeName)
    {
        var context = new PluginLoadContext(assemblyPath);
        var assembly = context.LoadFromAssemblyPath(assemblyPath);
        var type = assembly.GetType(typeName, throwOnError: false)
            ?? throw new InvalidOperationException($"Type '{typeName}' was not found in '{Path.GetFileName(assemblyPath)}'.");
        if (!typeof(Plugin).IsAssignableFrom(type))
            throw new InvalidOperationException($"Type '{typeName}' does not derive from {typeof(Plugin).FullName}.");
        if (type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
            throw new InvalidOperationException($"Type '{typeName}' needs a public parameterless constructor.");
        return (Plugin)Activator.CreateInstance(type)!;
    }
}
