import { useState, type FormEvent, useCallback } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../components/useAction';
import { useApi } from '../../components/useApi';
import { ErrorBanner, Field, formatTime, Modal, StatusBadge, FormError, fieldErrorOf } from '../../components/ui';

interface User { id: string; username: string; email: string | null; role: string; is_active: boolean; must_change_password: boolean; locked_until: string | null; created_at: string }

export const ROLES = ['admin', 'editor', 'operator', 'viewer'];

export function UsersTab() {
  const users = useApi((signal) => api.get<{ items: User[] }>('/users', undefined, signal), []);
  const [creating, setCreating] = useState(false);
  const refresh = useCallback(() => { users.reload(); }, [users.reload]);
  const { error, run: act, clear: clearError } = useAction(refresh);
  return (
    <>
      <div className="page-header"><h2>Users</h2><button className="primary" onClick={() => setCreating(true)}>New user</button></div>
      <ErrorBanner error={error ?? users.error} onDismiss={error ? clearError : undefined} />
      <table className="table">
        <thead><tr><th>User</th><th>Role</th><th>State</th><th>Created</th><th /></tr></thead>
        <tbody>
          {users.data?.items.map((u) => (
            <tr key={u.id} data-testid={`user-${u.username}`}>
              <td><strong>{u.username}</strong><div className="muted small">{u.email ?? ''}</div></td>
              <td>
                <select aria-label={`Role of ${u.username}`} value={u.role} onChange={(e) => void act(() => api.request('PATCH', `/users/${u.id}`, { body: { role: e.target.value } }))}>
                  {ROLES.map((r) => <option key={r}>{r}</option>)}
                </select>
              </td>
              <td>
                <StatusBadge status={u.is_active ? 'enabled' : 'disabled'} />
                {u.must_change_password ? <span className="badge">must change password</span> : null}
                {u.locked_until && Date.parse(u.locked_until) > Date.now() ? <span className="badge status-failed">locked</span> : null}
              </td>
              <td>{formatTime(u.created_at)}</td>
              <td className="actions">
                <button className="ghost" onClick={() => void act(() => api.request('PATCH', `/users/${u.id}`, { body: { is_active: !u.is_active } }))}>{u.is_active ? 'Deactivate' : 'Activate'}</button>
                <button className="ghost danger" onClick={() => confirm(`Delete ${u.username}?`) && void act(() => api.delete(`/users/${u.id}`))}>Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {creating ? <CreateUserDialog onClose={() => setCreating(false)} onDone={() => { setCreating(false); users.reload(); }} /> : null}
    </>
  );
}

function CreateUserDialog({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState('viewer');
  const { error, run } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      await api.post('/users', { username, password, role, ...(email ? { email } : {}), must_change_password: true });
      onDone();
    });
  };
  const fieldError = (f: string) => fieldErrorOf(error, f);
  return (
    <Modal title="New user" onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <Field label="Username" error={fieldError('username')}><input value={username} onChange={(e) => setUsername(e.target.value)} required /></Field>
        <Field label="Email" error={fieldError('email')}><input type="email" value={email} onChange={(e) => setEmail(e.target.value)} /></Field>
        <Field label="One-time password" hint="The user chooses their own at first sign-in." error={fieldError('password')}><input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="new-password" /></Field>
        <Field label="Role" error={fieldError('role')}><select value={role} onChange={(e) => setRole(e.target.value)}>{ROLES.map((r) => <option key={r}>{r}</option>)}</select></Field>
        <FormError error={error} />
        <div className="form-actions"><button type="button" onClick={onClose}>Cancel</button><button type="submit" className="primary">Create</button></div>
      </form>
    </Modal>
  );
}
