using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using OpenClaw.Plugins.Sdk;
using OpenClaw.Sandbox.Tests.Infrastructure;

namespace OpenClaw.Sandbox.Tests;

/// <summary>The <c>network</c> permission: without it the plugin has its own empty network namespace, where 127.0.0.1 is not the host's.</summary>
public sealed class NetworkTests : IAsyncDisposable
{
    private readonly SandboxHarness _sandbox = new();
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public NetworkTests() => _listener.Start();

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _sandbox.DisposeAsync();
    }

    [BwrapFact]
    public async Task Connect_WithoutNetworkPermission_IsDenied_AndRecorded()
    {
        var result = await _sandbox.RunAsync("ConnectPlugin", new JsonObject { ["port"] = Port });

        var violation = _sandbox.AssertViolation(result, SandboxViolationKind.NetworkDenied, "ConnectPlugin");
        Assert.Contains("SocketException", violation.Detail, StringComparison.Ordinal);
        Assert.False(_listener.Pending(), "Nothing may have reached the host's listener.");
        await _sandbox.AssertHealthyAsync();
    }

    [BwrapFact]
    public async Task Connect_WithoutPermission_IsAViolationEvenWhenThePluginSwallowsTheError()
    {
        var result = await _sandbox.RunAsync("ConnectQuietlyPlugin", new JsonObject { ["port"] = Port });

        _sandbox.AssertViolation(result, SandboxViolationKind.NetworkDenied, "ConnectQuietlyPlugin");
        await _sandbox.AssertHealthyAsync();
    }

    [BwrapFact]
    public async Task Connect_WithNetworkPermission_ReachesTheHostLoopback()
    {
        var accepted = _listener.AcceptTcpClientAsync();

        var result = await _sandbox.RunAsync("ConnectPlugin", new JsonObject { ["port"] = Port }, permissions: PluginPermissions.Network);

        Assert.True(result.Succeeded, result.Failure?.Message);
        using var client = await accepted.WaitAsync(TimeSpan.FromSeconds(30));
        using var reader = new StreamReader(client.GetStream());
        Assert.Equal("hello from the sandbox", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Empty(_sandbox.Events.Violations);
    }
}
