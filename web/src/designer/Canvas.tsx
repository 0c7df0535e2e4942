import {
  applyNodeChanges, Background, Controls, MarkerType, MiniMap, ReactFlow, ReactFlowProvider, useReactFlow,
  type Connection, type Edge, type EdgeChange, type NodeChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import type { ValidationError } from '../api/types';
import type { Position, StepDefinition, WorkflowDefinition } from '../workflow/definition';
import { toCanvas, type CanvasEdge } from '../workflow/graph';
import { TOP_LEVEL, type Scope } from '../workflow/scope';
import type { PaletteItem } from '../workflow/operations';
import { nodeTypes, OpenBodyContext, type StepFlowNode, type StepNodeData } from './StepNode';

export const PALETTE_MIME = 'application/x-openclaw-step';

export interface CanvasProps {
  definition: WorkflowDefinition;
  /** The step list shown: the top level, or a loop body / parallel branch (see scope.ts). */
  scope?: Scope;
  errors?: ReadonlyMap<string, ValidationError[]>;
  statuses?: ReadonlyMap<string, string>;
  readOnly: boolean;
  selected: string | null;
  onSelect(id: string | null): void;
  onMove?(positions: Map<string, Position>): void;
  onConnect?(source: string, handle: string, target: string): void;
  /** Deleted steps and edges, as one change (edges attached to a deleted step go with it). */
  onDelete?(ids: Set<string>, edges: CanvasEdge[]): void;
  onDrop?(item: PaletteItem, position: Position): void;
  /** Opens a loop's body or a parallel step's branch on the canvas (double-click, or the node's Open button). */
  onOpenBody?(step: StepDefinition, branch?: number): void;
}

const EDGE_STYLE: Record<string, { stroke: string; strokeDasharray?: string }> = {
  next: { stroke: '#64748b' },
  case: { stroke: '#2563eb' },
  default: { stroke: '#94a3b8', strokeDasharray: '4 3' },
  failure: { stroke: '#dc2626', strokeDasharray: '6 4' },
};

function toFlowEdge(edge: CanvasEdge): Edge {
  const style = EDGE_STYLE[edge.kind]!;
  const label = edge.label && edge.label.length > 28 ? `${edge.label.slice(0, 27)}…` : edge.label;
  return {
    id: edge.id, source: edge.source, target: edge.target, sourceHandle: edge.sourceHandle, label,
    style, markerEnd: { type: MarkerType.ArrowClosed, color: style.stroke }, data: { edge }, className: `edge-${edge.kind}`,
  };
}

function CanvasInner(props: CanvasProps) {
  const { definition, errors, statuses, readOnly, selected } = props;
  const scope = props.scope ?? TOP_LEVEL;
  const flow = useReactFlow();
  // Node objects are reused while their step, errors, status and position are the same objects, so React Flow and
  // the memoised StepNode skip unchanged steps: editing one step of 200 re-renders one node.
  const cache = useRef(new Map<string, { step: StepDefinition; errors: ValidationError[] | undefined; status: string | undefined; selected: boolean; node: StepFlowNode }>());
  const derived = useMemo(() => {
    const { nodes, edges } = toCanvas(definition, scope);
    const next = new Map<string, { step: StepDefinition; errors: ValidationError[] | undefined; status: string | undefined; selected: boolean; node: StepFlowNode }>();
    const flowNodes = nodes.map((n) => {
      const step = n.data.step;
      const stepErrors = errors?.get(step.id);
      const status = statuses?.get(step.id);
      const isSelected = selected === step.id;
      const old = cache.current.get(step.id);
      if (old && old.step === step && old.errors === stepErrors && old.status === status && old.selected === isSelected) {
        next.set(step.id, old);
        return old.node;
      }
      const data: StepNodeData = { step, errors: stepErrors, status };
      const node: StepFlowNode = { id: n.id, type: 'step', position: n.position, data, selected: isSelected, draggable: !readOnly, connectable: !readOnly };
      next.set(step.id, { step, errors: stepErrors, status, selected: isSelected, node });
      return node;
    });
    cache.current = next;
    return { nodes: flowNodes, edges: edges.map(toFlowEdge) };
  }, [definition, scope, errors, statuses, selected, readOnly]);

  // While dragging, positions live here (fast, no history entry per pixel); the drop commits them to the definition.
  const [nodes, setNodes] = useState<StepFlowNode[]>(derived.nodes);
  // Fit the view to what was there when the canvas opened; an empty canvas keeps its origin, or the first drop
  // would zoom onto the new node and move everything the user aims at next.
  const [fitOnOpen] = useState(() => derived.nodes.length > 0);
  useEffect(() => setNodes((current) => {
    // Keep what React Flow measured of unchanged nodes, so a change to one step does not re-measure all of them.
    const byId = new Map(current.map((n) => [n.id, n]));
    return derived.nodes.map((n) => {
      const old = byId.get(n.id);
      if (!old?.measured) return n;
      if (old.data === n.data && old.selected === n.selected && old.position.x === n.position.x && old.position.y === n.position.y) return old;
      return { ...n, measured: old.measured };
    });
  }), [derived.nodes]);

  const onNodesChange = useCallback((changes: NodeChange<StepFlowNode>[]) => {
    const relevant = changes.filter((c) => c.type === 'position' || c.type === 'dimensions');
    if (relevant.length > 0) setNodes((current) => applyNodeChanges(relevant, current));
  }, []);

  const onNodeDragStop = useCallback((_: unknown, __: StepFlowNode, dragged: StepFlowNode[]) => {
    props.onMove?.(new Map(dragged.map((n) => [n.id, n.position])));
  }, [props]);

  const onConnect = useCallback((c: Connection) => {
    if (c.source && c.target) props.onConnect?.(c.source, c.sourceHandle ?? 'next', c.target);
  }, [props]);

  const [selectedEdges, setSelectedEdges] = useState<ReadonlySet<string>>(new Set());
  const edges = useMemo(() => (selectedEdges.size === 0 ? derived.edges : derived.edges.map((e) => (selectedEdges.has(e.id) ? { ...e, selected: true } : e))), [derived.edges, selectedEdges]);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const selects = changes.filter((c) => c.type === 'select');
    if (selects.length > 0) {
      setSelectedEdges((current) => {
        const next = new Set(current);
        for (const c of selects) if (c.type === 'select') (c.selected ? next.add(c.id) : next.delete(c.id));
        return next;
      });
    }
  }, []);


  const onDragOver = (event: DragEvent) => {
    if (readOnly || !event.dataTransfer.types.includes(PALETTE_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  };
  const onDrop = (event: DragEvent) => {
    const raw = event.dataTransfer.getData(PALETTE_MIME);
    if (readOnly || !raw) return;
    event.preventDefault();
    const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    props.onDrop?.(JSON.parse(raw) as PaletteItem, { x: position.x - 110, y: position.y - 30 });
  };

  return (
    <div className="canvas" onDragOver={onDragOver} onDrop={onDrop} data-testid="canvas">
      <ReactFlow<StepFlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={onNodeDragStop}
        onConnect={onConnect}
        onNodeClick={(_, node) => props.onSelect(node.id)}
        onNodeDoubleClick={(_, node) => {
          const step = node.data.step;
          if (props.onOpenBody && (step.type === 'loop' || step.type === 'parallel')) props.onOpenBody(step);
        }}
        onDelete={({ nodes: gone, edges: cut }) => {
          const ids = new Set(gone.map((n) => n.id));
          const edges = cut.map((e) => e.data?.edge as CanvasEdge | undefined).filter((e): e is CanvasEdge => !!e && !ids.has(e.source) && !ids.has(e.target));
          if (ids.size > 0 || edges.length > 0) props.onDelete?.(ids, edges);
        }}
        onPaneClick={() => props.onSelect(null)}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        edgesFocusable={!readOnly}
        elementsSelectable
        deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
        onlyRenderVisibleElements={nodes.length > 60}
        fitView={fitOnOpen}
        fitViewOptions={{ maxZoom: 1.2 }}
        minZoom={0.1}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={16} />
        <Controls showInteractive={false} />
        {nodes.length > 12 ? <MiniMap pannable zoomable /> : null}
      </ReactFlow>
    </div>
  );
}

export function Canvas(props: CanvasProps) {
  // The node's Open button reads the callback from context (kept stable), so memoised nodes need no new data for it.
  const openRef = useRef(props.onOpenBody);
  openRef.current = props.onOpenBody;
  const open = useMemo(() => (props.onOpenBody ? (step: StepDefinition, branch?: number) => openRef.current?.(step, branch) : null), [!!props.onOpenBody]);
  return (
    <ReactFlowProvider>
      <OpenBodyContext.Provider value={open}>
        <CanvasInner {...props} />
      </OpenBodyContext.Provider>
    </ReactFlowProvider>
  );
}
