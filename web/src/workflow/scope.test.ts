import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from './definition';
import { everyStepType } from './fixtures';
import { fromCanvas, toCanvas } from './graph';
import { addStep, autoLayout, connect, moveSteps, pluginPaletteItem, removeSteps, STEP_PALETTE } from './operations';
import {
  addBranch, describeScope, editInScope, locatePath, openBody, removeBranch, renameBranch, scopeJsonPath, scopeKey, scopeOwner, scopeSteps, validScope,
  withScopeSteps, type Scope,
} from './scope';
import { errorsByStep, pathWithinStep, stepJsonPath } from './validation';

/** A loop whose body holds a parallel step whose second branch holds a condition → plugin chain. */
const nested: WorkflowDefinition = {
  id: 'nested', name: 'Nested',
  steps: [
    { id: 'start', type: 'plugin', config: { plugin: 'log' }, next_steps: ['each'], ui: { x: 0, y: 0 } },
    {
      id: 'each', type: 'loop', config: {
        items: '${{ inputs.items }}', concurrency: 2, steps: [
          { id: 'fetch', type: 'plugin', config: { plugin: 'http-request', inputs: { url: '${{ loop.item }}' } }, next_steps: ['fan'], on_failure: 'note', ui: { x: 10, y: 20 } },
          { id: 'note', type: 'plugin', config: { plugin: 'log' }, ui: { x: 10, y: 200 } },
          {
            id: 'fan', type: 'parallel', config: {
              mode: 'wait_all', branches: [
                { name: 'a', steps: [{ id: 'a1', type: 'plugin', config: { plugin: 'noop' }, ui: { x: 0, y: 0 } }] },
                {
                  name: 'b', steps: [
                    { id: 'b_check', type: 'condition', config: { cases: [{ when: '${{ loop.index > 0 }}', next: ['b_log'] }] }, ui: { x: 0, y: 0 } },
                    { id: 'b_log', type: 'plugin', config: { plugin: 'log' }, ui: { x: 300, y: 0 } },
                  ],
                },
              ],
            }, ui: { x: 300, y: 20 },
          },
        ],
      }, ui: { x: 300, y: 0 },
    },
  ],
};

const loopBody: Scope = [{ step: 'each' }];
const branchB: Scope = [{ step: 'each' }, { step: 'fan', branch: 1 }];

