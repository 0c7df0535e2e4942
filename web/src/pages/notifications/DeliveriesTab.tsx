import { Fragment, useState } from 'react';
import { api } from '../../api/client';
import { useApi } from '../../components/useApi';
import { ErrorBanner, formatTime, JsonView, StatusBadge } from '../../components/ui';
import { eventLabel, type Delivery, type NotificationRule } from '../../notifications/rules';
import { Link, useLocation } from '../../router';

/** The delivery log: each delivery's status, attempts, last error and payload, filtered by status, rule, execution. */
export function DeliveriesTab() {
  const { search } = useLocation();
  const [filters, setFilters] = useState({ status: '', rule_id: search.get('rule_id') ?? '', execution_id: '' });
  const [open, setOpen] = useState<string | null>(null);
  const rules = useApi((signal) => api.get<NotificationRule[]>('/notifications/rules', undefined, signal), []);
  const list = useApi((signal) => api.get<Delivery[]>('/notifications/deliveries', { ...filters, limit: 100 }, signal), [JSON.stringify(filters)]);
  const ruleName = (id: string) => rules.data?.find((r) => r.id === id)?.name ?? id.slice(0, 8);
  const set = (key: keyof typeof filters) => (e: { target: { value: string } }) => setFilters({ ...filters, [key]: e.target.value });
  return (
    <>
      <div className="filters">
        <label>Status <select value={filters.status} onChange={set('status')} aria-label="Delivery status">
          <option value="">any</option>{['pending', 'sending', 'delivered', 'failed'].map((s) => <option key={s}>{s}</option>)}
        </select></label>
        <label>Rule <select value={filters.rule_id} onChange={set('rule_id')} aria-label="Delivery rule">
          <option value="">any</option>{rules.data?.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
        </select></label>
        <label>Execution <input value={filters.execution_id} onChange={set('execution_id')} placeholder="execution id" aria-label="Delivery execution" /></label>
        <button className="ghost" onClick={list.reload}>Refresh</button>
      </div>
      <ErrorBanner error={list.error} />
      <table className="table" aria-label="Delivery log">
        <thead><tr><th>Created</th><th>Rule</th><th>Event</th><th>Status</th><th>Attempts</th><th>Last error</th><th>Next / delivered</th></tr></thead>
        <tbody>
          {list.data?.map((d) => (
            <Fragment key={d.id}>
              <tr className="clickable" onClick={() => setOpen(open === d.id ? null : d.id)} data-testid={`delivery-${d.id}`}>
                <td className="small">{formatTime(d.created_at)}</td>
                <td>{ruleName(d.rule_id)} <span className="muted small">{d.channel}</span></td>
                <td className="small">{eventLabel(d.event)}{d.execution_id ? <> · <Link to={`/executions/${d.execution_id}`} onClick={(e) => e.stopPropagation()}>run</Link></> : null}</td>
                <td><StatusBadge status={d.status} /></td>
                <td>{d.attempts}</td>
                <td className="small error-text">{d.last_error ?? ''}</td>
                <td className="small">{d.delivered_at ? formatTime(d.delivered_at) : d.status === 'failed' ? '—' : formatTime(d.next_attempt_at)}</td>
              </tr>
              {open === d.id ? <tr><td colSpan={7}><h4>Payload</h4><JsonView value={d.payload} /></td></tr> : null}
            </Fragment>
          ))}
          {list.data?.length === 0 ? <tr><td colSpan={7} className="empty">No deliveries match.</td></tr> : null}
        </tbody>
      </table>
    </>
  );
}
