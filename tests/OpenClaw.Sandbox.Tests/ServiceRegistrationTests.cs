using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OpenClaw.Sandbox.Tests;

public sealed class ServiceRegistrationTests
{
    [Fact]
    public async Task AddOpenClawSandbox_BindsOptionsFromConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OpenClaw:Sandbox:RunnersPerPlugin"] = "3",
            ["OpenClaw:Sandbox:AllowWeakIsolation"] = "true",
            ["OpenClaw:Sandbox:DefaultTimeout"] = "00:00:05",
            ["OpenClaw:Sandbox:DefaultResources:MemoryMb"] = "256",
            ["OpenClaw:Sandbox:DefaultResources:CpuTimeSeconds"] = "7",
        }).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<ISecurityEventSink, InMemorySecurityEventSink>()
            .AddOpenClawSandbox(configuration.GetSection("OpenClaw:Sandbox"));

        await using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<SandboxOptions>>().Value;

        Assert.Equal(3, options.RunnersPerPlugin);
        Assert.True(options.AllowWeakIsolation);
        Assert.Equal(TimeSpan.FromSeconds(5), options.DefaultTimeout);
        Assert.Equal(new Plugins.Sdk.PluginResources(256, 7), options.DefaultResources);
        Assert.NotNull(provider.GetRequiredService<SandboxedPluginInvoker>());
    }
}
