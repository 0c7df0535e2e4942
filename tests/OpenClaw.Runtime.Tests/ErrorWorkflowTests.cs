using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;

namespace OpenClaw.Runtime.Tests;

public sealed class ErrorWorkflowTests
{
    private const string Handler = """
        id: on-error
        name: on-error
        inputs: [{ name: failure, type: object, required: true }]
        steps:
          - id: report
            type: plugin
            config: { plugin: noop, inputs: { failed_execution: "${{ inputs.failure.execution_id }}", error: "${{ inputs.failure.error }}" } }
        outputs:
          reported: "${{ steps.report.output }}"
        """;

    private static async Task<ExecutionRecord> WaitForSingleRunAsync(RuntimeFixture runtime, string workflowId)
    {
        ExecutionRecord? found = null;
        await Wait.UntilAsync(async () =>
        {
            var page = await runtime.Queries.ListAsync(new ExecutionQuery("default", WorkflowId: workflowId));
            found = page.Items.SingleOrDefault(e => e.Status.IsTerminal());
            return found is not null;
        }, $"an execution of '{workflowId}' to finish");
        return found!;
    }

    [Fact]
    public async Task FailedExecution_StartsItsErrorWorkflow_WithTheFailure()
    {
        await using var runtime = await RuntimeFixture.StartAsync([new FlakyPlugin()]);
        await runtime.AddWorkflowAsync(Handler);
        await runtime.AddWorkflowAsync("""
            id: fragile
            name: fragile
            on_failure_workflow: on-error
            steps:
              - id: boom
                type: plugin
                config: { plugin: flaky, inputs: { fail_times: 5, retryable: false } }
            """);

        var failed = await runtime.RunAsync("fragile");
        var handler = await WaitForSingleRunAsync(runtime, "on-error");

        Assert.Equal(ExecutionStatus.Failed, failed.Execution.Status);
        Assert.Equal(ExecutionStatus.Succeeded, handler.Status);
        Assert.Equal(ExecutionCoordinator.ErrorWorkflowTrigger, handler.Trigger);
        var reported = handler.Outputs!.Value.GetProperty("reported");
        Assert.Equal(failed.Execution.Id.ToString(), reported.GetProperty("failed_execution").GetString());
        Assert.Contains("planned failure 1", reported.GetProperty("error").GetString());
    }

    [Fact]
    public async Task SucceededExecution_DoesNotStartItsErrorWorkflow()
    {
        await using var runtime = await RuntimeFixture.StartAsync();
        await runtime.AddWorkflowAsync(Handler);
        await runtime.AddWorkflowAsync("""
            id: sturdy
            name: sturdy
            on_failure_workflow: on-error
            steps:
              - { id: fine, type: plugin, config: { plugin: noop } }
            """);

        var run = await runtime.RunAsync("sturdy");

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        Assert.Empty((await runtime.Queries.ListAsync(new ExecutionQuery("default", WorkflowId: "on-error"))).Items);
    }

    [Fact]
    public async Task FailingErrorWorkflow_DoesNotStartAnother()
    {
        await using var runtime = await RuntimeFixture.StartAsync([new FlakyPlugin()]);
        await runtime.AddWorkflowAsync("""
            id: loops
            name: loops
            on_failure_workflow: loops
            steps:
              - id: boom
                type: plugin
                config: { plugin: flaky, inputs: { fail_times: 5, retryable: false } }
            """);

        var first = await runtime.RunAsync("loops");
        var all = await runtime.Queries.ListAsync(new ExecutionQuery("default", WorkflowId: "loops"));
        await Wait.UntilAsync(async () =>
        {
            all = await runtime.Queries.ListAsync(new ExecutionQuery("default", WorkflowId: "loops"));
            return all.Items.Count == 2 && all.Items.All(e => e.Status.IsTerminal());
        }, "the error-workflow run of 'loops' to finish");

        Assert.Equal(ExecutionStatus.Failed, first.Execution.Status);
        Assert.Single(all.Items, e => e.Trigger == ExecutionCoordinator.ErrorWorkflowTrigger);
        // A third run would appear within the commit after the second failed; the engine is idle once both settled.
        Assert.Equal(0, runtime.Coordinator.PendingEvents);
        Assert.Equal(2, (await runtime.Queries.ListAsync(new ExecutionQuery("default", WorkflowId: "loops"))).Items.Count);
    }

    [Fact]
    public async Task MissingErrorWorkflow_LeavesTheFailureAsIs()
    {
        await using var runtime = await RuntimeFixture.StartAsync([new FlakyPlugin()]);
        await runtime.AddWorkflowAsync("""
            id: orphan-handler
            name: orphan-handler
            on_failure_workflow: does-not-exist
            steps:
              - id: boom
                type: plugin
                config: { plugin: flaky, inputs: { fail_times: 5, retryable: false } }
            """);

        var run = await runtime.RunAsync("orphan-handler");

        Assert.Equal(ExecutionStatus.Failed, run.Execution.Status);
        Assert.Contains("planned failure 1", run.Execution.Error);
    }
}
