using System.Text.Json;
using OpenClaw.Core.Engine;
using OpenClaw.Core.Storage;

namespace OpenClaw.Core.Tests.Engine;

public sealed class CancelTransitionTests
{
    private const string Busy = """
        id: busy
        name: busy
        steps:
          - { id: working, type: plugin, config: { plugin: noop } }
          - { id: waiting, type: delay, config: { duration: 1h } }
          - { id: child, type: subworkflow, config: { workflow: other, inputs: { n: 1 } } }
        """;

    [Fact]
    public void Cancel_stops_every_unsettled_task_and_child_and_reports_the_outcome()
    {
        var h = new EngineHarness(Busy).Start();
        var childId = Assert.Single(h.Effects.StartChildren).ChildExecutionId;
        h.State.LeaseLocally(h.Run("working"), "node", h.Time.GetUtcNow().AddMinutes(1), h.Time.GetUtcNow());

        h.Cancel("user asked");

        Assert.Equal(ExecutionStatus.Cancelled, h.State.Status);
        Assert.Equal("user asked", h.State.Error);
        Assert.All(h.State.Runs, r => Assert.Equal(StepRunStatus.Cancelled, r.Status));
        Assert.Equal(new[] { h.Run("working").Id, h.Run("waiting").Id }.Order(), h.Effects.CancelTasks.Order());
        Assert.Equal([childId], h.Effects.CancelChildren);
        Assert.Equal(new ExecutionOutcome(ExecutionStatus.Cancelled, null, "user asked"), h.Effects.Completed);
        Assert.Null(h.Rows.Single(r => r.StepKey == "working").LeaseOwner);
    }

    [Fact]
    public void Cancelling_twice_changes_nothing_the_second_time()
    {
        var h = new EngineHarness(Busy).Start().Cancel();
        long revision = h.Execution!.Revision;

        h.Cancel();

        Assert.Null(h.Effects.Completed);
        Assert.Empty(h.Effects.CancelTasks);
        Assert.Equal(revision, h.Execution.Revision);
    }

    [Fact]
    public void Child_completion_after_the_parent_was_cancelled_is_ignored()
    {
        var h = new EngineHarness(Busy).Start().Cancel();

        h.Effects.Clear();
        h.Engine.ChildCompleted(h.State, h.Plan, "child", new ExecutionOutcome(ExecutionStatus.Succeeded, JsonDocument.Parse("{}").RootElement, null), h.Effects);

        Assert.False(h.State.HasChanges);
        Assert.Equal(StepRunStatus.Cancelled, h.Status("child"));
    }
}
