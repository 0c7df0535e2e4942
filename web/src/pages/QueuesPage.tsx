import { useState, useCallback } from 'react';
import { api } from '../api/client';
import type { Page } from '../api/types';
import { useSession } from '../auth/session';
import { useAction } from '../components/useAction';
import { useApi } from '../components/useApi';
import { ErrorBanner, formatTime, JsonView, Modal } from '../components/ui';
import { Link } from '../router';

interface PriorityCounts { low: number; normal: number; high: number; critical: number }
interface Queue { name: string; paused: boolean; paused_at: string | null; depth: PriorityCounts; delayed: number; running: number }
interface QueueStats { submitted: number; completed: number; failed: number; retried: number; depth: PriorityCounts; delayed: number; running: number; dead_letters: number }
interface DeadLetter {
  task_id: string; execution_id: string; workflow_id: string; workflow_version: number; step_key: string; step_id: string; plugin: string | null;
  queue: string; priority: string; last_error: string | null; attempts: number; failed_at: string;
}
interface DeadLetterDetail extends DeadLetter {
  inputs: unknown;
  history: { attempt: number; status: string; error: string | null; worker: string | null; inputs: unknown; started_at: string; finished_at: string }[];
}

const total = (d: PriorityCounts) => d.low + d.normal + d.high + d.critical;

/** Queues (depth per priority, delayed, running; pause and resume) and the failed queue (inspect, requeue with edited inputs, discard). */
export function QueuesPage() {
  const { can } = useSession();
  const manage = can('queues:manage');
  const [cursor, setCursor] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const stats = useApi((signal) => api.get<QueueStats>('/queues/stats', undefined, signal), []);
  const queues = useApi((signal) => api.get<Page<Queue>>('/queues', undefined, signal), []);
  const failed = useApi((signal) => api.get<Page<DeadLetter>>('/queues/failed', { limit: 25, cursor }, signal), [cursor]);

  const refresh = useCallback(() => { queues.reload(); failed.reload(); stats.reload(); }, [failed.reload, queues.reload, stats.reload]);
  const { error: actionError, run: act, clear: clearActionError } = useAction(refresh);

  return (
    <div className="page">
      <div className="page-header"><h1>Queues</h1><button onClick={() => { stats.reload(); queues.reload(); failed.reload(); }}>Refresh</button></div>
      <ErrorBanner error={actionError ?? stats.error ?? queues.error ?? failed.error} onDismiss={actionError ? clearActionError : undefined} />
      {stats.data ? (
        <div className="stats">
          {([['pending', total(stats.data.depth)], ['delayed', stats.data.delayed], ['running', stats.data.running], ['failed (dead letters)', stats.data.dead_letters],
            ['submitted', stats.data.submitted], ['completed', stats.data.completed], ['retried', stats.data.retried]] as const).map(([label, value]) => (
            <div className="card stat" key={label}><span className="stat-value">{value}</span><span className="muted">{label}</span></div>
          ))}
        </div>
      ) : null}
      <table className="table">
        <thead><tr><th>Queue</th><th>Critical</th><th>High</th><th>Normal</th><th>Low</th><th>Delayed</th><th>Running</th><th /></tr></thead>
        <tbody>
          {queues.data?.items.map((q) => (
            <tr key={q.name} data-testid={`queue-${q.name}`}>
              <td><strong>{q.name}</strong> {q.paused ? <span className="badge status-disabled">paused</span> : null}</td>
              <td>{q.depth.critical}</td><td>{q.depth.high}</td><td>{q.depth.normal}</td><td>{q.depth.low}</td><td>{q.delayed}</td><td>{q.running}</td>
              <td className="actions">{manage ? (q.paused
                ? <button className="ghost" onClick={() => void act(() => api.post(`/queues/${encodeURIComponent(q.name)}/resume`))}>Resume</button>
                : <button className="ghost" onClick={() => void act(() => api.post(`/queues/${encodeURIComponent(q.name)}/pause`))}>Pause</button>) : null}</td>
            </tr>
          ))}
          {queues.data?.items.length === 0 ? <tr><td colSpan={8} className="empty">No queue has tasks.</td></tr> : null}
        </tbody>
      </table>

      <h2>Failed tasks</h2>
      <table className="table">
        <thead><tr><th>Step</th><th>Workflow</th><th>Error</th><th>Attempts</th><th>Failed</th><th /></tr></thead>
        <tbody>
          {failed.data?.items.map((d) => (
            <tr key={d.task_id} data-testid={`dead-${d.step_id}`}>
              <td><code>{d.step_key}</code>{d.plugin ? <div className="muted small">{d.plugin}</div> : null}</td>
              <td><Link to={`/executions/${d.execution_id}`}>{d.workflow_id}</Link> <span className="muted small">v{d.workflow_version}</span></td>
              <td className="small error-text">{d.last_error}</td>
              <td>{d.attempts}</td>
              <td>{formatTime(d.failed_at)}</td>
              <td className="actions"><button className="ghost" onClick={() => setOpen(d.task_id)}>Inspect</button></td>
            </tr>
          ))}
          {failed.data?.items.length === 0 ? <tr><td colSpan={6} className="empty">No failed tasks.</td></tr> : null}
        </tbody>
      </table>
      <div className="pager">
        {cursor ? <button onClick={() => setCursor(null)}>First page</button> : null}
        {failed.data?.next_cursor ? <button onClick={() => setCursor(failed.data!.next_cursor)}>Next page</button> : null}
      </div>
      {open ? <DeadLetterDialog taskId={open} manage={manage} onClose={() => setOpen(null)} onDone={() => { setOpen(null); failed.reload(); stats.reload(); }} /> : null}
    </div>
  );
}

