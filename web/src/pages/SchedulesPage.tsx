import { useState, type FormEvent, useCallback } from 'react';
import { api } from '../api/client';
import { ApiError } from '../api/problem';
import type { Page } from '../api/types';
import { useSession } from '../auth/session';
import { useAction } from '../components/useAction';
import { useApi } from '../components/useApi';
import { ErrorBanner, Field, formatTime, Modal, FormError, fieldErrorOf } from '../components/ui';
import { Link } from '../router';

interface Schedule {
  id: string; workflow_id: string; cron: string; time_zone: string; inputs: unknown; priority: string; misfire_policy: string; enabled: boolean;
  next_fire_at: string | null; last_fire_at: string | null; next_fire_times: string[];
}

/** Cron schedules with their next fire times; create, pause, resume, delete. */
export function SchedulesPage() {
  const { can } = useSession();
  const manage = can('schedules:manage');
  const [creating, setCreating] = useState(false);
  const list = useApi((signal) => api.get<Page<Schedule>>('/schedules', { limit: 100 }, signal), []);
  const refresh = useCallback(() => { list.reload(); }, [list.reload]);
  const { error: actionError, run: act, clear: clearActionError } = useAction(refresh);
  return (
    <div className="page">
      <div className="page-header"><h1>Schedules</h1>{manage ? <button className="primary" onClick={() => setCreating(true)}>New schedule</button> : null}</div>
      <ErrorBanner error={actionError ?? list.error} onDismiss={actionError ? clearActionError : undefined} />
      <table className="table">
        <thead><tr><th>Workflow</th><th>Cron</th><th>Next fire times</th><th>Last fired</th><th /></tr></thead>
        <tbody>
          {list.data?.items.map((s) => (
            <tr key={s.id} data-testid={`schedule-${s.workflow_id}`}>
              <td><Link to={`/workflows/${encodeURIComponent(s.workflow_id)}`}>{s.workflow_id}</Link> {s.enabled ? null : <span className="badge status-disabled">paused</span>}</td>
              <td><code>{s.cron}</code><div className="muted small">{s.time_zone} · {s.misfire_policy}</div></td>
              <td className="small">{s.next_fire_times.length === 0 ? '—' : s.next_fire_times.slice(0, 3).map((t) => <div key={t}>{formatTime(t)}</div>)}</td>
              <td className="small">{formatTime(s.last_fire_at)}</td>
              <td className="actions">
                {manage ? (s.enabled
                  ? <button className="ghost" onClick={() => void act(() => api.post(`/schedules/${s.id}/pause`))}>Pause</button>
                  : <button className="ghost" onClick={() => void act(() => api.post(`/schedules/${s.id}/resume`))}>Resume</button>) : null}
                {manage ? <button className="ghost danger" onClick={() => confirm(`Delete the schedule of ${s.workflow_id}?`) && void act(() => api.delete(`/schedules/${s.id}`))}>Delete</button> : null}
              </td>
            </tr>
          ))}
          {list.data?.items.length === 0 ? <tr><td colSpan={5} className="empty">No schedules.</td></tr> : null}
        </tbody>
      </table>
      {creating ? <CreateScheduleDialog onClose={() => setCreating(false)} onDone={() => { setCreating(false); list.reload(); }} /> : null}
    </div>
  );
}

function CreateScheduleDialog({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const [workflow, setWorkflow] = useState('');
  const [cron, setCron] = useState('0 * * * *');
  const [zone, setZone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const [inputs, setInputs] = useState('{}');
  const { error, run, setError } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    let parsed: unknown;
    try {
      parsed = JSON.parse(inputs || '{}');
    } catch (e) {
      setError(new ApiError(400, { title: 'The request is invalid', errors: { inputs: [`Not JSON: ${(e as Error).message}`] } }, 'invalid'));
      return;
    }
    await run(async () => {
      await api.post('/schedules', { workflow_id: workflow, cron, time_zone: zone, inputs: parsed });
      onDone();
    });
  };
  const fieldError = (f: string) => fieldErrorOf(error, f);
  return (
    <Modal title="New schedule" onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <Field label="Workflow" error={fieldError('workflow_id')}><input value={workflow} onChange={(e) => setWorkflow(e.target.value)} required /></Field>
        <Field label="Cron" hint="5 fields (minute hour day month weekday) or 6 with seconds" error={fieldError('cron')}><input value={cron} onChange={(e) => setCron(e.target.value)} required /></Field>
        <Field label="Time zone" hint="IANA, e.g. Europe/Berlin" error={fieldError('time_zone')}><input value={zone} onChange={(e) => setZone(e.target.value)} /></Field>
        <Field label="Inputs (JSON)" error={fieldError('inputs')}><textarea rows={4} value={inputs} onChange={(e) => setInputs(e.target.value)} /></Field>
        <FormError error={error} />
        <div className="form-actions"><button type="button" onClick={onClose}>Cancel</button><button type="submit" className="primary">Create</button></div>
      </form>
    </Modal>
  );
}
