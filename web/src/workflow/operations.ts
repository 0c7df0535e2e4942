import { allStepIds, conditionCases, conditionDefault, type Position, type StepDefinition, type StepType, type WorkflowDefinition } from './definition';
import { kindOfHandle } from './graph';
import { layeredLayout } from './layout';
import { editInScope, TOP_LEVEL, type Scope } from './scope';

// Pure edits of a definition, each returning a new one (the designer's undo history keeps the old ones).

/** What the palette offers: a step type with a starting config (a while loop is a loop with `while`). */
export interface PaletteItem {
  key: string;
  label: string;
  type: StepType;
  config: Record<string, unknown>;
}

export const STEP_PALETTE: readonly PaletteItem[] = [
  { key: 'condition', label: 'Condition', type: 'condition', config: { cases: [{ when: '${{ true }}', next: [] }] } },
  { key: 'for-each', label: 'For each', type: 'loop', config: { items: '${{ inputs.items }}', concurrency: 1, steps: [] } },
  { key: 'while', label: 'While', type: 'loop', config: { while: '${{ false }}', max_iterations: 10, steps: [] } },
  { key: 'parallel', label: 'Parallel', type: 'parallel', config: { mode: 'wait_all', branches: [{ name: 'a', steps: [] }, { name: 'b', steps: [] }] } },
  { key: 'delay', label: 'Delay', type: 'delay', config: { duration: '10s' } },
  { key: 'subworkflow', label: 'Sub-workflow', type: 'subworkflow', config: { workflow: '', inputs: {} } },
];

export function pluginPaletteItem(plugin: string, version?: string): PaletteItem {
  const config: Record<string, unknown> = { plugin, inputs: {} };
  if (version) config.version = version;
  return { key: `plugin:${plugin}`, label: plugin, type: 'plugin', config };
}

/** A free step id from a base (`http-request` → `http_request_2`); ids match `[a-z0-9][a-z0-9_-]*`. */
export function freeStepId(definition: WorkflowDefinition, base: string): string {
  const taken = allStepIds(definition);
  const stem = base.toLowerCase().replace(/[^a-z0-9_-]+/g, '_').replace(/^[^a-z0-9]+/, '') || 'step';
  if (!taken.has(stem)) return stem;
  for (let n = 2; ; n++) if (!taken.has(`${stem}_${n}`)) return `${stem}_${n}`;
}

/** Adds a step to the top level or to a loop body / parallel branch; its id is free across every scope. */
export function addStep(definition: WorkflowDefinition, item: PaletteItem, position: Position, scope: Scope = TOP_LEVEL): { definition: WorkflowDefinition; id: string } {
  const id = freeStepId(definition, item.type === 'plugin' ? String(item.config.plugin) : item.key);
  const step: StepDefinition = { id, type: item.type, config: structuredClone(item.config), ui: { x: Math.round(position.x), y: Math.round(position.y) } };
  return { definition: editInScope(definition, scope, (d) => ({ ...d, steps: [...d.steps, step] })), id };
}

const mapStep = (definition: WorkflowDefinition, id: string, change: (step: StepDefinition) => StepDefinition): WorkflowDefinition => ({
  ...definition,
  steps: definition.steps.map((s) => (s.id === id ? change(s) : s)),
});

/** Rewrites every reference to a step id (edges of every kind) with `rename`; `null` drops the reference. */
function rewriteReferences(step: StepDefinition, rename: (id: string) => string | null): StepDefinition {
  const list = (ids: string[]) => ids.map(rename).filter((x): x is string => x !== null);
  const result: StepDefinition = { ...step };
  if (step.next_steps) {
    const next = list(step.next_steps);
    if (next.length > 0) result.next_steps = next;
    else delete result.next_steps;
  }
  if (step.on_failure !== undefined) {
    const target = rename(step.on_failure);
    if (target) result.on_failure = target;
    else delete result.on_failure;
  }
  if (step.type === 'condition') {
    const config: Record<string, unknown> = { ...step.config, cases: conditionCases(step).map((c) => ({ ...c, next: list(c.next ?? []) })) };
    if (step.config.default !== undefined) config.default = list(conditionDefault(step));
    result.config = config;
  }
  return result;
}

