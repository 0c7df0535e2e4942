import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { ApiError } from '../api/problem';
import type { Page, WorkflowRecord, WorkflowSummary } from '../api/types';
import { useSession } from '../auth/session';
import { useAction } from '../components/useAction';
import { useApi } from '../components/useApi';
import { ErrorBanner, Field, formatTime, Modal, StatusBadge } from '../components/ui';
import { Link, navigate } from '../router';

const ID_RULE = /^[a-z0-9][a-z0-9_-]*$/;

export function WorkflowsPage() {
  const { can } = useSession();
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [cursor, setCursor] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  // Typing filters after a short pause instead of on every key.
  useEffect(() => {
    const timer = setTimeout(() => {
      setQuery(search.trim());
      setCursor(null);
    }, 250);
    return () => clearTimeout(timer);
  }, [search]);

  const list = useApi((signal) => api.get<Page<WorkflowSummary>>('/workflows', { search: query, limit: 50, cursor }, signal), [query, cursor]);
  const writable = can('workflows:write');

  const { error: actionError, run, clear: clearActionError } = useAction(list.reload);

  const duplicate = (id: string) => run(async () => {
    const original = await api.get<WorkflowRecord>(`/workflows/${encodeURIComponent(id)}`);
    const taken = new Set(list.data?.items.map((w) => w.id));
    let copyId = `${id}-copy`;
    for (let n = 2; taken.has(copyId); n++) copyId = `${id}-copy-${n}`;
    await api.post('/workflows', { ...original.definition, id: copyId, name: `${original.name} (copy)` });
  });

  const remove = (id: string) => {
    if (confirm(`Delete workflow "${id}" and all its versions?`)) void run(() => api.delete(`/workflows/${encodeURIComponent(id)}`));
  };

  return (
    <div className="page">
      <div className="page-header">
        <h1>Workflows</h1>
        <input type="search" placeholder="Search by id or name" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search workflows" />
        {writable ? <button className="primary" onClick={() => setCreating(true)}>New workflow</button> : null}
      </div>
      <ErrorBanner error={actionError ?? list.error} onDismiss={actionError ? clearActionError : undefined} />
      <table className="table">
        <thead><tr><th>Workflow</th><th>Status</th><th>Version</th><th>Updated</th><th /></tr></thead>
        <tbody>
          {list.data?.items.map((w) => (
            <tr key={w.id} data-testid={`workflow-${w.id}`}>
              <td><Link to={`/workflows/${encodeURIComponent(w.id)}`}><strong>{w.name}</strong></Link><div className="muted small">{w.id}{w.description ? ` · ${w.description}` : ''}</div></td>
              <td><StatusBadge status={w.status} /></td>
              <td>{w.version}</td>
              <td>{formatTime(w.updated_at)}</td>
              <td className="actions">
                <Link to={`/executions?workflow_id=${encodeURIComponent(w.id)}`}>Runs</Link>{' '}
                <Link to={`/workflows/${encodeURIComponent(w.id)}/triggers`}>Triggers</Link>{' '}
                <Link to={`/workflows/${encodeURIComponent(w.id)}/sharing`}>Sharing</Link>
                {writable ? <button className="ghost" onClick={() => void duplicate(w.id)}>Duplicate</button> : null}
                {writable ? <button className="ghost danger" onClick={() => remove(w.id)}>Delete</button> : null}
              </td>
            </tr>
          ))}
          {list.data && list.data.items.length === 0 ? <tr><td colSpan={5} className="empty">{query ? 'No workflow matches.' : 'No workflows yet.'}</td></tr> : null}
        </tbody>
      </table>
      <div className="pager">
        {cursor ? <button onClick={() => setCursor(null)}>First page</button> : null}
        {list.data?.next_cursor ? <button onClick={() => setCursor(list.data!.next_cursor)}>Next page</button> : null}
      </div>
      {creating ? <CreateWorkflowDialog onClose={() => setCreating(false)} /> : null}
    </div>
  );
}

function CreateWorkflowDialog({ onClose }: { onClose(): void }) {
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ID_RULE.test(id)) {
      setError('Lower-case letters, digits, - and _, starting with a letter or digit.');
      return;
    }
    try {
      await api.get(`/workflows/${encodeURIComponent(id)}`);
      setError(`A workflow with id "${id}" already exists.`);
      return;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
    // The workflow is created on its first save, once it has steps the validator accepts.
    navigate(`/workflows/${encodeURIComponent(id)}?new=1&name=${encodeURIComponent(name || id)}`);
  };

  return (
    <Modal title="New workflow" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} className="form">
        <Field label="Id" error={error ?? undefined} hint="Used in URLs and the API; cannot change later.">
          <input name="id" value={id} onChange={(e) => setId(e.target.value)} required autoFocus placeholder="order-sync" />
        </Field>
        <Field label="Name">
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Order sync" />
        </Field>
        <div className="form-actions"><button type="button" onClick={onClose}>Cancel</button><button type="submit" className="primary">Create</button></div>
      </form>
    </Modal>
  );
}
