using OpenClaw.Core.Storage;
using OpenClaw.Storage.Postgres;
using OpenClaw.Storage.Tests.Conformance;

namespace OpenClaw.Storage.Tests.Postgres;

/// <summary>A fresh, migrated PostgreSQL database of the test server, dropped when the backend that created it is disposed.</summary>
public sealed class PostgresBackend : IStorageBackend
{
    private readonly string? _databaseToDrop;

    private PostgresBackend(PostgresDatabase database, string connectionString, string? databaseToDrop)
    {
        Database = database;
        ConnectionString = connectionString;
        _databaseToDrop = databaseToDrop;
        Executions = new PostgresExecutionStore(database);
        Workflows = new PostgresWorkflowStore(database);
        Queries = new PostgresExecutionQueries(database);
        Plugins = new PostgresPluginStore(database);
        Identities = new PostgresIdentityStore(database);
        Shares = new PostgresWorkflowShareStore(database);
        SecurityLog = new PostgresSecurityLogStore(database);
        Usage = new PostgresTenantUsageQueries(database);
        Queues = new PostgresQueueStore(database);
        Schedules = new PostgresScheduleStore(database);
        Credentials = new PostgresCredentialStore(database);
        Triggers = new PostgresTriggerStore(database);
        Notifications = new PostgresNotificationStore(database);
    }

    public PostgresDatabase Database { get; }

    public string ConnectionString { get; }

    public IExecutionStore Executions { get; }

    public IWorkflowStore Workflows { get; }

    public IExecutionQueries Queries { get; }

    public IPluginStore Plugins { get; }

    public IIdentityStore Identities { get; }

    public IWorkflowShareStore Shares { get; }

    public ISecurityLogStore SecurityLog { get; }

    public ITenantUsageQueries Usage { get; }

    public IQueueStore Queues { get; }

    public IScheduleStore Schedules { get; }

    public ICredentialStore Credentials { get; }

    public ITriggerStore Triggers { get; }

    public INotificationStore Notifications { get; }

    public static async Task<PostgresBackend> CreateAsync()
    {
        var server = await PostgresTestServer.GetAsync();
        var (name, connectionString) = await server.CreateDatabaseAsync();
        var database = await PostgresDatabase.OpenAsync(Options(connectionString));
        return new PostgresBackend(database, connectionString, name);
    }

    public static PostgresStorageOptions Options(string connectionString) => new() { ConnectionString = connectionString };

    public async Task<IStorageBackend> OpenPeerAsync() =>
        new PostgresBackend(await PostgresDatabase.OpenAsync(Options(ConnectionString)), ConnectionString, databaseToDrop: null);

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        if (_databaseToDrop is not null)
        {
            await (await PostgresTestServer.GetAsync()).DropDatabaseAsync(_databaseToDrop);
        }
    }
}

[RequiresPostgres]
public sealed class PostgresExecutionStoreTests : ExecutionStoreConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await PostgresBackend.CreateAsync();
}

[RequiresPostgres]
public sealed class PostgresWorkflowStoreTests : WorkflowStoreConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await PostgresBackend.CreateAsync();
}

[RequiresPostgres]
public sealed class PostgresExecutionQueriesTests : ExecutionQueriesConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await PostgresBackend.CreateAsync();
}

[RequiresPostgres]
public sealed class PostgresPluginStoreTests : PluginStoreConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await PostgresBackend.CreateAsync();
}

[RequiresPostgres]
public sealed class PostgresIdentityStoreTests : IdentityStoreConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await PostgresBackend.CreateAsync();
}

[RequiresPostgres]
public sealed class PostgresWorkflowShareStoreTests : WorkflowShareStoreConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await PostgresBackend.CreateAsync();
}

[RequiresPostgres]
public sealed class PostgresSecurityLogStoreTests : SecurityLogStoreConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await PostgresBackend.CreateAsync();
}

[RequiresPostgres]
public sealed class PostgresSchedulerStoreTests : SchedulerStoreConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await PostgresBackend.CreateAsync();
}

[RequiresPostgres]
public sealed class PostgresCredentialStoreTests : CredentialStoreConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await PostgresBackend.CreateAsync();
}

[RequiresPostgres]
public sealed class PostgresTriggerStoreTests : TriggerStoreConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await PostgresBackend.CreateAsync();
}

[RequiresPostgres]
public sealed class PostgresNotificationStoreTests : NotificationStoreConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await PostgresBackend.CreateAsync();
}