describe('nested scopes', () => {
  it('finds the steps of a loop body and of a parallel branch inside it', () => {
    expect(scopeSteps(nested, [])!.map((s) => s.id)).toEqual(['start', 'each']);
    expect(scopeSteps(nested, loopBody)!.map((s) => s.id)).toEqual(['fetch', 'note', 'fan']);
    expect(scopeSteps(nested, branchB)!.map((s) => s.id)).toEqual(['b_check', 'b_log']);
    expect(scopeSteps(nested, [{ step: 'each' }, { step: 'fan', branch: 0 }])!.map((s) => s.id)).toEqual(['a1']);
  });

  it('answers null for scopes that do not exist: unknown step, a plugin, a loop with a branch, a parallel without one, a missing branch', () => {
    expect(scopeSteps(nested, [{ step: 'ghost' }])).toBeNull();
    expect(scopeSteps(nested, [{ step: 'start' }])).toBeNull();
    expect(scopeSteps(nested, [{ step: 'each', branch: 0 }])).toBeNull();
    expect(scopeSteps(nested, [{ step: 'each' }, { step: 'fan' }])).toBeNull();
    expect(scopeSteps(nested, [{ step: 'each' }, { step: 'fan', branch: 5 }])).toBeNull();
  });

  it('replaces one body and copies only the containers on the way', () => {
    const replaced = withScopeSteps(nested, branchB, []);
    expect(scopeSteps(replaced, branchB)).toEqual([]);
    expect(replaced.steps[0]).toBe(nested.steps[0]);
    expect(scopeSteps(replaced, [{ step: 'each' }, { step: 'fan', branch: 0 }])).toBe(scopeSteps(nested, [{ step: 'each' }, { step: 'fan', branch: 0 }]));
    expect(scopeSteps(replaced, loopBody)![0]).toBe(scopeSteps(nested, loopBody)![0]);
    expect(nested.steps[1]!.config.steps).toHaveLength(3);
    expect(() => withScopeSteps(nested, [{ step: 'ghost' }], [])).toThrow(/No body/);
  });

  it('names the JSON path of each scope as the validator writes it', () => {
    expect(scopeJsonPath(nested, [])).toBe('$.steps');
    expect(scopeJsonPath(nested, loopBody)).toBe('$.steps[1].config.steps');
    expect(scopeJsonPath(nested, branchB)).toBe('$.steps[1].config.steps[2].config.branches[1].steps');
    expect(scopeJsonPath(nested, [{ step: 'ghost' }])).toBeNull();
  });

  it('falls back to the longest scope that still exists', () => {
    expect(validScope(nested, branchB)).toBe(branchB);
    const withoutFan = editInScope(nested, loopBody, (d) => removeSteps(d, new Set(['fan'])));
    expect(validScope(withoutFan, branchB)).toEqual(loopBody);
    expect(validScope(removeSteps(nested, new Set(['each'])), branchB)).toEqual([]);
    const oneBranch = editInScope(nested, loopBody, (d) => ({ ...d, steps: d.steps.map((s) => (s.id === 'fan' ? removeBranch(s, 1) : s)) }));
    expect(validScope(oneBranch, branchB)).toEqual(loopBody);
  });

  it('opens a loop body, or a parallel step at a branch, and describes where it is', () => {
    const each = nested.steps[1]!;
    const fan = scopeSteps(nested, loopBody)!.find((s) => s.id === 'fan')!;
    expect(openBody([], each)).toEqual(loopBody);
    expect(openBody(loopBody, fan, 1)).toEqual(branchB);
    expect(scopeKey(branchB)).toBe('each/fan#1');
    expect(describeScope(branchB)).toBe('each body › fan branch 2');
    expect(scopeOwner(nested, branchB)!.id).toBe('fan');
    expect(scopeOwner(nested, [])).toBeUndefined();
  });

  it('adds, renames and removes parallel branches', () => {
    const fan = scopeSteps(nested, loopBody)!.find((s) => s.id === 'fan')!;
    const three = addBranch(fan);
    expect((three.config.branches as { name: string }[]).map((b) => b.name)).toEqual(['a', 'b', 'c']);
    expect((renameBranch(three, 2, 'audit').config.branches as { name: string }[])[2]!.name).toBe('audit');
    expect((removeBranch(three, 0).config.branches as { name: string }[]).map((b) => b.name)).toEqual(['b', 'c']);
  });
});

