using System.Text.Json.Nodes;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Sandbox.Tests.Infrastructure;

namespace OpenClaw.Sandbox.Tests;

public sealed class RoundTripTests : IAsyncDisposable
{
    private readonly SandboxHarness _sandbox = new(new SandboxOptions { RunnersPerPlugin = 2 });

    public ValueTask DisposeAsync() => _sandbox.DisposeAsync();

    [BwrapFact]
    public async Task Call_PassesInputsAndContext_ReturnsOutput()
    {
        var logged = new List<string>();
        var context = SandboxHarness.Context(logger: new ListLogger<RoundTripTests>(logged));
        var inputs = new JsonObject { ["text"] = "héllo", ["n"] = 42, ["list"] = new JsonArray(1, 2) };

        var result = await _sandbox.Invoker.ExecuteAsync(SandboxHarness.Plugin("EchoPlugin"), inputs, context);

        Assert.True(result.Succeeded, result.Failure?.Message);
        Assert.True(JsonNode.DeepEquals(inputs, result.Output["inputs"]));
        Assert.Equal(context.ExecutionId.ToString(), (string?)result.Output["executionId"]);
        Assert.Equal("step-1", (string?)result.Output["stepId"]);
        Assert.Equal(2, (int?)result.Output["attempt"]);
        Assert.Equal("exec-1/step-1", (string?)result.Output["idempotencyKey"]);
        Assert.Equal("hi", (string?)result.Output["settings"]?["greeting"]);
        Assert.Equal(PluginResources.Default.MemoryMb, (int?)result.Output["memoryMb"]);
        Assert.Equal("/scratch", (string?)result.Output["workingDirectory"]);
        Assert.Contains(logged, line => line.Contains("echo called for step step-1", StringComparison.Ordinal));
        Assert.Empty(_sandbox.Events.Violations);
    }

    [BwrapFact]
    public async Task PluginException_NotRetryable_IsReportedAsPluginError()
    {
        var result = await _sandbox.RunAsync("FailPlugin", new JsonObject { ["retryable"] = false });

        Assert.False(result.Succeeded);
        Assert.Equal(SandboxFailureKind.PluginError, result.Failure.Kind);
        Assert.False(result.Failure.Retryable);
        Assert.Equal("bad input, do not retry", result.Failure.Message);
        Assert.Equal(typeof(PluginException).FullName, result.Failure.ErrorType);
        await _sandbox.AssertHealthyAsync();
    }

    [BwrapFact]
    public async Task OtherException_IsRetryablePluginError_AndTheRunnerStaysWarm()
    {
        var result = await _sandbox.RunAsync("FailPlugin", new JsonObject { ["retryable"] = true });

        Assert.Equal(SandboxFailureKind.PluginError, result.Failure?.Kind);
        Assert.True(result.Failure!.Retryable);
        Assert.Equal(typeof(InvalidOperationException).FullName, result.Failure.ErrorType);
        Assert.Empty(_sandbox.Events.Violations);
    }

    [BwrapFact]
    public async Task UnknownType_IsNotRetryable()
    {
        var plugin = SandboxHarness.Plugin("NoSuchPlugin");

        var result = await _sandbox.Invoker.ExecuteAsync(plugin, [], SandboxHarness.Context());

        Assert.Equal(SandboxFailureKind.RunnerUnavailable, result.Failure?.Kind);
        Assert.False(result.Failure!.Retryable);
        Assert.Contains("NoSuchPlugin", result.Failure.Message, StringComparison.Ordinal);
    }

    [BwrapFact]
    public async Task WarmPool_SequentialCalls_StartNoNewRunner()
    {
        var plugin = SandboxHarness.Plugin("EchoPlugin");
        await _sandbox.Invoker.WarmUpAsync(plugin);
        var started = _sandbox.Invoker.RunnersStarted;

        for (var i = 0; i < 20; i++)
        {
            var result = await _sandbox.Invoker.ExecuteAsync(plugin, new JsonObject { ["i"] = i }, SandboxHarness.Context());
            Assert.True(result.Succeeded, result.Failure?.Message);
            Assert.Equal(i, (int?)result.Output["inputs"]?["i"]);
        }

        Assert.Equal(started, _sandbox.Invoker.RunnersStarted);
    }

    [BwrapFact]
    public async Task ParallelCalls_AllSucceedThroughThePool()
    {
        var plugin = SandboxHarness.Plugin("EchoPlugin");
        await _sandbox.Invoker.WarmUpAsync(plugin);

        var calls = Enumerable.Range(0, 12)
            .Select(i => _sandbox.Invoker.ExecuteAsync(plugin, new JsonObject { ["i"] = i }, SandboxHarness.Context()))
            .ToArray();
        var results = await Task.WhenAll(calls);

        for (var i = 0; i < results.Length; i++)
        {
            Assert.True(results[i].Succeeded, results[i].Failure?.Message);
            Assert.Equal(i, (int?)results[i].Output!["inputs"]?["i"]);
        }
        Assert.Empty(_sandbox.Events.Violations);
        await _sandbox.AssertHealthyAsync();
    }

    [BwrapFact]
    public async Task CallerCancellation_StopsThePlugin_AndTheNextCallWorks()
    {
        using var cancellation = new CancellationTokenSource();
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var logger = new SignalLogger("waiting for cancellation", waiting);
        var call = _sandbox.Invoker.ExecuteAsync(
            SandboxHarness.Plugin("WaitForCancelPlugin"), [], SandboxHarness.Context(logger: logger), cancellation.Token);
        await waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Empty(_sandbox.Events.Violations);
        await _sandbox.AssertHealthyAsync();
    }

    [BwrapFact]
    public async Task Credentials_AreSentOnlyWithTheCredentialsPermission()
    {
        var context = SandboxHarness.Context() with
        {
            Credentials = new Dictionary<string, PluginCredential> { ["api"] = new("api", "bearer", new Dictionary<string, string> { ["token"] = "s3cret" }) },
        };

        var without = await _sandbox.Invoker.ExecuteAsync(SandboxHarness.Plugin("EchoPlugin"), [], context);
        var with = await _sandbox.Invoker.ExecuteAsync(SandboxHarness.Plugin("EchoPlugin", permissions: PluginPermissions.Credentials), [], context);

        Assert.Null((string?)without.Output?["credential"]);
        Assert.Equal("s3cret", (string?)with.Output?["credential"]);
    }

    [BwrapFact]
    public async Task Crash_IsRetryable_AndTheNextCallWorks()
    {
        var result = await _sandbox.RunAsync("CrashPlugin");

        Assert.Equal(SandboxFailureKind.RunnerCrashed, result.Failure?.Kind);
        Assert.True(result.Failure!.Retryable);
        Assert.Contains("crashing the runner on purpose", result.Failure.Message, StringComparison.Ordinal);
        Assert.Empty(_sandbox.Events.Violations);
        await _sandbox.AssertHealthyAsync();
    }
}
