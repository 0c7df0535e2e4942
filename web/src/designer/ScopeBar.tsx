import type { ValidationError } from '../api/types';
import type { WorkflowDefinition } from '../workflow/definition';
import { addBranch, branchesOf, editInScope, scopeJsonPath, scopeOwner, type Scope } from '../workflow/scope';

/**
 * Where the canvas is inside the workflow: a breadcrumb from the top level through each loop body / parallel branch
 * opened, and for a branch, tabs to switch to the other branches of the same parallel step (or add one).
 */
export function ScopeBar({ definition, scope, readOnly, errors, onScope, onChange }: {
  definition: WorkflowDefinition; scope: Scope; readOnly: boolean; errors: readonly ValidationError[];
  onScope(scope: Scope): void; onChange(definition: WorkflowDefinition): void;
}) {
  // Problems of the body itself (an empty branch), which no node can show.
  const path = scopeJsonPath(definition, scope);
  const own = errors.filter((e) => e.path === path);
  const owner = scopeOwner(definition, scope);
  const last = scope.at(-1);
  const branches = owner ? branchesOf(owner) : [];
  const parent = scope.slice(0, -1);
  return (
    <nav className="scope-bar" aria-label="Nested steps" data-testid="scope-bar">
      <button className="ghost" onClick={() => onScope(parent)} aria-label="Up one level" data-testid="scope-up">↑</button>
      <ol className="crumbs">
        <li><button className="link" onClick={() => onScope([])} data-testid="scope-crumb-0">Workflow</button></li>
        {scope.map((frame, i) => {
          const here = i === scope.length - 1;
          const label = frame.branch === undefined ? `${frame.step} (loop body)` : `${frame.step} (parallel)`;
          return (
            <li key={i}>
              {here ? <span aria-current="location">{label}</span>
                : <button className="link" onClick={() => onScope(scope.slice(0, i + 1))} data-testid={`scope-crumb-${i + 1}`}>{label}</button>}
            </li>
          );
        })}
      </ol>
      {last?.branch !== undefined ? (
        <div className="segmented" role="tablist" aria-label="Branches">
          {branches.map((b, i) => (
            <button key={i} role="tab" aria-selected={i === last.branch} className={i === last.branch ? 'active' : ''} data-testid={`branch-tab-${i}`}
              onClick={() => onScope([...parent, { step: last.step, branch: i }])}>{b.name ?? `branch ${i + 1}`}</button>
          ))}
          {readOnly || !owner ? null : (
            <button aria-label="Add branch" title="Add branch" data-testid="scope-add-branch" onClick={() => {
              onChange(editInScope(definition, parent, (d) => ({ ...d, steps: d.steps.map((s) => (s.id === owner.id ? addBranch(s) : s)) })));
              onScope([...parent, { step: last.step, branch: branches.length }]);
            }}>+</button>
          )}
        </div>
      ) : null}
      {own.length > 0 ? <span className="validity invalid" role="alert" data-testid="scope-errors">{own.map((e) => e.message).join(' ')}</span> : null}
    </nav>
  );
}
