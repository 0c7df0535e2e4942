using System.Text.Json;
using OpenClaw.Core.Expressions;

namespace OpenClaw.Core.Definitions;

/// <summary>
/// Parses every template and expression in a definition (config, outputs, vars, set, conditions, loop items, while
/// and output, delay values) and checks that each <c>steps.&lt;id&gt;</c> it reads names a step of the workflow.
/// </summary>
/// <remarks>
/// Nested steps are visited as steps in their own right, so a loop's or parallel step's <c>steps</c> are never
/// scanned twice through the parent's config.
/// </remarks>
internal sealed class ExpressionChecker
{
    private readonly IReadOnlySet<string> stepIds;
    private readonly List<DefinitionError> errors;

    private ExpressionChecker(IReadOnlySet<string> stepIds, List<DefinitionError> errors)
    {
        this.stepIds = stepIds;
        this.errors = errors;
    }

    public static void Check(WorkflowDefinition definition, IReadOnlySet<string> stepIds, List<DefinitionError> errors)
    {
        var checker = new ExpressionChecker(stepIds, errors);
        checker.ScanMap(definition.Outputs, "$.outputs");
        checker.ScanMap(definition.Vars, "$.vars");
        foreach (var step in definition.AllSteps())
            checker.CheckStep(step);
    }

    private void CheckStep(StepDefinition step)
    {
        string config = $"{step.Path}.config";
        switch (step.Config)
        {
            case PluginStepConfig plugin:
                Scan(plugin.Inputs, $"{config}.inputs");
                break;
            case ConditionStepConfig condition:
                for (int i = 0; i < condition.Cases.Count; i++)
                    CheckCondition(condition.Cases[i].When, JsonPath.Index($"{config}.cases", i) + ".when");
                break;
            case LoopStepConfig loop:
                if (loop.Items is { } items)
                {
                    if (Templates.IsTemplate(items))
                        CheckTemplate(items, $"{config}.items");
                    else if (items.Trim().Length > 0)
                        errors.Add(new($"{config}.items", $"'items' is plain text, so it can never be a list; write a template such as ${{{{ inputs.list }}}}.", DefinitionErrorCodes.Expression));
                }

                if (loop.While is { } whileText) CheckCondition(whileText, $"{config}.while");
                if (loop.Output is { } output) Scan(output, $"{config}.output");
                break;
            case DelayStepConfig delay:
                if (delay.Duration is { } duration && Templates.IsTemplate(duration)) CheckTemplate(duration, $"{config}.duration");
                if (delay.Until is { } until && Templates.IsTemplate(until)) CheckTemplate(until, $"{config}.until");
                break;
            case SubworkflowStepConfig subworkflow:
                Scan(subworkflow.Inputs, $"{config}.inputs");
                break;
        }

        ScanMap(step.Set, $"{step.Path}.set");
    }

    private void ScanMap(IReadOnlyDictionary<string, JsonElement> map, string path)
    {
        foreach (var (name, value) in map)
            Scan(value, JsonPath.Property(path, name));
    }

    private void Scan(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Undefined) return;
        foreach (var entry in TemplateResolver.Scan(element, path))
        {
            if (entry.Error is { } error) AddSyntaxError(entry.Path, error);
            else if (entry.Template is { } template) CheckReferences(template.Expressions, entry.Path);
        }
    }

    /// <summary>A condition (<c>when</c>, <c>while</c>) may be written bare or wrapped in <c>${{ }}</c>.</summary>
    private void CheckCondition(string text, string path)
    {
        if (string.IsNullOrWhiteSpace(text)) return;
        if (Templates.IsTemplate(text))
        {
            CheckTemplate(text, path);
            return;
        }

        try
        {
            CheckReferences([Expression.Parse(text)], path);
        }
        catch (ExpressionException e)
        {
            AddSyntaxError(path, e);
        }
    }

    private void CheckTemplate(string text, string path)
    {
        try
        {
            CheckReferences(Template.Parse(text).Expressions, path);
        }
        catch (ExpressionException e)
        {
            AddSyntaxError(path, e);
        }
    }

    private void CheckReferences(IEnumerable<Expression> expressions, string path)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var expression in expressions)
        {
            foreach (string id in expression.ReferencedSteps)
            {
                if (stepIds.Contains(id) || !reported.Add(id)) continue;
                errors.Add(new(path, $"The expression reads steps.{id}, but the workflow has no step '{id}'.{Suggestions.Hint(id, stepIds)}", DefinitionErrorCodes.Expression));
            }
        }
    }

    private void AddSyntaxError(string path, ExpressionException e)
    {
        string where = e.Column > 0 ? $" at column {e.Column}" : "";
        errors.Add(new(path, $"Invalid expression: {e.Reason}{where}.", DefinitionErrorCodes.Expression));
    }
}
