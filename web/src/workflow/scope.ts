import type { StepDefinition, WorkflowDefinition } from './definition';

/**
 * Where the designer is editing: the top level (an empty scope) or the body of a loop / one branch of a parallel
 * step, possibly nested (a loop inside a branch inside a loop …). Each frame names the containing step and, for a
 * parallel step, the branch index. Every edit of a body is an edit of the whole definition (`withScopeSteps`), so
 * undo/redo, validation and the YAML view need nothing scope-specific.
 */
export interface ScopeFrame {
  step: string;
  /** The branch of a parallel step; absent for a loop body. */
  branch?: number;
}

export type Scope = readonly ScopeFrame[];

export const TOP_LEVEL: Scope = [];

export interface ParallelBranch {
  name?: string;
  steps?: StepDefinition[];
  [key: string]: unknown;
}

export function isContainer(step: StepDefinition): boolean {
  return step.type === 'loop' || step.type === 'parallel';
}

export function branchesOf(step: StepDefinition): ParallelBranch[] {
  return step.type === 'parallel' && Array.isArray(step.config.branches) ? (step.config.branches as ParallelBranch[]) : [];
}

/** The steps of a loop body (no branch) or of one parallel branch; null when the step has no such body. */
export function bodyOf(step: StepDefinition, branch?: number): StepDefinition[] | null {
  if (step.type === 'loop' && branch === undefined) return Array.isArray(step.config.steps) ? (step.config.steps as StepDefinition[]) : [];
  if (step.type === 'parallel' && branch !== undefined) {
    const b = branchesOf(step)[branch];
    return b ? (Array.isArray(b.steps) ? b.steps : []) : null;
  }
  return null;
}

/** The step with its body (or one branch's steps) replaced. */
export function withBody(step: StepDefinition, branch: number | undefined, steps: StepDefinition[]): StepDefinition {
  if (step.type === 'loop' && branch === undefined) return { ...step, config: { ...step.config, steps } };
  if (step.type === 'parallel' && branch !== undefined) {
    const branches = branchesOf(step).map((b, i) => (i === branch ? { ...b, steps } : b));
    return { ...step, config: { ...step.config, branches } };
  }
  throw new Error(`Step ${step.id} has no body${branch === undefined ? '' : ` for branch ${branch}`}.`);
}

/** The steps shown in a scope, or null when the scope no longer exists (its step was removed or renamed). */
export function scopeSteps(definition: WorkflowDefinition, scope: Scope): StepDefinition[] | null {
  let steps: StepDefinition[] = definition.steps;
  for (const frame of scope) {
    const owner = steps.find((s) => s.id === frame.step);
    const body = owner ? bodyOf(owner, frame.branch) : null;
    if (!body) return null;
    steps = body;
  }
  return steps;
}

/** The definition with the steps of a scope replaced (every container on the way is copied, nothing else). */
export function withScopeSteps(definition: WorkflowDefinition, scope: Scope, steps: StepDefinition[]): WorkflowDefinition {
  const replace = (level: StepDefinition[], depth: number): StepDefinition[] => {
    if (depth === scope.length) return steps;
    const frame = scope[depth]!;
    const index = level.findIndex((s) => s.id === frame.step);
    const owner = index < 0 ? undefined : level[index];
    const body = owner ? bodyOf(owner, frame.branch) : null;
    if (!owner || !body) throw new Error(`No body at ${describeScope(scope)}.`);
    const copy = [...level];
    copy[index] = withBody(owner, frame.branch, replace(body, depth + 1));
    return copy;
  };
  return { ...definition, steps: replace(definition.steps, 0) };
}

/**
 * Applies an edit written for a whole definition (the operations in operations.ts) to one scope: the edit sees a
 * definition whose `steps` are the scope's, and its result's steps go back into the scope.
 */
export function editInScope(definition: WorkflowDefinition, scope: Scope, edit: (scoped: WorkflowDefinition) => WorkflowDefinition): WorkflowDefinition {
  if (scope.length === 0) return edit(definition);
  const steps = scopeSteps(definition, scope);
  if (!steps) return definition;
  const edited = edit({ ...definition, steps });
  return edited.steps === steps ? definition : withScopeSteps(definition, scope, edited.steps);
}

/** The longest prefix of `scope` that still exists (after an undo or a rename took the rest away). */
export function validScope(definition: WorkflowDefinition, scope: Scope): Scope {
  for (let n = scope.length; n > 0; n--) {
    const prefix = scope.slice(0, n);
    if (scopeSteps(definition, prefix)) return n === scope.length ? scope : prefix;
  }
  return TOP_LEVEL;
}

