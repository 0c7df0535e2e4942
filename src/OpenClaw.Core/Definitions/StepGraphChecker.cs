using System.Text.Json;

namespace OpenClaw.Core.Definitions;

/// <summary>
/// Checks one scope's step graph: every edge names a step in the scope, nothing loops back, and every step can be
/// reached from an entry step (one with no incoming edge).
/// </summary>
internal sealed class StepGraphChecker
{
    private readonly StepScope scope;
    private readonly IReadOnlyDictionary<string, string> scopeOfStep;
    private readonly List<DefinitionError> errors;
    private readonly Dictionary<string, int> indexOf = new(StringComparer.Ordinal);
    private readonly List<int>[] successors;

    private StepGraphChecker(StepScope scope, IReadOnlyDictionary<string, string> scopeOfStep, List<DefinitionError> errors)
    {
        this.scope = scope;
        this.scopeOfStep = scopeOfStep;
        this.errors = errors;
        successors = new List<int>[scope.Steps.Count];
        for (int i = 0; i < scope.Steps.Count; i++)
        {
            successors[i] = [];
            if (scope.Steps[i].Id.Length > 0) indexOf.TryAdd(scope.Steps[i].Id, i);
        }
    }

    /// <param name="scopeOfStep">Every step id in the workflow mapped to its scope's description, to explain cross-scope edges.</param>
    public static void Check(StepScope scope, IReadOnlyDictionary<string, string> scopeOfStep, List<DefinitionError> errors)
    {
        if (scope.Steps.Count == 0) return;
        var checker = new StepGraphChecker(scope, scopeOfStep, errors);
        checker.BuildEdges();
        checker.CheckCyclesAndReachability();
    }

    private void BuildEdges()
    {
        for (int i = 0; i < scope.Steps.Count; i++)
        {
            var step = scope.Steps[i];
            for (int j = 0; j < step.NextSteps.Count; j++)
                AddEdge(i, step.NextSteps[j], JsonPath.Index($"{step.Path}.next_steps", j));

            if (step.Config is ConditionStepConfig condition)
            {
                string configPath = $"{step.Path}.config";
                for (int c = 0; c < condition.Cases.Count; c++)
                {
                    string casePath = JsonPath.Index($"{configPath}.cases", c);
                    var raw = RawCase(step.RawConfig, c);
                    for (int j = 0; j < condition.Cases[c].Next.Count; j++)
                        AddEdge(i, condition.Cases[c].Next[j], ListItemPath(raw, "next", $"{casePath}.next", j));
                }

                for (int j = 0; j < condition.Default.Count; j++)
                    AddEdge(i, condition.Default[j], ListItemPath(step.RawConfig, "default", $"{configPath}.default", j));
            }

            if (step.OnFailure is not null)
            {
                if (step.OnFailure == step.Id)
                    errors.Add(new($"{step.Path}.on_failure", $"Step '{step.Id}' names itself as its own failure handler; name a different step that handles the failure.", DefinitionErrorCodes.SelfReference));
                else
                    AddEdge(i, step.OnFailure, $"{step.Path}.on_failure");
            }
        }
    }

    private void AddEdge(int from, string target, string path)
    {
        if (indexOf.TryGetValue(target, out int to))
        {
            successors[from].Add(to);
            return;
        }

        string message = scopeOfStep.TryGetValue(target, out var elsewhere)
            ? $"Step '{target}' is in {elsewhere}, not in {scope.Description}; steps can only lead to steps in the same scope (edges never cross into or out of a loop body or parallel branch)."
            : $"There is no step '{target}' in {scope.Description}.{Suggestions.Hint(target, indexOf.Keys)}";
        errors.Add(new(path, message, DefinitionErrorCodes.UnknownStep));
    }

