using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
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

/// <summary>
/// Holds every call until the test releases it, counting calls in flight and the most ever in flight at once; each
/// arrival is announced on <see cref="Arrivals"/> with its <c>name</c> input. With <c>fail_first: true</c> a step's
/// first attempt fails at once (retryable), so the retry goes through the queue.
/// </summary>
[Plugin("hold", Description = "Holds calls until released.", Author = "tests", Category = "test")]
public sealed class HoldPlugin : Plugin
{
    private readonly Channel<bool> _permits = Channel.CreateUnbounded<bool>();
    private int _inFlight;
    private int _maxInFlight;

    public Channel<string> Arrivals { get; } = Channel.CreateUnbounded<string>();

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public int InFlight => Volatile.Read(ref _inFlight);

    public void Release(int count = 1)
    {
        for (int i = 0; i < count; i++) _permits.Writer.TryWrite(true);
    }

    /// <summary>The next arrival's name, or a test failure at the deadline.</summary>
    public Task<string> NextArrivalAsync() => Wait.ForAsync(Arrivals.Reader.ReadAsync().AsTask(), "a call to the hold plugin");

    public override async ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        if (context.Attempt == 1 && inputs["fail_first"]?.GetValue<bool>() == true) throw new PluginException("first attempt fails", retryable: true);
        int now = Interlocked.Increment(ref _inFlight);
        int max;
        while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
        {
        }
        string name = inputs["name"]?.ToString() ?? context.StepId;
        try
        {
            Arrivals.Writer.TryWrite(name);
            await _permits.Reader.ReadAsync(context.CancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
        return new JsonObject { ["name"] = name };
    }
}

/// <summary>Never returns and ignores cancellation: a plugin that hangs.</summary>
[Plugin("stubborn", Description = "Hangs, ignoring cancellation.", Author = "tests", Category = "test")]
public sealed class StubbornPlugin : Plugin
{
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Calls;

    public override async ValueTask<JsonObject> ExecuteAsync(JsonObject inputs, PluginContext context)
    {
        Interlocked.Increment(ref Calls);
        Entered.TrySetResult();
        await Task.Delay(Timeout.Infinite, CancellationToken.None);
        return [];
    }
}
