using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenClaw.Core.Definitions;

/// <summary>
/// Checks that a parsed workflow makes sense as a whole, reporting every problem at once with its JSON path:
/// edges that lead nowhere or across scopes, duplicate ids, cycles, unreachable steps, missing step
/// configuration, unknown plugins and workflows, bad expressions and input defaults of the wrong type.
/// </summary>
/// <remarks>
/// Run it when a definition is saved, before a version is stored, so a broken workflow fails in the editor
/// instead of halfway through an execution. It assumes each field already has the shape
/// <see cref="WorkflowDefinitionParser"/> enforces (ids, ranges, durations).
/// </remarks>
public sealed class WorkflowValidator
{
    private readonly IPluginCatalog? plugins;
    private readonly Func<string, bool>? workflowExists;

    /// <param name="plugins">Installed plugins; when null, plugin names and required inputs are not checked.</param>
    /// <param name="workflowExists">Whether a workflow id exists (for sub-workflows and error workflows); when null, not checked.</param>
    public WorkflowValidator(IPluginCatalog? plugins = null, Func<string, bool>? workflowExists = null)
    {
        this.plugins = plugins;
        this.workflowExists = workflowExists;
    }

    /// <summary>Every semantic problem in <paramref name="definition"/>; empty when it is fit to run.</summary>
    public IReadOnlyList<DefinitionError> Validate(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = new List<DefinitionError>();
        CheckInputs(definition, errors);

        var scopes = StepScope.All(definition);
        var scopeOfStep = CheckStepIds(scopes, errors);
        foreach (var scope in scopes)
            StepGraphChecker.Check(scope, scopeOfStep, errors);

        foreach (var step in definition.AllSteps())
            CheckConfig(step, errors);

        if (definition.OnFailureWorkflow is { Length: > 0 } errorWorkflow && workflowExists is not null && !workflowExists(errorWorkflow))
            errors.Add(new("$.on_failure_workflow", $"There is no workflow '{errorWorkflow}' to run on failure.", DefinitionErrorCodes.UnknownWorkflow));

        ExpressionChecker.Check(definition, scopeOfStep.Keys.ToHashSet(StringComparer.Ordinal), errors);
        return errors;
    }

    /// <summary>Parses and validates in one go, returning structural and semantic errors together.</summary>
    /// <remarks>Validation runs on the best-effort parse even when parsing found problems, so one save shows everything.</remarks>
    public DefinitionParseResult ParseAndValidate(string text, DefinitionFormat format)
    {
        var (definition, errors) = WorkflowDefinitionParser.ParsePartial(text, format);
        if (definition is not null)
        {
            // A field the parser already rejected reads as absent to the validator; one error per spot is enough.
            var reported = errors.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
            errors.AddRange(Validate(definition).Where(e => !reported.Contains(e.Path)));
        }

        return DefinitionParseResult.Of(definition, errors);
    }