describe('definition <-> canvas in a nested body', () => {
  it('round-trips a loop body and a parallel branch without touching the rest', () => {
    for (const scope of [loopBody, branchB]) {
      const { nodes, edges } = toCanvas(nested, scope);
      expect(fromCanvas(nested, nodes, edges, scope)).toEqual(nested);
    }
    const { nodes, edges } = toCanvas(everyStepType, [{ step: 'split', branch: 0 }]);
    expect(nodes.map((n) => n.id)).toEqual(['a1']);
    expect(fromCanvas(everyStepType, nodes, edges, [{ step: 'split', branch: 0 }]).steps.find((s) => s.id === 'split')!.config.branches)
      .toEqual([{ name: 'a', steps: [{ id: 'a1', type: 'plugin', config: { plugin: 'noop' }, ui: { x: 0, y: 0 } }] }, { name: 'b', steps: [] }]);
  });

  it('draws the body steps with their own edges (next, failure, case) and no edges out of the scope', () => {
    const body = toCanvas(nested, loopBody);
    expect(body.nodes.map((n) => n.id)).toEqual(['fetch', 'note', 'fan']);
    expect(body.nodes[0]!.position).toEqual({ x: 10, y: 20 });
    expect(body.edges.map((e) => `${e.source}-${e.sourceHandle}->${e.target}`)).toEqual(['fetch-next->fan', 'fetch-failure->note']);
    expect(toCanvas(nested, branchB).edges.map((e) => `${e.source}-${e.sourceHandle}->${e.target}`)).toEqual(['b_check-case-0->b_log']);
    // A reference to a step of another scope is not drawable in this one.
    const outward = editInScope(nested, loopBody, (d) => connect(d, 'note', 'next', 'start'));
    expect(toCanvas(outward, loopBody).edges.some((e) => e.target === 'start')).toBe(false);
  });

  it('lays out a body without positions and stores the positions in the body on the way back', () => {
    const bare = withScopeSteps(nested, loopBody, scopeSteps(nested, loopBody)!.map(({ ui: _, ...s }) => s));
    const { nodes, edges } = toCanvas(bare, loopBody);
    const x = (id: string) => nodes.find((n) => n.id === id)!.position.x;
    expect(x('fetch')).toBeLessThan(x('fan'));
    const back = fromCanvas(bare, nodes, edges, loopBody);
    expect(scopeSteps(back, loopBody)!.every((s) => s.ui !== undefined)).toBe(true);
    expect(back.steps[0]).toBe(bare.steps[0]);
  });

  it('turns a new edge and a removed edge on the body canvas into the body definition', () => {
    const { nodes, edges } = toCanvas(nested, loopBody);
    const changed = edges.filter((e) => e.sourceHandle !== 'failure').concat({ id: 'n', source: 'note', target: 'fan', sourceHandle: 'next', kind: 'next' });
    const body = scopeSteps(fromCanvas(nested, nodes, changed, loopBody), loopBody)!;
    expect(body.find((s) => s.id === 'fetch')!.on_failure).toBeUndefined();
    expect(body.find((s) => s.id === 'note')!.next_steps).toEqual(['fan']);
  });
});

describe('editing inside a body', () => {
  it('adds a step to a branch with an id free across every scope', () => {
    const { definition, id } = addStep(nested, pluginPaletteItem('log'), { x: 5, y: 6 }, branchB);
    expect(id).toBe('log');
    const again = addStep(definition, pluginPaletteItem('noop'), { x: 0, y: 0 }, loopBody);
    expect(again.id).toBe('noop');
    const clash = addStep(nested, { ...pluginPaletteItem('x'), config: { plugin: 'a1' } }, { x: 0, y: 0 }, loopBody);
    expect(clash.id).toBe('a1_2');
    expect(scopeSteps(definition, branchB)!.map((s) => s.id)).toEqual(['b_check', 'b_log', 'log']);
    expect(definition.steps.map((s) => s.id)).toEqual(['start', 'each']);
  });

  it('adds a loop inside a loop body, which can be opened in turn', () => {
    const loop = STEP_PALETTE.find((p) => p.key === 'for-each')!;
    const { definition, id } = addStep(nested, loop, { x: 0, y: 0 }, loopBody);
    const inner: Scope = [...loopBody, { step: id }];
    expect(scopeSteps(definition, inner)).toEqual([]);
    const { definition: deeper } = addStep(definition, pluginPaletteItem('log'), { x: 1, y: 1 }, inner);
    expect(scopeSteps(deeper, inner)!.map((s) => s.id)).toEqual(['log']);
    expect(scopeJsonPath(deeper, inner)).toBe('$.steps[1].config.steps[3].config.steps');
  });

  it('applies whole-definition edits (connect, remove, layout) to the scope only', () => {
    const connected = editInScope(nested, branchB, (d) => connect(d, 'b_log', 'failure', 'b_check'));
    expect(scopeSteps(connected, branchB)!.find((s) => s.id === 'b_log')!.on_failure).toBe('b_check');
    expect(connected.steps[0]).toBe(nested.steps[0]);
    const removed = editInScope(nested, loopBody, (d) => removeSteps(d, new Set(['note'])));
    expect(scopeSteps(removed, loopBody)!.find((s) => s.id === 'fetch')!.on_failure).toBeUndefined();
    const laidOut = editInScope(nested, branchB, autoLayout);
    const [check, log] = scopeSteps(laidOut, branchB)!;
    expect(check!.ui!.x).toBeLessThan(log!.ui!.x);
    expect(editInScope(nested, [{ step: 'ghost' }], autoLayout)).toBe(nested);
    expect(editInScope(nested, loopBody, (d) => d)).toBe(nested);
    // A drag that ends where it started (a click) changes nothing, so it is no undo step.
    expect(editInScope(nested, loopBody, (d) => moveSteps(d, new Map([['fetch', { x: 10.2, y: 19.8 }]])))).toBe(nested);
    const moved = editInScope(nested, loopBody, (d) => moveSteps(d, new Map([['fetch', { x: 50, y: 60 }]])));
    expect(scopeSteps(moved, loopBody)![0]!.ui).toEqual({ x: 50, y: 60 });
  });
});

