import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { ApiError } from '../../api/problem';
import { useApi } from '../../components/useApi';
import { ErrorBanner, Field, formatTime, Modal, FormError, fieldErrorOf } from '../../components/ui';

interface Credential { id: string; name: string; type: string; description: string | null; fields: string[]; updated_at: string }

/** Secret fields each type must have (the server checks; this only pre-fills the form). */
const TYPES: Record<string, string[]> = {
  http_basic: ['username', 'password'], bearer: ['token'], api_key: ['value'], smtp: ['host', 'username', 'password'],
  database: ['provider', 'connection_string'], generic: [],
};

/** Credentials: names and field names only; values are write-only and never come back after saving. */
export function CredentialsTab() {
  const list = useApi((signal) => api.get<Credential[]>('/credentials', undefined, signal), []);
  const [editing, setEditing] = useState<Credential | 'new' | null>(null);
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <div className="page-header"><h2>Credentials</h2><button className="primary" onClick={() => setEditing('new')}>New credential</button></div>
      <ErrorBanner error={error ?? list.error} onDismiss={error ? () => setError(null) : undefined} />
      <table className="table">
        <thead><tr><th>Name</th><th>Type</th><th>Fields (values hidden)</th><th>Updated</th><th /></tr></thead>
        <tbody>
          {list.data?.map((c) => (
            <tr key={c.id} data-testid={`credential-${c.name}`}>
              <td><strong>{c.name}</strong><div className="muted small">{c.description ?? ''}</div></td>
              <td>{c.type}</td>
              <td className="small">{c.fields.map((f) => <code key={f}>{f}: ••••• </code>)}</td>
              <td>{formatTime(c.updated_at)}</td>
              <td className="actions">
                <button className="ghost" onClick={() => setEditing(c)}>Replace values</button>
                <button className="ghost danger" onClick={async () => {
                  if (!confirm(`Delete credential ${c.name}?`)) return;
                  try { await api.delete(`/credentials/${c.id}`); list.reload(); } catch (e) { setError(e); }
                }}>Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing ? <CredentialDialog credential={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onDone={() => { setEditing(null); list.reload(); }} /> : null}
    </>
  );
}

function CredentialDialog({ credential, onClose, onDone }: { credential: Credential | null; onClose(): void; onDone(): void }) {
  const [name, setName] = useState(credential?.name ?? '');
  const [type, setType] = useState(credential?.type ?? 'bearer');
  const [description, setDescription] = useState(credential?.description ?? '');
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries((credential?.fields ?? TYPES[type] ?? []).map((f) => [f, ''])));
  const [extra, setExtra] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = { name, type, ...(description ? { description } : {}), values };
    try {
      if (credential) await api.put(`/credentials/${credential.id}`, body);
      else await api.post('/credentials', body);
      onDone();
    } catch (e) {
      setError(e);
    }
  };
  const fieldError = (f: string) => fieldErrorOf(error, f);
  return (
    <Modal title={credential ? `Replace ${credential.name}` : 'New credential'} onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)} autoComplete="off">
        <Field label="Name" error={fieldError('name')}><input value={name} onChange={(e) => setName(e.target.value)} required /></Field>
        <Field label="Type" error={fieldError('type')}>
          <select value={type} disabled={!!credential} onChange={(e) => { setType(e.target.value); setValues(Object.fromEntries((TYPES[e.target.value] ?? []).map((f) => [f, '']))); }}>
            {Object.keys(TYPES).map((t) => <option key={t}>{t}</option>)}
          </select>
        </Field>
        <Field label="Description"><input value={description} onChange={(e) => setDescription(e.target.value)} /></Field>
        <p className="muted small">Values are encrypted at rest and never shown again after saving{credential ? '; saving replaces them all' : ''}.</p>
        {Object.keys(values).map((f) => (
          <Field key={f} label={f} error={fieldError(`values.${f}`)}>
            <input type="password" autoComplete="new-password" value={values[f]} onChange={(e) => setValues({ ...values, [f]: e.target.value })} />
          </Field>
        ))}
        <div className="row">
          <input placeholder="another field" value={extra} onChange={(e) => setExtra(e.target.value)} aria-label="Field name" />
          <button type="button" disabled={!extra || extra in values} onClick={() => { setValues({ ...values, [extra]: '' }); setExtra(''); }}>Add field</button>
        </div>
        <FormError error={error} />
        {error instanceof ApiError && error.fieldErrors.length > 0 ? <ErrorBanner error={error} /> : null}
        <div className="form-actions"><button type="button" onClick={onClose}>Cancel</button><button type="submit" className="primary">Save</button></div>
      </form>
    </Modal>
  );
}
