namespace OpenClaw.Core.Definitions;

/// <summary>
/// The scopes of a workflow: the top level, each loop body and each parallel branch. Edges stay inside their
/// scope, which is what lets a loop body or a branch run as a self-contained sub-graph.
/// </summary>
internal sealed record StepScope(IReadOnlyList<StepDefinition> Steps, string Description)
{
    public static List<StepScope> All(WorkflowDefinition definition)
    {
        var scopes = new List<StepScope>();
        Collect(definition.Steps, "the top level", scopes);
        return scopes;
    }

    private static void Collect(IReadOnlyList<StepDefinition> steps, string description, List<StepScope> scopes)
    {
        scopes.Add(new StepScope(steps, description));
        foreach (var step in steps)
        {
            switch (step.Config)
            {
                case LoopStepConfig loop:
                    Collect(loop.Steps, $"the body of loop '{step.Id}'", scopes);
                    break;
                case ParallelStepConfig parallel:
                    foreach (var branch in parallel.Branches)
                        Collect(branch.Steps, $"branch '{branch.Name}' of parallel step '{step.Id}'", scopes);
                    break;
                default:
                    // Other configs (including ones from outside this assembly) expose nested steps only through ChildScopes.
                    int index = 0;
                    foreach (var child in step.Config.ChildScopes)
                        Collect(child, $"scope {index++} of step '{step.Id}'", scopes);
                    break;
            }
        }
    }
}
