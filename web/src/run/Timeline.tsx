import type { Execution, StepRun } from '../api/types';
import { formatDuration } from '../components/ui';

/**
 * One row per step instance, each attempt a bar on a shared time axis from the execution's start, so retries,
 * waits and parallel branches are visible at a glance.
 */
export function Timeline({ execution, steps, selectedKey, onSelect }: { execution: Execution; steps: StepRun[]; selectedKey: string | null; onSelect(key: string): void }) {
  const origin = Date.parse(execution.started_at ?? execution.created_at);
  const ends = steps.flatMap((s) => [s.completed_at, ...s.attempts.map((a) => a.finished_at)]).filter((x): x is string => !!x).map(Date.parse);
  const end = Math.max(origin + 1, Date.parse(execution.completed_at ?? '') || 0, ...ends, Date.now() * (execution.completed_at ? 0 : 1));
  const span = end - origin;
  const pct = (t: number) => `${Math.max(0, Math.min(100, ((t - origin) / span) * 100))}%`;
  return (
    <ol className="timeline" aria-label="Steps and attempts">
      {steps.map((step) => (
        <li key={step.key} className={step.key === selectedKey ? 'selected' : undefined}>
          <button className="timeline-row" onClick={() => onSelect(step.key)} data-testid={`timeline-${step.step_id}`} data-status={step.status}>
            <span className="timeline-label"><span className={`dot status-${step.status}`} />{step.key}</span>
            <span className="timeline-track">
              {step.attempts.map((a) => (
                <span key={a.attempt} className={`timeline-bar status-${a.status}`} title={`attempt ${a.attempt}: ${a.status}, ${formatDuration(a.duration_ms)}${a.error ? ` — ${a.error}` : ''}`}
                  style={{ left: pct(Date.parse(a.started_at)), width: `max(3px, calc(${pct(Date.parse(a.finished_at))} - ${pct(Date.parse(a.started_at))}))` }} />
              ))}
              {step.status === 'running' && step.started_at ? <span className="timeline-bar status-running" style={{ left: pct(Date.parse(step.started_at)), right: 0 }} /> : null}
            </span>
            <span className="timeline-status small">{step.status}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}