    /// <summary>
    /// Checks the inputs a caller supplies to start an execution against the declared ones, and fills in defaults.
    /// </summary>
    /// <param name="definition">The workflow to be started.</param>
    /// <param name="supplied">The caller's inputs; null means none. A JSON null counts as not supplied.</param>
    /// <returns>
    /// The inputs the execution starts with (copies; <paramref name="supplied"/> is not changed) and every problem,
    /// with paths such as <c>$.inputs.customer</c>. Undeclared inputs are errors, so a misspelt name is not
    /// silently dropped.
    /// </returns>
    public static (JsonObject Inputs, IReadOnlyList<DefinitionError> Errors) BindInputs(WorkflowDefinition definition, JsonObject? supplied)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return InputBinder.Bind(definition, supplied);
    }

    private static void CheckInputs(WorkflowDefinition definition, List<DefinitionError> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < definition.Inputs.Count; i++)
        {
            var input = definition.Inputs[i];
            string path = JsonPath.Index("$.inputs", i);
            if (input.Name.Length > 0 && !seen.Add(input.Name))
                errors.Add(new($"{path}.name", $"Input '{input.Name}' is declared twice.", DefinitionErrorCodes.DuplicateInput));
            if (input.Default is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } value && !ValueTypes.Matches(value, input.Type))
                errors.Add(new($"{path}.default", $"The default of input '{input.Name}' is {ObjectReader.Describe(value)}, but the input is declared as {ValueTypes.Describe(input.Type)}.", DefinitionErrorCodes.TypeMismatch));
        }
    }

    /// <summary>Reports ids used twice and maps each id to its (first) scope.</summary>
    private static Dictionary<string, string> CheckStepIds(List<StepScope> scopes, List<DefinitionError> errors)
    {
        var firstUse = new Dictionary<string, StepDefinition>(StringComparer.Ordinal);
        var scopeOfStep = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var scope in scopes)
        {
            foreach (var step in scope.Steps)
            {
                if (step.Id.Length == 0) continue;
                if (firstUse.TryGetValue(step.Id, out var first))
                {
                    errors.Add(new($"{step.Path}.id", $"Step id {Label(step)} is already used at {first.Path}; ids must be unique across the whole workflow, nested steps included.", DefinitionErrorCodes.DuplicateId));
                    continue;
                }

                firstUse[step.Id] = step;
                scopeOfStep[step.Id] = scope.Description;
            }
        }

        return scopeOfStep;
    }

    private void CheckConfig(StepDefinition step, List<DefinitionError> errors)
    {
        string path = $"{step.Path}.config";
        void Missing(string at, string message) => errors.Add(new(at, message, DefinitionErrorCodes.MissingConfig));

        switch (step.Config)
        {
            case PluginStepConfig plugin:
                CheckPlugin(step, plugin, path, errors);
                break;

            case ConditionStepConfig condition:
                if (condition.Cases.Count == 0)
                    Missing($"{path}.cases", $"Condition {Label(step)} needs at least one case ({{ when, next }}).");
                for (int i = 0; i < condition.Cases.Count; i++)
                {
                    if (string.IsNullOrWhiteSpace(condition.Cases[i].When))
                        Missing(JsonPath.Index($"{path}.cases", i) + ".when", $"Case {i} of condition {Label(step)} needs a 'when' expression.");
                }

                break;

            case LoopStepConfig loop:
                bool hasItems = !string.IsNullOrWhiteSpace(loop.Items);
                bool hasWhile = !string.IsNullOrWhiteSpace(loop.While);
                if (!hasItems && !hasWhile)
                    Missing(path, $"Loop {Label(step)} needs 'items' (a list to iterate) or 'while' (a condition to repeat on).");
                else if (hasItems && hasWhile)
                    errors.Add(new(path, $"Loop {Label(step)} has both 'items' and 'while'; give exactly one.", DefinitionErrorCodes.InvalidConfig));
                if (loop.Steps.Count == 0)
                    Missing($"{path}.steps", $"Loop {Label(step)} needs at least one step in its body.");
                break;

            case ParallelStepConfig parallel:
                CheckBranches(step, parallel, path, errors);
                break;

            case DelayStepConfig delay:
                bool hasDuration = !string.IsNullOrWhiteSpace(delay.Duration);
                bool hasUntil = !string.IsNullOrWhiteSpace(delay.Until);
                if (!hasDuration && !hasUntil)
                    Missing(path, $"Delay {Label(step)} needs 'duration' (e.g. 10s) or 'until' (a timestamp).");
                else if (hasDuration && hasUntil)
                    errors.Add(new(path, $"Delay {Label(step)} has both 'duration' and 'until'; give exactly one.", DefinitionErrorCodes.InvalidConfig));
                break;

            case SubworkflowStepConfig subworkflow:
                if (string.IsNullOrWhiteSpace(subworkflow.Workflow))
                    Missing($"{path}.workflow", $"Subworkflow step {Label(step)} needs 'workflow': the id of the workflow to run.");
                else if (workflowExists is not null && !workflowExists(subworkflow.Workflow))
                    errors.Add(new($"{path}.workflow", $"There is no workflow '{subworkflow.Workflow}' for step {Label(step)} to run.", DefinitionErrorCodes.UnknownWorkflow));
                break;
        }
    }

    private void CheckPlugin(StepDefinition step, PluginStepConfig plugin, string path, List<DefinitionError> errors)
    {
        if (string.IsNullOrWhiteSpace(plugin.Plugin))
        {
            errors.Add(new($"{path}.plugin", $"Plugin step {Label(step)} needs 'plugin': the name of the plugin to call.", DefinitionErrorCodes.MissingConfig));
            return;
        }

        if (plugins is null) return;
        var descriptor = plugins.Find(plugin.Plugin, plugin.Version);
        if (descriptor is null)
        {
            var anyVersion = plugin.Version is null ? null : plugins.Find(plugin.Plugin, null);
            if (anyVersion is not null)
                errors.Add(new($"{path}.version", $"Plugin '{plugin.Plugin}' has no version '{plugin.Version}' installed and enabled (the newest is {anyVersion.Version}).", DefinitionErrorCodes.UnknownPlugin));
            else
                errors.Add(new($"{path}.plugin", $"No plugin named '{plugin.Plugin}' is installed and enabled.", DefinitionErrorCodes.UnknownPlugin));
            return;
        }

        bool hasInputs = plugin.Inputs.ValueKind == JsonValueKind.Object;
        foreach (string required in descriptor.RequiredInputs)
        {
            if (hasInputs && plugin.Inputs.TryGetProperty(required, out _)) continue;
            bool written = step.RawConfig.ValueKind == JsonValueKind.Object && step.RawConfig.TryGetProperty("inputs", out _);
            errors.Add(new(written ? $"{path}.inputs" : path, $"Plugin '{plugin.Plugin}' requires input '{required}', which step {Label(step)} does not give.", DefinitionErrorCodes.MissingConfig));
        }
    }

    /// <summary>"'fetch'", or the step's path when its id is missing (already reported by the parser).</summary>
    internal static string Label(StepDefinition step) => step.Id.Length > 0 ? $"'{step.Id}'" : $"at {step.Path}";

    private static void CheckBranches(StepDefinition step, ParallelStepConfig parallel, string path, List<DefinitionError> errors)
    {
        if (parallel.Branches.Count == 0)
            errors.Add(new($"{path}.branches", $"Parallel step {Label(step)} needs at least one branch.", DefinitionErrorCodes.MissingConfig));

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < parallel.Branches.Count; i++)
        {
            var branch = parallel.Branches[i];
            string branchPath = JsonPath.Index($"{path}.branches", i);
            if (string.IsNullOrWhiteSpace(branch.Name))
                errors.Add(new($"{branchPath}.name", $"Branch {i} of parallel step {Label(step)} needs a name (its result is keyed by it).", DefinitionErrorCodes.MissingConfig));
            else if (!names.Add(branch.Name))
                errors.Add(new($"{branchPath}.name", $"Parallel step {Label(step)} has two branches named '{branch.Name}'; the step's output is keyed by branch name.", DefinitionErrorCodes.DuplicateBranch));
            if (branch.Steps.Count == 0)
                errors.Add(new($"{branchPath}.steps", $"Branch '{branch.Name}' of parallel step {Label(step)} needs at least one step.", DefinitionErrorCodes.MissingConfig));
        }
    }
}
