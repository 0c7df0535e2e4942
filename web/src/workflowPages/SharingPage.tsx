import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { useSession } from '../auth/session';
import { useAction } from '../components/useAction';
import { useApi } from '../components/useApi';
import { ErrorBanner, Field, fieldErrorOf, FormError, formatTime } from '../components/ui';
import { ROLES } from '../pages/admin/UsersTab';
import { principalLabel, shareCandidates, sharePath, SHARE_LEVELS, type PrincipalType, type Share, type ShareLevel, type ShareUser } from '../sharing/shares';
import { WorkflowTabs } from './WorkflowTabs';

/**
 * Who has rights on this workflow beyond their role: shares for a user or for everyone with a role (read, run,
 * edit). Everyone who can read the workflow sees the list; changing it is an administrator's (users:manage).
 */
export function SharingPage({ workflowId }: { workflowId: string }) {
  const session = useSession();
  const { can } = session;
  const me = session.state.status === 'signed-in' ? session.state.me : undefined;
  const manage = can('users:manage');
  const shares = useApi((signal) => api.get<{ workflow_id: string; items: Share[] }>(sharePath(workflowId), undefined, signal), [workflowId]);
  // Only administrators may list users; others see user ids.
  const users = useApi((signal) => (manage ? api.get<{ items: ShareUser[] }>('/users', undefined, signal).then((r) => r.items) : Promise.resolve([])), [manage]);
  const { error, run, clear } = useAction(shares.reload);
  const items = shares.data?.items ?? [];

  return (
    <div className="page">
      <div className="page-header"><h1>Sharing <span className="muted small">{workflowId}</span></h1></div>
      <WorkflowTabs workflowId={workflowId} active="sharing" />
      <p className="muted small">Roles grant rights on every workflow of the tenant; a share adds rights on this one. Shares never take rights away.</p>
      <ErrorBanner error={error ?? shares.error} onDismiss={error ? clear : undefined} />
      <table className="table" aria-label="Shares">
        <thead><tr><th>Who</th><th>Level</th><th>Grants</th><th>Since</th><th /></tr></thead>
        <tbody>
          {items.map((s) => {
            const label = principalLabel(s, users.data ?? [], me);
            return (
              <tr key={`${s.principal_type}:${s.principal_id}`} data-testid={`share-${s.principal_type}-${s.principal_id}`}>
                <td><span className="badge">{s.principal_type}</span> {label}</td>
                <td>
                  {manage ? (
                    <select aria-label={`Level for ${label}`} value={s.permission}
                      onChange={(e) => void run(() => api.put(sharePath(workflowId), { principal_type: s.principal_type, principal_id: s.principal_id, permission: e.target.value }))}>
                      {SHARE_LEVELS.map((l) => <option key={l.value} value={l.value}>{l.value}</option>)}
                    </select>
                  ) : s.permission}
                </td>
                <td className="small">{s.grants.join(', ')}</td>
                <td className="small">{formatTime(s.created_at)}</td>
                <td className="actions">{manage ? (
                  <button className="ghost danger" aria-label={`Remove share for ${label}`}
                    onClick={() => confirm(`Remove the share for ${label}?`) && void run(() => api.delete(sharePath(workflowId, s)))}>Remove</button>
                ) : null}</td>
              </tr>
            );
          })}
          {shares.data && items.length === 0 ? <tr><td colSpan={5} className="empty">Not shared: only roles decide who may use it.</td></tr> : null}
        </tbody>
      </table>
      {manage ? <AddShare workflowId={workflowId} shares={items} users={users.data ?? []} onAdded={shares.reload} /> : (
        <p className="muted small" data-testid="shares-read-only">Adding or removing shares needs the <code>users:manage</code> permission.</p>
      )}
    </div>
  );
}

function AddShare({ workflowId, shares, users, onAdded }: { workflowId: string; shares: Share[]; users: ShareUser[]; onAdded(): void }) {
  const [type, setType] = useState<PrincipalType>('user');
  const [principal, setPrincipal] = useState('');
  const [level, setLevel] = useState<ShareLevel>('read');
  const { error, run } = useAction(onAdded);
  const candidates = shareCandidates(type, shares, users, ROLES);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await run(() => api.put(sharePath(workflowId), { principal_type: type, principal_id: principal, permission: level }))) setPrincipal('');
  };
  const fieldError = (f: string) => fieldErrorOf(error, f);
  return (
    <form className="card form share-form" onSubmit={(e) => void submit(e)} aria-label="Add a share">
      <h2>Add a share</h2>
      <div className="share-row">
        <Field label="Share with" error={fieldError('principal_type')}>
          <select name="principal_type" value={type} onChange={(e) => { setType(e.target.value as PrincipalType); setPrincipal(''); }}>
            <option value="user">a user</option><option value="role">a role</option>
          </select>
        </Field>
        <Field label={type === 'user' ? 'User' : 'Role'} error={fieldError('principal_id')}>
          <select name="principal_id" value={principal} onChange={(e) => setPrincipal(e.target.value)} required>
            <option value="">{candidates.length === 0 ? '(none left)' : 'choose…'}</option>
            {candidates.map((c) => <option key={c.id} value={c.id}>{c.label}</option>)}
          </select>
        </Field>
        <Field label="Level" error={fieldError('permission')}>
          <select name="permission" value={level} onChange={(e) => setLevel(e.target.value as ShareLevel)}>
            {SHARE_LEVELS.map((l) => <option key={l.value} value={l.value}>{l.label}</option>)}
          </select>
        </Field>
      </div>
      <FormError error={error} fields={['principal_type', 'principal_id', 'permission']} />
      <div className="form-actions"><button type="submit" className="primary" disabled={!principal} data-testid="add-share">Share</button></div>
    </form>
  );
}
