import { describe, expect, it } from 'vitest';
import type { Execution, StepRun } from '../api/types';
import { applyExecutionEvent } from './executionEvents';

const step = (key: string, status: string): StepRun => ({ key, step_id: key, status, attempts: [] }) as unknown as StepRun;
const execution = (status: string, steps: StepRun[]): Execution => ({ id: 'e', status, steps }) as unknown as Execution;
const event = (name: string, data: unknown) => ({ event: name, data: JSON.stringify(data) });

describe('execution events', () => {
  it('starts from the snapshot, then replaces or adds steps by key and merges execution fields', () => {
    let e = applyExecutionEvent(undefined, event('snapshot', execution('running', [step('a', 'running')])));
    e = applyExecutionEvent(e, event('step', step('a', 'succeeded')));
    e = applyExecutionEvent(e, event('step', step('b', 'running')));
    e = applyExecutionEvent(e, event('execution', { id: 'e', status: 'succeeded', outputs: { x: 1 } }));
    expect(e!.status).toBe('succeeded');
    expect(e!.outputs).toEqual({ x: 1 });
    expect(e!.steps!.map((s) => `${s.key}:${s.status}`)).toEqual(['a:succeeded', 'b:running']);
  });

  it('ignores unknown events, bad JSON and updates before the snapshot', () => {
    const e = execution('running', []);
    expect(applyExecutionEvent(e, { event: 'step', data: '{not json' })).toBe(e);
    expect(applyExecutionEvent(e, event('heartbeat', {}))).toBe(e);
    expect(applyExecutionEvent(undefined, event('step', step('a', 'running')))).toBeUndefined();
  });
});
