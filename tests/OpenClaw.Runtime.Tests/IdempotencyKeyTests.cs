using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Tests;

/// <summary>Plugins get one key per step instance: the same on every attempt, different for every iteration and execution.</summary>
public sealed class IdempotencyKeyTests
{
    [Fact]
    public async Task Key_is_the_same_on_every_attempt_of_a_step()
    {
        var flaky = new FlakyPlugin();
        await using var runtime = await RuntimeFixture.StartAsync([flaky]);
        await runtime.AddWorkflowAsync("""
            id: retried
            name: retried
            steps:
              - id: call
                type: plugin
                config: { plugin: flaky, inputs: { fail_times: 2 } }
                retry: { max_retries: 2, backoff: fixed, base_delay: 10ms }
            """);

        var run = await runtime.RunAsync("retried");

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        var (key, calls) = Assert.Single(flaky.Calls);
        Assert.Equal(3, calls);
        Assert.Equal(run.Steps.Single().IdempotencyKey, key);
    }

    [Fact]
    public async Task Key_differs_between_loop_iterations_and_between_executions()
    {
        var record = new RecordPlugin();
        await using var runtime = await RuntimeFixture.StartAsync([record]);
        await runtime.AddWorkflowAsync("""
            id: each
            name: each
            steps:
              - id: each
                type: loop
                config:
                  items: "${{ [1, 2, 3] }}"
                  concurrency: 3
                  steps:
                    - { id: work, type: plugin, config: { plugin: record, inputs: { item: "${{ loop.item }}" } } }
            """);

        var first = await runtime.RunAsync("each");
        var second = await runtime.RunAsync("each");

        Assert.Equal(6, record.Keys.Count);
        Assert.All(record.Keys.Values, n => Assert.Equal(1, n));
        var stored = first.Steps.Concat(second.Steps).Where(s => s.StepId == "work").Select(s => s.IdempotencyKey).ToHashSet();
        Assert.Equal(stored, record.Keys.Keys.ToHashSet());
    }
}
