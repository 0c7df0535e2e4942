using System.CommandLine;
using OpenClaw.Runtime.Plugins.Packages;

namespace OpenClaw.Cli.Commands;

/// <summary>
/// <c>openclaw plugin new|pack|validate</c>: scaffold a plugin project, build it into a package, and check a package before
/// uploading it.
/// </summary>
internal static class PluginCommands
{
    public static Command Create()
    {
        var command = new Command("plugin", "Write, pack and check third-party plugins.");
        command.Subcommands.Add(CreateNew());
        command.Subcommands.Add(CreatePack());
        command.Subcommands.Add(CreateValidate());
        return command;
    }

    private static Command CreateNew()
    {
        var name = new Argument<string>("name") { Description = "The plugin's name, lower-case kebab-case (e.g. 'web-scraper')." };
        var output = new Option<DirectoryInfo?>("--output", "-o") { Description = "Where to create the project folder (default: the current folder)." };
        var command = new Command("new", "Create a plugin project from the template.") { name, output };
        command.SetAction(parse => New(parse.GetValue(name)!, parse.GetValue(output), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    private static int New(string name, DirectoryInfo? output, TextWriter stdout, TextWriter stderr)
    {
        if (!PluginManifest.IsValidName(name))
        {
            stderr.WriteLine($"error: '{name}' is not a valid plugin name: use lower-case letters, digits and single hyphens, starting with a letter (e.g. 'web-scraper').");
            return ExitCodes.InvalidInput;
        }
        var folder = Path.Combine(output?.FullName ?? Directory.GetCurrentDirectory(), name);
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            stderr.WriteLine($"error: '{folder}' exists and is not empty.");
            return ExitCodes.InvalidInput;
        }
        var sdk = Path.Combine(AppContext.BaseDirectory, "OpenClaw.Plugins.Sdk.dll");
        Directory.CreateDirectory(folder);
        foreach (var (file, content) in PluginTemplate.Files(name, sdk))
        {
            File.WriteAllText(Path.Combine(folder, file), content);
            stdout.WriteLine($"created {Path.Combine(folder, file)}");
        }
        stdout.WriteLine($"Next: edit {PluginTemplate.PascalCase(name)}Plugin.cs and plugin.json, then run 'openclaw plugin pack {folder}'.");
        return ExitCodes.Success;
    }

    private static Command CreatePack()
    {
        var directory = new Argument<DirectoryInfo>("dir") { Description = "The plugin project folder (one .csproj and plugin.json)." };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "The package to write (default: DIR/bin/NAME-VERSION.zip)." };
        var version = new Option<string?>("--version") { Description = "Pack this version instead of plugin.json's (also stamped into the assembly)." };
        var properties = new Option<string[]>("--property", "-p") { Description = "An MSBuild property for the build, Name=Value. Repeatable.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("pack", "Build a plugin project (dotnet build -c Release) and pack it with its digest.") { directory, output, version, properties };
        command.SetAction((parse, ct) => PackAsync(
            parse.GetValue(directory)!, parse.GetValue(output), parse.GetValue(version), parse.GetValue(properties) ?? [],
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    private static async Task<int> PackAsync(
        DirectoryInfo directory, FileInfo? output, string? version, string[] propertyPairs, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in propertyPairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                stderr.WriteLine($"error: --property '{pair}' must be Name=Value.");
                return ExitCodes.InvalidInput;
            }
            properties[pair[..equals]] = pair[(equals + 1)..];
        }
        try
        {
            var (path, manifest) = await PluginProjectPacker.PackAsync(directory.FullName, output?.FullName, version, properties, stdout, ct);
            stdout.WriteLine($"{manifest.Name} {manifest.Version}: {path}");
            return ExitCodes.Success;
        }
        catch (PluginPackageException e)
        {
            PrintProblems(directory.Name, e.Errors, stderr);
            return ExitCodes.InvalidInput;
        }
        catch (InvalidOperationException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.InvalidInput;
        }
    }

    private static Command CreateValidate()
    {
        var file = new Argument<FileInfo>("file") { Description = "A plugin package (.zip)." };
        var command = new Command("validate", "Check a plugin package: archive, manifest, permissions, digest, entry assembly.") { file };
        command.SetAction((parse, ct) => ValidateAsync(parse.GetValue(file)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    private static async Task<int> ValidateAsync(FileInfo file, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (!file.Exists)
        {
            stderr.WriteLine($"error: file '{file.FullName}' does not exist");
            return ExitCodes.InvalidInput;
        }
        var reader = await PluginPackageReader.OpenAsync(file.FullName, cancellationToken: ct);
        await using (reader)
        {
            // Dependencies are checked against what a server has installed, at install time; here the package is checked alone.
            var result = new PluginPackageValidator().Validate(reader, installed: null);
            if (!result.IsValid)
            {
                PrintProblems(file.Name, result.Errors, stderr);
                return ExitCodes.InvalidInput;
            }
            var manifest = result.Manifest!;
            stdout.WriteLine($"{file.Name}: valid ({manifest.Name} {manifest.Version}, {reader.PayloadPaths.Count} files, {manifest.Digest})");
            stdout.WriteLine($"  permissions: {(manifest.Permissions.Count == 0 ? "none" : string.Join(", ", manifest.Permissions))}");
            if (manifest.Dependencies.Count > 0) stdout.WriteLine($"  dependencies: {string.Join(", ", manifest.Dependencies)}");
            return ExitCodes.Success;
        }
    }

    private static void PrintProblems(string subject, IReadOnlyList<PluginPackageError> errors, TextWriter stderr)
    {
        stderr.WriteLine($"{subject}: {errors.Count} problem{(errors.Count == 1 ? "" : "s")}");
        foreach (var problem in errors) stderr.WriteLine($"  {problem.Path}: {problem.Message} [{problem.Code}]");
    }
}