/** The JSON path of a scope's step list, as the validator writes it: `$.steps[2].config.branches[1].steps`. */
export function scopeJsonPath(definition: WorkflowDefinition, scope: Scope): string | null {
  let path = '$.steps';
  let steps: StepDefinition[] = definition.steps;
  for (const frame of scope) {
    const index = steps.findIndex((s) => s.id === frame.step);
    const owner = steps[index];
    const body = owner ? bodyOf(owner, frame.branch) : null;
    if (!owner || !body) return null;
    path += `[${index}].config${frame.branch === undefined ? '' : `.branches[${frame.branch}]`}.steps`;
    steps = body;
  }
  return path;
}

/** The container step a scope is inside (its last frame's step), or undefined at the top level. */
export function scopeOwner(definition: WorkflowDefinition, scope: Scope): StepDefinition | undefined {
  const frame = scope.at(-1);
  if (!frame) return undefined;
  return scopeSteps(definition, scope.slice(0, -1))?.find((s) => s.id === frame.step);
}

/** The scope of a container step's body (loop) or first branch (parallel) opened from `scope`. */
export function openBody(scope: Scope, step: StepDefinition, branch = 0): Scope {
  return [...scope, step.type === 'parallel' ? { step: step.id, branch } : { step: step.id }];
}

/** A stable text key of a scope (React keys, comparisons). */
export function scopeKey(scope: Scope): string {
  return scope.map((f) => (f.branch === undefined ? f.step : `${f.step}#${f.branch}`)).join('/');
}

export function describeScope(scope: Scope): string {
  return scope.length === 0 ? 'the top level' : scope.map((f) => (f.branch === undefined ? `${f.step} body` : `${f.step} branch ${f.branch + 1}`)).join(' › ');
}

/** A free branch name (`a`, `b`, … then `branch_27`). */
export function freeBranchName(step: StepDefinition): string {
  const taken = new Set(branchesOf(step).map((b) => b.name));
  for (const letter of 'abcdefghijklmnopqrstuvwxyz') if (!taken.has(letter)) return letter;
  for (let n = 27; ; n++) if (!taken.has(`branch_${n}`)) return `branch_${n}`;
}

export function addBranch(step: StepDefinition): StepDefinition {
  return { ...step, config: { ...step.config, branches: [...branchesOf(step), { name: freeBranchName(step), steps: [] }] } };
}

export function removeBranch(step: StepDefinition, branch: number): StepDefinition {
  return { ...step, config: { ...step.config, branches: branchesOf(step).filter((_, i) => i !== branch) } };
}

export function renameBranch(step: StepDefinition, branch: number, name: string): StepDefinition {
  return { ...step, config: { ...step.config, branches: branchesOf(step).map((b, i) => (i === branch ? { ...b, name } : b)) } };
}

const TOP_STEP = /^\$\.steps\[(\d+)\]/;
const LOOP_STEP = /^\.config\.steps\[(\d+)\]/;
const BRANCH_STEP = /^\.config\.branches\[(\d+)\]\.steps\[(\d+)\]/;

/**
 * The deepest step a validation error's JSON path points into, and the scope it sits in:
 * `$.steps[1].config.steps[0].config.x` → `{ scope: [{ step: 'each' }], step: 'fetch' }`. Null for paths outside
 * any step (the workflow's own fields) or naming steps that are not there.
 */
export function locatePath(definition: WorkflowDefinition, path: string): { scope: Scope; step: string } | null {
  const top = TOP_STEP.exec(path);
  const first = top ? definition.steps[Number(top[1])] : undefined;
  if (!top || !first) return null;
  let step: StepDefinition = first;
  let rest = path.slice(top[0].length);
  const scope: ScopeFrame[] = [];
  for (;;) {
    const loop: RegExpExecArray | null = step.type === 'loop' ? LOOP_STEP.exec(rest) : null;
    const branch: RegExpExecArray | null = step.type === 'parallel' ? BRANCH_STEP.exec(rest) : null;
    const matched = loop ?? branch;
    if (!matched) return { scope, step: step.id };
    const frame: ScopeFrame = branch ? { step: step.id, branch: Number(branch[1]) } : { step: step.id };
    const inner: StepDefinition | undefined = bodyOf(step, frame.branch)?.[Number(branch ? branch[2] : matched[1])];
    if (!inner) return { scope, step: step.id };
    scope.push(frame);
    rest = rest.slice(matched[0].length);
    step = inner;
  }
}
