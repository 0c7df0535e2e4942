using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Runtime.Tests;

/// <summary>Fails the first <c>fail_times</c> attempts of each step instance, then echoes its inputs; counts calls.</summary>
[Plugin("flaky", Description = "Fails a given number of times, then succeeds.", Author = "tests", Category = "test")]
public sealed class FlakyPlugin : Plugin
{
    public ConcurrentDictionary<string, int> Calls { get; } = new();

    public override ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        int call = Calls.AddOrUpdate(context.IdempotencyKey, 1, (_, n) => n + 1);
        int failTimes = inputs["fail_times"]?.GetValue<int>() ?? 0;
        bool retryable = inputs["retryable"]?.GetValue<bool>() ?? true;
        if (call <= failTimes) throw new PluginException($"planned failure {call}", retryable);
        return ValueTask.FromResult(new JsonObject { ["calls"] = call, ["value"] = inputs["value"]?.DeepClone() });
    }
}

/// <summary>Waits until released (or cancelled); lets tests hold a step in the running state.</summary>
[Plugin("gate", Description = "Blocks until the test opens it.", Author = "tests", Category = "test")]
public sealed class GatePlugin : Plugin
{
    private TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Cancelled;

    public void Open() => _open.TrySetResult();

    public override async ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        Entered.TrySetResult();
        try
        {
            await _open.Task.WaitAsync(context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref Cancelled);
            throw;
        }
        return new JsonObject { ["opened"] = true };
    }
}

/// <summary>Records the order in which steps ran, and how often each idempotency key was seen.</summary>
[Plugin("record", Description = "Records calls.", Author = "tests", Category = "test")]
public sealed class RecordPlugin : Plugin
{
    public ConcurrentQueue<string> Order { get; } = new();

    public ConcurrentDictionary<string, int> Keys { get; } = new();

    public override ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        Order.Enqueue(inputs["name"]?.GetValue<string>() ?? context.StepId);
        Keys.AddOrUpdate(context.IdempotencyKey, 1, (_, n) => n + 1);
        return ValueTask.FromResult(new JsonObject { ["name"] = inputs["name"]?.DeepClone(), ["item"] = inputs["item"]?.DeepClone() });
    }
}
