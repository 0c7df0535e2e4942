using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpenClaw.Core.Definitions;

/// <summary>
/// Reads a workflow's JSON tree into the model, checking each field's own shape (type, format, range) and
/// collecting every problem. Relations between fields (edges, ids, catalogs) are <see cref="WorkflowValidator"/>'s job.
/// </summary>
/// <remarks>
/// The result is best effort: unreadable fields fall back to defaults and unreadable steps get an
/// <see cref="InvalidStepConfig"/>, so validation can still run and report everything in one pass.
/// </remarks>
internal sealed partial class DefinitionReader
{
    internal static readonly string[] WorkflowKeys = ["id", "name", "description", "version", "inputs", "outputs", "vars", "on_failure_workflow", "queue", "concurrency", "steps"];
    internal static readonly string[] StepKeys = ["id", "type", "name", "config", "next_steps", "on_failure", "timeout", "retry", "set", "ui"];
    private static readonly string[] InputKeys = ["name", "type", "required", "default", "description"];
    private static readonly string[] RetryKeys = ["max_retries", "backoff", "base_delay", "max_delay", "jitter"];

    /// <summary>An empty JSON object, for absent <c>config</c> and <c>inputs</c>, so consumers never see an undefined element.</summary>
    internal static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private const string WorkflowIdRule = "use lowercase letters, digits, '_' and '-', starting with a letter or digit";

    private readonly List<DefinitionError> errors;

    public DefinitionReader(List<DefinitionError> errors) => this.errors = errors;

    /// <summary>The workflow, or null when the root is not an object.</summary>
    public WorkflowDefinition? ReadWorkflow(JsonElement root)
    {
        // One clone keeps every element handed out (defaults, raw configs, templates) alive after the caller's document is disposed.
        root = root.Clone();
        var o = ObjectReader.Open(root, JsonPath.Root, "a workflow definition", WorkflowKeys, errors);
        if (o is null) return null;

        // Fields are read in the order they are usually written, so errors come out in document order.
        string? id = o.Identifier("id", WorkflowId(), WorkflowIdRule, required: true, what: "the workflow's id, e.g. order-sync");
        string? name = o.String("name", required: true, what: "the workflow's display name");
        string? description = o.String("description");
        int version = o.Int("version", minimum: 1) ?? 1;
        var inputs = ReadInputs(o);
        var outputs = o.Map("outputs");
        var vars = o.Map("vars");
        string? onFailureWorkflow = o.Identifier("on_failure_workflow", WorkflowId(), WorkflowIdRule);
        string? queue = o.Identifier("queue", WorkflowId(), WorkflowIdRule, what: "a queue name, e.g. reports");
        int? concurrency = o.Int("concurrency", minimum: 1);
        var steps = ReadSteps(o, "steps", topLevel: true);
        return new WorkflowDefinition
        {
            Id = id ?? "",
            Name = name ?? "",
            Description = description,
            Version = version,
            Inputs = inputs,
            Outputs = outputs,
            Vars = vars,
            OnFailureWorkflow = onFailureWorkflow,
            Queue = queue ?? WorkflowDefinition.DefaultQueue,
            Concurrency = concurrency,
            Steps = steps,
        };
    }

    private List<InputDefinition> ReadInputs(ObjectReader workflow)
    {
        var result = new List<InputDefinition>();
        var list = workflow.Array("inputs", what: "a list of inputs, each with a name and a type");
        if (list is null) return result;
        int index = 0;
        foreach (var item in list.Value.EnumerateArray())
        {
            var o = ObjectReader.Open(item, JsonPath.Index(workflow.PathOf("inputs"), index++), "an input", InputKeys, errors);
            if (o is null) continue;
            string? name = o.Identifier("name", ObjectReader.Name(), ObjectReader.NameRule, required: true, what: "the input's name");
            result.Add(new InputDefinition(
                name ?? "",
                o.Enum<ValueType>("type") ?? ValueType.Any,
                o.Bool("required") ?? false,
                o.Get("default"),
                o.String("description")));
        }

        return result;
    }

