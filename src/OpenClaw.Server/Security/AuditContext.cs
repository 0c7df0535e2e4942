namespace OpenClaw.Server.Security;

/// <summary>
/// What a changing request did, for the audit trail: endpoints fill in the resource and its state before and after;
/// the audit middleware writes the record (who, what, when, from where) when the request succeeds.
/// </summary>
public sealed class AuditContext
{
    /// <summary>e.g. <c>workflow</c>, <c>execution</c>, <c>user</c>.</summary>
    public string? ResourceType { get; set; }

    public string? ResourceId { get; set; }

    /// <summary>e.g. <c>create</c>, <c>update</c>, <c>delete</c>, <c>cancel</c>; defaults to the HTTP method and route.</summary>
    public string? Action { get; set; }

    /// <summary>The resource before the change (serialised as JSON; secrets must already be removed).</summary>
    public object? Before { get; set; }

    /// <summary>The resource after the change.</summary>
    public object? After { get; set; }

    /// <summary>Records what changed: <c>audit.Describe("workflow", id, "update", before, after)</c>.</summary>
    public void Describe(string resourceType, string? resourceId, string action, object? before = null, object? after = null)
    {
        ResourceType = resourceType;
        ResourceId = resourceId;
        Action = action;
        Before = before;
        After = after;
    }
}
