// Workflow shares (docs/security.md "Roles and scopes"): rights on one workflow for a user or a role.

export type PrincipalType = 'user' | 'role';
export type ShareLevel = 'read' | 'run' | 'edit';
export const SHARE_LEVELS: readonly { value: ShareLevel; label: string }[] = [
  { value: 'read', label: 'Read (see it and its runs)' },
  { value: 'run', label: 'Run (also start it)' },
  { value: 'edit', label: 'Edit (also change it)' },
];

export interface Share {
  principal_type: PrincipalType;
  principal_id: string;
  permission: ShareLevel;
  grants: string[];
  created_by: string | null;
  created_at: string;
}

export interface ShareUser {
  id: string;
  username: string;
  role: string;
}

/** The name a share's principal goes by: a user's name when known, a role as `everyone with role editor`. */
export function principalLabel(share: Pick<Share, 'principal_type' | 'principal_id'>, users: readonly ShareUser[], me?: { id: string; username: string }): string {
  if (share.principal_type === 'role') return `everyone with role ${share.principal_id}`;
  const id = share.principal_id.toLowerCase();
  // Only administrators may list users; anyone else still recognises a share for themselves.
  if (me && me.id.toLowerCase() === id) return `${me.username} (you)`;
  return users.find((u) => u.id.toLowerCase() === id)?.username ?? share.principal_id;
}

/** `DELETE /workflows/{id}/shares/{type}/{principal}`. */
export function sharePath(workflowId: string, share?: Pick<Share, 'principal_type' | 'principal_id'>): string {
  const base = `/workflows/${encodeURIComponent(workflowId)}/shares`;
  return share ? `${base}/${share.principal_type}/${encodeURIComponent(share.principal_id)}` : base;
}

/**
 * The principals a new share could name: users and roles, without those the workflow already has a share for (a
 * PUT for them changes the level instead, which the list's own control does), and without administrators, whose
 * role already grants everything.
 */
export function shareCandidates(type: PrincipalType, shares: readonly Share[], users: readonly ShareUser[], roles: readonly string[]): { id: string; label: string }[] {
  const taken = new Set(shares.filter((s) => s.principal_type === type).map((s) => s.principal_id.toLowerCase()));
  if (type === 'role') return roles.filter((r) => r !== 'admin' && !taken.has(r)).map((r) => ({ id: r, label: r }));
  return users.filter((u) => u.role !== 'admin' && !taken.has(u.id.toLowerCase())).map((u) => ({ id: u.id, label: `${u.username} (${u.role})` }));
}

const LEVEL_GRANTS: Record<ShareLevel, readonly string[]> = {
  read: ['workflows:read', 'executions:read'],
  run: ['workflows:read', 'executions:read', 'executions:run'],
  edit: ['workflows:read', 'executions:read', 'executions:run', 'workflows:write'],
};

/**
 * What the caller's shares add on one workflow: the grants of every share naming them or their role. Shares apply
 * to users only (API keys and clients get their scopes), as the server decides (SecurityMiddleware). The server
 * lists each share's `grants`; the level's fixed set is the fallback for an answer without them.
 */
export function sharedGrants(me: { id: string; role: string; kind?: string | undefined }, shares: readonly Share[]): Set<string> {
  const grants = new Set<string>();
  if (me.kind !== undefined && me.kind !== 'user') return grants;
  for (const share of shares) {
    const mine = share.principal_type === 'user' ? share.principal_id.toLowerCase() === me.id.toLowerCase() : share.principal_id === me.role;
    if (!mine) continue;
    for (const grant of share.grants.length > 0 ? share.grants : LEVEL_GRANTS[share.permission] ?? []) grants.add(grant);
  }
  return grants;
}
