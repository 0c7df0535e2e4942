namespace OpenClaw.Server.Security;

/// <summary>
/// The permissions every endpoint requires. They double as API-key and OAuth2 scopes (<c>workflows:read</c>, ...), so a
/// key can be narrowed to exactly what an integration needs.
/// </summary>
public static class Permissions
{
    public const string WorkflowsRead = "workflows:read";
    public const string WorkflowsWrite = "workflows:write";
    public const string ExecutionsRead = "executions:read";
    public const string ExecutionsRun = "executions:run";
    public const string QueuesRead = "queues:read";
    public const string QueuesManage = "queues:manage";
    public const string SchedulesRead = "schedules:read";
    public const string SchedulesManage = "schedules:manage";
    public const string TriggersManage = "triggers:manage";
    public const string PluginsRead = "plugins:read";
    public const string PluginsManage = "plugins:manage";
    public const string CredentialsRead = "credentials:read";
    public const string CredentialsManage = "credentials:manage";
    public const string NotificationsManage = "notifications:manage";
    public const string UsersManage = "users:manage";
    public const string TenantsManage = "tenants:manage";
    public const string AuditRead = "audit:read";

    /// <summary>Every permission, in a stable order (the permission matrix and the OpenAPI document list them so).</summary>
    public static readonly IReadOnlyList<string> All =
    [
        WorkflowsRead, WorkflowsWrite, ExecutionsRead, ExecutionsRun, QueuesRead, QueuesManage, SchedulesRead,
        SchedulesManage, TriggersManage, PluginsRead, PluginsManage, CredentialsRead, CredentialsManage,
        NotificationsManage, UsersManage, TenantsManage, AuditRead,
    ];
}
