import { Fragment, useState } from 'react';
import { CursorPager, useCursorPages } from '../../components/CursorPager';
import { api } from '../../api/client';
import { useApi } from '../../components/useApi';
import { ErrorBanner, formatTime, JsonView } from '../../components/ui';

interface AuditRecord {
  id: string; actor: string; actor_kind: string; action: string; resource_type: string; resource_id: string | null;
  before: unknown; after: unknown; ip: string | null; time: string;
}

/** The audit log with filters (actor, resource, time) and keyset paging; each entry shows before and after. */
export function AuditTab() {
  const [filters, setFilters] = useState({ actor: '', resource_type: '', resource_id: '', since: '', until: '' });
  const pages = useCursorPages();
  const [open, setOpen] = useState<string | null>(null);
  const { cursor } = pages;
  const iso = (v: string) => (v ? new Date(v).toISOString() : '');
  const page = useApi((signal) => api.get<{ items: AuditRecord[]; next_cursor: string | null }>('/audit',
    { ...filters, since: iso(filters.since), until: iso(filters.until), limit: 50, cursor }, signal), [JSON.stringify(filters), cursor]);
  const set = (key: keyof typeof filters) => (e: { target: { value: string } }) => {
    setFilters({ ...filters, [key]: e.target.value });
    pages.reset();
  };
  return (
    <>
      <h2>Audit log</h2>
      <div className="filters">
        <label>Actor <input value={filters.actor} onChange={set('actor')} /></label>
        <label>Resource type <input value={filters.resource_type} onChange={set('resource_type')} placeholder="workflow, user, …" /></label>
        <label>Resource id <input value={filters.resource_id} onChange={set('resource_id')} /></label>
        <label>Since <input type="datetime-local" value={filters.since} onChange={set('since')} /></label>
        <label>Until <input type="datetime-local" value={filters.until} onChange={set('until')} /></label>
      </div>
      <ErrorBanner error={page.error} />
      <table className="table">
        <thead><tr><th>Time</th><th>Actor</th><th>Action</th><th>Resource</th><th>Address</th></tr></thead>
        <tbody>
          {page.data?.items.map((r) => (
            <Fragment key={r.id}>
              <tr onClick={() => setOpen(open === r.id ? null : r.id)} className="clickable">
                <td>{formatTime(r.time)}</td><td>{r.actor} <span className="muted small">{r.actor_kind}</span></td><td>{r.action}</td>
                <td>{r.resource_type}{r.resource_id ? <span className="muted small"> {r.resource_id}</span> : null}</td><td className="small">{r.ip ?? ''}</td>
              </tr>
              {open === r.id ? <tr><td colSpan={5}><div className="diff"><div><h4>Before</h4><JsonView value={r.before} /></div><div><h4>After</h4><JsonView value={r.after} /></div></div></td></tr> : null}
            </Fragment>
          ))}
          {page.data?.items.length === 0 ? <tr><td colSpan={5} className="empty">No entries match.</td></tr> : null}
        </tbody>
      </table>
      <CursorPager pages={pages} nextCursor={page.data?.next_cursor} />
    </>
  );
}
