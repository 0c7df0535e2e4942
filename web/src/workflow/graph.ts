import { conditionCases, conditionDefault, type Position, type StepDefinition, type WorkflowDefinition } from './definition';
import { layeredLayout } from './layout';
import { scopeSteps, TOP_LEVEL, withScopeSteps, type Scope } from './scope';

/**
 * Conversion between a workflow definition and the designer's canvas (nodes and edges). The definition is the source
 * of truth: edges are its `next_steps`, `on_failure`, and a condition's `cases[i].next` and `default`; positions are
 * each step's `ui`. `fromCanvas(toCanvas(d))` gives `d` back (with positions filled in where `d` had none).
 * Both take a scope: the canvas of a loop body or parallel branch is built the same way from that step list, and
 * converting back replaces only that list (see scope.ts).
 */

export type EdgeKind = 'next' | 'failure' | 'case' | 'default';

export interface CanvasNode {
  id: string;
  type: 'step';
  position: Position;
  data: { step: StepDefinition };
}

export interface CanvasEdge {
  id: string;
  source: string;
  target: string;
  /** `next`, `failure`, `default` or `case-<index>`. */
  sourceHandle: string;
  kind: EdgeKind;
  label?: string;
}

export function edgeId(source: string, handle: string, target: string): string {
  return `${source}:${handle}->${target}`;
}

export function kindOfHandle(handle: string): EdgeKind {
  if (handle.startsWith('case-')) return 'case';
  if (handle === 'failure' || handle === 'default') return handle;
  return 'next';
}

/** The edges leaving one step, in definition order. */
export function stepEdges(step: StepDefinition): CanvasEdge[] {
  const edges: CanvasEdge[] = [];
  const add = (handle: string, target: string, label?: string) => {
    const edge: CanvasEdge = { id: edgeId(step.id, handle, target), source: step.id, target, sourceHandle: handle, kind: kindOfHandle(handle) };
    if (label !== undefined) edge.label = label;
    edges.push(edge);
  };
  for (const target of step.next_steps ?? []) add('next', target);
  if (step.type === 'condition') {
    conditionCases(step).forEach((c, index) => {
      for (const target of c.next ?? []) add(`case-${index}`, target, c.when);
    });
    for (const target of conditionDefault(step)) add('default', target, 'default');
  }
  if (step.on_failure) add('failure', step.on_failure, 'on failure');
  return edges;
}

export function toCanvas(definition: WorkflowDefinition, scope: Scope = TOP_LEVEL): { nodes: CanvasNode[]; edges: CanvasEdge[] } {
  const steps = scopeSteps(definition, scope) ?? [];
  const missing = steps.some((s) => !s.ui);
  const layout = missing ? layeredLayout(steps) : null;
  const nodes = steps.map<CanvasNode>((step) => ({
    id: step.id,
    type: 'step',
    position: step.ui ?? layout?.get(step.id) ?? { x: 0, y: 0 },
    data: { step },
  }));
  const ids = new Set(steps.map((s) => s.id));
  // Edges to unknown ids stay in the definition (the validator reports them) but cannot be drawn.
  const edges = steps.flatMap(stepEdges).filter((e) => ids.has(e.target));
  return { nodes, edges };
}

/** Rebuilds the definition from the canvas: step order and content from the nodes, every edge from the edges. */
export function fromCanvas(base: WorkflowDefinition, nodes: CanvasNode[], edges: CanvasEdge[], scope: Scope = TOP_LEVEL): WorkflowDefinition {
  const bySource = new Map<string, CanvasEdge[]>();
  for (const edge of edges) {
    const list = bySource.get(edge.source) ?? [];
    list.push(edge);
    bySource.set(edge.source, list);
  }
  const steps = nodes.map((node) => {
    const out = bySource.get(node.id) ?? [];
    const targets = (handle: string) => out.filter((e) => e.sourceHandle === handle).map((e) => e.target);
    const step: StepDefinition = { ...node.data.step, id: node.id, ui: { x: Math.round(node.position.x), y: Math.round(node.position.y) } };
    const next = targets('next');
    if (next.length > 0) step.next_steps = next;
    else delete step.next_steps;
    const failure = targets('failure')[0];
    if (failure) step.on_failure = failure;
    else delete step.on_failure;
    if (step.type === 'condition') {
      const config = { ...step.config };
      config.cases = conditionCases(step).map((c, index) => ({ ...c, next: targets(`case-${index}`) }));
      const fallback = targets('default');
      if (fallback.length > 0) config.default = fallback;
      else delete config.default;
      step.config = config;
    }
    return step;
  });
  return scope.length === 0 ? { ...base, steps } : withScopeSteps(base, scope, steps);
}
