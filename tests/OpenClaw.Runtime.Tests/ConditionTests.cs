using System.Text.Json.Nodes;
using OpenClaw.Core.Storage;

namespace OpenClaw.Runtime.Tests;

public sealed class ConditionTests
{
    private const string Router = """
        id: router
        name: router
        inputs: [{ name: size, type: number, required: true }]
        steps:
          - id: route
            type: condition
            config:
              cases:
                - { when: "${{ inputs.size > 100 }}", next: [big] }
                - { when: "inputs.size > 10", next: [medium] }
              default: [small]
          - { id: big, type: plugin, config: { plugin: record, inputs: { name: big } }, next_steps: [big_tail] }
          - { id: big_tail, type: plugin, config: { plugin: record, inputs: { name: big_tail } }, next_steps: [report] }
          - { id: medium, type: plugin, config: { plugin: record, inputs: { name: medium } }, next_steps: [report] }
          - { id: small, type: plugin, config: { plugin: record, inputs: { name: small } }, next_steps: [report] }
          - { id: report, type: plugin, config: { plugin: record, inputs: { name: report } } }
        outputs:
          case: "${{ steps.route.output.matched_case }}"
        """;

    [Theory]
    [InlineData(500, "big", 0)]
    [InlineData(50, "medium", 1)]
    [InlineData(5, "small", -1)]
    public async Task First_true_case_wins_else_default_and_the_join_after_it_runs_once(int size, string chosen, int matchedCase)
    {
        var record = new RecordPlugin();
        await using var runtime = await RuntimeFixture.StartAsync([record]);
        await runtime.AddWorkflowAsync(Router);

        var run = await runtime.RunAsync("router", new JsonObject { ["size"] = size });

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        Assert.Equal(matchedCase, run.Execution.Outputs!.Value.GetProperty("case").GetInt32());
        var ran = chosen == "big" ? new[] { "big", "big_tail", "report" } : [chosen, "report"];
        Assert.Equal(ran, record.Order);
        foreach (var step in run.Steps.Where(s => s.StepType == "plugin"))
        {
            var expected = ran.Contains(step.StepKey) ? StepRunStatus.Succeeded : StepRunStatus.Skipped;
            Assert.True(expected == step.Status, $"{step.StepKey}: expected {expected}, was {step.Status}");
        }
        Assert.Single(run.Steps, s => s.StepKey == "report");
    }

    [Fact]
    public async Task Skip_propagates_through_a_chain_of_steps_on_the_branch_not_taken()
    {
        var record = new RecordPlugin();
        await using var runtime = await RuntimeFixture.StartAsync([record]);
        await runtime.AddWorkflowAsync(Router);

        var run = await runtime.RunAsync("router", new JsonObject { ["size"] = 1 });

        Assert.Equal(StepRunStatus.Skipped, run.Steps.Single(s => s.StepKey == "big").Status);
        Assert.Equal(StepRunStatus.Skipped, run.Steps.Single(s => s.StepKey == "big_tail").Status);
        Assert.DoesNotContain("big_tail", record.Order);
        Assert.DoesNotContain(run.Attempts, a => run.Steps.Single(s => s.Id == a.TaskId).Status == StepRunStatus.Skipped);
    }

    [Fact]
    public async Task Condition_that_cannot_be_evaluated_fails_the_execution_with_the_reason()
    {
        await using var runtime = await RuntimeFixture.StartAsync();
        await runtime.AddWorkflowAsync("""
            id: bad_condition
            name: bad_condition
            inputs: [{ name: n, type: number, required: true }]
            steps:
              - id: route
                type: condition
                config:
                  cases: [{ when: "10 / inputs.n > 1", next: [a] }]
                  default: [a]
              - { id: a, type: plugin, config: { plugin: noop } }
            """);

        var run = await runtime.RunAsync("bad_condition", new JsonObject { ["n"] = 0 });

        Assert.Equal(ExecutionStatus.Failed, run.Execution.Status);
        Assert.Contains("step 'route' failed", run.Execution.Error);
        Assert.Contains("division by zero", run.Execution.Error);
    }
}
