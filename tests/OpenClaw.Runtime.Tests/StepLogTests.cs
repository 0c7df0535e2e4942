using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenClaw.Core.Storage;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Runtime.Workers;

namespace OpenClaw.Runtime.Tests;

public sealed class StepLogTests
{
    /// <summary>Logs <c>lines</c> entries per attempt, then fails the first <c>fail_times</c> attempts.</summary>
    [Plugin("chatty", Description = "Logs, then maybe fails.", Author = "tests", Category = "test")]
    private sealed class ChattyPlugin : Plugin
    {
        public override ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
        {
            int lines = inputs["lines"]?.GetValue<int>() ?? 1;
            for (int i = 1; i <= lines; i++) context.Logger.LogInformation("attempt {Attempt} line {Line}", context.Attempt, i);
            context.Logger.LogDebug("debug entries stay in the host log only");
            if (context.Attempt <= (inputs["fail_times"]?.GetValue<int>() ?? 0))
            {
                context.Logger.LogWarning("giving up on attempt {Attempt}", context.Attempt);
                throw new PluginException("planned failure", retryable: true);
            }
            return ValueTask.FromResult(new JsonObject { ["ok"] = true });
        }
    }

    private static string Workflow(int lines, int failTimes) => $$"""
        id: chatty_flow
        name: chatty_flow
        steps:
          - id: talk
            type: plugin
            config: { plugin: chatty, inputs: { lines: {{lines}}, fail_times: {{failTimes}} } }
            retry: { max_retries: 2, backoff: fixed, base_delay: 10ms }
        """;

    private static List<(string Level, string Message)> Entries(StepAttemptRecord attempt) =>
        attempt.Logs!.Value.EnumerateArray().Select(e => (e.GetProperty("level").GetString()!, e.GetProperty("message").GetString()!)).ToList();

    [Fact]
    public async Task Each_attempt_keeps_what_the_plugin_logged_in_the_step_history()
    {
        await using var runtime = await RuntimeFixture.StartAsync([new ChattyPlugin()]);
        await runtime.AddWorkflowAsync(Workflow(lines: 2, failTimes: 1));

        var run = await runtime.RunAsync("chatty_flow");

        Assert.Equal(ExecutionStatus.Succeeded, run.Execution.Status);
        var attempts = run.Attempts.OrderBy(a => a.Attempt).ToList();
        Assert.Equal(
            [("info", "attempt 1 line 1"), ("info", "attempt 1 line 2"), ("warning", "giving up on attempt 1")],
            Entries(attempts[0]));
        Assert.Equal([("info", "attempt 2 line 1"), ("info", "attempt 2 line 2")], Entries(attempts[1]));
        Assert.All(attempts, a => Assert.All(a.Logs!.Value.EnumerateArray(), e => e.GetProperty("time").GetDateTimeOffset()));
    }

    [Fact]
    public async Task A_chatty_plugin_keeps_the_first_entries_and_a_count_of_the_rest()
    {
        await using var runtime = await RuntimeFixture.StartAsync([new ChattyPlugin()]);
        await runtime.AddWorkflowAsync(Workflow(lines: StepLogRecorder.MaxEntries + 50, failTimes: 0));

        var run = await runtime.RunAsync("chatty_flow");

        var entries = Entries(run.Attempts.Single());
        Assert.Equal(StepLogRecorder.MaxEntries + 1, entries.Count);
        Assert.Equal(("info", "attempt 1 line 200"), entries[^2]);
        Assert.Equal(("warning", $"50 more log entries were not kept (limit {StepLogRecorder.MaxEntries} entries, {StepLogRecorder.MaxTotalLength} characters)"), entries[^1]);
    }

    [Fact]
    public void Long_messages_are_cut_and_the_total_is_bounded()
    {
        var recorder = new StepLogRecorder(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeProvider.System);
        var big = new string('x', StepLogRecorder.MaxMessageLength * 2);
        for (int i = 0; i < 40; i++) recorder.LogError("{Big}", big);

        var entries = recorder.ToJson()!.Value.EnumerateArray().ToList();
        Assert.All(entries.SkipLast(1), e => Assert.Equal(StepLogRecorder.MaxMessageLength + 1, e.GetProperty("message").GetString()!.Length));
        int kept = StepLogRecorder.MaxTotalLength / (StepLogRecorder.MaxMessageLength + 1);
        Assert.Equal(kept + 1, entries.Count);
        Assert.StartsWith($"{40 - kept} more log entries", entries[^1].GetProperty("message").GetString());
    }

    [Fact]
    public void A_plugin_that_logs_nothing_has_no_log()
    {
        var recorder = new StepLogRecorder(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeProvider.System);
        recorder.LogDebug("not kept");
        Assert.Null(recorder.ToJson());
    }
}
