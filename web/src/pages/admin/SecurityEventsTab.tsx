import { Fragment, useState } from 'react';
import { CursorPager, useCursorPages } from '../../components/CursorPager';
import { api } from '../../api/client';
import { useApi } from '../../components/useApi';
import { ErrorBanner, formatTime, JsonView } from '../../components/ui';
import { kindLabel, SECURITY_EVENT_KINDS, securityEventQuery, type SecurityEvent, type SecurityEventFilters } from './securityEvents';

/**
 * Security events: failed logins, lockouts, permission denials, refresh-token reuse, sandbox violations. Platform
 * administrators see every tenant's (and those of none, such as sandbox violations); others their tenant's.
 */
export function SecurityEventsTab() {
  const [filters, setFilters] = useState<SecurityEventFilters>({ kind: '', since: '' });
  const pages = useCursorPages();
  const [open, setOpen] = useState<string | null>(null);
  const { cursor } = pages;
  const page = useApi((signal) => api.get<{ events: SecurityEvent[]; next_cursor: string | null }>('/security/events', securityEventQuery(filters, cursor), signal),
    [filters.kind, filters.since, cursor]);
  const set = (key: keyof SecurityEventFilters) => (e: { target: { value: string } }) => {
    setFilters({ ...filters, [key]: e.target.value });
    pages.reset();
  };
  return (
    <>
      <div className="page-header"><h2>Security events</h2><button className="ghost" onClick={page.reload}>Refresh</button></div>
      <div className="filters">
        <label>Kind <select value={filters.kind} onChange={set('kind')} aria-label="Event kind">
          <option value="">any</option>
          {SECURITY_EVENT_KINDS.map((k) => <option key={k.value} value={k.value}>{k.label}</option>)}
        </select></label>
        <label>Since <input type="datetime-local" value={filters.since} onChange={set('since')} aria-label="Events since" /></label>
      </div>
      <ErrorBanner error={page.error} />
      <table className="table" aria-label="Security events">
        <thead><tr><th>Time</th><th>Kind</th><th>Actor</th><th>Address</th><th>Detail</th><th>Tenant</th></tr></thead>
        <tbody>
          {page.data?.events.map((e) => (
            <Fragment key={e.id}>
              <tr className="clickable" onClick={() => setOpen(open === e.id ? null : e.id)} data-testid={`security-event-${e.kind}`}>
                <td className="small">{formatTime(e.time)}</td>
                <td><span className={`badge kind-${e.kind}`}>{kindLabel(e.kind)}</span></td>
                <td>{e.actor ?? <span className="muted">—</span>}</td>
                <td className="small">{e.ip ?? ''}</td>
                <td className="small">{e.detail}</td>
                <td className="small">{e.tenant_id ?? <span className="muted">none</span>}</td>
              </tr>
              {open === e.id ? <tr><td colSpan={6}><h4>Data</h4><JsonView value={e.data} /></td></tr> : null}
            </Fragment>
          ))}
          {page.data?.events.length === 0 ? <tr><td colSpan={6} className="empty">No events match.</td></tr> : null}
        </tbody>
      </table>
      <CursorPager pages={pages} nextCursor={page.data?.next_cursor} />
    </>
  );
}
