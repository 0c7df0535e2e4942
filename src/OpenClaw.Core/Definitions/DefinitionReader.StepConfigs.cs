using System.Globalization;
using System.Text.Json;

namespace OpenClaw.Core.Definitions;

/// <summary>The type-specific <c>config</c> of each step type.</summary>
internal sealed partial class DefinitionReader
{
    private static readonly string[] PluginKeys = ["plugin", "version", "inputs"];
    private static readonly string[] ConditionKeys = ["cases", "default"];
    private static readonly string[] CaseKeys = ["when", "next"];
    private static readonly string[] LoopKeys = ["items", "while", "concurrency", "max_iterations", "steps", "output"];
    private static readonly string[] ParallelKeys = ["mode", "branches"];
    private static readonly string[] BranchKeys = ["name", "steps"];
    private static readonly string[] DelayKeys = ["duration", "until"];
    private static readonly string[] SubworkflowKeys = ["workflow", "version", "inputs"];

    private StepConfig ReadConfig(StepType type, JsonElement config, string path)
    {
        var (keys, what) = type switch
        {
            StepType.Plugin => (PluginKeys, "a plugin step's config"),
            StepType.Condition => (ConditionKeys, "a condition step's config"),
            StepType.Loop => (LoopKeys, "a loop step's config"),
            StepType.Parallel => (ParallelKeys, "a parallel step's config"),
            StepType.Delay => (DelayKeys, "a delay step's config"),
            _ => (SubworkflowKeys, "a subworkflow step's config"),
        };
        var o = ObjectReader.Open(config, path, what, keys, errors);
        if (o is null) return new InvalidStepConfig(config);

        // Required settings are left empty here and reported by the validator as missing-config.
        return type switch
        {
            StepType.Plugin => new PluginStepConfig(
                o.String("plugin") ?? "",
                o.String("version"),
                o.Object("inputs", "an object of input names to values") ?? EmptyObject),
            StepType.Condition => ReadCondition(o),
            StepType.Loop => new LoopStepConfig(
                o.String("items", what: "a template yielding a list"),
                o.String("while"),
                o.Int("concurrency", minimum: 1) ?? 1,
                o.Int("max_iterations", minimum: 1) ?? LoopStepConfig.DefaultMaxIterations,
                ReadSteps(o, "steps", topLevel: false),
                o.Get("output")),
            StepType.Parallel => new ParallelStepConfig(ReadBranches(o), o.Enum<ParallelMode>("mode") ?? ParallelMode.WaitAll),
            StepType.Delay => new DelayStepConfig(ReadDelayDuration(o), ReadDelayUntil(o)),
            _ => new SubworkflowStepConfig(
                o.Identifier("workflow", WorkflowId(), "use lowercase letters, digits, '_' and '-', starting with a letter or digit") ?? "",
                o.Int("version", minimum: 1),
                o.Object("inputs", "an object of input names to values") ?? EmptyObject),
        };
    }

    private ConditionStepConfig ReadCondition(ObjectReader o)
    {
        var cases = new List<ConditionCase>();
        var list = o.Array("cases", what: "a list of { when, next } cases");
        if (list is not null)
        {
            int index = 0;
            foreach (var item in list.Value.EnumerateArray())
            {
                var c = ObjectReader.Open(item, JsonPath.Index(o.PathOf("cases"), index++), "a condition case", CaseKeys, errors);
                if (c is null) continue;
                cases.Add(new ConditionCase(c.String("when", what: "an expression") ?? "", c.StringList("next", allowSingle: true) ?? []));
            }
        }

        return new ConditionStepConfig(cases, o.StringList("default", allowSingle: true) ?? []);
    }

    private List<ParallelBranch> ReadBranches(ObjectReader o)
    {
        var branches = new List<ParallelBranch>();
        var list = o.Array("branches", what: "a list of { name, steps } branches");
        if (list is null) return branches;
        int index = 0;
        foreach (var item in list.Value.EnumerateArray())
        {
            var b = ObjectReader.Open(item, JsonPath.Index(o.PathOf("branches"), index++), "a parallel branch", BranchKeys, errors);
            if (b is null) continue;
            branches.Add(new ParallelBranch(b.String("name") ?? "", ReadSteps(b, "steps", topLevel: false)));
        }

        return branches;
    }

    /// <summary>A delay's duration as text; a literal (not a template) must already be a valid duration.</summary>
    private static string? ReadDelayDuration(ObjectReader o)
    {
        var value = o.Get("duration");
        if (value is null) return null;
        if (value.Value.ValueKind == JsonValueKind.Number)
        {
            // Keep the number's text: DurationParser reads a bare number as seconds.
            string? numberError = "The duration is out of range.";
            if (value.Value.TryGetDecimal(out decimal seconds) && DurationParser.TryFromSeconds(seconds, out _, out numberError))
                return seconds.ToString(CultureInfo.InvariantCulture);
            o.Error("duration", numberError, DefinitionErrorCodes.InvalidValue);
            return null;
        }

        string? text = o.String("duration", what: "a duration");
        if (text is null || Templates.IsTemplate(text)) return text;
        if (!DurationParser.TryParse(text, out _, out var error)) o.Error("duration", error, DefinitionErrorCodes.InvalidValue);
        return text;
    }

    /// <summary>A delay's deadline; a literal must be an ISO-8601 timestamp (no offset means UTC).</summary>
    private static string? ReadDelayUntil(ObjectReader o)
    {
        string? text = o.String("until", what: "an ISO-8601 timestamp");
        if (text is null || Templates.IsTemplate(text)) return text;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
            o.Error("until", $"'{text}' is not a timestamp; use ISO-8601, e.g. 2026-01-01T00:00:00Z.", DefinitionErrorCodes.InvalidValue);
        return text;
    }
}
