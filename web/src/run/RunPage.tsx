import { useMemo, useState, useCallback } from 'react';
import { api } from '../api/client';
import type { StepRun, WorkflowRecord } from '../api/types';
import { useSession } from '../auth/session';
import { useAction } from '../components/useAction';
import { useApi } from '../components/useApi';
import { ErrorBanner, formatDuration, formatTime, JsonView, StatusBadge } from '../components/ui';
import { Canvas } from '../designer/Canvas';
import { ScopeBar } from '../designer/ScopeBar';
import { openBody, scopeKey, TOP_LEVEL, validScope, type Scope } from '../workflow/scope';
import { Link, navigate } from '../router';
import { TERMINAL, useLiveExecution } from './liveExecution';
import { Timeline } from './Timeline';

/** The status each step shows on the canvas (top level, or inside an opened body): its latest instance's. */
export function statusesByStep(steps: StepRun[]): Map<string, string> {
  const statuses = new Map<string, string>();
  for (const step of steps) statuses.set(step.step_id, step.status);
  return statuses;
}

export default function RunPage({ executionId }: { executionId: string }) {
  const { can } = useSession();
  const live = useLiveExecution(executionId);
  const execution = live.execution;
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const [requestedScope, setScope] = useState<Scope>(TOP_LEVEL);
  const workflow = useApi(
    (signal) => (execution ? api.get<WorkflowRecord>(`/workflows/${encodeURIComponent(execution.workflow_id)}`, { version: execution.workflow_version }, signal) : Promise.resolve(undefined)),
    [execution?.workflow_id, execution?.workflow_version],
  );
  const steps = useMemo(() => execution?.steps ?? [], [execution?.steps]);
  const statuses = useMemo(() => statusesByStep(steps), [steps]);
  const selected = steps.find((s) => s.key === selectedKey) ?? steps.find((s) => s.status === 'failed') ?? null;

  const refresh = useCallback(() => { live.refresh(); }, [live.refresh]);
  const { error: actionError, run: act, clear: clearActionError } = useAction(refresh);
  const retry = (from: 'failed_step' | 'start') => act(async () => {
    // From the failed step the same execution resumes; from the start a new execution begins (retry_of names this one).
    const result = await api.post<{ execution_id?: string; from?: string }>(`/executions/${executionId}/retry`, { from });
    if (result?.execution_id && result.execution_id !== executionId) navigate(`/executions/${result.execution_id}`);
  });

  if (!execution) return <div className="page">{live.error ? <ErrorBanner error={live.error} /> : 'Loading…'}</div>;
  const finished = TERMINAL.has(execution.status);

  return (
    <div className="run">
      <div className="toolbar">
        <Link to={`/executions?workflow_id=${encodeURIComponent(execution.workflow_id)}`} className="ghost">←</Link>
        <h1 className="designer-title">
          <Link to={`/workflows/${encodeURIComponent(execution.workflow_id)}`}>{execution.workflow_id}</Link>
          <span className="muted small"> v{execution.workflow_version} · {execution.id}</span>
        </h1>
        <span data-testid="execution-status"><StatusBadge status={execution.status} /></span>
        <span className="muted small" title="How this page receives updates">{live.mode === 'events' ? 'live' : live.mode === 'polling' ? 'polling' : ''}</span>
        <span className="spacer" />
        {can('executions:run') && !finished ? <button className="danger" onClick={() => void act(() => api.post(`/executions/${executionId}/cancel`))}>Cancel</button> : null}
        {can('executions:run') && finished && execution.status !== 'succeeded' ? <button className="primary" onClick={() => void retry('failed_step')} data-testid="retry-failed">Retry from failed step</button> : null}
        {can('executions:run') && finished ? <button onClick={() => void retry('start')} data-testid="retry-start">Retry from start</button> : null}
      </div>
      <ErrorBanner error={actionError ?? live.error} onDismiss={actionError ? clearActionError : undefined} />
      <div className="run-summary">
        <span>Trigger <strong>{execution.trigger}</strong></span>
        <span>Started {formatTime(execution.started_at ?? execution.created_at)}</span>
        <span>Duration {formatDuration(execution.duration_ms)}</span>
        {execution.error ? <span className="error-text" data-testid="execution-error">{execution.error}</span> : null}
      </div>
      <div className="run-body">
        <div className="run-canvas">
          {workflow.data ? (() => {
            // Loop bodies and parallel branches open as in the designer, showing their steps' statuses.
            const definition = workflow.data.definition;
            const scope = validScope(definition, requestedScope);
            return (
              <>
                {scope.length > 0 ? <ScopeBar definition={definition} scope={scope} readOnly errors={[]} onScope={setScope} onChange={() => undefined} /> : null}
                <Canvas key={scopeKey(scope)} definition={definition} scope={scope} statuses={statuses} readOnly selected={selected?.step_id ?? null}
                  onOpenBody={(step, branch) => setScope(openBody(scope, step, branch))}
                  onSelect={(id) => setSelectedKey(id ? ([...steps].reverse().find((s) => s.step_id === id)?.key ?? null) : null)} />
              </>
            );
          })() : <div className="muted">Loading the workflow…</div>}
        </div>
        <aside className="run-side">
          <h3>Steps</h3>
          <Timeline execution={execution} steps={steps} selectedKey={selected?.key ?? null} onSelect={setSelectedKey} />
          {selected ? <StepDetail step={selected} /> : <p className="muted">Select a step to see its inputs, output and attempts.</p>}
          <details open={finished}>
            <summary>Execution inputs and outputs</summary>
            <h4>Inputs</h4><JsonView value={execution.inputs} />
            <h4>Outputs</h4><JsonView value={execution.outputs} />
            <h4>Variables</h4><JsonView value={execution.vars} />
          </details>
        </aside>
      </div>
    </div>
  );
}

