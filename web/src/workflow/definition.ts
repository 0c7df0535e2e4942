// The workflow definition format (docs/workflows.md) as the API returns and accepts it.

export type StepType = 'plugin' | 'condition' | 'loop' | 'parallel' | 'delay' | 'subworkflow';

export const STEP_TYPES: readonly StepType[] = ['plugin', 'condition', 'loop', 'parallel', 'delay', 'subworkflow'];

export interface Position {
  x: number;
  y: number;
}

export interface ConditionCase {
  when: string;
  next: string[];
}

export interface StepDefinition {
  id: string;
  type: StepType;
  name?: string;
  config: Record<string, unknown>;
  next_steps?: string[];
  on_failure?: string;
  timeout?: string | number;
  retry?: Record<string, unknown>;
  set?: Record<string, unknown>;
  /** Designer layout; the engine ignores it. */
  ui?: Position;
}

export interface InputDefinition {
  name: string;
  type: string;
  required?: boolean;
  default?: unknown;
  description?: string;
}

export interface WorkflowDefinition {
  id: string;
  name: string;
  description?: string;
  version?: number;
  inputs?: InputDefinition[];
  vars?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  on_failure_workflow?: string;
  steps: StepDefinition[];
}

export function conditionCases(step: StepDefinition): ConditionCase[] {
  const cases = step.config.cases;
  return Array.isArray(cases) ? (cases as ConditionCase[]) : [];
}

export function conditionDefault(step: StepDefinition): string[] {
  const value = step.config.default;
  return Array.isArray(value) ? (value as string[]) : [];
}

/** The nested steps of a loop body or of every parallel branch (scopes of their own). */
export function nestedSteps(step: StepDefinition): StepDefinition[] {
  if (step.type === 'loop' && Array.isArray(step.config.steps)) return step.config.steps as StepDefinition[];
  if (step.type === 'parallel' && Array.isArray(step.config.branches)) {
    return (step.config.branches as { steps?: StepDefinition[] }[]).flatMap((b) => b.steps ?? []);
  }
  return [];
}

/** Every step id in the workflow, nested ones included (ids are unique across all scopes). */
export function allStepIds(definition: WorkflowDefinition): Set<string> {
  const ids = new Set<string>();
  const visit = (steps: StepDefinition[]) => {
    for (const step of steps) {
      ids.add(step.id);
      visit(nestedSteps(step));
    }
  };
  visit(definition.steps);
  return ids;
}

/** A short label of what a step does, for nodes and lists. */
export function describeStep(step: StepDefinition): string {
  switch (step.type) {
    case 'plugin':
      return String(step.config.plugin ?? 'plugin');
    case 'condition':
      return `${conditionCases(step).length} case(s)`;
    case 'loop':
      return step.config.while !== undefined ? 'while' : 'for each';
    case 'parallel':
      return `${Array.isArray(step.config.branches) ? step.config.branches.length : 0} branches`;
    case 'delay':
      return String(step.config.duration ?? step.config.until ?? 'delay');
    case 'subworkflow':
      return `→ ${String(step.config.workflow ?? '?')}`;
  }
}
