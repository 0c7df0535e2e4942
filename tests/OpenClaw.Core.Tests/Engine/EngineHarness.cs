using System.Text.Json;
using System.Text.Json.Nodes;
using OpenClaw.Core.Definitions;
using OpenClaw.Core.Engine;
using OpenClaw.Core.Storage;

namespace OpenClaw.Core.Tests.Engine;

/// <summary>
/// Drives <see cref="WorkflowEngine"/> the way the runtime does, without one: every transition's rows are taken and
/// "committed" into an in-memory copy of the tables, and the test plays the workers by reporting results.
/// </summary>
internal sealed class EngineHarness
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, StepRunRecord> _rows = new(StringComparer.Ordinal);

    public EngineHarness(string yaml, JsonObject? inputs = null)
    {
        var parsed = WorkflowDefinitionParser.Parse(yaml, DefinitionFormat.Yaml);
        Assert.True(parsed.Errors.Count == 0, string.Join("\n", parsed.Errors));
        Plan = WorkflowPlan.Compile(parsed.Definition!, 1);
        Engine = new WorkflowEngine(Time);
        State = ExecutionState.CreateNew(Guid.NewGuid(), "tenant", Plan.Definition.Id, 1,
            JsonSerializer.SerializeToElement(inputs ?? []), TaskPriority.Normal, "test", null, Time.GetUtcNow());
    }

    public ManualTimeProvider Time { get; } = new(Epoch);

    public WorkflowPlan Plan { get; }

    public WorkflowEngine Engine { get; }

    public ExecutionState State { get; private set; }

    /// <summary>The effects of the last transition.</summary>
    public TransitionEffects Effects { get; } = new();

    /// <summary>The latest committed row of every step instance, in the order they were first written.</summary>
    public IReadOnlyCollection<StepRunRecord> Rows => _rows.Values;

    /// <summary>Attempt history rows committed so far.</summary>
    public List<StepAttemptRecord> Attempts { get; } = [];

    public ExecutionRecord? Execution { get; private set; }

    public EngineHarness Start()
    {
        Effects.Clear();
        Engine.Start(State, Plan, Effects);
        return Commit();
    }

    /// <summary>Reports a successful attempt of <paramref name="stepKey"/> (its current attempt unless given).</summary>
    public EngineHarness Succeed(string stepKey, object? output = null, int? attempt = null)
    {
        Effects.Clear();
        var element = JsonSerializer.SerializeToElement(output ?? new { });
        Engine.StepSucceeded(State, Plan, stepKey, element, Info(stepKey, attempt), Effects);
        return Commit();
    }

    public EngineHarness Fail(string stepKey, string message = "boom", bool retryable = true, int? attempt = null)
    {
        Effects.Clear();
        Engine.StepFailed(State, Plan, stepKey, new StepFailure(message, retryable), Info(stepKey, attempt), Effects);
        return Commit();
    }

    public EngineHarness ChildCompleted(string stepKey, ExecutionOutcome outcome)
    {
        Effects.Clear();
        Engine.ChildCompleted(State, Plan, stepKey, outcome, Effects);
        return Commit();
    }

    public EngineHarness Cancel(string reason = "test")
    {
        Effects.Clear();
        Engine.Cancel(State, Plan, reason, Effects);
        return Commit();
    }

    /// <summary>Resumes the failed or cancelled execution from its stopped steps, replacing inputs by step key.</summary>
    public EngineHarness Resume(IReadOnlyDictionary<string, JsonElement>? inputs = null)
    {
        Effects.Clear();
        State = Engine.Resume(new ExecutionSnapshot(Execution!, _rows.Values.ToList()), Plan, inputs, Effects);
        return Commit();
    }

    /// <summary>Throws away the working copy and rebuilds it from the committed rows, as a new process would.</summary>
    public EngineHarness Reload()
    {
        var snapshot = new ExecutionSnapshot(Execution!, _rows.Values.ToList());
        State = ExecutionState.Load(snapshot, Plan);
        return this;
    }

    public StepRun Run(string stepKey) =>
        State.TryGetRun(stepKey, out var run) ? run : throw new KeyNotFoundException($"No step instance '{stepKey}'; have: {string.Join(", ", State.Runs.Select(r => r.Key))}");

    public StepRunStatus Status(string stepKey) => Run(stepKey).Status;

    /// <summary>Keys of the step instances a worker should be running now: queued plugin and delay steps.</summary>
    public IReadOnlyList<string> Queued() =>
        State.Runs.Where(r => r.Status == StepRunStatus.Queued).Select(r => r.Key).OrderBy(k => k, StringComparer.Ordinal).ToList();

    private AttemptInfo Info(string stepKey, int? attempt)
    {
        var now = Time.GetUtcNow();
        return new AttemptInfo(attempt ?? Run(stepKey).Attempt, "worker", now, now);
    }

    private EngineHarness Commit()
    {
        if (!State.HasChanges) return this;
        var change = State.TakeChange();
        Assert.Equal(Execution?.Revision, change.ExpectedRevision);
        Execution = change.Execution;
        foreach (var step in change.Steps) _rows[step.StepKey] = step;
        Attempts.AddRange(change.Attempts);
        State.AcceptChange();
        return this;
    }
}
