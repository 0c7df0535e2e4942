using System.Globalization;
using System.Text.Json;
using OpenClaw.Core.Expressions;
using OpenClaw.Core.Storage;

namespace OpenClaw.Core.Engine;

/// <summary>
/// What expressions see while a step of an execution is being prepared: <c>inputs</c>, <c>vars</c>, <c>env</c>,
/// <c>execution</c>, <c>steps</c> (resolved through the enclosing scopes, so inside a loop iteration
/// <c>steps.x</c> is that iteration's <c>x</c>), <c>loop</c> (the innermost loop's <c>item</c> and <c>index</c>),
/// and <c>output</c> while a step's <c>set</c> is evaluated. Values are read lazily, nothing is copied up front.
/// </summary>
internal sealed class ExecutionExpressionContext(
    WorkflowEngine engine,
    ExecutionState state,
    WorkflowPlan plan,
    ScopeInstance scope,
    JsonElement? output,
    (StepRun Loop, int Index)? loopOverride) : IExpressionContext
{
    public TimeProvider TimeProvider => engine.Time;

    public bool TryResolve(string name, out ExpressionValue value)
    {
        switch (name)
        {
            case "inputs":
                value = ExpressionValue.From(state.Inputs);
                return true;
            case "vars":
                value = ExpressionValue.From(state.Vars);
                return true;
            case "env":
                value = ExpressionValue.From(new DictionaryObject(engine.Options.Env));
                return true;
            case "execution":
                value = ExpressionValue.From(new ExecutionObject(state));
                return true;
            case "steps":
                value = ExpressionValue.From(new StepsObject(state, plan, scope));
                return true;
            case "loop":
                value = LoopValue();
                return true;
            case "output" when output is { } o:
                value = ExpressionValue.From(o);
                return true;
            default:
                value = default;
                return false;
        }
    }

    private ExpressionValue LoopValue()
    {
        if (loopOverride is { } over) return ExpressionValue.From(new LoopObject(over.Loop, over.Index));
        for (var s = scope; s.ContainerKey is not null; s = state.Scope(s.ParentKey!))
        {
            if (s.Index >= 0 && state.TryGetRun(s.ContainerKey, out var loop))
                return ExpressionValue.From(new LoopObject(loop, s.Index));
        }
        return ExpressionValue.Null;
    }

    /// <summary><c>steps.&lt;id&gt;</c>: the instance of that step visible from the current scope.</summary>
    private sealed class StepsObject(ExecutionState state, WorkflowPlan plan, ScopeInstance scope) : IExpressionObject
    {
        public bool TryGetMember(string name, out ExpressionValue value)
        {
            value = ExpressionValue.Null;
            if (!plan.TryGetStep(name, out var step)) return true;
            for (var s = scope; ; s = state.Scope(s.ParentKey!))
            {
                if (s.ScopeId == step.ScopeId)
                {
                    if (state.TryGetRun(s.StepKey(name), out var run)) value = ExpressionValue.From(new StepObject(run));
                    return true;
                }
                if (s.ContainerKey is null) return true;
            }
        }
    }

    private sealed class StepObject(StepRun run) : IExpressionObject
    {
        public bool TryGetMember(string name, out ExpressionValue value)
        {
            value = name switch
            {
                "output" => run.Output is { } o ? ExpressionValue.From(o) : ExpressionValue.Null,
                "status" => ExpressionValue.From(run.Status.ToWire()),
                "error" => run.Error is { } e ? ExpressionValue.From(e) : ExpressionValue.Null,
                "attempt" => ExpressionValue.From((long)run.Attempt),
                "inputs" => run.Inputs is { } i ? ExpressionValue.From(i) : ExpressionValue.Null,
                _ => ExpressionValue.Null,
            };
            return true;
        }
    }

    private sealed class LoopObject(StepRun loop, int index) : IExpressionObject
    {
        public bool TryGetMember(string name, out ExpressionValue value)
        {
            value = name switch
            {
                "index" => ExpressionValue.From((long)index),
                "item" => Item(),
                _ => ExpressionValue.Null,
            };
            return true;
        }

        private ExpressionValue Item() =>
            loop.Inputs is { } inputs && inputs.TryGetProperty("items", out var items) && index < items.GetArrayLength()
                ? ExpressionValue.From(items[index])
                : ExpressionValue.Null;
    }

    private sealed class ExecutionObject(ExecutionState state) : IExpressionObject
    {
        public bool TryGetMember(string name, out ExpressionValue value)
        {
            value = name switch
            {
                "id" => ExpressionValue.From(state.Id.ToString()),
                "workflow_id" => ExpressionValue.From(state.WorkflowId),
                "workflow_version" => ExpressionValue.From((long)state.WorkflowVersion),
                "trigger" => ExpressionValue.From(state.Trigger),
                "started_at" => state.StartedAt is { } t ? ExpressionValue.From(t.ToString("O", CultureInfo.InvariantCulture)) : ExpressionValue.Null,
                "priority" => ExpressionValue.From(state.Priority.ToString().ToLowerInvariant()),
                _ => ExpressionValue.Null,
            };
            return true;
        }
    }

    private sealed class DictionaryObject(IReadOnlyDictionary<string, string> values) : IExpressionObject
    {
        public bool TryGetMember(string name, out ExpressionValue value)
        {
            value = values.TryGetValue(name, out var text) ? ExpressionValue.From(text) : ExpressionValue.Null;
            return true;
        }
    }
}
