import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from './definition';
import { completePath, pathBeforeCursor } from './expressions';
import { everyStepType } from './fixtures';
import { amend, push, redo, startHistory, undo } from './history';
import { parseText, toText } from './text';
import { errorsByStep, pathWithinStep } from './validation';

describe('validation errors', () => {
  it('belong to the top-level step their path names, nested paths included', () => {
    const { steps, workflow } = errorsByStep(everyStepType, [
      { path: '$.steps[0].config.inputs.url', message: 'bad', code: 'x' },
      { path: '$.steps[2].config.steps[0].config.plugin', message: 'unknown plugin', code: 'x' },
      { path: '$.inputs[0].name', message: 'bad name', code: 'x' },
      { path: '$.steps[99]', message: 'out of range', code: 'x' },
    ]);
    expect([...steps.keys()]).toEqual(['fetch', 'each']);
    expect(workflow.map((e) => e.path)).toEqual(['$.inputs[0].name', '$.steps[99]']);
    expect(pathWithinStep('$.steps[0].config.inputs.url')).toBe('config.inputs.url');
  });
});

describe('expression completion', () => {
  const outputs = (plugin: string) => (plugin === 'http-request' ? { properties: { status: { type: 'integer' }, body: { type: 'any' } } } : undefined);
  const labels = (typed: string, step: string | null = 'alert') => completePath(everyStepType, step, typed, outputs).map((c) => c.label);

  it('offers the contexts, with loop only inside a loop body', () => {
    expect(labels('')).toEqual(['inputs', 'steps', 'vars', 'env', 'execution']);
    expect(labels('', 'store')).toContain('loop');
    expect(labels('loop.', 'store')).toEqual(['item', 'index']);
    expect(labels('lo')).toEqual([]);
  });

  it('offers inputs, variables (set by steps too), steps (nested too) and execution fields', () => {
    expect(labels('inputs.')).toEqual(['items']);
    expect(labels('vars.')).toEqual(['page']);
    expect(labels('steps.')).toContain('store');
    expect(labels('steps.')).not.toContain('alert');
    expect(labels('steps.fe')).toEqual(['fetch']);
    expect(labels('execution.wo')).toEqual(['workflow_id', 'workflow_version']);
  });

  it("offers a step's fields and its plugin's declared output fields", () => {
    expect(labels('steps.fetch.')).toEqual(['output', 'status', 'error', 'attempt', 'inputs']);
    expect(labels('steps.fetch.output.')).toEqual(['status', 'body']);
  });

  it('finds the path being typed inside ${{ }} only', () => {
    expect(pathBeforeCursor('Hello ${{ steps.fetch.ou')).toBe('steps.fetch.ou');
    expect(pathBeforeCursor('${{ length(inputs.')).toBe('inputs.');
    expect(pathBeforeCursor('${{ a }} plain')).toBeNull();
    expect(pathBeforeCursor('plain')).toBeNull();
    expect(pathBeforeCursor('${{ ')).toBe('');
  });
});

describe('YAML/JSON view', () => {
  it('round-trips the definition through YAML and JSON', () => {
    for (const format of ['yaml', 'json'] as const) {
      const parsed = parseText(toText(everyStepType, format), format);
      expect(parsed).toEqual({ ok: true, definition: everyStepType });
    }
  });

  it('reports syntax and shape errors instead of changing the canvas', () => {
    expect(parseText('steps: [', 'yaml').ok).toBe(false);
    expect(parseText('{"steps": 3}', 'json')).toEqual({ ok: false, error: '`steps` must be a list.' });
    expect(parseText('steps:\n  - type: plugin', 'yaml')).toEqual({ ok: false, error: 'steps[0] must be an object with an id.' });
  });
});

describe('undo/redo', () => {
  it('walks back and forth, and a new change drops the redo branch', () => {
    const a: WorkflowDefinition = { id: 'a', name: 'a', steps: [] };
    const b = { ...a, name: 'b' };
    const c = { ...a, name: 'c' };
    let h = push(push(startHistory(a), b), c);
    h = undo(undo(h));
    expect(h.present).toBe(a);
    h = redo(h);
    expect(h.present).toBe(b);
    h = push(h, a);
    expect(h.future).toEqual([]);
    expect(undo(startHistory(a)).present).toBe(a);
  });

  it('amends the present without an undo step (a burst of typing undoes at once)', () => {
    let h = push(startHistory('a'), 'b');
    h = amend(amend(h, 'bc'), 'bcd');
    expect(h.present).toBe('bcd');
    expect(undo(h).present).toBe('a');
  });

  it('keeps at most the limit of past states', () => {
    let h = startHistory(0);
    for (let i = 1; i <= 10; i++) h = push(h, i, 3);
    expect(h.past).toEqual([7, 8, 9]);
  });
});
