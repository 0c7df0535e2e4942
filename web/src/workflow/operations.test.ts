import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from './definition';
import { everyStepType } from './fixtures';
import { addStep, autoLayout, connect, disconnect, freeStepId, pluginPaletteItem, removeSteps, renameStep, STEP_PALETTE } from './operations';
import { layeredLayout } from './layout';

const two: WorkflowDefinition = {
  id: 'w', name: 'w',
  steps: [
    { id: 'a', type: 'plugin', config: { plugin: 'log' } },
    { id: 'b', type: 'condition', config: { cases: [{ when: 'true', next: [] }] } },
  ],
};

describe('designer operations', () => {
  it('adds a plugin step with a free id at the drop position', () => {
    const first = addStep(two, pluginPaletteItem('log'), { x: 10.4, y: 20.6 });
    expect(first.id).toBe('log');
    const second = addStep(first.definition, pluginPaletteItem('log'), { x: 0, y: 0 });
    expect(second.id).toBe('log_2');
    expect(second.definition.steps.at(-1)).toEqual({ id: 'log_2', type: 'plugin', config: { plugin: 'log', inputs: {} }, ui: { x: 0, y: 0 } });
    expect(first.definition.steps.at(-1)!.ui).toEqual({ x: 10, y: 21 });
  });

  it('offers every step type in the palette, while as a loop', () => {
    expect(STEP_PALETTE.map((p) => p.type).sort()).toEqual(['condition', 'delay', 'loop', 'loop', 'parallel', 'subworkflow']);
    expect(STEP_PALETTE.find((p) => p.key === 'while')!.config.while).toBeDefined();
  });

  it('counts nested ids as taken', () => {
    expect(freeStepId(everyStepType, 'store')).toBe('store_2');
    expect(freeStepId(two, 'HTTP request')).toBe('http_request');
  });

  it('connects next, failure, case and default edges, refusing self-edges and duplicates', () => {
    let d = connect(two, 'a', 'next', 'b');
    d = connect(d, 'a', 'next', 'b');
    expect(d.steps[0]!.next_steps).toEqual(['b']);
    expect(connect(d, 'a', 'next', 'a')).toBe(d);
    d = connect(d, 'a', 'failure', 'b');
    expect(d.steps[0]!.on_failure).toBe('b');
    d = connect(d, 'b', 'case-0', 'a');
    d = connect(d, 'b', 'default', 'a');
    expect(d.steps[1]!.config).toEqual({ cases: [{ when: 'true', next: ['a'] }], default: ['a'] });
    d = disconnect(d, 'b', 'case-0', 'a');
    d = disconnect(d, 'a', 'next', 'b');
    d = disconnect(d, 'a', 'failure', 'b');
    expect(d.steps[0]).toEqual(two.steps[0]);
    expect(d.steps[1]!.config).toEqual({ cases: [{ when: 'true', next: [] }], default: ['a'] });
  });

  it('removing a step removes every edge to it', () => {
    const d = removeSteps(everyStepType, new Set(['child', 'alert']));
    expect(d.steps.map((s) => s.id)).not.toContain('child');
    expect(d.steps.find((s) => s.id === 'each')!.next_steps).toBeUndefined();
    expect(d.steps.find((s) => s.id === 'fetch')!.on_failure).toBeUndefined();
  });

  it('renaming a step rewrites edges of every kind that point at it', () => {
    const d = renameStep(everyStepType, 'split', 'fan_out');
    const check = d.steps.find((s) => s.id === 'check')!;
    expect(check.config.default).toEqual(['fan_out']);
    expect(d.steps.some((s) => s.id === 'fan_out')).toBe(true);
    const r = renameStep(everyStepType, 'alert', 'notify');
    expect(r.steps[0]!.on_failure).toBe('notify');
  });

  it('auto-layout puts every step right of its predecessors and no two steps on one spot', () => {
    const d = autoLayout(everyStepType);
    const pos = new Map(d.steps.map((s) => [s.id, s.ui!]));
    for (const step of d.steps) for (const next of step.next_steps ?? []) expect(pos.get(next)!.x).toBeGreaterThan(pos.get(step.id)!.x);
    const spots = new Set(d.steps.map((s) => `${s.ui!.x},${s.ui!.y}`));
    expect(spots.size).toBe(d.steps.length);
  });

  it('lays out 200 chained and branching steps quickly', () => {
    const steps = Array.from({ length: 200 }, (_, i) => ({
      id: `s${i}`, type: 'plugin' as const, config: { plugin: 'noop' },
      next_steps: [i + 1, i + 7].filter((n) => n < 200).map((n) => `s${n}`),
    }));
    const started = performance.now();
    const positions = layeredLayout(steps);
    // Generous: a shared CI machine is slow; the point is that it is not quadratic in a bad way.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(positions.size).toBe(200);
    expect(positions.get('s199')!.x).toBeGreaterThan(positions.get('s0')!.x);
  });
});