export function removeSteps(definition: WorkflowDefinition, ids: ReadonlySet<string>): WorkflowDefinition {
  return {
    ...definition,
    steps: definition.steps.filter((s) => !ids.has(s.id)).map((s) => rewriteReferences(s, (t) => (ids.has(t) ? null : t))),
  };
}

/** Renames a step and every edge pointing at it. The caller checks the new id is free and valid. */
export function renameStep(definition: WorkflowDefinition, from: string, to: string): WorkflowDefinition {
  return {
    ...definition,
    steps: definition.steps.map((s) => rewriteReferences(s.id === from ? { ...s, id: to } : s, (t) => (t === from ? to : t))),
  };
}

/** Moves steps; a "move" that changes no position (a click on a node) returns the same definition: no undo step. */
export function moveSteps(definition: WorkflowDefinition, positions: ReadonlyMap<string, Position>): WorkflowDefinition {
  let moved = false;
  const steps = definition.steps.map((s) => {
    const p = positions.get(s.id);
    if (!p) return s;
    const ui = { x: Math.round(p.x), y: Math.round(p.y) };
    if (s.ui && s.ui.x === ui.x && s.ui.y === ui.y) return s;
    moved = true;
    return { ...s, ui };
  });
  return moved ? { ...definition, steps } : definition;
}

export function replaceStep(definition: WorkflowDefinition, id: string, step: StepDefinition): WorkflowDefinition {
  const renamed = step.id !== id ? renameStep(definition, id, step.id) : definition;
  return mapStep(renamed, step.id, () => step);
}

/**
 * Adds an edge from `source`'s handle to `target`. A step's `on_failure` is one step, so a new failure edge replaces
 * the old one. Refuses self-edges and duplicates (returns the definition unchanged).
 */
export function connect(definition: WorkflowDefinition, source: string, handle: string, target: string): WorkflowDefinition {
  if (source === target) return definition;
  return mapStep(definition, source, (step) => {
    const kind = kindOfHandle(handle);
    const append = (ids: string[] | undefined) => (ids?.includes(target) ? ids : [...(ids ?? []), target]);
    if (kind === 'failure') return { ...step, on_failure: target };
    if (kind === 'next') return { ...step, next_steps: append(step.next_steps) };
    if (step.type !== 'condition') return step;
    if (kind === 'default') return { ...step, config: { ...step.config, default: append(conditionDefault(step)) } };
    const index = Number(handle.slice('case-'.length));
    const cases = conditionCases(step).map((c, i) => (i === index ? { ...c, next: append(c.next) } : c));
    return { ...step, config: { ...step.config, cases } };
  });
}

export function disconnect(definition: WorkflowDefinition, source: string, handle: string, target: string): WorkflowDefinition {
  return mapStep(definition, source, (step) => {
    const kind = kindOfHandle(handle);
    const without = (ids: string[]) => ids.filter((t) => t !== target);
    if (kind === 'failure') {
      const { on_failure: _, ...rest } = step;
      return rest;
    }
    if (kind === 'next') {
      const next = without(step.next_steps ?? []);
      const { next_steps: _, ...rest } = step;
      return next.length > 0 ? { ...rest, next_steps: next } : rest;
    }
    if (kind === 'default') return { ...step, config: { ...step.config, default: without(conditionDefault(step)) } };
    const index = Number(handle.slice('case-'.length));
    const cases = conditionCases(step).map((c, i) => (i === index ? { ...c, next: without(c.next ?? []) } : c));
    return { ...step, config: { ...step.config, cases } };
  });
}

/** Places every step by the layered layout. */
export function autoLayout(definition: WorkflowDefinition): WorkflowDefinition {
  return moveSteps(definition, layeredLayout(definition.steps));
}

export function newWorkflow(id: string, name: string): WorkflowDefinition {
  return { id, name, steps: [] };
}
