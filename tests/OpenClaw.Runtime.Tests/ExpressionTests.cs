using System.Text.Json.Nodes;
using OpenClaw.Core.Definitions;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;

namespace OpenClaw.Runtime.Tests;

/// <summary>Variables, outputs and inputs as the runtime evaluates them, and what happens when they fail.</summary>
public sealed class ExpressionTests
{
    [Fact]
    public async Task Set_assigns_vars_from_the_output_all_at_once()
    {
        await using var runtime = await RuntimeFixture.StartAsync();
        await runtime.AddWorkflowAsync("""
            id: setter
            name: setter
            vars: { a: 1, b: 10 }
            steps:
              - id: compute
                type: plugin
                config: { plugin: noop, inputs: { n: 5 } }
                set:
                  a: "${{ output.n + vars.b }}"
                  b: "${{ vars.a }}"
                next_steps: [show]
              - { id: show, type: plugin, config: { plugin: noop, inputs: { a: "${{ vars.a }}" } } }
            outputs:
              a: "${{ vars.a }}"
              b: "${{ vars.b }}"
              seen: "${{ steps.show.output.a }}"
            """);

        var run = await runtime.RunAsync("setter");

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        var outputs = run.Execution.Outputs!.Value;
        Assert.Equal(15, outputs.GetProperty("a").GetInt32());
        Assert.Equal(1, outputs.GetProperty("b").GetInt32());
        Assert.Equal(15, outputs.GetProperty("seen").GetInt32());
        Assert.Equal(15, run.Execution.Vars.GetProperty("a").GetInt32());
    }

    [Fact]
    public async Task Output_that_cannot_be_evaluated_fails_the_execution_with_the_reason()
    {
        await using var runtime = await RuntimeFixture.StartAsync();
        await runtime.AddWorkflowAsync("""
            id: bad_outputs
            name: bad_outputs
            inputs: [{ name: n, type: number, required: true }]
            steps:
              - { id: a, type: plugin, config: { plugin: noop } }
            outputs:
              ratio: "${{ 10 / inputs.n }}"
            """);

        var run = await runtime.RunAsync("bad_outputs", new JsonObject { ["n"] = 0 });

        Assert.Equal(ExecutionStatus.Failed, run.Execution.Status);
        Assert.StartsWith("outputs: ", run.Execution.Error);
        Assert.Contains("division by zero", run.Execution.Error);
        Assert.Equal(StepRunStatus.Succeeded, run.Steps.Single().Status);
    }

    [Fact]
    public async Task Set_that_cannot_be_evaluated_fails_the_step()
    {
        await using var runtime = await RuntimeFixture.StartAsync();
        await runtime.AddWorkflowAsync("""
            id: bad_set
            name: bad_set
            steps:
              - id: a
                type: plugin
                config: { plugin: noop, inputs: { zero: 0 } }
                set: { ratio: "${{ 1 / output.zero }}" }
            """);

        var run = await runtime.RunAsync("bad_set");

        Assert.Equal(ExecutionStatus.Failed, run.Execution.Status);
        var step = run.Steps.Single();
        Assert.Equal(StepRunStatus.Failed, step.Status);
        Assert.StartsWith("set: ", step.Error);
        Assert.Contains("division by zero", step.Error);
    }

    [Fact]
    public async Task Step_inputs_that_cannot_be_evaluated_fail_the_step_before_any_worker_runs_it()
    {
        var record = new RecordPlugin();
        await using var runtime = await RuntimeFixture.StartAsync([record]);
        await runtime.AddWorkflowAsync("""
            id: bad_inputs
            name: bad_inputs
            inputs: [{ name: n, type: number, required: true }]
            steps:
              - { id: a, type: plugin, config: { plugin: record, inputs: { x: "${{ 1 / inputs.n }}" } } }
            """);

        var run = await runtime.RunAsync("bad_inputs", new JsonObject { ["n"] = 0 });

        Assert.Equal(ExecutionStatus.Failed, run.Execution.Status);
        Assert.Contains("division by zero", run.Steps.Single().Error);
        Assert.Empty(record.Order);
        Assert.Empty(run.Attempts);
    }

    [Fact]
    public async Task Vars_that_cannot_be_evaluated_fail_the_execution_at_start()
    {
        await using var runtime = await RuntimeFixture.StartAsync();
        await runtime.AddWorkflowAsync("""
            id: bad_vars
            name: bad_vars
            inputs: [{ name: n, type: number, required: true }]
            vars: { ratio: "${{ 1 / inputs.n }}" }
            steps:
              - { id: a, type: plugin, config: { plugin: noop } }
            """);

        var run = await runtime.RunAsync("bad_vars", new JsonObject { ["n"] = 0 });

        Assert.Equal(ExecutionStatus.Failed, run.Execution.Status);
        Assert.StartsWith("vars: ", run.Execution.Error);
        Assert.Empty(run.Steps);
    }

    [Fact]
    public async Task Inputs_that_do_not_bind_are_rejected_before_anything_is_stored()
    {
        await using var runtime = await RuntimeFixture.StartAsync();
        await runtime.AddWorkflowAsync("""
            id: typed
            name: typed
            inputs:
              - { name: count, type: number, required: true }
              - { name: label, type: string }
            steps:
              - { id: a, type: plugin, config: { plugin: noop } }
            """);
        var id = Guid.NewGuid();

        var error = await Assert.ThrowsAsync<InputValidationException>(() =>
            runtime.StartExecutionAsync("typed", new JsonObject { ["label"] = 5, ["colour"] = "red" }, id));

        Assert.Equal(["$.inputs.count", "$.inputs.label", "$.inputs.colour"], error.Errors.Select(e => e.Path));
        Assert.Equal([DefinitionErrorCodes.MissingInput, DefinitionErrorCodes.TypeMismatch, DefinitionErrorCodes.UnknownInput], error.Errors.Select(e => e.Code));
        Assert.Null(await runtime.Queries.GetAsync("default", id));
    }

    [Fact]
    public async Task Starting_an_unknown_workflow_throws_workflow_not_found()
    {
        await using var runtime = await RuntimeFixture.StartAsync();

        var error = await Assert.ThrowsAsync<WorkflowNotFoundException>(() => runtime.StartExecutionAsync("nope"));

        Assert.Equal("nope", error.WorkflowId);
    }
}