function DeadLetterDialog({ taskId, manage, onClose, onDone }: { taskId: string; manage: boolean; onClose(): void; onDone(): void }) {
  const detail = useApi((signal) => api.get<DeadLetterDetail>(`/queues/failed/${taskId}`, undefined, signal), [taskId]);
  const [inputs, setInputs] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const text = inputs ?? (detail.data ? JSON.stringify(detail.data.inputs ?? {}, null, 2) : '');
  const requeue = async () => {
    setError(null);
    try {
      const edited = inputs === null ? undefined : JSON.parse(inputs);
      await api.post(`/queues/failed/${taskId}/requeue`, edited === undefined ? {} : { inputs: edited });
      onDone();
    } catch (e) {
      setError(e instanceof SyntaxError ? new Error(`The inputs are not JSON: ${e.message}`) : e);
    }
  };
  const discard = async () => {
    if (!confirm('Discard this failed task? Its execution stays failed.')) return;
    try {
      await api.delete(`/queues/failed/${taskId}`);
      onDone();
    } catch (e) {
      setError(e);
    }
  };
  const d = detail.data;
  return (
    <Modal title="Failed task" onClose={onClose} wide>
      <ErrorBanner error={detail.error ?? error} />
      {d ? (
        <div className="form">
          <div><code>{d.step_key}</code> of <Link to={`/executions/${d.execution_id}`}>{d.workflow_id} v{d.workflow_version}</Link>, queue {d.queue}, priority {String(d.priority)}</div>
          <h4>Attempts</h4>
          <table className="table compact"><tbody>
            {d.history.map((a) => <tr key={a.attempt}><td>{a.attempt}</td><td>{a.status}</td><td className="small">{a.error}</td><td className="small">{formatTime(a.finished_at)}</td></tr>)}
          </tbody></table>
          <h4>Inputs {manage ? '(edit, then requeue with them)' : ''}</h4>
          {manage ? <textarea aria-label="Inputs" rows={8} value={text} onChange={(e) => setInputs(e.target.value)} spellCheck={false} /> : <JsonView value={d.inputs} />}
          {manage ? (
            <div className="form-actions">
              <button className="danger" onClick={() => void discard()}>Discard</button>
              <button className="primary" onClick={() => void requeue()}>Requeue</button>
            </div>
          ) : null}
        </div>
      ) : <p>Loading…</p>}
    </Modal>
  );
}
