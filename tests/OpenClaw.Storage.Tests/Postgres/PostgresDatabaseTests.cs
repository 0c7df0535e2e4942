using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenClaw.Core.Storage;
using OpenClaw.Storage.Postgres;
using static OpenClaw.Storage.Tests.Conformance.TestData;

namespace OpenClaw.Storage.Tests.Postgres;

/// <summary>Options, lifetime, registration and the PostgreSQL-specific parts of the schema and the stores.</summary>
public sealed class PostgresDatabaseTests : IAsyncLifetime
{
    private string _name = "";
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        if (PostgresTestServer.SkipReason is null)
        {
            (_name, _connectionString) = await (await PostgresTestServer.GetAsync()).CreateDatabaseAsync(migrated: false);
        }
    }

    public async Task DisposeAsync()
    {
        if (_name.Length > 0)
        {
            await (await PostgresTestServer.GetAsync()).DropDatabaseAsync(_name);
        }
    }

    /// <summary>
    /// LoadAsync sends BEGIN, its reads and COMMIT in one batch; if a statement fails the server skips the rest, COMMIT
    /// included, and the connection is left in a failed transaction block. The pool must not hand that out again: Npgsql
    /// rolls back a connection returned inside a transaction even with No Reset On Close, which the stores use.
    /// </summary>
    [PostgresFact]
    public async Task PooledConnection_ReturnedInsideAFailedBatchTransaction_ComesBackUsable()
    {
        await using var database = await PostgresDatabase.OpenAsync(new PostgresStorageOptions { ConnectionString = _connectionString + ";Maximum Pool Size=1" });
        await using (var connection = await database.OpenConnectionAsync(CancellationToken.None))
        await using (var batch = new NpgsqlBatch(connection))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN ISOLATION LEVEL REPEATABLE READ"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT 1 / 0"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            await Assert.ThrowsAsync<PostgresException>(() => batch.ExecuteReaderAsync());
        }

        // The pool's only connection again: it answers (not "current transaction is aborted"), and outside any
        // transaction block (a savepoint needs one).
        await using (var connection = await database.OpenConnectionAsync(CancellationToken.None))
        {
            await using (var command = new NpgsqlCommand("SELECT 1", connection))
            {
                Assert.Equal(1, await command.ExecuteScalarAsync());
            }

            await using var savepoint = new NpgsqlCommand("SAVEPOINT s", connection);
            var outside = await Assert.ThrowsAsync<PostgresException>(() => savepoint.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.NoActiveSqlTransaction, outside.SqlState);
        }

        Assert.Null(await new PostgresExecutionStore(database).LoadAsync(Guid.NewGuid()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Host=localhost;NoSuchKeyword=1")]
    public void Options_ConnectionStringMustBeValid(string connectionString)
    {
        Assert.Throws<ArgumentException>(() => new PostgresDatabase(new PostgresStorageOptions { ConnectionString = connectionString }));
    }

    [Fact]
    public void Options_OutOfRangeValues_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => new PostgresDatabase(
            new PostgresStorageOptions { ConnectionString = "Host=localhost", ListenerReconnectDelay = TimeSpan.Zero }));
        Assert.Throws<ArgumentException>(() => new PostgresDatabase(new PostgresStorageOptions
        {
            ConnectionString = "Host=localhost",
            ListenerReconnectDelay = TimeSpan.FromSeconds(5),
            ListenerMaxReconnectDelay = TimeSpan.FromSeconds(1),
        }));
    }

    [Fact]
    public async Task Open_UnreachableServer_FailsWithTheCauseKeptAndNoPassword()
    {
        var options = new PostgresStorageOptions { ConnectionString = "Host=127.0.0.1;Port=1;Database=nowhere;Username=u;Password=secret-pw;Timeout=3" };

        var error = await Assert.ThrowsAsync<PostgresStorageException>(() => PostgresDatabase.OpenAsync(options));

        Assert.Contains("nowhere", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pw", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.InnerException);
    }

    [PostgresFact]
    public async Task Stores_MigrateTheDatabaseOnFirstUse()
    {
        await using var database = new PostgresDatabase(PostgresBackend.Options(_connectionString));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM information_schema.tables WHERE table_name = 'workflows';"));

        var store = new PostgresWorkflowStore(database);
        await store.CreateAsync(Workflow("lazy"));

        Assert.NotNull(await store.GetAsync("default", "lazy"));
    }

    [PostgresFact]
    public async Task Dispose_ThenUse_Throws()
    {
        var database = await PostgresDatabase.OpenAsync(PostgresBackend.Options(_connectionString));
        var store = new PostgresExecutionStore(database);
        await store.NextDueAsync();

        await database.DisposeAsync();
        await database.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.NextDueAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.CommitAsync([Create(Execution())]));
    }

    [PostgresFact]
    public async Task Schema_UsesNativeTypes()
    {
        await using (await PostgresDatabase.OpenAsync(PostgresBackend.Options(_connectionString)))
        {
        }

        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns WHERE table_schema = 'public';", connection);
        var types = new Dictionary<string, string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                types[reader.GetString(0)] = reader.GetString(1);
            }
        }

        Assert.Equal("uuid", types["workflow_executions.id"]);
        Assert.Equal("json", types["workflow_executions.inputs"]);
        Assert.Equal("timestamp with time zone", types["workflow_executions.created_at"]);
        Assert.Equal("bigint", types["tasks.seq"]);
        Assert.Equal("ARRAY", types["tasks.next"]);
        Assert.Equal("json", types["tasks.state"]);
        Assert.Equal("json", types["workflows.definition"]);
    }

    [PostgresFact]
    public async Task ClaimQuery_WalksTheQueueIndexInOrderEvenWithStaleStatistics()
    {
        await using var database = await PostgresDatabase.OpenAsync(PostgresBackend.Options(_connectionString));
        var store = new PostgresExecutionStore(database);

        // Statistics taken while the queue was nearly empty, then a backlog arrives: the case that matters.
        var history = Execution();
        await store.CommitAsync([Create(history, [.. Enumerable.Range(0, 5000).Select(i => Step(history, $"h{i}", StepRunStatus.Succeeded))])]);
        await ScalarAsync("ANALYZE tasks;");
        var backlog = Execution();
        await store.CommitAsync([Create(backlog, [.. Enumerable.Range(0, 5000).Select(i => Step(backlog, $"q{i}", priority: (TaskPriority)(i % 4 + 1)))])]);

        foreach (var mode in new[] { "force_generic_plan", "force_custom_plan" })
        {
            var plan = string.Join('\n', await QueryAsync(
                $"SET plan_cache_mode = {mode}; " +
                "PREPARE claim (timestamptz, int) AS SELECT id FROM tasks q WHERE status = 'queued' AND gate IS NULL AND run_at <= $1 " +
                "AND NOT EXISTS (SELECT 1 FROM queue_pauses p WHERE p.tenant_id = q.tenant_id AND p.queue = q.queue) " +
                "ORDER BY priority DESC, run_at, seq LIMIT $2 FOR UPDATE OF q SKIP LOCKED; " +
                "EXPLAIN EXECUTE claim ('2100-01-01', 10);",
                r => r.GetString(0)));

            Assert.True(plan.Contains("ix_tasks_claim", StringComparison.Ordinal), plan);
            Assert.False(plan.Contains("Sort", StringComparison.Ordinal), plan);
        }
    }

    [PostgresFact]
    public async Task WorkflowVersions_CannotBeUpdated()
    {
        await using var database = await PostgresDatabase.OpenAsync(PostgresBackend.Options(_connectionString));
        await new PostgresWorkflowStore(database).CreateAsync(Workflow("wf"));

        var error = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync("UPDATE workflow_versions SET name = 'changed';"));
        Assert.Contains("immutable", error.MessageText, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Workflow_DefinitionThatIsNotJson_IsAnArgumentError()
    {
        await using var database = await PostgresDatabase.OpenAsync(PostgresBackend.Options(_connectionString));
        var store = new PostgresWorkflowStore(database);

        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync(Workflow("bad") with { Definition = "{not json" }));
        Assert.Null(await store.GetAsync("default", "bad"));
    }

    [PostgresFact]
    public async Task Commit_StepOfAnUnknownExecution_ViolatesTheForeignKeyAndRollsBack()
    {
        await using var database = await PostgresDatabase.OpenAsync(PostgresBackend.Options(_connectionString));
        var store = new PostgresExecutionStore(database);
        var known = Execution();
        var orphan = Step(Execution(), "orphan");

        var error = await Assert.ThrowsAsync<PostgresException>(() => store.CommitAsync([Create(known, orphan)]));

        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, error.SqlState);
        Assert.Null(await store.LoadAsync(known.Id));
    }

    [PostgresFact]
    public async Task Commit_TheSameExecutionTwiceInOneBatch_AppliesTheChangesInOrder()
    {
        await using var database = await PostgresDatabase.OpenAsync(PostgresBackend.Options(_connectionString));
        var store = new PostgresExecutionStore(database);
        var execution = Execution(revision: 1);
        var step = Step(execution, "a");
        var done = step with { Status = StepRunStatus.Succeeded, Next = ["b"], CompletedAt = T0.AddSeconds(1) };
        var next = Step(execution, "b", createdAt: T0.AddSeconds(1));

        await store.CommitAsync(
        [
            new ExecutionChange(execution, null, [step], [Attempt(step, 1, StepRunStatus.Failed)]),
            new ExecutionChange(execution with { Revision = 2 }, 1, [done, next], [Attempt(step, 1)]),
            new ExecutionChange(execution with { Revision = 3, Status = ExecutionStatus.Succeeded }, 2, [], []),
        ]);

        var snapshot = await store.LoadAsync(execution.Id);
        Assert.Equal(3, snapshot!.Execution.Revision);
        Assert.Equal(ExecutionStatus.Succeeded, snapshot.Execution.Status);
        Assert.Equal(["a", "b"], snapshot.Steps.Select(s => s.StepKey));
        Assert.Equal(["b"], snapshot.Steps[0].Next);
        var detail = await new PostgresExecutionQueries(database).GetAsync("default", execution.Id);
        Assert.Equal(StepRunStatus.Succeeded, Assert.Single(detail!.Attempts).Status);
    }

    [PostgresFact]
    public async Task Commit_ConflictInALaterSegment_RollsBackTheEarlierOnes()
    {
        await using var database = await PostgresDatabase.OpenAsync(PostgresBackend.Options(_connectionString));
        var store = new PostgresExecutionStore(database);
        var execution = Execution(revision: 1);
        var other = Execution();

        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.CommitAsync(
        [
            Create(execution, Step(execution, "a")),
            Create(other),
            new ExecutionChange(execution with { Revision = 3 }, 2, [], []),
        ]));

        Assert.Equal(execution.Id, conflict.ExecutionId);
        Assert.Null(await store.LoadAsync(execution.Id));
        Assert.Null(await store.LoadAsync(other.Id));
    }

    [PostgresFact]
    public async Task Commit_ErrorMessageWithANulCharacter_IsStoredWithAReplacementCharacter()
    {
        await using var database = await PostgresDatabase.OpenAsync(PostgresBackend.Options(_connectionString));
        var store = new PostgresExecutionStore(database);
        var execution = Execution() with { Error = "bad\0byte" };
        var step = Step(execution, "a", StepRunStatus.Failed) with { Error = "\0" };

        await store.CommitAsync([new ExecutionChange(execution, null, [step], [Attempt(step, 1, StepRunStatus.Failed) with { Error = "x\0" }])]);

        var detail = await new PostgresExecutionQueries(database).GetAsync("default", execution.Id);
        Assert.Equal("bad\uFFFDbyte", detail!.Execution.Error);
        Assert.Equal("\uFFFD", Assert.Single(detail.Steps).Error);
        Assert.Equal("x\uFFFD", Assert.Single(detail.Attempts).Error);
    }

    [PostgresFact]
    public async Task Commit_ConcurrentWritersOfOneExecution_ExactlyOneWins()
    {
        await using var database = await PostgresDatabase.OpenAsync(PostgresBackend.Options(_connectionString));
        await using var peer = await PostgresDatabase.OpenAsync(PostgresBackend.Options(_connectionString));
        var execution = Execution(revision: 1);
        await new PostgresExecutionStore(database).CommitAsync([Create(execution)]);

        var stores = new[] { new PostgresExecutionStore(database), new PostgresExecutionStore(peer) };
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await stores[i % 2].CommitAsync([new ExecutionChange(execution with { Revision = 2, Error = $"writer {i}" }, 1, [], [])]);
                return true;
            }
            catch (ConcurrencyConflictException)
            {
                return false;
            }
        })));

        Assert.Equal(1, results.Count(won => won));
        Assert.Equal(2, (await stores[0].LoadAsync(execution.Id))!.Execution.Revision);
    }

    [PostgresFact]
    public async Task AddOpenClawPostgres_MigratesAndListensAtHostStartup()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddOpenClawPostgres(o => o.ConnectionString = _connectionString);
        using var host = builder.Build();

        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM information_schema.tables WHERE table_name = 'workflows';"));
        await host.StartAsync();
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM information_schema.tables WHERE table_name = 'workflows';"));

        var services = host.Services;
        Assert.IsType<PostgresExecutionStore>(services.GetRequiredService<IExecutionStore>());
        Assert.IsType<PostgresExecutionQueries>(services.GetRequiredService<IExecutionQueries>());
        var workflows = Assert.IsType<PostgresWorkflowStore>(services.GetRequiredService<IWorkflowStore>());
        Assert.Same(services.GetRequiredService<PostgresDatabase>(), services.GetRequiredService<PostgresDatabase>());
        await workflows.CreateAsync(Workflow("via-di"));
        Assert.NotNull(await services.GetRequiredService<IWorkflowStore>().GetAsync("default", "via-di"));

        var listener = services.GetRequiredService<PostgresQueueListener>();
        await listener.WaitUntilListeningAsync().WaitAsync(TimeSpan.FromSeconds(10));

        await host.StopAsync();
        Assert.False(listener.IsListening);
    }

    [Fact]
    public async Task AddOpenClawPostgres_UnreachableServer_StopsTheHostAtStartup()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddOpenClawPostgres(o => o.ConnectionString = "Host=127.0.0.1;Port=1;Database=nowhere;Username=u;Timeout=3");
        using var host = builder.Build();

        await Assert.ThrowsAsync<PostgresStorageException>(() => host.StartAsync());
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
