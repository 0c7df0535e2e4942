import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../components/useAction';
import { useApi } from '../../components/useApi';
import { ErrorBanner, Field, formatTime, Modal, FormError, fieldErrorOf } from '../../components/ui';

// The server leaves out null fields: a limit that is not set is absent, not null.
interface Tenant { id: string; name: string; max_workflows?: number | null; max_executions_per_day?: number | null; requests_per_minute?: number | null; created_at: string }

const limit = (n: number | null | undefined) => (n === null || n === undefined ? 'unlimited' : n.toLocaleString());

export function TenantsTab() {
  const tenants = useApi((signal) => api.get<{ items: Tenant[] }>('/tenants', undefined, signal), []);
  const [creating, setCreating] = useState(false);
  return (
    <>
      <div className="page-header"><h2>Tenants</h2><button className="primary" onClick={() => setCreating(true)}>New tenant</button></div>
      <ErrorBanner error={tenants.error} />
      <table className="table">
        <thead><tr><th>Tenant</th><th>Workflows</th><th>Executions per day</th><th>Requests per minute</th><th>Created</th></tr></thead>
        <tbody>
          {tenants.data?.items.map((t) => (
            <tr key={t.id}><td><strong>{t.name}</strong><div className="muted small">{t.id}</div></td><td>{limit(t.max_workflows)}</td><td>{limit(t.max_executions_per_day)}</td><td>{limit(t.requests_per_minute)}</td><td>{formatTime(t.created_at)}</td></tr>
          ))}
        </tbody>
      </table>
      {creating ? <CreateTenantDialog onClose={() => setCreating(false)} onDone={() => { setCreating(false); tenants.reload(); }} /> : null}
    </>
  );
}

function CreateTenantDialog({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const [form, setForm] = useState({ id: '', name: '', admin_username: 'admin', admin_password: '', max_workflows: '', max_executions_per_day: '', requests_per_minute: '' });
  const { error, run } = useAction();
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const number = (v: string) => (v === '' ? undefined : Number(v));
    await run(async () => {
      await api.post('/tenants', {
        id: form.id, name: form.name || form.id, admin_username: form.admin_username, admin_password: form.admin_password,
        max_workflows: number(form.max_workflows), max_executions_per_day: number(form.max_executions_per_day), requests_per_minute: number(form.requests_per_minute),
      });
      onDone();
    });
  };
  const fieldError = (f: string) => fieldErrorOf(error, f);
  return (
    <Modal title="New tenant" onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <Field label="Id" error={fieldError('id')}><input value={form.id} onChange={set('id')} required /></Field>
        <Field label="Name" error={fieldError('name')}><input value={form.name} onChange={set('name')} /></Field>
        <Field label="Its first administrator" error={fieldError('admin_username')}><input value={form.admin_username} onChange={set('admin_username')} required /></Field>
        <Field label="One-time password" error={fieldError('admin_password')}><input type="password" value={form.admin_password} onChange={set('admin_password')} required autoComplete="new-password" /></Field>
        <Field label="Max workflows" hint="empty: unlimited" error={fieldError('max_workflows')}><input type="number" min={0} value={form.max_workflows} onChange={set('max_workflows')} /></Field>
        <Field label="Max executions per day" error={fieldError('max_executions_per_day')}><input type="number" min={0} value={form.max_executions_per_day} onChange={set('max_executions_per_day')} /></Field>
        <Field label="Requests per minute" error={fieldError('requests_per_minute')}><input type="number" min={0} value={form.requests_per_minute} onChange={set('requests_per_minute')} /></Field>
        <FormError error={error} />
        <div className="form-actions"><button type="button" onClick={onClose}>Cancel</button><button type="submit" className="primary">Create</button></div>
      </form>
    </Modal>
  );
}