    /// <summary>Reads <c>steps</c> under <paramref name="owner"/>; absent is an error only at the top level.</summary>
    private List<StepDefinition> ReadSteps(ObjectReader owner, string key, bool topLevel)
    {
        var result = new List<StepDefinition>();
        var list = owner.Array(key, required: topLevel, what: "a list of steps");
        if (list is null) return result;
        string path = owner.PathOf(key);
        if (topLevel && list.Value.GetArrayLength() == 0)
            errors.Add(new(path, "A workflow needs at least one step.", DefinitionErrorCodes.MissingField));
        int index = 0;
        foreach (var item in list.Value.EnumerateArray())
        {
            var step = ReadStep(item, JsonPath.Index(path, index++));
            if (step is not null) result.Add(step);
        }

        return result;
    }

    private StepDefinition? ReadStep(JsonElement element, string path)
    {
        var o = ObjectReader.Open(element, path, "a step", StepKeys, errors);
        if (o is null) return null;

        string? id = o.Identifier("id", ObjectReader.Name(), ObjectReader.NameRule, required: true, what: "the step's id, unique in the workflow");
        var type = o.Enum<StepType>("type", required: true, what: "plugin, condition, loop, parallel, delay or subworkflow");
        string? name = o.String("name");
        var rawConfig = o.Object("config", "an object") ?? EmptyObject;
        StepConfig config = type is null || o.Get("config") is { ValueKind: not JsonValueKind.Object }
            ? new InvalidStepConfig(rawConfig)
            : ReadConfig(type.Value, rawConfig, o.PathOf("config"));
        var nextSteps = o.StringList("next_steps", allowSingle: false) ?? [];
        string? onFailure = o.String("on_failure");
        if (onFailure is { Length: 0 })
        {
            o.Error("on_failure", "A step id cannot be empty.", DefinitionErrorCodes.InvalidValue);
            onFailure = null;
        }

        var timeout = o.Duration("timeout", allowZero: false) ?? StepDefinition.DefaultTimeout;
        var retry = ReadRetry(o);
        var set = o.Map("set");
        var ui = o.Object("ui", "an object such as { x: 120, y: 80 }");
        return new StepDefinition
        {
            Id = id ?? "",
            Type = type ?? StepType.Plugin,
            Name = name,
            Config = config,
            RawConfig = rawConfig,
            NextSteps = nextSteps,
            OnFailure = onFailure,
            Timeout = timeout,
            Retry = retry,
            Set = set,
            Ui = ui?.Clone(),
            Path = path,
        };
    }

    private RetryPolicy ReadRetry(ObjectReader step)
    {
        var defaults = RetryPolicy.Default;
        var element = step.Object("retry", "an object such as { max_retries: 3, backoff: exponential }");
        if (element is null) return defaults;
        var o = ObjectReader.Open(element.Value, step.PathOf("retry"), "a retry policy", RetryKeys, errors);
        if (o is null) return defaults;

        var policy = new RetryPolicy(
            o.Int("max_retries", minimum: 0) ?? defaults.MaxRetries,
            o.Enum<BackoffKind>("backoff") ?? defaults.Backoff,
            o.Duration("base_delay", allowZero: true) ?? defaults.BaseDelay,
            o.Duration("max_delay", allowZero: true) ?? defaults.MaxDelay,
            o.Bool("jitter") ?? defaults.Jitter);
        if (policy.MaxDelay < policy.BaseDelay)
        {
            o.Error(o.Get("max_delay") is null ? "base_delay" : "max_delay",
                $"max_delay ({DurationParser.Format(policy.MaxDelay)}) is shorter than base_delay ({DurationParser.Format(policy.BaseDelay)}).",
                DefinitionErrorCodes.InvalidValue);
        }

        return policy;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")]
    internal static partial Regex WorkflowId();
}