describe('validation errors in a nested body', () => {
  const errors = [
    { path: '$.steps[1].config.steps[0].config.inputs.url', message: 'bad url', code: 'x' },
    { path: '$.steps[1].config.steps[2].config.branches[1].steps[1].config.plugin', message: 'unknown plugin', code: 'x' },
    { path: '$.steps[0].config.plugin', message: 'top', code: 'x' },
    { path: '$.name', message: 'name', code: 'x' },
  ];

  it('puts each error on the node of the scope that holds it; a container carries its body errors', () => {
    const top = errorsByStep(nested, errors);
    expect([...top.steps.keys()]).toEqual(['each', 'start']);
    expect(top.steps.get('each')).toHaveLength(2);
    const body = errorsByStep(nested, errors, loopBody);
    expect(body.steps.get('fetch')!.map((e) => e.message)).toEqual(['bad url']);
    expect(body.steps.get('fan')!.map((e) => e.message)).toEqual(['unknown plugin']);
    expect(body.workflow.map((e) => e.message)).toEqual(['top', 'name']);
    const branch = errorsByStep(nested, errors, branchB);
    expect([...branch.steps.keys()]).toEqual(['b_log']);
  });

  it('shows a nested step error next to its field', () => {
    const path = stepJsonPath(nested, branchB, 'b_log')!;
    expect(path).toBe('$.steps[1].config.steps[2].config.branches[1].steps[1]');
    expect(pathWithinStep(errors[1]!.path, path)).toBe('config.plugin');
    expect(pathWithinStep('$.steps[1].config.steps[0]', stepJsonPath(nested, loopBody, 'fetch'))).toBe('');
    expect(stepJsonPath(nested, loopBody, 'ghost')).toBeUndefined();
  });
});

describe('finding the step an error names', () => {
  it('walks loop bodies and parallel branches down to the deepest step', () => {
    expect(locatePath(nested, '$.steps[0].config.plugin')).toEqual({ scope: [], step: 'start' });
    expect(locatePath(nested, '$.steps[1].config.items')).toEqual({ scope: [], step: 'each' });
    expect(locatePath(nested, '$.steps[1].config.steps[0].config.inputs.url')).toEqual({ scope: loopBody, step: 'fetch' });
    expect(locatePath(nested, '$.steps[1].config.steps[2].config.branches[1].steps[1].config.plugin')).toEqual({ scope: branchB, step: 'b_log' });
  });

  it('stops at the container when the path names its body itself or a step that is not there', () => {
    expect(locatePath(nested, '$.steps[1].config.steps[2].config.branches[1].steps')).toEqual({ scope: loopBody, step: 'fan' });
    expect(locatePath(nested, '$.steps[1].config.steps[9].id')).toEqual({ scope: [], step: 'each' });
    expect(locatePath(nested, '$.name')).toBeNull();
    expect(locatePath(nested, '$.steps[7].id')).toBeNull();
  });
});
