using OpenClaw.Core.Definitions;
using OpenClaw.Core.Engine;
using OpenClaw.Plugins;
using OpenClaw.Runtime.Plugins;

namespace OpenClaw.Bench;

/// <summary>The workflows every scenario runs.</summary>
internal static class Workflows
{
    public const string ChainId = "chain3";

    /// <summary>Three <c>noop</c> plugin steps in a row: all cost is the platform's, none the plugin's.</summary>
    public const string Chain3Yaml = """
        id: chain3
        name: Three noop steps
        steps:
          - id: a
            type: plugin
            config: { plugin: noop, inputs: { value: 1 } }
            next_steps: [b]
          - id: b
            type: plugin
            config: { plugin: noop, inputs: { value: 2 } }
            next_steps: [c]
          - id: c
            type: plugin
            config: { plugin: noop, inputs: { value: 3 } }
        """;

    public const int Chain3Steps = 3;

    /// <summary>Parses and validates <paramref name="yaml"/> against the built-in plugins.</summary>
    public static WorkflowDefinition Parse(string yaml)
    {
        var catalog = new InProcessPluginRegistry(BuiltInPlugins.Create());
        var result = new WorkflowValidator(catalog).ParseAndValidate(yaml, DefinitionFormat.Yaml);
        if (result.Errors.Count > 0 || result.Definition is null)
            throw new InvalidOperationException("Benchmark workflow is invalid: " + string.Join("; ", result.Errors));
        return result.Definition;
    }

    public static WorkflowPlan Chain3Plan() => WorkflowPlan.Compile(Parse(Chain3Yaml), storedVersion: 1);
}
