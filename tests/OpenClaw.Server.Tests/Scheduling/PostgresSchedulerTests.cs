using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Runtime.Scheduling;
using OpenClaw.Runtime.Tests.ScaleOut;
using OpenClaw.Server.Tests.Infrastructure;
using OpenClaw.Storage.Tests.Postgres;

namespace OpenClaw.Server.Tests.Scheduling;

/// <summary>The scheduler scenarios on PostgreSQL, across two hosts where it matters.</summary>
public sealed class PostgresSchedulerTests(SharedTwoPostgresNodes hosts) : IClassFixture<SharedTwoPostgresNodes>
{
    [PostgresFact]
    public async Task DeadLetter_IsListedInspectedAndRequeuedWithEditedInputs()
    {
        await using var probe = new ProbeHttpServer();
        await SchedulerScenarios.DeadLetter_IsListedInspectedAndRequeuedWithEditedInputs(hosts.A.Client, probe);
    }

    [PostgresFact]
    public Task DeadLetter_Discarded_IsNoLongerListed_AndTheExecutionStaysFailed() =>
        SchedulerScenarios.DeadLetter_Discarded_IsNoLongerListed_AndTheExecutionStaysFailed(hosts.B.Client);

    [PostgresFact]
    public Task Retry_FromFailedStep_ResumesTheExecution_AndFromStart_StartsALinkedOne() =>
        SchedulerScenarios.Retry_FromFailedStep_ResumesTheExecution_AndFromStart_StartsALinkedOne(hosts.A.Client);

    [PostgresFact]
    public Task Retry_And_Requeue_RefuseBadInput_UnknownIds_AndRunningExecutions() =>
        SchedulerScenarios.Retry_And_Requeue_RefuseBadInput_UnknownIds_AndRunningExecutions(hosts.B.Client);

    [PostgresFact]
    public async Task PausedQueue_IsNotClaimed_UntilResumed_AcrossTwoHosts()
    {
        await using var probe = new ProbeHttpServer();
        var pauses = hosts.B.Services.GetRequiredService<QueuePauseState>();
        await SchedulerScenarios.PausedQueue_IsNotClaimed_UntilResumed(hosts.A.Client, hosts.B.Client, probe,
            queue => Poll.UntilAsync(() => Task.FromResult(pauses.IsPaused("default", queue)), known => known, what: "the second host to hear of the pause"));
    }

    [PostgresFact]
    public async Task WorkflowConcurrency_IsNeverExceeded_AcrossTwoHosts()
    {
        await using var probe = new ProbeHttpServer();
        await SchedulerScenarios.WorkflowConcurrency_IsNeverExceeded([hosts.A.Client, hosts.B.Client], probe, limit: 3, executions: 14);
    }

    [PostgresFact]
    public async Task Stats_CountSubmittedCompletedFailedRetriedAndDeadLetters()
    {
        await using var probe = new ProbeHttpServer();
        await SchedulerScenarios.Stats_CountSubmittedCompletedFailedRetriedAndDeadLetters(hosts.A.Client, probe);
    }
}
