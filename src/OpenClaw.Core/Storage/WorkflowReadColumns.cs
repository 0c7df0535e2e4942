namespace OpenClaw.Core.Storage;

/// <summary>Column lists both backends select the same way (their SQL dialects agree on these).</summary>
public static class WorkflowReadColumns
{
    /// <summary>
    /// Selected after the <c>workflows</c> row's own columns: the published version and the author of the current
    /// version (<see cref="WorkflowRecord.PublishedVersion"/>, <see cref="WorkflowRecord.Author"/>).
    /// </summary>
    public const string PublishedAndAuthor =
        "published_version, (SELECT v.created_by FROM workflow_versions v " +
        "WHERE v.tenant_id = workflows.tenant_id AND v.workflow_id = workflows.id AND v.version = workflows.version)";
}
