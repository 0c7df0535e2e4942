using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Runtime.Plugins.Packages;

/// <summary>
/// Builds a plugin project and packs it (<c>openclaw plugin pack</c>): <c>dotnet build -c Release</c> into a temporary folder,
/// the build output minus the assemblies the sandbox runner provides, and <c>plugin.json</c> from the project with the
/// payload digest added.
/// </summary>
/// <remarks>
/// <para>The project's <c>plugin.json</c> is the manifest without its digest. When it declares no <c>inputs</c> or
/// <c>outputs</c>, they are taken from the plugin class's <see cref="Plugin.InputSchema"/> and
/// <see cref="Plugin.OutputSchema"/>.</para>
/// <para>To check the entry point and read those schemas, the built assembly is loaded into a collectible load context of
/// this process and the plugin class is instantiated once: packing runs the author's own code on the author's machine,
/// which is why this is a developer tool and never runs on a server.</para>
/// </remarks>
public static class PluginProjectPacker
{
    /// <summary>Assemblies the sandbox runner shares with plugins; a copy in the package would never be loaded.</summary>
    private static readonly string[] SharedAssemblies = ["OpenClaw.Plugins.Sdk", "Microsoft.Extensions.Logging.Abstractions", "Microsoft.Extensions.DependencyInjection.Abstractions"];

    /// <summary>Builds and packs the project in <paramref name="projectDirectory"/>.</summary>
    /// <param name="projectDirectory">Holds one <c>*.csproj</c> and <c>plugin.json</c>.</param>
    /// <param name="outputFile">The package to write; default <c>&lt;project&gt;/bin/&lt;name&gt;-&lt;version&gt;.zip</c>.</param>
    /// <param name="version">Overrides the manifest's version, and is passed to the build as <c>-p:Version</c>.</param>
    /// <param name="buildProperties">Extra MSBuild properties (<c>-p:Name=Value</c>), e.g. <c>OpenClawSdkAssembly</c>.</param>
    /// <param name="log">Receives progress lines and, on failure, the build's output.</param>
    /// <returns>The written package's path and manifest.</returns>
    /// <exception cref="PluginPackageException">The project's <c>plugin.json</c> is invalid, or the built plugin does not match it.</exception>
    /// <exception cref="InvalidOperationException">There is no project, or the build failed (the message ends with the build's errors).</exception>
    public static async Task<(string Path, PluginManifest Manifest)> PackAsync(
        string projectDirectory, string? outputFile = null, string? version = null, IReadOnlyDictionary<string, string>? buildProperties = null,
        TextWriter? log = null, CancellationToken cancellationToken = default)
    {
        var directory = Path.GetFullPath(projectDirectory);
        if (!Directory.Exists(directory)) throw new InvalidOperationException($"The folder '{directory}' does not exist.");
        var projects = Directory.GetFiles(directory, "*.csproj");
        if (projects.Length != 1)
            throw new InvalidOperationException($"'{directory}' must hold exactly one .csproj, not {projects.Length}.");
        var manifestPath = Path.Combine(directory, PluginManifest.FileName);
        if (!File.Exists(manifestPath)) throw new InvalidOperationException($"'{directory}' has no plugin.json.");

        var sourceText = await File.ReadAllTextAsync(manifestPath, cancellationToken).ConfigureAwait(false);
        var errors = new List<PluginPackageError>();
        var manifest = PluginManifest.Parse(sourceText, requireDigest: false, errors) ?? throw new PluginPackageException(errors);
        if (version is not null)
        {
            if (!SemanticVersion.TryParse(version, out var overridden, out var versionError))
                throw new PluginPackageException("--version", versionError, PluginPackageErrorCodes.InvalidVersion);
            manifest = manifest with { Version = overridden };
        }
        var source = JsonNode.Parse(sourceText)!.AsObject();

        var work = Path.Combine(Path.GetTempPath(), "openclaw-pack-" + Guid.NewGuid().ToString("N"));
        try
        {
            var buildOutput = Path.Combine(work, "build");
            var properties = new Dictionary<string, string>(buildProperties ?? new Dictionary<string, string>(), StringComparer.Ordinal)
            {
                ["Version"] = manifest.Version.ToString(),
            };
            log?.WriteLine($"Building {Path.GetFileName(projects[0])} (Release, version {manifest.Version})...");
            await BuildAsync(projects[0], buildOutput, properties, cancellationToken).ConfigureAwait(false);

            var payload = Path.Combine(work, "payload");
            CopyPayload(buildOutput, payload);
            manifest = InspectEntry(manifest, payload, fillInputs: !source.ContainsKey("inputs"), fillOutputs: !source.ContainsKey("outputs"));

            var target = Path.GetFullPath(outputFile ?? Path.Combine(directory, "bin", $"{manifest.Name}-{manifest.Version}.zip"));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var stream = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                manifest = await PluginPackageWriter.WriteAsync(manifest, payload, stream, cancellationToken).ConfigureAwait(false);
            }
            log?.WriteLine($"Packed {manifest.Name} {manifest.Version} ({manifest.Digest}) to {target}");
            return (target, manifest);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }

