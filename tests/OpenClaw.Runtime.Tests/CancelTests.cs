using System.Text.Json;
using OpenClaw.Core.Engine;
using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Tests;

public sealed class CancelTests
{
    [Fact]
    public async Task Cancelling_an_execution_waiting_on_a_delay_drops_its_queued_step()
    {
        await using var runtime = await RuntimeFixture.StartAsync();
        await runtime.AddWorkflowAsync("""
            id: later
            name: later
            steps:
              - { id: wait, type: delay, config: { duration: 1h }, next_steps: [after] }
              - { id: after, type: plugin, config: { plugin: noop } }
            """);
        var id = await runtime.StartExecutionAsync("later");
        await runtime.WaitForStepAsync(id, "wait", s => s.Status == StepRunStatus.Queued);

        Assert.True(await runtime.Coordinator.CancelAsync(id, "no longer needed"));

        var run = await runtime.WaitAsync(id);
        Assert.Equal(ExecutionStatus.Cancelled, run.Execution.Status);
        Assert.Equal("no longer needed", run.Execution.Error);
        Assert.Equal(StepRunStatus.Cancelled, run.Steps.Single().Status);
        Assert.DoesNotContain(run.Steps, s => s.StepKey == "after");
    }

    [Fact]
    public async Task Cancelling_a_running_step_stops_the_plugin_and_ignores_any_late_result()
    {
        var gate = new GatePlugin();
        await using var runtime = await RuntimeFixture.StartAsync([gate]);
        await runtime.AddWorkflowAsync("""
            id: gated
            name: gated
            steps:
              - { id: wait, type: plugin, config: { plugin: gate }, next_steps: [after] }
              - { id: after, type: plugin, config: { plugin: noop } }
            """);
        var id = await runtime.StartExecutionAsync("gated");
        await Wait.ForAsync(gate.Entered.Task, "the gate to be entered");

        Assert.True(await runtime.Coordinator.CancelAsync(id));

        var run = await runtime.WaitAsync(id);
        Assert.Equal(ExecutionStatus.Cancelled, run.Execution.Status);
        var step = run.Steps.Single();
        Assert.Equal(StepRunStatus.Cancelled, step.Status);
        Assert.Null(step.LeaseOwner);
        await Wait.UntilAsync(() => Volatile.Read(ref gate.Cancelled) == 1, "the gate to see its cancellation");

        // A result that arrives anyway (a worker that finished just as the cancel committed) changes nothing.
        gate.Open();
        var now = DateTimeOffset.UtcNow;
        runtime.Coordinator.Report(new ClaimedTask(step, "elsewhere", now.AddMinutes(1)), JsonDocument.Parse("""{"opened":true}""").RootElement, null,
            new AttemptInfo(step.Attempt, "elsewhere", now, now));
        Assert.False(await runtime.Coordinator.CancelAsync(id));
        var after = await runtime.GetAsync(id);
        Assert.Equal(ExecutionStatus.Cancelled, after.Execution.Status);
        Assert.Equal(StepRunStatus.Cancelled, after.Steps.Single().Status);
        Assert.Empty(after.Attempts);
    }

    [Fact]
    public async Task Cancelling_a_retry_the_dispatcher_claimed_stops_it_too()
    {
        var hold = new HoldPlugin();

        // Lease renewal would notice the cancelled row eventually; the test is that cancel stops the task directly.
        await using var runtime = await RuntimeFixture.StartAsync([hold], o =>
        {
            o.LeaseDuration = TimeSpan.FromMinutes(10);
            o.LeaseRenewInterval = TimeSpan.FromMinutes(5);
        });
        await runtime.AddWorkflowAsync("""
            id: retried
            name: retried
            steps:
              - id: call
                type: plugin
                config: { plugin: hold, inputs: { fail_first: true } }
                retry: { max_retries: 1, backoff: fixed, base_delay: 20ms }
            """);
        var id = await runtime.StartExecutionAsync("retried");
        await hold.NextArrivalAsync();
        Assert.Equal(2, (await runtime.GetAsync(id)).Steps.Single().Attempt);

        Assert.True(await runtime.Coordinator.CancelAsync(id));

        await Wait.UntilAsync(() => hold.InFlight == 0, "the claimed retry to be stopped");
        Assert.Equal(ExecutionStatus.Cancelled, (await runtime.WaitAsync(id)).Execution.Status);
    }

    [Fact]
    public async Task Cancelling_a_finished_or_unknown_execution_returns_false()
    {
        await using var runtime = await RuntimeFixture.StartAsync();
        await runtime.AddWorkflowAsync("""
            id: quick
            name: quick
            steps:
              - { id: a, type: plugin, config: { plugin: noop } }
            """);
        var run = await runtime.RunAsync("quick");

        Assert.False(await runtime.Coordinator.CancelAsync(run.Execution.Id));
        Assert.False(await runtime.Coordinator.CancelAsync(Guid.NewGuid()));
        Assert.Equal(ExecutionStatus.Succeeded, (await runtime.GetAsync(run.Execution.Id)).Execution.Status);
    }
}