function StepDetail({ step }: { step: StepRun }) {
  return (
    <div className="step-detail" data-testid={`step-detail-${step.step_id}`}>
      <h3>{step.step_id} <StatusBadge status={step.status} /></h3>
      <div className="muted small">{step.type}{step.plugin ? ` · ${step.plugin}` : ''} · key {step.key} · attempt {step.attempt}</div>
      {step.error ? <><h4>Error</h4><pre className="json error-text" data-testid="step-error">{step.error}</pre></> : null}
      <h4>Inputs</h4><JsonView value={step.inputs} />
      <h4>Output</h4><div data-testid="step-output"><JsonView value={step.output} /></div>
      <h4>Attempts</h4>
      <table className="table compact">
        <thead><tr><th>#</th><th>Status</th><th>Worker</th><th>Duration</th><th>Error</th></tr></thead>
        <tbody>
          {step.attempts.map((a) => (
            <tr key={a.attempt}><td>{a.attempt}</td><td><StatusBadge status={a.status} /></td><td className="small">{a.worker ?? '—'}</td><td>{formatDuration(a.duration_ms)}</td><td className="small">{a.error ?? ''}</td></tr>
          ))}
          {step.attempts.length === 0 ? <tr><td colSpan={5} className="muted">No attempt yet{step.status === 'pending' ? ` (due ${formatTime(step.run_at)})` : ''}.</td></tr> : null}
        </tbody>
      </table>
      {step.attempts.some((a) => a.logs && a.logs.length > 0) ? (
        <>
          <h4>Logs</h4>
          <ol className="logs" data-testid="step-logs">
            {step.attempts.flatMap((a) => (a.logs ?? []).map((entry, i) => (
              <li key={`${a.attempt}-${i}`} className={`log-${entry.level}`}>
                <span className="muted small">#{a.attempt} {new Date(entry.time).toLocaleTimeString()}</span> <span className="log-level">{entry.level}</span> {entry.message}
              </li>
            )))}
          </ol>
        </>
      ) : null}
      {step.next.length > 0 ? <p className="small">Next: {step.next.join(', ')}</p> : null}
    </div>
  );
}
