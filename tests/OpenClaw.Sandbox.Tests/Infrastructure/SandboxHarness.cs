using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenClaw.Plugins.Sdk;

namespace OpenClaw.Sandbox.Tests.Infrastructure;

/// <summary>An invoker over the test plugins, with an in-memory security-event sink and a log the tests can read.</summary>
public sealed class SandboxHarness : IAsyncDisposable
{
    public const string PluginTypes = "OpenClaw.Sandbox.TestPlugins.";

    public static string PluginAssembly { get; } = Path.Combine(AppContext.BaseDirectory, "test-plugins", "OpenClaw.Sandbox.TestPlugins.dll");

    public static bool BubblewrapInstalled { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, "bwrap")));

    public SandboxHarness(SandboxOptions? options = null)
    {
        Options = options ?? new SandboxOptions { RunnersPerPlugin = 1 };
        Invoker = new SandboxedPluginInvoker(Microsoft.Extensions.Options.Options.Create(Options), Events, new ListLogger<SandboxedPluginInvoker>(Log));
    }

    public SandboxOptions Options { get; }
    public InMemorySecurityEventSink Events { get; } = new();
    public List<string> Log { get; } = [];
    public SandboxedPluginInvoker Invoker { get; }

    /// <summary>A test plugin by class name, e.g. <c>Plugin("EchoPlugin")</c>.</summary>
    public static SandboxPluginRef Plugin(string className, PluginResources? resources = null, params string[] permissions) =>
        new(className, PluginAssembly, PluginTypes + className) { Resources = resources, Permissions = permissions };

    public static SandboxCallContext Context(TimeSpan? timeout = null, ILogger? logger = null) => new()
    {
        ExecutionId = Guid.Parse("6f1c1e2a-0000-4000-8000-000000000001"),
        StepId = "step-1",
        Attempt = 2,
        IdempotencyKey = "exec-1/step-1",
        Settings = new JsonObject { ["greeting"] = "hi" },
        Timeout = timeout ?? TimeSpan.FromSeconds(30),
        Logger = logger,
    };

    public Task<SandboxResult> RunAsync(string className, JsonObject? inputs = null, PluginResources? resources = null, TimeSpan? timeout = null, params string[] permissions) =>
        Invoker.ExecuteAsync(Plugin(className, resources, permissions), inputs ?? [], Context(timeout));

    /// <summary>The host is still healthy: a plain call through the same invoker works.</summary>
    public async Task AssertHealthyAsync()
    {
        var result = await RunAsync("EchoPlugin", new JsonObject { ["after"] = "violation" });
        Assert.True(result.Succeeded, result.Failure?.Message);
        Assert.Equal("violation", (string?)result.Output["inputs"]?["after"]);
    }

    /// <summary>The call failed with one violation of <paramref name="kind"/>, and exactly that was recorded.</summary>
    public SandboxViolation AssertViolation(SandboxResult result, SandboxViolationKind kind, string plugin)
    {
        Assert.False(result.Succeeded, "The call should have failed with a violation.");
        Assert.Equal(SandboxFailureKind.Violation, result.Failure.Kind);
        Assert.False(result.Failure.Retryable);
        Assert.Equal(kind, result.Failure.Violation?.Kind);
        var recorded = Assert.Single(Events.Violations, v => v.Kind == kind);
        Assert.Equal(plugin, recorded.Plugin);
        Assert.Equal("step-1", recorded.StepId);
        return recorded;
    }

    public ValueTask DisposeAsync() => Invoker.DisposeAsync();
}

/// <summary>Collects formatted log lines.</summary>
public sealed class ListLogger<T>(List<string> lines) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (lines) lines.Add($"{logLevel}: {formatter(state, exception)}");
    }
}

/// <summary>Completes <paramref name="signal"/> when a log line contains <paramref name="text"/>: how tests wait for a plugin to reach a point.</summary>
public sealed class SignalLogger(string text, TaskCompletionSource signal) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (formatter(state, exception).Contains(text, StringComparison.Ordinal)) signal.TrySetResult();
    }
}
