using OpenClaw.Core.Storage;

namespace OpenClaw.Storage.Tests.Conformance;

/// <summary>
/// One backend under test: the stores over one fresh, empty database. A backend project (SQLite, PostgreSQL)
/// implements this once and subclasses each conformance suite with a factory for it.
/// </summary>
public interface IStorageBackend : IAsyncDisposable
{
    IExecutionStore Executions { get; }

    IWorkflowStore Workflows { get; }

    IExecutionQueries Queries { get; }

    IPluginStore Plugins { get; }

    IIdentityStore Identities { get; }

    IWorkflowShareStore Shares { get; }

    ISecurityLogStore SecurityLog { get; }

    ITenantUsageQueries Usage { get; }

    IQueueStore Queues { get; }

    IScheduleStore Schedules { get; }

    ICredentialStore Credentials { get; }

    ITriggerStore Triggers { get; }

    INotificationStore Notifications { get; }

    /// <summary>Another node over the same database (its own connections), as a second process would have.</summary>
    Task<IStorageBackend> OpenPeerAsync();
}
