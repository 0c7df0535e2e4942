using System.Text.Json;
using System.Text.Json.Nodes;
using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Tests;

public sealed class ForEachLoopTests
{
    [Fact]
    public async Task Results_come_back_in_item_order_even_when_the_first_iteration_finishes_last()
    {
        var hold = new HoldPlugin();
        await using var runtime = await RuntimeFixture.StartAsync([hold]);
        await runtime.AddWorkflowAsync("""
            id: ordered
            name: ordered
            steps:
              - id: each
                type: loop
                config:
                  items: "${{ ['a', 'b', 'c'] }}"
                  concurrency: 3
                  steps:
                    - id: pick
                      type: condition
                      config:
                        cases: [{ when: "loop.index == 0", next: [slow] }]
                        default: [fast]
                    - { id: slow, type: plugin, config: { plugin: hold, inputs: { name: "${{ loop.item }}-${{ loop.index }}" } } }
                    - { id: fast, type: plugin, config: { plugin: noop, inputs: { name: "${{ loop.item }}-${{ loop.index }}" } } }
            outputs:
              results: "${{ steps.each.output.results }}"
              count: "${{ steps.each.output.count }}"
            """);
        var id = await runtime.StartExecutionAsync("ordered");
        Assert.Equal("a-0", await hold.NextArrivalAsync());
        await runtime.WaitForStepAsync(id, "each[1]/fast", s => s.Status == StepRunStatus.Succeeded);
        await runtime.WaitForStepAsync(id, "each[2]/fast", s => s.Status == StepRunStatus.Succeeded);

        hold.Release();
        var run = await runtime.WaitAsync(id);

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        var names = run.Execution.Outputs!.Value.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("name").GetString());
        Assert.Equal(["a-0", "b-1", "c-2"], names);
        Assert.Equal(3, run.Execution.Outputs!.Value.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Concurrency_limit_is_never_exceeded()
    {
        var hold = new HoldPlugin();
        await using var runtime = await RuntimeFixture.StartAsync([hold]);
        await runtime.AddWorkflowAsync("""
            id: limited
            name: limited
            steps:
              - id: each
                type: loop
                config:
                  items: "${{ [1, 2, 3, 4, 5, 6] }}"
                  concurrency: 2
                  steps:
                    - { id: work, type: plugin, config: { plugin: hold, inputs: { name: "${{ loop.item }}" } } }
            """);
        var id = await runtime.StartExecutionAsync("limited");

        var arrived = new List<string> { await hold.NextArrivalAsync(), await hold.NextArrivalAsync() };
        while (arrived.Count < 6)
        {
            Assert.Equal(2, hold.InFlight);
            hold.Release();
            arrived.Add(await hold.NextArrivalAsync());
        }
        hold.Release(2);
        var run = await runtime.WaitAsync(id);

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        Assert.Equal(2, hold.MaxInFlight);
        Assert.Equal(["1", "2", "3", "4", "5", "6"], arrived.Order());
    }

    [Fact]
    public async Task Empty_array_gives_empty_results_without_running_the_body()
    {
        var record = new RecordPlugin();
        await using var runtime = await RuntimeFixture.StartAsync([record]);
        await runtime.AddWorkflowAsync("""
            id: empty
            name: empty
            inputs: [{ name: items, type: array, required: true }]
            steps:
              - id: each
                type: loop
                config:
                  items: "${{ inputs.items }}"
                  steps:
                    - { id: work, type: plugin, config: { plugin: record } }
                next_steps: [after]
              - { id: after, type: plugin, config: { plugin: record, inputs: { name: after } } }
            outputs:
              results: "${{ steps.each.output.results }}"
            """);

        var run = await runtime.RunAsync("empty", new JsonObject { ["items"] = new JsonArray() });

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        Assert.Equal(JsonValueKind.Array, run.Execution.Outputs!.Value.GetProperty("results").ValueKind);
        Assert.Equal(0, run.Execution.Outputs!.Value.GetProperty("results").GetArrayLength());
        Assert.Equal(["after"], record.Order);
    }

    [Fact]
    public async Task Items_that_are_not_an_array_fail_the_step_with_a_clear_message()
    {
        await using var runtime = await RuntimeFixture.StartAsync();
        await runtime.AddWorkflowAsync("""
            id: not_array
            name: not_array
            inputs: [{ name: items, type: object, required: true }]
            steps:
              - id: each
                type: loop
                config:
                  items: "${{ inputs.items }}"
                  steps:
                    - { id: work, type: plugin, config: { plugin: noop } }
            """);

        var run = await runtime.RunAsync("not_array", new JsonObject { ["items"] = new JsonObject { ["a"] = 1 } });

        Assert.Equal(ExecutionStatus.Failed, run.Execution.Status);
        var loop = run.Steps.Single(s => s.StepKey == "each");
        Assert.Equal(StepRunStatus.Failed, loop.Status);
        Assert.Equal("loop: 'items' must be an array, got an object", loop.Error);
        Assert.Equal("step 'each' failed: loop: 'items' must be an array, got an object", run.Execution.Error);
    }

    [Fact]
    public async Task Failing_iteration_fails_the_loop_and_cancels_the_iterations_still_running()
    {
        var hold = new HoldPlugin();
        await using var runtime = await RuntimeFixture.StartAsync([hold, new FlakyPlugin()]);
        await runtime.AddWorkflowAsync("""
            id: one_fails
            name: one_fails
            steps:
              - id: each
                type: loop
                config:
                  items: "${{ [0, 1] }}"
                  concurrency: 2
                  steps:
                    - id: pick
                      type: condition
                      config:
                        cases: [{ when: "loop.item == 0", next: [slow] }]
                        default: [broken]
                    - { id: slow, type: plugin, config: { plugin: hold } }
                    - id: broken
                      type: plugin
                      config: { plugin: flaky, inputs: { fail_times: 5, retryable: false } }
            """);
        var id = await runtime.StartExecutionAsync("one_fails");
        await hold.NextArrivalAsync();

        var run = await runtime.WaitAsync(id);

        Assert.Equal(ExecutionStatus.Failed, run.Execution.Status);
        Assert.Equal("step 'each' failed: iteration 1: step 'each[1]/broken' failed: planned failure 1", run.Execution.Error);
        Assert.Equal(StepRunStatus.Cancelled, run.Steps.Single(s => s.StepKey == "each[0]/slow").Status);
        await Wait.UntilAsync(() => hold.InFlight == 0, "the held iteration to be stopped");
    }

    [Fact]
    public async Task On_failure_of_a_loop_runs_when_an_iteration_fails()
    {
        await using var runtime = await RuntimeFixture.StartAsync([new FlakyPlugin()]);
        await runtime.AddWorkflowAsync("""
            id: loop_rescue
            name: loop_rescue
            steps:
              - id: each
                type: loop
                config:
                  items: "${{ [1, 2] }}"
                  steps:
                    - id: work
                      type: plugin
                      config: { plugin: flaky, inputs: { fail_times: "${{ loop.item - 1 }}" } }
                      retry: { max_retries: 0 }
                next_steps: [fine]
                on_failure: rescue
              - { id: fine, type: plugin, config: { plugin: noop } }
              - { id: rescue, type: plugin, config: { plugin: noop, inputs: { why: "${{ steps.each.error }}" } } }
            outputs:
              why: "${{ steps.rescue.output.why }}"
            """);

        var run = await runtime.RunAsync("loop_rescue");

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        Assert.Equal("iteration 1: step 'each[1]/work' failed: planned failure 1", run.Execution.Outputs!.Value.GetProperty("why").GetString());
        Assert.Equal(StepRunStatus.Skipped, run.Steps.Single(s => s.StepKey == "fine").Status);
        Assert.Equal(StepRunStatus.Succeeded, run.Steps.Single(s => s.StepKey == "each[0]/work").Status);
    }

    [Fact]
    public async Task Nested_loop_sees_its_own_item_and_index_and_results_nest()
    {
        await using var runtime = await RuntimeFixture.StartAsync();
        await runtime.AddWorkflowAsync("""
            id: nested
            name: nested
            steps:
              - id: rows
                type: loop
                config:
                  items: "${{ [['a', 'b'], ['c']] }}"
                  concurrency: 2
                  steps:
                    - id: row_label
                      type: plugin
                      config: { plugin: noop, inputs: { row: "${{ loop.index }}" } }
                      next_steps: [cells]
                    - id: cells
                      type: loop
                      config:
                        items: "${{ loop.item }}"
                        concurrency: 2
                        steps:
                          - id: cell
                            type: plugin
                            config:
                              plugin: noop
                              inputs: { label: "${{ steps.row_label.output.row }}:${{ loop.index }}=${{ loop.item }}" }
                        output: "${{ steps.cell.output.label }}"
                  output: "${{ steps.cells.output.results }}"
            outputs:
              grid: "${{ steps.rows.output.results }}"
            """);

        var run = await runtime.RunAsync("nested");

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        Assert.Equal("""[["0:0=a","0:1=b"],["1:0=c"]]""", run.Execution.Outputs!.Value.GetProperty("grid").GetRawText());
        Assert.Contains(run.Steps, s => s.StepKey == "rows[1]/cells[0]/cell");
    }

    [Fact]
    public async Task Steps_inside_an_iteration_refer_to_that_iterations_instances()
    {
        await using var runtime = await RuntimeFixture.StartAsync();
        await runtime.AddWorkflowAsync("""
            id: scoped
            name: scoped
            steps:
              - id: each
                type: loop
                config:
                  items: "${{ [10, 20, 30] }}"
                  concurrency: 3
                  steps:
                    - { id: first, type: plugin, config: { plugin: noop, inputs: { doubled: "${{ loop.item * 2 }}" } }, next_steps: [second] }
                    - { id: second, type: plugin, config: { plugin: noop, inputs: { seen: "${{ steps.first.output.doubled }}", item: "${{ loop.item }}" } } }
            outputs:
              results: "${{ steps.each.output.results }}"
            """);

        var run = await runtime.RunAsync("scoped");

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        var results = run.Execution.Outputs!.Value.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([20, 40, 60], results.Select(r => r.GetProperty("seen").GetInt32()));
        Assert.Equal([10, 20, 30], results.Select(r => r.GetProperty("item").GetInt32()));
    }
}
