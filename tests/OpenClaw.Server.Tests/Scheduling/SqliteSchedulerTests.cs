using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Server.Tests.Scheduling;

/// <summary>The scheduler scenarios on the embedded database (one host).</summary>
public sealed class SqliteSchedulerTests(TestServer server) : IClassFixture<TestServer>
{
    [Fact]
    public async Task DeadLetter_IsListedInspectedAndRequeuedWithEditedInputs()
    {
        await using var probe = new ProbeHttpServer();
        await SchedulerScenarios.DeadLetter_IsListedInspectedAndRequeuedWithEditedInputs(server.Client, probe);
    }

    [Fact]
    public Task DeadLetter_Discarded_IsNoLongerListed_AndTheExecutionStaysFailed() =>
        SchedulerScenarios.DeadLetter_Discarded_IsNoLongerListed_AndTheExecutionStaysFailed(server.Client);

    [Fact]
    public Task Retry_FromFailedStep_ResumesTheExecution_AndFromStart_StartsALinkedOne() =>
        SchedulerScenarios.Retry_FromFailedStep_ResumesTheExecution_AndFromStart_StartsALinkedOne(server.Client);

    [Fact]
    public Task Retry_And_Requeue_RefuseBadInput_UnknownIds_AndRunningExecutions() =>
        SchedulerScenarios.Retry_And_Requeue_RefuseBadInput_UnknownIds_AndRunningExecutions(server.Client);

    [Fact]
    public async Task PausedQueue_IsNotClaimed_UntilResumed()
    {
        await using var probe = new ProbeHttpServer();
        await SchedulerScenarios.PausedQueue_IsNotClaimed_UntilResumed(server.Client, server.Client, probe);
    }

    [Fact]
    public async Task WorkflowConcurrency_IsNeverExceeded()
    {
        await using var probe = new ProbeHttpServer();
        await SchedulerScenarios.WorkflowConcurrency_IsNeverExceeded([server.Client], probe);
    }

    [Fact]
    public async Task Stats_CountSubmittedCompletedFailedRetriedAndDeadLetters()
    {
        await using var probe = new ProbeHttpServer();
        await SchedulerScenarios.Stats_CountSubmittedCompletedFailedRetriedAndDeadLetters(server.Client, probe);
    }

    [Fact]
    public async Task Queue_NamesThatAreNotQueueNames_AreRefused()
    {
        using var response = await server.Client.PostAsync("api/v2/queues/Bad%20Name/pause", null);
        Assert.Contains("name", (await response.AssertProblemAsync(400)).ErrorKeys());
    }

    [Fact]
    public async Task TenantConcurrency_FromConfiguration_LimitsExecutionsAcrossWorkflows()
    {
        var data = TestServer.NewDataDirectory();
        await using var probe = new ProbeHttpServer();
        var limited = await TestServer.StartAsync(data, "--OpenClaw:Scheduler:TenantConcurrency", "3");
        try
        {
            var http = limited.Client;
            var ids = new List<Guid>();
            foreach (var n in Enumerable.Range(0, 3))
            {
                var id = Definitions.NewId("tc");
                await http.CreateWorkflowAsync(SchedulerApi.HttpWorkflow(id, probe.BaseUrl + "hold?ms=150"));
                for (int i = 0; i < 4; i++) ids.Add(await http.StartAsync(id));
            }
            foreach (var id in ids) Assert.Equal("succeeded", (await http.WaitForAsync(id, "succeeded", "failed")).Str("status"));
            Assert.True(probe.MaxConcurrent <= 3, $"{probe.MaxConcurrent} ran at once; the tenant limit is 3");
            Assert.Equal(3, probe.MaxConcurrent);
        }
        finally
        {
            await limited.DisposeAsync();
            TestServer.DeleteDirectory(data);
        }
    }
}
