// Security events (docs/security.md "Audit, access log, security events"): kinds and the query the filters make.

export const SECURITY_EVENT_KINDS: readonly { value: string; label: string }[] = [
  { value: 'login_failed', label: 'Failed login' },
  { value: 'lockout', label: 'Lockout' },
  { value: 'invalid_credentials', label: 'Invalid credentials' },
  { value: 'permission_denied', label: 'Permission denied' },
  { value: 'refresh_token_reuse', label: 'Refresh token reuse' },
  { value: 'sandbox_violation', label: 'Sandbox violation' },
];

export interface SecurityEvent {
  id: string;
  kind: string;
  tenant_id: string | null;
  actor: string | null;
  ip: string | null;
  detail: string;
  data: unknown;
  time: string;
}

export interface SecurityEventFilters {
  kind: string;
  /** A `datetime-local` value (the browser's local time), or empty. */
  since: string;
}

/** The query of `GET /security/events`: local times become ISO instants; empty filters are left out. */
export function securityEventQuery(filters: SecurityEventFilters, cursor: string | null, limit = 50): Record<string, string | number> {
  const query: Record<string, string | number> = { limit };
  if (filters.kind) query.kind = filters.kind;
  if (filters.since) {
    const date = new Date(filters.since);
    if (!Number.isNaN(date.getTime())) query.since = date.toISOString();
  }
  if (cursor) query.cursor = cursor;
  return query;
}

export function kindLabel(kind: string): string {
  return SECURITY_EVENT_KINDS.find((k) => k.value === kind)?.label ?? kind;
}
