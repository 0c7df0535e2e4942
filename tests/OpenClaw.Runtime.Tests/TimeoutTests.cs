using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Workers;
using Microsoft.Extensions.DependencyInjection;

namespace OpenClaw.Runtime.Tests;

public sealed class TimeoutTests
{
    [Fact]
    public async Task Attempt_that_exceeds_its_timeout_fails_and_is_retried_per_policy()
    {
        var gate = new GatePlugin();
        await using var runtime = await RuntimeFixture.StartAsync([gate]);
        await runtime.AddWorkflowAsync("""
            id: slow
            name: slow
            steps:
              - id: wait
                type: plugin
                config: { plugin: gate }
                timeout: 200ms
                retry: { max_retries: 1, backoff: fixed, base_delay: 10ms }
            """);

        var run = await runtime.RunAsync("slow");

        Assert.Equal(ExecutionStatus.Failed, run.Execution.Status);
        Assert.Equal("step 'wait' failed: timed out after 200ms (after 2 attempts)", run.Execution.Error);
        var attempts = run.Attempts.OrderBy(a => a.Attempt).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a => Assert.Equal("timed out after 200ms", a.Error));
        Assert.All(attempts, a => Assert.True(a.FinishedAt - a.StartedAt >= TimeSpan.FromMilliseconds(198), $"attempt {a.Attempt} gave up after {(a.FinishedAt - a.StartedAt).TotalMilliseconds} ms"));
        Assert.Equal(2, Volatile.Read(ref gate.Cancelled));
    }

    [Fact]
    public async Task Plugin_that_ignores_cancellation_still_times_out_and_frees_its_worker()
    {
        var stubborn = new StubbornPlugin();
        await using var runtime = await RuntimeFixture.StartAsync([stubborn], o => o.WorkerConcurrency = 1);
        await runtime.AddWorkflowAsync("""
            id: hangs
            name: hangs
            steps:
              - id: hang
                type: plugin
                config: { plugin: stubborn }
                timeout: 200ms
                retry: { max_retries: 0 }
                on_failure: after
              - { id: after, type: plugin, config: { plugin: noop } }
            """);

        var run = await runtime.RunAsync("hangs");

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        Assert.Equal("timed out after 200ms", run.Steps.Single(s => s.StepKey == "hang").Error);
        Assert.Equal(StepRunStatus.Succeeded, run.Steps.Single(s => s.StepKey == "after").Status);
        var pool = runtime.Services.GetRequiredService<WorkerPool>();
        await Wait.UntilAsync(() => pool.Busy == 0, "the only worker to be free again");
    }
}
