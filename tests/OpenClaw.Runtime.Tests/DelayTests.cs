using System.Globalization;
using System.Text.Json.Nodes;
using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Tests;

public sealed class DelayTests
{
    private const string Pause = """
        id: pause
        name: pause
        inputs: [{ name: wait, type: string, required: true }]
        steps:
          - { id: wait, type: delay, config: { duration: "${{ inputs.wait }}" }, next_steps: [after] }
          - { id: after, type: plugin, config: { plugin: noop } }
        """;

    [Fact]
    public async Task Duration_delay_queues_the_step_until_due_and_then_continues()
    {
        await using var runtime = await RuntimeFixture.StartAsync();
        await runtime.AddWorkflowAsync(Pause);

        var run = await runtime.RunAsync("pause", new JsonObject { ["wait"] = "300ms" });

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        var delay = run.Steps.Single(s => s.StepKey == "wait");
        Assert.True(delay.RunAt - delay.CreatedAt >= TimeSpan.FromMilliseconds(299), $"run_at {delay.RunAt:O} is not 300 ms after {delay.CreatedAt:O}");
        var after = run.Steps.Single(s => s.StepKey == "after");
        Assert.True(after.CreatedAt >= delay.RunAt, "the next step started before the delay was due");
        Assert.True(run.Execution.CompletedAt - run.Execution.StartedAt >= TimeSpan.FromMilliseconds(299));
    }

    [Fact]
    public async Task Until_delay_waits_for_the_timestamp()
    {
        await using var runtime = await RuntimeFixture.StartAsync();
        await runtime.AddWorkflowAsync("""
            id: until
            name: until
            inputs: [{ name: at, type: string, required: true }]
            steps:
              - { id: wait, type: delay, config: { until: "${{ inputs.at }}" }, next_steps: [after] }
              - { id: after, type: plugin, config: { plugin: noop } }
            """);
        var at = DateTimeOffset.UtcNow.AddMilliseconds(300);

        var run = await runtime.RunAsync("until", new JsonObject { ["at"] = at.ToString("O", CultureInfo.InvariantCulture) });

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        var delay = run.Steps.Single(s => s.StepKey == "wait");
        Assert.True(Math.Abs((delay.RunAt - at).TotalMilliseconds) < 1.5, $"run_at {delay.RunAt:O}, expected {at:O}");
        Assert.True(run.Steps.Single(s => s.StepKey == "after").CreatedAt >= delay.RunAt);
    }

    [Fact]
    public async Task Until_that_is_not_a_timestamp_fails_the_step()
    {
        await using var runtime = await RuntimeFixture.StartAsync();
        await runtime.AddWorkflowAsync("""
            id: bad_until
            name: bad_until
            inputs: [{ name: at, type: string, required: true }]
            steps:
              - { id: wait, type: delay, config: { until: "${{ inputs.at }}" } }
            """);

        var run = await runtime.RunAsync("bad_until", new JsonObject { ["at"] = "tomorrow-ish" });

        Assert.Equal(ExecutionStatus.Failed, run.Execution.Status);
        Assert.Equal("delay: 'until' is not a timestamp: 'tomorrow-ish'", run.Steps.Single().Error);
    }

    [Fact]
    public async Task Delay_survives_a_restart_and_completes_after_its_due_time()
    {
        var first = await RuntimeFixture.StartAsync();
        await first.AddWorkflowAsync(Pause);
        var id = await first.StartExecutionAsync("pause", new JsonObject { ["wait"] = "700ms" });
        var queued = await first.WaitForStepAsync(id, "wait", s => s.Status == StepRunStatus.Queued);
        await first.StopAsync();

        await using var second = await RuntimeFixture.StartAsync(dataDirectory: first.Directory);
        var run = await second.WaitAsync(id);

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        var fired = run.Steps.Single(s => s.StepKey == "wait");
        Assert.Equal(StepRunStatus.Succeeded, fired.Status);
        Assert.True(fired.CompletedAt >= queued.RunAt, $"fired at {fired.CompletedAt:O}, due {queued.RunAt:O}");
        Assert.Equal(StepRunStatus.Succeeded, run.Steps.Single(s => s.StepKey == "after").Status);
    }
}
