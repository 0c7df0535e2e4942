import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { createContext, memo, useContext } from 'react';
import type { ValidationError } from '../api/types';
import { conditionCases, conditionDefault, describeStep, nestedSteps, type StepDefinition } from '../workflow/definition';
import { branchesOf } from '../workflow/scope';

export interface StepNodeData extends Record<string, unknown> {
  step: StepDefinition;
  errors: readonly ValidationError[] | undefined;
  /** Live status in the run view (succeeded, failed, running, …). */
  status: string | undefined;
}

export type StepFlowNode = Node<StepNodeData, 'step'>;

/** Opens a loop body or parallel branch on the canvas; null where bodies cannot be opened (the run view). */
export const OpenBodyContext = createContext<((step: StepDefinition, branch?: number) => void) | null>(null);

const ICONS: Record<string, string> = { plugin: '⚙', condition: '◇', loop: '↻', parallel: '⇉', delay: '⏱', subworkflow: '⤷' };

/** One step on the canvas. Memoised: a node re-renders only when its own step, errors or status object changes. */
export const StepNode = memo(function StepNode({ data, selected }: NodeProps<StepFlowNode>) {
  const { step, errors, status } = data;
  const cases = step.type === 'condition' ? conditionCases(step) : [];
  const nested = nestedSteps(step).length;
  const openBody = useContext(OpenBodyContext);
  const branches = branchesOf(step);
  const classes = ['step-node', `type-${step.type}`];
  if (selected) classes.push('selected');
  if (errors && errors.length > 0) classes.push('has-errors');
  if (status) classes.push(`run-${status}`);
  return (
    <div className={classes.join(' ')} data-testid={`node-${step.id}`} data-status={status} title={errors?.map((e) => `${e.path}: ${e.message}`).join('\n')}>
      <Handle type="target" position={Position.Left} />
      <div className="step-node-head">
        <span className="step-icon" aria-hidden>{ICONS[step.type]}</span>
        <span className="step-id">{step.name ?? step.id}</span>
        {status ? <span className={`badge status-${status}`}>{status}</span> : null}
      </div>
      <div className="step-node-body">
        <span className="muted">{step.type}</span> · {describeStep(step)}
        {nested > 0 ? <span className="muted"> · {nested} nested</span> : null}
      </div>
      {openBody && step.type === 'loop' ? (
        <div className="body-links nodrag">
          <button className="link" data-testid={`open-body-${step.id}`} aria-label={`Open the body of ${step.id}`} onClick={(e) => { e.stopPropagation(); openBody(step); }}>Open body ›</button>
        </div>
      ) : null}
      {openBody && step.type === 'parallel' ? (
        <div className="body-links nodrag">
          {branches.map((b, i) => (
            <button key={i} className="link" data-testid={`open-branch-${step.id}-${i}`} aria-label={`Open branch ${b.name ?? i + 1} of ${step.id}`}
              onClick={(e) => { e.stopPropagation(); openBody(step, i); }}>{b.name ?? `branch ${i + 1}`} ›</button>
          ))}
        </div>
      ) : null}
      {errors && errors.length > 0 ? (
        <div className="step-node-errors" data-testid={`node-errors-${step.id}`}>{errors.length === 1 ? errors[0]!.message : `${errors.length} problems`}</div>
      ) : null}
      {step.type === 'condition' ? (
        <div className="case-handles">
          {cases.map((c, i) => (
            <div className="case-row" key={i} title={c.when}>
              <span className="case-label">{c.when}</span>
              <Handle type="source" id={`case-${i}`} position={Position.Right} className="handle-case" />
            </div>
          ))}
          <div className="case-row">
            <span className="case-label muted">default{conditionDefault(step).length ? '' : ' (none)'}</span>
            <Handle type="source" id="default" position={Position.Right} className="handle-default" />
          </div>
        </div>
      ) : null}
      <Handle type="source" id="next" position={Position.Right} className="handle-next" style={step.type === 'condition' ? { top: 22 } : undefined} />
      <Handle type="source" id="failure" position={Position.Bottom} className="handle-failure" title="on failure" />
    </div>
  );
});

export const nodeTypes = { step: StepNode };
