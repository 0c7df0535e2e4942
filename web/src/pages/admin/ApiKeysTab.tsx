import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { ALL_PERMISSIONS } from '../../auth/session';
import { useAction } from '../../components/useAction';
import { useApi } from '../../components/useApi';
import { ErrorBanner, Field, formatTime, Modal, FormError, fieldErrorOf } from '../../components/ui';

interface ApiKey { id: string; name: string; prefix: string; role: string; scopes: string[]; expires_at: string | null; last_used_at: string | null; revoked_at: string | null; created_at: string }

export function ApiKeysTab() {
  const keys = useApi((signal) => api.get<{ items: ApiKey[] }>('/api-keys', undefined, signal), []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <div className="page-header"><h2>API keys</h2><button className="primary" onClick={() => setCreating(true)}>New API key</button></div>
      <ErrorBanner error={error ?? keys.error} onDismiss={error ? () => setError(null) : undefined} />
      {created ? (
        <div className="banner created-key" role="status" data-testid="created-key">
          <div>
            <strong>Copy the key now: it is shown this once.</strong>
            <pre className="json">{created}</pre>
          </div>
          <button onClick={() => { void navigator.clipboard?.writeText(created); }}>Copy</button>
          <button className="ghost" onClick={() => setCreated(null)} aria-label="Done">×</button>
        </div>
      ) : null}
      <table className="table">
        <thead><tr><th>Name</th><th>Key</th><th>Scopes</th><th>Last used</th><th>Expires</th><th /></tr></thead>
        <tbody>
          {keys.data?.items.map((k) => (
            <tr key={k.id}>
              <td><strong>{k.name}</strong> {k.revoked_at ? <span className="badge status-failed">revoked</span> : null}</td>
              <td><code>{k.prefix}…</code></td>
              <td className="small">{k.scopes.join(', ')}</td>
              <td>{formatTime(k.last_used_at)}</td>
              <td>{formatTime(k.expires_at)}</td>
              <td className="actions">{k.revoked_at ? null : <button className="ghost danger" onClick={async () => {
                if (!confirm(`Revoke ${k.name}? Anything using it stops working.`)) return;
                try { await api.delete(`/api-keys/${k.id}`); keys.reload(); } catch (e) { setError(e); }
              }}>Revoke</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {creating ? <CreateKeyDialog onClose={() => setCreating(false)} onCreated={(key) => { setCreating(false); setCreated(key); keys.reload(); }} /> : null}
    </>
  );
}

function CreateKeyDialog({ onClose, onCreated }: { onClose(): void; onCreated(key: string): void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['workflows:read', 'executions:read', 'executions:run']);
  const [expires, setExpires] = useState('');
  const { error, run } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      const result = await api.post<{ key: string }>('/api-keys', { name, scopes, ...(expires ? { expires_at: new Date(expires).toISOString() } : {}) });
      onCreated(result.key);
    });
  };
  const fieldError = (f: string) => fieldErrorOf(error, f);
  return (
    <Modal title="New API key" onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <Field label="Name" error={fieldError('name')}><input value={name} onChange={(e) => setName(e.target.value)} required /></Field>
        <fieldset className="scopes"><legend>Scopes (at most your own)</legend>
          {ALL_PERMISSIONS.map((p) => (
            <label key={p} className="check"><input type="checkbox" checked={scopes.includes(p)} onChange={(e) => setScopes(e.target.checked ? [...scopes, p] : scopes.filter((s) => s !== p))} /> {p}</label>
          ))}
          {fieldError('scopes') ? <span className="field-error">{fieldError('scopes')}</span> : null}
        </fieldset>
        <Field label="Expires" hint="empty: never" error={fieldError('expires_at')}><input type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} /></Field>
        <FormError error={error} />
        <div className="form-actions"><button type="button" onClick={onClose}>Cancel</button><button type="submit" className="primary">Create</button></div>
      </form>
    </Modal>
  );
}
