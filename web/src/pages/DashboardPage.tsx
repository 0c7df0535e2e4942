import { api } from '../api/client';
import type { Execution, Page } from '../api/types';
import { useApi } from '../components/useApi';
import { ErrorBanner, formatDuration, StatusBadge } from '../components/ui';
import { summarise, type Bucket } from '../dashboard/stats';
import { Link } from '../router';

const DAY = 24 * 60 * 60_000;

interface QueueStats {
  depth?: Record<string, number>;
  [key: string]: unknown;
}

function BarChart({ buckets }: { buckets: Bucket[] }) {
  const width = 720;
  const height = 160;
  const max = Math.max(1, ...buckets.map((b) => b.succeeded + b.failed + b.other));
  const w = width / buckets.length;
  const y = (n: number) => (n / max) * (height - 20);
  return (
    <svg className="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label="Executions per hour, last 24 hours">
      {buckets.map((b, i) => {
        const ok = y(b.succeeded);
        const bad = y(b.failed);
        const other = y(b.other);
        const x = i * w + 2;
        return (
          <g key={b.start}>
            <title>{`${new Date(b.start).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}: ${b.succeeded} succeeded, ${b.failed} failed, ${b.other} other`}</title>
            <rect x={x} width={w - 4} y={height - 16 - ok} height={ok} className="bar-ok" />
            <rect x={x} width={w - 4} y={height - 16 - ok - bad} height={bad} className="bar-bad" />
            <rect x={x} width={w - 4} y={height - 16 - ok - bad - other} height={other} className="bar-other" />
            {i % 4 === 0 ? <text x={x} y={height - 2} className="axis">{new Date(b.start).getHours()}h</text> : null}
          </g>
        );
      })}
    </svg>
  );
}

export function DashboardPage() {
  const recent = useApi((signal) => api.get<Page<Execution>>('/executions', { since: new Date(Date.now() - DAY).toISOString(), limit: 500 }, signal), []);
  // Queue statistics come from the scheduler's API; a server without it just shows no queue card.
  const queues = useApi((signal) => api.get<QueueStats>('/queues/stats', undefined, signal).catch(() => null), []);
  const summary = recent.data ? summarise(recent.data.items, Date.now(), DAY, 24) : null;
  const depth = queues.data?.depth ? Object.values(queues.data.depth).reduce((a, b) => a + (typeof b === 'number' ? b : 0), 0) : null;

  return (
    <div className="page">
      <div className="page-header"><h1>Dashboard</h1><button onClick={recent.reload}>Refresh</button></div>
      <ErrorBanner error={recent.error} />
      <div className="stats">
        <div className="card stat"><span className="stat-value" data-testid="stat-total">{summary?.total ?? '—'}</span><span className="muted">executions, 24 h{recent.data?.next_cursor ? ' (first 500)' : ''}</span></div>
        <div className="card stat"><span className="stat-value">{summary?.successRate === null || !summary ? '—' : `${Math.round(summary.successRate * 100)}%`}</span><span className="muted">success rate</span></div>
        <div className="card stat"><span className="stat-value">{formatDuration(summary?.p95DurationMs)}</span><span className="muted">p95 duration</span></div>
        {depth !== null ? <div className="card stat"><span className="stat-value">{depth}</span><span className="muted">queued tasks</span></div> : null}
      </div>
      {summary ? <div className="card"><h3>Executions per hour</h3><BarChart buckets={summary.buckets} /></div> : null}
      <div className="card">
        <h3>Latest</h3>
        <ul className="plain">
          {recent.data?.items.slice(0, 8).map((e) => (
            <li key={e.id}><StatusBadge status={e.status} /> <Link to={`/executions/${e.id}`}>{e.workflow_id}</Link> <span className="muted small">{formatDuration(e.duration_ms)}</span></li>
          ))}
          {recent.data?.items.length === 0 ? <li className="muted">Nothing ran in the last 24 hours. <Link to="/workflows">Open a workflow</Link> and run it.</li> : null}
        </ul>
      </div>
    </div>
  );
}
