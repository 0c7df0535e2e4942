using System.Text.Json;
using OpenClaw.Core.Engine;
using OpenClaw.Core.Storage;

namespace OpenClaw.Core.Tests.Engine;

/// <summary>
/// A working copy rebuilt from its committed rows has the same scope progress as the one that wrote them, and the
/// execution carries on from there as if nothing happened.
/// </summary>
public sealed class ExecutionStateLoadTests
{
    [Fact]
    public void Loop_half_way_through_reloads_with_the_same_progress_and_finishes_in_order()
    {
        var h = new EngineHarness("""
            id: each
            name: each
            steps:
              - id: each
                type: loop
                config:
                  items: "${{ ['a', 'b', 'c', 'd'] }}"
                  concurrency: 2
                  steps:
                    - id: work
                      type: plugin
                      config: { plugin: noop, inputs: { item: "${{ loop.item }}" } }
                      next_steps: [tail]
                    - { id: tail, type: plugin, config: { plugin: noop, inputs: { i: "${{ loop.index }}" } } }
            outputs:
              results: "${{ steps.each.output.results }}"
            """).Start();
        h.Succeed("each[0]/work").Succeed("each[0]/tail", new { n = 0 }).Succeed("each[1]/work");
        Assert.Equal(["each[1]/tail", "each[2]/work"], h.Queued());

        AssertSameProgressAfterReload(h);

        h.Succeed("each[2]/work").Succeed("each[1]/tail", new { n = 1 });
        Assert.Equal(["each[2]/tail", "each[3]/work"], h.Queued());
        h.Reload();
        h.Succeed("each[3]/work").Succeed("each[3]/tail", new { n = 3 }).Succeed("each[2]/tail", new { n = 2 });

        Assert.Equal(ExecutionStatus.Succeeded, h.State.Status);
        var results = h.State.Outputs!.Value.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("n").GetInt32());
        Assert.Equal([0, 1, 2, 3], results);
    }

    [Fact]
    public void Parallel_with_a_failed_branch_reloads_and_fails_once_the_other_branch_finishes()
    {
        var h = new EngineHarness("""
            id: fan
            name: fan
            steps:
              - id: fan
                type: parallel
                config:
                  mode: wait_all
                  branches:
                    - name: a
                      steps: [{ id: x, type: plugin, config: { plugin: noop }, retry: { max_retries: 0 } }]
                    - name: b
                      steps: [{ id: y, type: plugin, config: { plugin: noop } }]
            """).Start();
        h.Fail("fan.a/x", "x broke");
        Assert.Equal(StepRunStatus.Waiting, h.Status("fan"));

        AssertSameProgressAfterReload(h);

        h.Succeed("fan.b/y");
        Assert.Equal(ExecutionStatus.Failed, h.State.Status);
        Assert.Equal("step 'fan' failed: branch 'a': step 'fan.a/x' failed: x broke", h.State.Error);
    }

    [Fact]
    public void Nested_loops_and_a_handled_failure_reload_with_the_same_progress()
    {
        var h = new EngineHarness("""
            id: nested
            name: nested
            steps:
              - id: outer
                type: loop
                config:
                  items: "${{ [[1, 2], [3]] }}"
                  steps:
                    - id: inner
                      type: loop
                      config:
                        items: "${{ loop.item }}"
                        steps:
                          - id: leaf
                            type: plugin
                            config: { plugin: noop }
                            retry: { max_retries: 0 }
                            on_failure: rescue
                          - { id: rescue, type: plugin, config: { plugin: noop } }
            """).Start();
        h.Fail("outer[0]/inner[0]/leaf");
        Assert.Equal(["outer[0]/inner[0]/rescue"], h.Queued());

        AssertSameProgressAfterReload(h);

        h.Succeed("outer[0]/inner[0]/rescue");
        AssertSameProgressAfterReload(h);
        h.Succeed("outer[0]/inner[1]/leaf");
        AssertSameProgressAfterReload(h);
        h.Succeed("outer[1]/inner[0]/leaf");

        Assert.Equal(ExecutionStatus.Succeeded, h.State.Status);
        Assert.Equal(2, h.Run("outer").Output!.Value.GetProperty("count").GetInt32());
    }

    [Fact]
    public void While_loop_reloads_between_iterations_and_keeps_counting()
    {
        var h = new EngineHarness("""
            id: counting
            name: counting
            vars: { n: 0 }
            steps:
              - id: again
                type: loop
                config:
                  while: "vars.n < 3"
                  steps:
                    - id: bump
                      type: plugin
                      config: { plugin: noop }
                      set: { n: "${{ vars.n + 1 }}" }
            outputs:
              n: "${{ vars.n }}"
            """).Start();
        h.Succeed("again[0]/bump");

        AssertSameProgressAfterReload(h);

        h.Succeed("again[1]/bump");
        h.Reload();
        h.Succeed("again[2]/bump");

        Assert.Equal(ExecutionStatus.Succeeded, h.State.Status);
        Assert.Equal(3, h.State.Outputs!.Value.GetProperty("n").GetInt32());
        Assert.Equal(3, h.Run("again").Output!.Value.GetProperty("count").GetInt32());
    }

    [Fact]
    public void Reloaded_state_keeps_the_execution_row_and_vars()
    {
        var h = new EngineHarness("""
            id: row
            name: row
            vars: { greeting: "${{ 'hi ' + inputs.who }}" }
            inputs: [{ name: who, type: string }]
            steps:
              - { id: a, type: plugin, config: { plugin: noop } }
            """, new() { ["who"] = "ann" }).Start();
        var before = h.State.ToRecord();

        h.Reload();

        var after = h.State.ToRecord();
        Assert.Equal(before.Id, after.Id);
        Assert.Equal(before.Status, after.Status);
        Assert.Equal(before.Revision, after.Revision);
        Assert.Equal(before.StartedAt, after.StartedAt);
        Assert.Equal("hi ann", h.State.Vars["greeting"]!.GetValue<string>());
        Assert.Equal(JsonSerializer.Serialize(before.Inputs), JsonSerializer.Serialize(after.Inputs));
        Assert.False(h.State.HasChanges);
    }

    private static void AssertSameProgressAfterReload(EngineHarness h)
    {
        var live = Progress(h.State);
        h.Reload();
        Assert.Equal(live, Progress(h.State));
    }

    /// <summary>What the engine relies on to continue: open scopes' settled counts, closure and failure, and live containers' counters.</summary>
    private static List<string> Progress(ExecutionState state)
    {
        var lines = new List<string>();
        foreach (var scope in state.Scopes.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            string settled = scope.Closed ? "" : $" settled={scope.Settled}";
            lines.Add($"scope '{scope.Key}' closed={scope.Closed} failed={scope.Failed} message={scope.FailureMessage}{settled}");
        }
        foreach (var run in state.Runs.Where(r => r.Status == StepRunStatus.Waiting).OrderBy(r => r.Key, StringComparer.Ordinal))
            lines.Add($"container '{run.Key}' opened={run.ChildScopesOpened} closed={run.ChildScopesClosed} failed={run.ChildScopesFailed}");
        return lines;
    }
}
