import type { ServerEvent } from '../api/sse';
import type { Execution, StepRun } from '../api/types';

/**
 * Applies one event of `GET /executions/{id}/events` to the execution the page shows: `snapshot` is the whole
 * execution with its steps, `step` one step instance (replaced by key, or added), `execution` the execution's own
 * fields (status, outputs, error, times; its steps stay). Unknown events and bad JSON change nothing.
 */
export function applyExecutionEvent(current: Execution | undefined, event: ServerEvent): Execution | undefined {
  let data: unknown;
  try {
    data = JSON.parse(event.data);
  } catch {
    return current;
  }
  if (!data || typeof data !== 'object') return current;
  switch (event.event) {
    case 'snapshot':
      return data as Execution;
    case 'execution': {
      if (!current) return current;
      const { steps: _, ...fields } = data as Execution;
      return { ...current, ...fields, steps: current.steps ?? [] };
    }
    case 'step': {
      if (!current) return current;
      const step = data as StepRun;
      const steps = current.steps ?? [];
      const index = steps.findIndex((s) => s.key === step.key);
      return { ...current, steps: index < 0 ? [...steps, step] : steps.map((s, i) => (i === index ? step : s)) };
    }
    default:
      return current;
  }
}
