import type { ValidationError } from '../api/types';
import type { WorkflowDefinition } from './definition';

export interface ErrorsByStep {
  /** Errors of a top-level step (nested steps' errors belong to the step that contains them). */
  steps: Map<string, ValidationError[]>;
  /** Errors of the workflow itself (id, inputs, outputs, …). */
  workflow: ValidationError[];
}

const STEP_PATH = /^\$\.steps\[(\d+)\]/;

/** Assigns each validation error (a JSON path such as `$.steps[2].config.inputs.url`) to the node that causes it. */
export function errorsByStep(definition: WorkflowDefinition, errors: readonly ValidationError[]): ErrorsByStep {
  const result: ErrorsByStep = { steps: new Map(), workflow: [] };
  for (const error of errors) {
    const match = STEP_PATH.exec(error.path);
    const step = match ? definition.steps[Number(match[1])] : undefined;
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

/** The part of an error's path below its step, e.g. `config.inputs.url`, for showing next to the field. */
export function pathWithinStep(path: string): string {
  return path.replace(STEP_PATH, '').replace(/^\./, '');
}
