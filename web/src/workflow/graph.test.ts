import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from './definition';
import { everyStepType } from './fixtures';
import { fromCanvas, toCanvas } from './graph';

describe('definition <-> canvas', () => {
  it('round-trips every step type, every edge kind and positions unchanged', () => {
    const { nodes, edges } = toCanvas(everyStepType);
    expect(fromCanvas(everyStepType, nodes, edges)).toEqual(everyStepType);
  });

  it('draws next_steps, on_failure, condition cases and default as typed edges', () => {
    const { edges } = toCanvas(everyStepType);
    const summary = edges.map((e) => `${e.source}-${e.sourceHandle}->${e.target}`);
    expect(summary).toEqual([
      'fetch-next->check', 'fetch-failure->alert',
      'check-case-0->each', 'check-case-1->wait', 'check-case-1->again', 'check-default->split',
      'each-next->child', 'wait-next->child',
    ]);
    expect(edges.find((e) => e.sourceHandle === 'failure')!.kind).toBe('failure');
    expect(edges.find((e) => e.sourceHandle === 'case-0')!.label).toBe('${{ steps.fetch.output.status == 200 }}');
  });

  it('places the nodes at their ui positions and keeps nested steps inside their node', () => {
    const { nodes } = toCanvas(everyStepType);
    expect(nodes.map((n) => n.id)).toEqual(everyStepType.steps.map((s) => s.id));
    expect(nodes.find((n) => n.id === 'wait')!.position).toEqual({ x: 900, y: 0 });
    expect(nodes.find((n) => n.id === 'store')).toBeUndefined();
  });

  it('lays out a definition without positions, and fills them in on the way back', () => {
    const bare: WorkflowDefinition = { id: 'w', name: 'w', steps: everyStepType.steps.map(({ ui: _, ...s }) => s) };
    const { nodes, edges } = toCanvas(bare);
    const x = (id: string) => nodes.find((n) => n.id === id)!.position.x;
    expect(x('fetch')).toBeLessThan(x('check'));
    expect(x('check')).toBeLessThan(x('wait'));
    expect(x('wait')).toBeLessThan(x('child'));
    const back = fromCanvas(bare, nodes, edges);
    expect(back.steps.every((s) => s.ui !== undefined)).toBe(true);
    expect(back.steps.map(({ ui: _, ...s }) => s)).toEqual(bare.steps);
  });

  it('rebuilds edges from the canvas: a removed edge leaves the definition, a new one enters it', () => {
    const { nodes, edges } = toCanvas(everyStepType);
    const changed = edges
      .filter((e) => !(e.source === 'check' && e.sourceHandle === 'default'))
      .concat({ id: 'x', source: 'alert', target: 'child', sourceHandle: 'next', kind: 'next' });
    const back = fromCanvas(everyStepType, nodes, changed);
    const check = back.steps.find((s) => s.id === 'check')!;
    expect(check.config.default).toBeUndefined();
    expect(back.steps.find((s) => s.id === 'alert')!.next_steps).toEqual(['child']);
  });

  it('does not draw edges to steps that do not exist (the validator reports them)', () => {
    const broken: WorkflowDefinition = { id: 'w', name: 'w', steps: [{ id: 'a', type: 'plugin', config: { plugin: 'noop' }, next_steps: ['ghost'] }] };
    expect(toCanvas(broken).edges).toEqual([]);
  });
});
