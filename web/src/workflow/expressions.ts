import type { JsonSchema } from '../api/types';
import { nestedSteps, type StepDefinition, type WorkflowDefinition } from './definition';

export interface Completion {
  label: string;
  detail: string;
  /** What to insert after the typed prefix's last dot (or the whole path at the start). */
  insertText: string;
}

/** Execution fields from docs/expressions.md. */
const EXECUTION_FIELDS = ['id', 'workflow_id', 'workflow_version', 'trigger', 'started_at', 'priority'];
const STEP_FIELDS = ['output', 'status', 'error', 'attempt', 'inputs'];

/** Finds a step (top level or nested) and whether it sits inside a loop body. */
function locate(definition: WorkflowDefinition, id: string): { inLoop: boolean } | null {
  const visit = (steps: StepDefinition[], inLoop: boolean): { inLoop: boolean } | null => {
    for (const step of steps) {
      if (step.id === id) return { inLoop };
      const found = visit(nestedSteps(step), inLoop || step.type === 'loop');
      if (found) return found;
    }
    return null;
  };
  return visit(definition.steps, false);
}

/**
 * The completions for the expression path being typed (the text after `${{ ` up to the cursor, e.g. `steps.fe`):
 * the contexts (inputs, steps, vars, env, execution, loop inside a loop body) and their members.
 * `pluginOutputs` gives declared output fields per plugin name, for `steps.<id>.output.<field>`.
 */
export function completePath(
  definition: WorkflowDefinition,
  stepId: string | null,
  typed: string,
  pluginOutputs: (plugin: string) => JsonSchema | undefined = () => undefined,
): Completion[] {
  const parts = typed.split('.');
  const partial = parts.pop() ?? '';
  const where = stepId ? locate(definition, stepId) : null;
  const vars = new Set<string>(Object.keys(definition.vars ?? {}));
  const everyStep: StepDefinition[] = [];
  const collect = (steps: StepDefinition[]) => {
    for (const s of steps) {
      everyStep.push(s);
      for (const name of Object.keys(s.set ?? {})) vars.add(name);
      collect(nestedSteps(s));
    }
  };
  collect(definition.steps);

  let options: Completion[];
  const [head, second, third] = parts;
  if (parts.length === 0) {
    options = [
      { label: 'inputs', detail: 'the execution inputs', insertText: 'inputs' },
      { label: 'steps', detail: 'outputs of earlier steps', insertText: 'steps' },
      { label: 'vars', detail: 'execution variables', insertText: 'vars' },
      { label: 'env', detail: 'allow-listed environment variables', insertText: 'env' },
      { label: 'execution', detail: 'this execution', insertText: 'execution' },
    ];
    if (where?.inLoop) options.push({ label: 'loop', detail: 'the current loop iteration', insertText: 'loop' });
  } else if (parts.length === 1 && head === 'inputs') {
    options = (definition.inputs ?? []).map((i) => ({ label: i.name, detail: `input: ${i.type}`, insertText: i.name }));
  } else if (parts.length === 1 && head === 'vars') {
    options = [...vars].map((v) => ({ label: v, detail: 'variable', insertText: v }));
  } else if (parts.length === 1 && head === 'execution') {
    options = EXECUTION_FIELDS.map((f) => ({ label: f, detail: 'execution', insertText: f }));
  } else if (parts.length === 1 && head === 'loop' && where?.inLoop) {
    options = [
      { label: 'item', detail: 'the current element', insertText: 'item' },
      { label: 'index', detail: 'its index', insertText: 'index' },
    ];
  } else if (parts.length === 1 && head === 'steps') {
    options = everyStep
      .filter((s) => s.id !== stepId)
      .map((s) => ({ label: s.id, detail: `${s.type} step`, insertText: s.id }));
  } else if (parts.length === 2 && head === 'steps') {
    options = STEP_FIELDS.map((f) => ({ label: f, detail: `of step ${second}`, insertText: f }));
  } else if (parts.length === 3 && head === 'steps' && third === 'output') {
    const step = everyStep.find((s) => s.id === second);
    const schema = step?.type === 'plugin' ? pluginOutputs(String(step.config.plugin)) : undefined;
    options = Object.entries(schema?.properties ?? {}).map(([name, p]) => ({
      label: name,
      detail: p.description ? `${p.type ?? 'any'}: ${p.description}` : (p.type ?? 'any'),
      insertText: name,
    }));
  } else {
    options = [];
  }
  return options.filter((o) => o.label.startsWith(partial));
}

/**
 * The expression path just before the cursor when it is inside `${{ … }}` (e.g. `steps.fetch.ou` for
 * `"${{ steps.fetch.ou`), or null when the cursor is not in an expression.
 */
export function pathBeforeCursor(textBeforeCursor: string): string | null {
  const open = textBeforeCursor.lastIndexOf('${{');
  if (open < 0 || textBeforeCursor.indexOf('}}', open) >= 0) return null;
  const match = /([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)*|)$/.exec(textBeforeCursor.slice(open + 3));
  return match ? match[1]! : '';
}
