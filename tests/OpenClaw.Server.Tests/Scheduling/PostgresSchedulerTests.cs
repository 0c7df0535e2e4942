using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Runtime.Scheduling;
using OpenClaw.Runtime.Tests.ScaleOut;
using OpenClaw.Server.Tests.Infrastructure;
using OpenClaw.Storage.Tests.Postgres;

namespace OpenClaw.Server.Tests.Scheduling;

/// <summary>Two full hosts (role <c>all</c>) on one fresh PostgreSQL database, as two machines would run them.</summary>
public sealed class TwoPostgresHosts : IAsyncLifetime
{
    private readonly List<string> _directories = [];
    private string? _database;

    public TestServer First { get; private set; } = null!;

    public TestServer Second { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (PostgresTestServer.SkipReason is not null) return;
        var server = await PostgresTestServer.GetAsync();
        (_database, ConnectionString) = await server.CreateDatabaseAsync(migrated: false);
        First = await StartHostAsync();
        Second = await StartHostAsync();
    }

    /// <summary>Another host on the same database, with extra settings.</summary>
    public async Task<TestServer> StartHostAsync(params string[] extraArgs)
    {
        var directory = TestServer.NewDataDirectory();
        _directories.Add(directory);
        return await TestServer.StartAsync(directory, ["--OpenClaw:Storage", "postgres", "--OpenClaw:PostgresConnectionString", ConnectionString, .. extraArgs]);
    }

    public async Task DisposeAsync()
    {
        if (First is not null) await First.DisposeAsync();
        if (Second is not null) await Second.DisposeAsync();
        foreach (var directory in _directories) TestServer.DeleteDirectory(directory);
        if (_database is not null) await (await PostgresTestServer.GetAsync()).DropDatabaseAsync(_database);
    }
}

/// <summary>The scheduler scenarios on PostgreSQL, across two hosts where it matters.</summary>
public sealed class PostgresSchedulerTests(TwoPostgresHosts hosts) : IClassFixture<TwoPostgresHosts>
{
    [PostgresFact]
    public async Task DeadLetter_IsListedInspectedAndRequeuedWithEditedInputs()
    {
        await using var probe = new ProbeHttpServer();
        await SchedulerScenarios.DeadLetter_IsListedInspectedAndRequeuedWithEditedInputs(hosts.First.Client, probe);
    }

    [PostgresFact]
    public Task DeadLetter_Discarded_IsNoLongerListed_AndTheExecutionStaysFailed() =>
        SchedulerScenarios.DeadLetter_Discarded_IsNoLongerListed_AndTheExecutionStaysFailed(hosts.Second.Client);

    [PostgresFact]
    public Task Retry_FromFailedStep_ResumesTheExecution_AndFromStart_StartsALinkedOne() =>
        SchedulerScenarios.Retry_FromFailedStep_ResumesTheExecution_AndFromStart_StartsALinkedOne(hosts.First.Client);

    [PostgresFact]
    public Task Retry_And_Requeue_RefuseBadInput_UnknownIds_AndRunningExecutions() =>
        SchedulerScenarios.Retry_And_Requeue_RefuseBadInput_UnknownIds_AndRunningExecutions(hosts.Second.Client);

    [PostgresFact]
    public async Task PausedQueue_IsNotClaimed_UntilResumed_AcrossTwoHosts()
    {
        await using var probe = new ProbeHttpServer();
        var pauses = hosts.Second.Services.GetRequiredService<QueuePauseState>();
        await SchedulerScenarios.PausedQueue_IsNotClaimed_UntilResumed(hosts.First.Client, hosts.Second.Client, probe,
            queue => Poll.UntilAsync(() => Task.FromResult(pauses.IsPaused("default", queue)), known => known, what: "the second host to hear of the pause"));
    }

    [PostgresFact]
    public async Task WorkflowConcurrency_IsNeverExceeded_AcrossTwoHosts()
    {
        await using var probe = new ProbeHttpServer();
        await SchedulerScenarios.WorkflowConcurrency_IsNeverExceeded([hosts.First.Client, hosts.Second.Client], probe, limit: 3, executions: 14);
    }

    [PostgresFact]
    public async Task Stats_CountSubmittedCompletedFailedRetriedAndDeadLetters()
    {
        await using var probe = new ProbeHttpServer();
        await SchedulerScenarios.Stats_CountSubmittedCompletedFailedRetriedAndDeadLetters(hosts.First.Client, probe);
    }
}
