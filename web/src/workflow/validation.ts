import type { ValidationError } from '../api/types';
import type { WorkflowDefinition } from './definition';
import { scopeJsonPath, scopeSteps, TOP_LEVEL, type Scope } from './scope';

export interface ErrorsByStep {
  /** Errors of each step of the scope (errors of nested steps belong to the step that contains them). */
  steps: Map<string, ValidationError[]>;
  /** Errors outside the scope's steps: the workflow's own (id, inputs, outputs, …) and, in a body, other scopes'. */
  workflow: ValidationError[];
}

const STEP_PATH = /^\$\.steps\[(\d+)\]/;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Assigns each validation error (a JSON path such as `$.steps[2].config.inputs.url`, or
 * `$.steps[2].config.steps[0].config.inputs.url` inside a loop body) to the node of the scope that causes it.
 */
export function errorsByStep(definition: WorkflowDefinition, errors: readonly ValidationError[], scope: Scope = TOP_LEVEL): ErrorsByStep {
  const result: ErrorsByStep = { steps: new Map(), workflow: [] };
  const base = scopeJsonPath(definition, scope);
  const steps = scopeSteps(definition, scope) ?? [];
  const pattern = base === null ? null : new RegExp(`^${escapeRegExp(base)}\\[(\\d+)\\]`);
  for (const error of errors) {
    const match = pattern?.exec(error.path);
    const step = match ? steps[Number(match[1])] : undefined;
    if (!step) {
      result.workflow.push(error);
      continue;
    }
    const list = result.steps.get(step.id) ?? [];
    list.push(error);
    result.steps.set(step.id, list);
  }
  return result;
}

/** The JSON path of one step of a scope (`$.steps[2].config.steps[0]`), or undefined when it is not there. */
export function stepJsonPath(definition: WorkflowDefinition, scope: Scope, id: string): string | undefined {
  const base = scopeJsonPath(definition, scope);
  const index = scopeSteps(definition, scope)?.findIndex((s) => s.id === id) ?? -1;
  return base === null || index < 0 ? undefined : `${base}[${index}]`;
}

/**
 * The part of an error's path below its step, e.g. `config.inputs.url`, for showing next to the field. `stepPath`
 * (from stepJsonPath) names the step for nested ones; without it the path is taken to be a top-level step's.
 */
export function pathWithinStep(path: string, stepPath?: string): string {
  if (stepPath !== undefined && (path === stepPath || path.startsWith(`${stepPath}.`) || path.startsWith(`${stepPath}[`))) {
    return path.slice(stepPath.length).replace(/^\./, '');
  }
  return path.replace(STEP_PATH, '').replace(/^\./, '');
}
