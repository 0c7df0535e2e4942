import type { Position, StepDefinition } from './definition';
import { stepEdges } from './graph';

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 84;
const GAP_X = 80;
const GAP_Y = 40;

/**
 * A layered layout, left to right: each step's layer is the longest path to it from a start step; within a layer,
 * steps keep definition order, then are ordered by the mean row of their predecessors (one barycentre pass), which
 * removes most crossings on workflow-shaped graphs. Written by hand: the graphs are DAGs of at most a few hundred
 * steps and this is a few dozen lines, against dagre's 300 KB.
 */
export function layeredLayout(steps: StepDefinition[]): Map<string, Position> {
  const ids = new Set(steps.map((s) => s.id));
  const successors = new Map<string, string[]>();
  const indegree = new Map<string, number>(steps.map((s) => [s.id, 0]));
  for (const step of steps) {
    const targets = [...new Set(stepEdges(step).map((e) => e.target).filter((t) => ids.has(t) && t !== step.id))];
    successors.set(step.id, targets);
    for (const t of targets) indegree.set(t, (indegree.get(t) ?? 0) + 1);
  }
  // Kahn's order gives longest-path layers; steps on a cycle (invalid, but drawn anyway) fall to the last layer.
  const layer = new Map<string, number>();
  const queue = steps.filter((s) => indegree.get(s.id) === 0).map((s) => s.id);
  for (const id of queue) layer.set(id, 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    for (const t of successors.get(id) ?? []) {
      layer.set(t, Math.max(layer.get(t) ?? 0, (layer.get(id) ?? 0) + 1));
      const left = (indegree.get(t) ?? 0) - 1;
      indegree.set(t, left);
      if (left === 0) queue.push(t);
    }
  }
  const deepest = Math.max(0, ...layer.values());
  for (const step of steps) if (!layer.has(step.id)) layer.set(step.id, deepest + 1);

  const layers: string[][] = [];
  for (const step of steps) {
    const l = layer.get(step.id)!;
    (layers[l] ??= []).push(step.id);
  }
  const row = new Map<string, number>();
  const predecessors = new Map<string, string[]>();
  for (const [source, targets] of successors) for (const t of targets) predecessors.set(t, [...(predecessors.get(t) ?? []), source]);
  layers.forEach((ids, l) => {
    if (l > 0) {
      const centre = (id: string) => {
        const rows = (predecessors.get(id) ?? []).map((p) => row.get(p)).filter((r): r is number => r !== undefined);
        return rows.length === 0 ? Number.MAX_SAFE_INTEGER : rows.reduce((a, b) => a + b, 0) / rows.length;
      };
      ids.sort((a, b) => centre(a) - centre(b));
    }
    ids.forEach((id, r) => row.set(id, r));
  });

  const tallest = Math.max(1, ...layers.map((ids) => ids?.length ?? 0));
  const positions = new Map<string, Position>();
  layers.forEach((ids, l) => {
    // Centre each layer vertically against the tallest one.
    const offset = ((tallest - ids.length) * (NODE_HEIGHT + GAP_Y)) / 2;
    ids.forEach((id, r) => positions.set(id, { x: l * (NODE_WIDTH + GAP_X), y: Math.round(offset + r * (NODE_HEIGHT + GAP_Y)) }));
  });
  return positions;
}
