using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Tests;

public sealed class RetryTests
{
    private static string Flaky(int failTimes, int maxRetries, bool retryable = true, bool rescue = false)
    {
        string yaml = $$"""
            id: flaky_flow
            name: flaky_flow
            steps:
              - id: call
                type: plugin
                config: { plugin: flaky, inputs: { fail_times: {{failTimes}}, retryable: {{(retryable ? "true" : "false")}} } }
                retry: { max_retries: {{maxRetries}}, backoff: fixed, base_delay: 10ms }

            """;
        return rescue
            ? yaml + """
                    on_failure: rescue
                  - { id: rescue, type: plugin, config: { plugin: noop, inputs: { why: "${{ steps.call.error }}" } } }
                outputs:
                  why: "${{ steps.rescue.output.why }}"
                  calls: "${{ steps.call.output.calls }}"
                """
            : yaml + """
                outputs:
                  calls: "${{ steps.call.output.calls }}"
                """;
    }

    [Fact]
    public async Task Flaky_step_succeeds_on_its_third_attempt_with_three_attempt_records()
    {
        var flaky = new FlakyPlugin();
        await using var runtime = await RuntimeFixture.StartAsync([flaky]);
        await runtime.AddWorkflowAsync(Flaky(failTimes: 2, maxRetries: 2, rescue: true));

        var run = await runtime.RunAsync("flaky_flow");

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        Assert.Equal(3, run.Execution.Outputs!.Value.GetProperty("calls").GetInt32());
        var call = run.Steps.Single(s => s.StepKey == "call");
        Assert.Equal(3, call.Attempt);
        var attempts = run.Attempts.Where(a => a.TaskId == call.Id).OrderBy(a => a.Attempt).ToList();
        Assert.Equal([1, 2, 3], attempts.Select(a => a.Attempt));
        Assert.Equal([StepRunStatus.Failed, StepRunStatus.Failed, StepRunStatus.Succeeded], attempts.Select(a => a.Status));
        Assert.Equal(["planned failure 1", "planned failure 2", null], attempts.Select(a => a.Error));
        Assert.Equal(StepRunStatus.Skipped, run.Steps.Single(s => s.StepKey == "rescue").Status);
    }

    [Fact]
    public async Task Non_retryable_plugin_exception_skips_the_retries()
    {
        var flaky = new FlakyPlugin();
        await using var runtime = await RuntimeFixture.StartAsync([flaky]);
        await runtime.AddWorkflowAsync(Flaky(failTimes: 1, maxRetries: 5, retryable: false));

        var run = await runtime.RunAsync("flaky_flow");

        Assert.Equal(ExecutionStatus.Failed, run.Execution.Status);
        Assert.Equal("step 'call' failed: planned failure 1", run.Execution.Error);
        Assert.Single(run.Attempts);
        Assert.Equal(1, flaky.Calls.Values.Single());
    }

    [Fact]
    public async Task Exhausted_retries_run_on_failure_and_the_execution_succeeds()
    {
        await using var runtime = await RuntimeFixture.StartAsync([new FlakyPlugin()]);
        await runtime.AddWorkflowAsync(Flaky(failTimes: 9, maxRetries: 2, rescue: true));

        var run = await runtime.RunAsync("flaky_flow");

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        Assert.Equal("planned failure 3 (after 3 attempts)", run.Execution.Outputs!.Value.GetProperty("why").GetString());
        Assert.Equal(StepRunStatus.Failed, run.Steps.Single(s => s.StepKey == "call").Status);
        Assert.Equal(StepRunStatus.Succeeded, run.Steps.Single(s => s.StepKey == "rescue").Status);
        Assert.Equal(3, run.Attempts.Count(a => a.TaskId == run.Steps.Single(s => s.StepKey == "call").Id));
    }

    [Fact]
    public async Task Exhausted_retries_without_on_failure_fail_the_execution_with_the_error()
    {
        await using var runtime = await RuntimeFixture.StartAsync([new FlakyPlugin()]);
        await runtime.AddWorkflowAsync(Flaky(failTimes: 9, maxRetries: 2));

        var run = await runtime.RunAsync("flaky_flow");

        Assert.Equal(ExecutionStatus.Failed, run.Execution.Status);
        Assert.Equal("step 'call' failed: planned failure 3 (after 3 attempts)", run.Execution.Error);
        Assert.Null(run.Execution.Outputs);
    }
}
