import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import { useSession } from '../auth/session';
import { sharedGrants, sharePath, type Share } from './shares';

const SHAREABLE = ['workflows:read', 'workflows:write', 'executions:read', 'executions:run'];

/**
 * `can` for one workflow: the caller's role permissions plus what the workflow's shares grant them (a viewer with an
 * `edit` share may edit this workflow). The shares are only fetched when the role lacks something a share could add.
 */
export function useWorkflowAccess(workflowId: string): (permission: string) => boolean {
  const session = useSession();
  const me = session.state.status === 'signed-in' ? session.state.me : null;
  const needsShares = me !== null && SHAREABLE.some((p) => !me.permissions.includes(p));
  const [grants, setGrants] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    if (!needsShares || !me) return;
    const controller = new AbortController();
    api.get<{ items: Share[] }>(sharePath(workflowId), undefined, controller.signal)
      .then((r) => setGrants(sharedGrants(me, r.items)), () => undefined);
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [workflowId, needsShares, me?.id, me?.role]);
  const { can } = session;
  return useCallback((permission: string) => can(permission) || grants.has(permission), [can, grants]);
}
