using System.Runtime.CompilerServices;
using OpenClaw.Core.Definitions;

namespace OpenClaw.Core.Tests.Definitions;

/// <summary>Shortcuts shared by the definition tests.</summary>
internal static class DefinitionFixtures
{
    public static WorkflowDefinition ParseYaml(string yaml) => Valid(WorkflowDefinitionParser.Parse(yaml, DefinitionFormat.Yaml));

    public static WorkflowDefinition ParseJson(string json) => Valid(WorkflowDefinitionParser.Parse(json, DefinitionFormat.Json));

    /// <summary>Parse and validate errors for a YAML definition.</summary>
    public static IReadOnlyList<DefinitionError> Errors(string yaml, IPluginCatalog? catalog = null, Func<string, bool>? workflowExists = null) =>
        new WorkflowValidator(catalog, workflowExists).ParseAndValidate(yaml, DefinitionFormat.Yaml).Errors;

    /// <summary>The single error with <paramref name="code"/>; fails listing all errors otherwise.</summary>
    public static DefinitionError Single(IReadOnlyList<DefinitionError> errors, string code)
    {
        var matching = errors.Where(e => e.Code == code).ToList();
        Assert.True(matching.Count == 1, $"Expected one '{code}' error, got:\n{string.Join("\n", errors.Select(e => $"[{e.Code}] {e}"))}");
        return matching[0];
    }

    public static void NoErrors(IReadOnlyList<DefinitionError> errors) =>
        Assert.True(errors.Count == 0, "Unexpected errors:\n" + string.Join("\n", errors.Select(e => $"[{e.Code}] {e}")));

    /// <summary>The repository's samples/workflows folder, found from this source file or, failing that, the test binaries.</summary>
    public static string SamplesFolder([CallerFilePath] string sourceFile = "")
    {
        foreach (string? start in new[] { Path.GetDirectoryName(sourceFile), AppContext.BaseDirectory })
        {
            for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "samples", "workflows");
                if (Directory.Exists(candidate)) return candidate;
            }
        }

        throw new DirectoryNotFoundException("samples/workflows not found above " + sourceFile);
    }

    private static WorkflowDefinition Valid(DefinitionParseResult result)
    {
        NoErrors(result.Errors);
        Assert.True(result.IsValid);
        return result.Definition!;
    }
}

/// <summary>A catalog of the built-in plugins with their real required inputs.</summary>
internal sealed class TestCatalog : IPluginCatalog
{
    private readonly List<PluginDescriptor> plugins =
    [
        new("noop", "1.0.0", []),
        new("log", "1.0.0", ["message"]),
        new("transform", "1.0.0", ["data"]),
        new("http-request", "1.0.0", ["url"]),
    ];

    public PluginDescriptor? Find(string name, string? version) =>
        plugins.FirstOrDefault(p => p.Name == name && (version is null || p.Version == version));
}
