using OpenClaw.Core.Storage;
using OpenClaw.Storage.Sqlite;
using OpenClaw.Storage.Tests.Conformance;

namespace OpenClaw.Storage.Tests.Sqlite;

/// <summary>A fresh SQLite database file in its own temporary folder, deleted when the backend that created it is disposed.</summary>
public sealed class SqliteBackend : IStorageBackend
{
    private readonly string? _folderToDelete;

    private SqliteBackend(SqliteDatabase database, string? folderToDelete)
    {
        Database = database;
        _folderToDelete = folderToDelete;
        Executions = new SqliteExecutionStore(database);
        Workflows = new SqliteWorkflowStore(database);
        Queries = new SqliteExecutionQueries(database);
        Plugins = new SqlitePluginStore(database);
        Identities = new SqliteIdentityStore(database);
        Shares = new SqliteWorkflowShareStore(database);
        SecurityLog = new SqliteSecurityLogStore(database);
        Usage = new SqliteTenantUsageQueries(database);
        Queues = new SqliteQueueStore(database);
        Schedules = new SqliteScheduleStore(database);
        Credentials = new SqliteCredentialStore(database);
        Triggers = new SqliteTriggerStore(database);
        Notifications = new SqliteNotificationStore(database);
    }

    public SqliteDatabase Database { get; }

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

    /// <summary>A unique folder under the temp directory; tests run in parallel and never share a file.</summary>
    public static string NewFolder() => Path.Combine(Path.GetTempPath(), "openclaw-storage-tests", Guid.NewGuid().ToString("N"));

    public static async Task<SqliteBackend> CreateAsync()
    {
        var folder = NewFolder();
        var database = await SqliteDatabase.OpenAsync(Options(Path.Combine(folder, "openclaw.db")));
        return new SqliteBackend(database, folder);
    }

    public static SqliteStorageOptions Options(string path) => new() { DataSource = path };

    public async Task<IStorageBackend> OpenPeerAsync() =>
        new SqliteBackend(await SqliteDatabase.OpenAsync(Options(Database.DataSource)), folderToDelete: null);

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        if (_folderToDelete is not null)
        {
            DeleteFolder(_folderToDelete);
        }
    }

    public static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the test over it is not.
        }
    }
}

public sealed class SqliteExecutionStoreTests : ExecutionStoreConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await SqliteBackend.CreateAsync();
}

public sealed class SqliteWorkflowStoreTests : WorkflowStoreConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await SqliteBackend.CreateAsync();
}

public sealed class SqliteExecutionQueriesTests : ExecutionQueriesConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await SqliteBackend.CreateAsync();
}

public sealed class SqlitePluginStoreTests : PluginStoreConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await SqliteBackend.CreateAsync();
}

public sealed class SqliteIdentityStoreTests : IdentityStoreConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await SqliteBackend.CreateAsync();
}

public sealed class SqliteWorkflowShareStoreTests : WorkflowShareStoreConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await SqliteBackend.CreateAsync();
}

public sealed class SqliteSecurityLogStoreTests : SecurityLogStoreConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await SqliteBackend.CreateAsync();
}

public sealed class SqliteSchedulerStoreTests : SchedulerStoreConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await SqliteBackend.CreateAsync();
}

public sealed class SqliteCredentialStoreTests : CredentialStoreConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await SqliteBackend.CreateAsync();
}

public sealed class SqliteTriggerStoreTests : TriggerStoreConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await SqliteBackend.CreateAsync();
}

public sealed class SqliteNotificationStoreTests : NotificationStoreConformanceTests
{
    protected override async Task<IStorageBackend> CreateBackendAsync() => await SqliteBackend.CreateAsync();
}