    private void CheckCyclesAndReachability()
    {
        int count = scope.Steps.Count;
        var hasIncoming = new bool[count];
        foreach (var targets in successors)
            foreach (int to in targets) hasIncoming[to] = true;

        foreach (var component in StronglyConnectedComponents())
        {
            int start = component.Min();
            if (component.Count == 1 && !successors[start].Contains(start)) continue;
            var cycle = FindCycle(start, component);
            string names = string.Join(" -> ", cycle.Select(i => scope.Steps[i].Id));
            errors.Add(new(scope.Steps[start].Path, $"Steps form a cycle: {names}. Steps cannot run again once done; use a loop step to repeat work.", DefinitionErrorCodes.Cycle));
        }

        var entries = Enumerable.Range(0, count).Where(i => !hasIncoming[i]).ToList();
        // With no entry step at all the scope is one big cycle, which the cycle error already says.
        if (entries.Count == 0) return;

        var reached = new bool[count];
        var queue = new Queue<int>(entries);
        foreach (int entry in entries) reached[entry] = true;
        while (queue.TryDequeue(out int current))
        {
            foreach (int next in successors[current])
            {
                if (!reached[next])
                {
                    reached[next] = true;
                    queue.Enqueue(next);
                }
            }
        }

        string entryNames = string.Join(", ", entries.Select(i => $"'{scope.Steps[i].Id}'"));
        for (int i = 0; i < count; i++)
        {
            if (!reached[i])
                errors.Add(new(scope.Steps[i].Path, $"Step {WorkflowValidator.Label(scope.Steps[i])} can never run: no entry step of {scope.Description} ({entryNames}) leads to it, only steps caught in a cycle.", DefinitionErrorCodes.Unreachable));
        }
    }

    /// <summary>Tarjan's algorithm, iterative so a long chain of steps cannot overflow the stack.</summary>
    private List<List<int>> StronglyConnectedComponents()
    {
        int count = scope.Steps.Count;
        var index = new int[count];
        var low = new int[count];
        var onStack = new bool[count];
        Array.Fill(index, -1);
        var stack = new Stack<int>();
        var components = new List<List<int>>();
        int counter = 0;

        for (int root = 0; root < count; root++)
        {
            if (index[root] >= 0) continue;
            var work = new Stack<(int Node, int Edge)>();
            work.Push((root, 0));
            index[root] = low[root] = counter++;
            stack.Push(root);
            onStack[root] = true;
            while (work.Count > 0)
            {
                var (node, edge) = work.Pop();
                if (edge < successors[node].Count)
                {
                    work.Push((node, edge + 1));
                    int next = successors[node][edge];
                    if (index[next] < 0)
                    {
                        index[next] = low[next] = counter++;
                        stack.Push(next);
                        onStack[next] = true;
                        work.Push((next, 0));
                    }
                    else if (onStack[next])
                    {
                        low[node] = Math.Min(low[node], index[next]);
                    }

                    continue;
                }

                if (work.Count > 0) low[work.Peek().Node] = Math.Min(low[work.Peek().Node], low[node]);
                if (low[node] != index[node]) continue;
                var component = new List<int>();
                int member;
                do
                {
                    member = stack.Pop();
                    onStack[member] = false;
                    component.Add(member);
                }
                while (member != node);
                components.Add(component);
            }
        }

        return components.OrderBy(c => c.Min()).ToList();
    }

    /// <summary>The shortest path from <paramref name="start"/> back to itself inside its component, e.g. [a, b, a].</summary>
    private List<int> FindCycle(int start, List<int> component)
    {
        var members = component.ToHashSet();
        var parent = new Dictionary<int, int>();
        var queue = new Queue<int>();
        queue.Enqueue(start);
        while (queue.TryDequeue(out int current))
        {
            foreach (int next in successors[current])
            {
                if (next == start)
                {
                    var path = new List<int> { start };
                    for (int at = current; at != start; at = parent[at]) path.Add(at);
                    path.Add(start);
                    path.Reverse(1, path.Count - 2);
                    return path;
                }

                if (members.Contains(next) && next != start && parent.TryAdd(next, current)) queue.Enqueue(next);
            }
        }

        return [start, start];
    }

    private static JsonElement? RawCase(JsonElement rawConfig, int index) =>
        rawConfig.ValueKind == JsonValueKind.Object && rawConfig.TryGetProperty("cases", out var cases)
        && cases.ValueKind == JsonValueKind.Array && index < cases.GetArrayLength()
            ? cases[index]
            : null;

    /// <summary>Condition targets may be written as one string; then the error points at the string, not at [0].</summary>
    private static string ListItemPath(JsonElement? owner, string key, string path, int index) =>
        owner is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String
            ? path
            : JsonPath.Index(path, index);
}