    /// <summary>The <c>dotnet</c> host: the one running this process when it is dotnet, else <c>DOTNET_HOST_PATH</c>, else PATH.</summary>
    public static string FindDotnet()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
            if (File.Exists(candidate)) return candidate;
        }
        return "dotnet";
    }

    private static async Task BuildAsync(string project, string output, IReadOnlyDictionary<string, string> properties, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(FindDotnet())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "build", project, "-c", "Release", "-o", output, "--nologo", "-v:q", "-nodeReuse:false", "--disable-build-servers" })
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in properties) start.ArgumentList.Add($"-p:{name}={value}");
        // When this runs inside another build or test run, its MSBuild settings must not leak into the child build.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList()) start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started.");
        var text = new StringBuilder();
        var stdout = PumpAsync(process.StandardOutput, text);
        var stderr = PumpAsync(process.StandardError, text);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            string output1;
            lock (text) output1 = text.ToString().Trim();
            throw new InvalidOperationException($"dotnet build failed (exit code {process.ExitCode}):{Environment.NewLine}{output1}");
        }
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder into)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (into) into.AppendLine(line);
        }
    }

    /// <summary>Copies the build output except the shared assemblies (with their docs, symbols and deps files) and any plugin.json.</summary>
    private static void CopyPayload(string buildOutput, string payload)
    {
        foreach (var file in Directory.EnumerateFiles(buildOutput, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(buildOutput, file);
            var fileName = Path.GetFileName(file);
            if (relative == PluginManifest.FileName) continue;
            if (SharedAssemblies.Any(a => fileName.StartsWith(a + ".", StringComparison.OrdinalIgnoreCase))) continue;
            var target = Path.Combine(payload, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>Loads the entry type to check it, and fills the schemas the manifest leaves out.</summary>
    private static PluginManifest InspectEntry(PluginManifest manifest, string payload, bool fillInputs, bool fillOutputs)
    {
        var assemblyPath = Path.Combine(payload, manifest.Entry.Assembly);
        if (!File.Exists(assemblyPath))
            throw new PluginPackageException("$.entry.assembly", $"The build produced no '{manifest.Entry.Assembly}'; set entry.assembly to the project's assembly name.", PluginPackageErrorCodes.MissingEntry);

        var context = new InspectionLoadContext(assemblyPath);
        try
        {
            var type = context.LoadFromAssemblyPath(assemblyPath).GetType(manifest.Entry.Type, throwOnError: false)
                ?? throw new PluginPackageException("$.entry.type", $"'{manifest.Entry.Assembly}' has no type '{manifest.Entry.Type}'.", PluginPackageErrorCodes.MissingEntry);
            if (!typeof(Plugin).IsAssignableFrom(type) || type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
                throw new PluginPackageException("$.entry.type", $"'{manifest.Entry.Type}' must be a non-abstract class deriving from {typeof(Plugin).FullName} with a public parameterless constructor.", PluginPackageErrorCodes.InvalidValue);
            var attribute = type.GetCustomAttribute<PluginAttribute>()
                ?? throw new PluginPackageException("$.entry.type", $"'{manifest.Entry.Type}' has no [Plugin(\"{manifest.Name}\")] attribute.", PluginPackageErrorCodes.InvalidValue);
            if (attribute.Name != manifest.Name)
                throw new PluginPackageException("$.name", $"plugin.json names the plugin '{manifest.Name}', but its class says [Plugin(\"{attribute.Name}\")]; make them the same.", PluginPackageErrorCodes.InvalidValue);

            var plugin = (Plugin)Activator.CreateInstance(type)!;
            return manifest with
            {
                Inputs = fillInputs ? plugin.InputSchema.ToJsonSchema() : manifest.Inputs,
                Outputs = fillOutputs ? plugin.OutputSchema.ToJsonSchema() : manifest.Outputs,
            };
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or TargetInvocationException or TypeLoadException)
        {
            throw new PluginPackageException("$.entry", $"The plugin could not be loaded to check it: {e.Message}", PluginPackageErrorCodes.InvalidValue);
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>Resolves the plugin's own dependencies from its folder and shares the SDK with this process.</summary>
    private sealed class InspectionLoadContext(string assemblyPath) : AssemblyLoadContext("openclaw-pack", isCollectible: true)
    {
        private readonly AssemblyDependencyResolver _resolver = new(assemblyPath);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name is { } name && SharedAssemblies.Contains(name, StringComparer.OrdinalIgnoreCase)) return null;
            return _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
        }
    }
}
