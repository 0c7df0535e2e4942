namespace OpenClaw.Core.Storage;

/// <summary>The audit trail, the access log and the security events: append-only, queried newest first.</summary>
public interface ISecurityLogStore
{
    Task AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken = default);

    /// <exception cref="ArgumentException">The cursor is malformed or the limit is below 1.</exception>
    Task<Page<AuditRecord>> QueryAuditAsync(AuditQuery query, CancellationToken cancellationToken = default);

    /// <summary>Appends a batch in one transaction.</summary>
    Task AppendAccessLogAsync(IReadOnlyList<AccessLogRecord> records, CancellationToken cancellationToken = default);

    /// <summary>The tenant's most recent requests, newest first.</summary>
    Task<IReadOnlyList<AccessLogRecord>> RecentAccessLogAsync(string tenantId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Appends a batch in one transaction.</summary>
    Task AppendSecurityEventsAsync(IReadOnlyList<SecurityEventRecord> records, CancellationToken cancellationToken = default);

    /// <exception cref="ArgumentException">The cursor is malformed or the limit is below 1.</exception>
    Task<Page<SecurityEventRecord>> QuerySecurityEventsAsync(SecurityEventQuery query, CancellationToken cancellationToken = default);
}
