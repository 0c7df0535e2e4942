using OpenClaw.Core.Storage;
using OpenClaw.Storage.Sqlite;

namespace OpenClaw.Runtime.Tests;

/// <summary>Starting on a database a dead process left behind: whatever it held runs again, at once.</summary>
public sealed class RecoveryTests
{
    [Fact]
    public async Task Steps_a_dead_process_held_are_due_again_as_soon_as_the_next_one_starts()
    {
        var first = await RuntimeFixture.StartAsync();
        await first.AddWorkflowAsync("""
            id: held
            name: held
            steps:
              - { id: wait, type: delay, config: { duration: 1h }, next_steps: [after] }
              - { id: after, type: plugin, config: { plugin: noop } }
            """);
        var id = await first.StartExecutionAsync("held");
        await first.WaitForStepAsync(id, "wait", s => s.Status == StepRunStatus.Queued);
        await first.StopAsync();

        // A process that claimed the step under a long lease and died without handing it back.
        var now = DateTimeOffset.UtcNow;
        await using (var database = await SqliteDatabase.OpenAsync(new SqliteStorageOptions { DataSource = Path.Combine(first.Directory, "openclaw.db") }))
        {
            var claimed = await new SqliteExecutionStore(database).ClaimAsync("dead-node", 1, now.AddHours(2), TimeSpan.FromHours(1));
            Assert.Equal("wait", Assert.Single(claimed).Step.StepKey);
        }

        await using var second = await RuntimeFixture.StartAsync(dataDirectory: first.Directory);
        var run = await second.WaitAsync(id, TimeSpan.FromSeconds(15));

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        Assert.Equal(StepRunStatus.Succeeded, run.Steps.Single(s => s.StepKey == "after").Status);
    }
}
