import { CursorPager, useCursorPages } from '../components/CursorPager';
import { api } from '../api/client';
import type { Execution, Page } from '../api/types';
import { useApi } from '../components/useApi';
import { ErrorBanner, formatDuration, formatTime, StatusBadge } from '../components/ui';
import { Link, navigate, useLocation } from '../router';

const STATUSES = ['', 'pending', 'running', 'succeeded', 'failed', 'cancelled'];
// What the server records as an execution's trigger (docs/triggers.md).
const TRIGGERS = ['', 'api', 'manual', 'cron', 'webhook', 'retry', 'error-workflow', 'subworkflow', 'cli'];

/** Local datetime-input text to an ISO instant (the API takes RFC 3339). */
const toIso = (local: string) => (local ? new Date(local).toISOString() : '');

export function ExecutionsPage() {
  const { search } = useLocation();
  const filters = {
    workflow_id: search.get('workflow_id') ?? '',
    status: search.get('status') ?? '',
    trigger: search.get('trigger') ?? '',
    since: search.get('since') ?? '',
    until: search.get('until') ?? '',
  };
  // Cursors of the pages before this one, so "Previous" works with keyset paging.
  const pages = useCursorPages();
  const { cursor } = pages;
  const key = JSON.stringify(filters);
  const list = useApi(
    (signal) => api.get<Page<Execution>>('/executions', { ...filters, since: toIso(filters.since), until: toIso(filters.until), limit: 25, cursor }, signal),
    [key, cursor],
  );

  const setFilter = (name: keyof typeof filters, value: string) => {
    const params = new URLSearchParams(search);
    if (value) params.set(name, value);
    else params.delete(name);
    pages.reset();
    navigate(`/executions${params.size ? `?${params}` : ''}`, true);
  };

  return (
    <div className="page">
      <div className="page-header"><h1>Executions</h1><button onClick={list.reload}>Refresh</button></div>
      <div className="filters">
        <label>Workflow <input aria-label="Workflow filter" value={filters.workflow_id} onChange={(e) => setFilter('workflow_id', e.target.value.trim())} placeholder="any" /></label>
        <label>Status <select aria-label="Status filter" value={filters.status} onChange={(e) => setFilter('status', e.target.value)}>{STATUSES.map((s) => <option key={s} value={s}>{s || 'any'}</option>)}</select></label>
        <label>Trigger <select aria-label="Trigger filter" value={filters.trigger} onChange={(e) => setFilter('trigger', e.target.value)}>{TRIGGERS.map((s) => <option key={s} value={s}>{s || 'any'}</option>)}</select></label>
        <label>Since <input type="datetime-local" value={filters.since} onChange={(e) => setFilter('since', e.target.value)} /></label>
        <label>Until <input type="datetime-local" value={filters.until} onChange={(e) => setFilter('until', e.target.value)} /></label>
      </div>
      <ErrorBanner error={list.error} />
      <table className="table">
        <thead><tr><th>Execution</th><th>Workflow</th><th>Status</th><th>Trigger</th><th>Started</th><th>Duration</th></tr></thead>
        <tbody>
          {list.data?.items.map((e) => (
            <tr key={e.id} data-testid={`execution-${e.id}`}>
              <td><Link to={`/executions/${e.id}`}><code>{e.id.slice(0, 8)}…</code></Link></td>
              <td><Link to={`/workflows/${encodeURIComponent(e.workflow_id)}`}>{e.workflow_id}</Link> <span className="muted small">v{e.workflow_version}</span></td>
              <td><StatusBadge status={e.status} /></td>
              <td>{e.trigger}</td>
              <td>{formatTime(e.started_at ?? e.created_at)}</td>
              <td>{formatDuration(e.duration_ms)}</td>
            </tr>
          ))}
          {list.data && list.data.items.length === 0 ? <tr><td colSpan={6} className="empty">No executions match.</td></tr> : null}
        </tbody>
      </table>
      <CursorPager pages={pages} nextCursor={list.data?.next_cursor} />
    </div>
  );
}
