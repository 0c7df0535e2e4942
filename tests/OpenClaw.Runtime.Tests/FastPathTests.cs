using System.Threading.Channels;
using OpenClaw.Core.Storage;
using OpenClaw.Runtime.Execution;

namespace OpenClaw.Runtime.Tests;

/// <summary>
/// With free workers the coordinator writes a due step already leased to this node and hands it to a worker, with no
/// claim round trip; the queue and the dispatcher carry only what cannot run now.
/// </summary>
public sealed class FastPathTests
{
    // The safety poll claims whatever is due whenever it fires; it must not race the fast path these tests watch.
    private static void NoSafetyPoll(RuntimeOptions o) => o.SafetyPollInterval = TimeSpan.FromHours(1);

    [Fact]
    public async Task With_free_workers_each_steps_first_committed_row_is_running()
    {
        await using var runtime = await RuntimeFixture.StartAsync(configure: NoSafetyPoll);
        await runtime.AddWorkflowAsync("""
            id: chain
            name: chain
            steps:
              - { id: a, type: plugin, config: { plugin: noop }, next_steps: [b, c] }
              - { id: b, type: plugin, config: { plugin: noop }, next_steps: [d] }
              - { id: c, type: plugin, config: { plugin: noop }, next_steps: [d] }
              - { id: d, type: plugin, config: { plugin: noop } }
            """);

        for (int round = 0; round < 3; round++)
        {
            var events = await RunWatchingAsync(runtime, "chain");

            var firstRows = events.GroupBy(e => e.StepKey).ToDictionary(g => g.Key, g => g.First());
            Assert.Equal(["a", "b", "c", "d"], firstRows.Keys.Order());
            Assert.All(firstRows.Values, row => Assert.True(row.Status == StepRunStatus.Running, $"round {round}: step '{row.StepKey}' was first written {row.Status.ToWire()}"));
            Assert.All(firstRows.Values, row => Assert.NotNull(row.LeaseOwner));
        }
    }

    [Fact]
    public async Task A_retry_due_later_goes_through_the_queue_and_watchers_see_its_claim()
    {
        await using var runtime = await RuntimeFixture.StartAsync([new FlakyPlugin()], NoSafetyPoll);
        await runtime.AddWorkflowAsync("""
            id: retried
            name: retried
            steps:
              - id: call
                type: plugin
                config: { plugin: flaky, inputs: { fail_times: 1 } }
                retry: { max_retries: 1, backoff: fixed, base_delay: 200ms }
            """);

        var events = await RunWatchingAsync(runtime, "retried");

        Assert.Equal(
            [(StepRunStatus.Running, 1), (StepRunStatus.Queued, 2), (StepRunStatus.Running, 2), (StepRunStatus.Succeeded, 2)],
            events.Select(e => (e.Status, e.Attempt)));
    }

    [Fact]
    public async Task Without_a_free_worker_the_step_is_queued_and_runs_when_one_frees_up()
    {
        var hold = new HoldPlugin();
        await using var runtime = await RuntimeFixture.StartAsync([hold], o => { o.WorkerConcurrency = 1; NoSafetyPoll(o); });
        await runtime.AddWorkflowAsync("""
            id: two
            name: two
            steps:
              - id: fan
                type: parallel
                config:
                  branches:
                    - { name: x, steps: [{ id: x1, type: plugin, config: { plugin: hold, inputs: { name: x } } }] }
                    - { name: y, steps: [{ id: y1, type: plugin, config: { plugin: hold, inputs: { name: y } } }] }
            """);
        var id = Guid.NewGuid();
        using var subscription = runtime.Events.Subscribe(id);
        await runtime.StartExecutionAsync("two", executionId: id);

        string first = await hold.NextArrivalAsync();
        hold.Release();
        string second = await hold.NextArrivalAsync();
        hold.Release();
        await runtime.WaitAsync(id);

        Assert.Equal(["x", "y"], new[] { first, second }.Order());
        var firstRows = (await Drain(subscription.Reader)).GroupBy(e => e.StepKey).ToDictionary(g => g.Key, g => g.First().Status);
        Assert.Equal(StepRunStatus.Running, firstRows[$"fan.{first}/{first}1"]);
        Assert.Equal(StepRunStatus.Queued, firstRows[$"fan.{second}/{second}1"]);
        Assert.Equal(1, hold.MaxInFlight);
    }

    /// <summary>Runs an execution and returns every step row committed for it, in commit order.</summary>
    private static async Task<List<StepRunRecord>> RunWatchingAsync(RuntimeFixture runtime, string workflowId)
    {
        var id = Guid.NewGuid();
        using var subscription = runtime.Events.Subscribe(id);
        await runtime.StartExecutionAsync(workflowId, executionId: id);
        var run = await runtime.WaitAsync(id);
        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        return await Drain(subscription.Reader);
    }

    /// <summary>The step rows published up to the execution's end.</summary>
    private static async Task<List<StepRunRecord>> Drain(ChannelReader<ExecutionEvent> reader)
    {
        var steps = new List<StepRunRecord>();
        using var deadline = new CancellationTokenSource(Wait.DefaultDeadline);
        await foreach (var @event in reader.ReadAllAsync(deadline.Token))
        {
            if (@event is StepChangedEvent changed) steps.Add(changed.Step);
            if (@event is ExecutionFinishedEvent) break;
        }
        return steps;
    }
}
