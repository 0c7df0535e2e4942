import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { api } from '../api/client';
import { ApiError } from '../api/problem';
import type { Plugin, ValidationResult, WorkflowRecord } from '../api/types';
import { useWorkflowAccess } from '../sharing/useWorkflowAccess';
import { ErrorBanner, StatusBadge } from '../components/ui';
import { Link, navigate, useLocation } from '../router';
import { StartRunDialog } from '../run/StartRunDialog';
import type { Position, StepDefinition, WorkflowDefinition } from '../workflow/definition';
import { amend, push, redo, startHistory, undo, type History } from '../workflow/history';
import { addStep, autoLayout, connect, disconnect, moveSteps, newWorkflow, removeSteps, replaceStep, type PaletteItem } from '../workflow/operations';
import type { TextFormat } from '../workflow/text';
import { editInScope, locatePath, openBody, scopeKey, scopeOwner, scopeSteps, TOP_LEVEL, validScope, type Scope } from '../workflow/scope';
import { errorsByStep, stepJsonPath } from '../workflow/validation';
import { ScopeBar } from './ScopeBar';
import { Canvas } from './Canvas';
import type { ExpressionContext } from './expressionLanguage';
import { StepForm, WorkflowForm } from './Inspector';
import { Palette } from './Palette';
import { TextView } from './TextView';
import { VersionsDialog } from './VersionsDialog';

/** `burst` names a run of edits to one field; consecutive edits of the same burst within a second are one undo step. */
type Action = { type: 'load'; definition: WorkflowDefinition } | { type: 'change'; definition: WorkflowDefinition; burst?: string } | { type: 'undo' } | { type: 'redo' };

interface EditorState {
  history: History<WorkflowDefinition>;
  burst: string | null;
  at: number;
}

function reducer(state: EditorState | null, action: Action): EditorState | null {
  if (action.type === 'load') return { history: startHistory(action.definition), burst: null, at: 0 };
  if (!state) return state;
  if (action.type === 'change') {
    const now = Date.now();
    const same = action.burst !== undefined && action.burst === state.burst && now - state.at < 1000;
    return { history: same ? amend(state.history, action.definition) : push(state.history, action.definition), burst: action.burst ?? null, at: now };
  }
  return { history: action.type === 'undo' ? undo(state.history) : redo(state.history), burst: null, at: 0 };
}

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || !!target.closest('.monaco-editor'));

export default function DesignerPage({ workflowId }: { workflowId: string }) {
  // Role permissions plus this workflow's shares (a viewer with an edit share may edit it).
  const can = useWorkflowAccess(workflowId);
  const { search } = useLocation();
  const readOnly = !can('workflows:write');
  const [editor, dispatch] = useReducer(reducer, null);
  const history = editor?.history ?? null;
  const [saved, setSaved] = useState<{ definition: WorkflowDefinition | null; version: number | null; status: string }>({ definition: null, version: null, status: 'draft' });
  const [plugins, setPlugins] = useState<Plugin[]>([]);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [requestedScope, setScope] = useState<Scope>(TOP_LEVEL);
  const [view, setView] = useState<'canvas' | TextFormat>('canvas');
  const [validation, setValidation] = useState<ValidationResult | null>(null);
  const [saving, setSaving] = useState(false);
  const [running, setRunning] = useState(false);
  const [showVersions, setShowVersions] = useState(false);
  const definition = history?.present ?? null;
  const isNew = saved.version === null;

  useEffect(() => {
    const controller = new AbortController();
    api.get<{ plugins: Plugin[] }>('/plugins', undefined, controller.signal).then((r) => setPlugins(r.plugins), () => undefined);
    api.get<WorkflowRecord>(`/workflows/${encodeURIComponent(workflowId)}`, undefined, controller.signal).then(
      (record) => {
        dispatch({ type: 'load', definition: record.definition });
        setSaved({ definition: record.definition, version: record.version, status: record.status });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.status === 404 && search.get('new') === '1' && !readOnly) {
          dispatch({ type: 'load', definition: newWorkflow(workflowId, search.get('name') ?? workflowId) });
        } else setLoadError(error);
      },
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [workflowId]);

  // Validate against the server (the one validator) shortly after each change; errors land on their nodes.
  useEffect(() => {
    if (!definition || definition.steps.length === 0) {
      setValidation(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api.post<ValidationResult>('/workflows/validate', definition, { signal: controller.signal }).then(setValidation, () => undefined);
    }, 350);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [definition]);

  const change = useCallback((next: WorkflowDefinition, burst?: string) => dispatch(burst === undefined ? { type: 'change', definition: next } : { type: 'change', definition: next, burst }), []);
  // The scope asked for may have gone (an undo removed its loop); the longest part that still exists is shown.
  const scope = useMemo(() => (definition ? validScope(definition, requestedScope) : TOP_LEVEL), [definition, requestedScope]);
  const errors = useMemo(() => (definition && validation ? errorsByStep(definition, validation.errors, scope) : null), [definition, validation, scope]);
  const enter = useCallback((next: Scope) => {
    setScope(next);
    setSelected(null);
  }, []);
  /** Shows the step an error names, opening the loop body or branch it sits in. */
  const showProblem = useCallback((path: string) => {
    const at = definition ? locatePath(definition, path) : null;
    setScope(at?.scope ?? TOP_LEVEL);
    setSelected(at?.step ?? null);
    setView('canvas');
  }, [definition]);
  const dirty = definition !== null && definition !== saved.definition;

  const save = useCallback(async () => {
    if (!definition || readOnly) return;
    setSaving(true);
    setActionError(null);
    try {
      const record = isNew
        ? await api.post<WorkflowRecord>('/workflows', definition)
        : await api.put<WorkflowRecord>(`/workflows/${encodeURIComponent(workflowId)}`, definition, { headers: { 'If-Match': `"${saved.version}"` } });
      setSaved({ definition, version: record.version, status: record.status });
      if (isNew) navigate(`/workflows/${encodeURIComponent(workflowId)}`, true);
      return true;
    } catch (error) {
      setActionError(error);
      return false;
    } finally {
      setSaving(false);
    }
  }, [definition, isNew, readOnly, saved.version, workflowId]);

  const run = async () => {
    if (dirty && !(await save())) return;
    setRunning(true);
  };

  const pluginOutputs = useCallback((name: string) => plugins.find((p) => p.name === name)?.outputs, [plugins]);
  const context = useMemo<ExpressionContext | null>(() => (definition ? { definition, stepId: selected, pluginOutputs } : null), [definition, selected, pluginOutputs]);

  // Keyboard: undo/redo, save, auto-layout, escape; Delete is the canvas's own.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      if (mod && event.key.toLowerCase() === 's') {
        event.preventDefault();
        void save();
        return;
      }
      if (isTyping(event.target)) return;
      if (mod && event.key.toLowerCase() === 'z' && !readOnly) {
        event.preventDefault();
        dispatch({ type: event.shiftKey ? 'redo' : 'undo' });
      } else if (mod && event.key.toLowerCase() === 'y' && !readOnly) {
        event.preventDefault();
        dispatch({ type: 'redo' });
      } else if (!mod && event.key.toLowerCase() === 'l' && definition && !readOnly) {
        change(editInScope(definition, scope, autoLayout));
      } else if (event.key === 'Escape') {
        // Esc deselects; with nothing selected inside a body it goes up one level.
        if (selected === null && scope.length > 0) enter(scope.slice(0, -1));
        else setSelected(null);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save, definition, readOnly, change, scope, selected, enter]);

  // Leaving with unsaved changes asks first.
  useEffect(() => {
    if (!dirty) return;
    const onUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, [dirty]);

  const centre = useRef<Position>({ x: 80, y: 80 });
  if (loadError) return <div className="page"><ErrorBanner error={loadError} /><Link to="/workflows">Back to workflows</Link></div>;
  if (!definition || !context) return <div className="page">Loading…</div>;

  const steps = scopeSteps(definition, scope) ?? [];
  const inScope = (edit: (d: WorkflowDefinition) => WorkflowDefinition) => editInScope(definition, scope, edit);
  const selectedStep = selected ? steps.find((s) => s.id === selected) : undefined;
  // Inside a body with nothing selected, the inspector shows the loop or parallel step that holds it.
  const owner = scopeOwner(definition, scope);
  const ownerScope = scope.slice(0, -1);
  const formStep = selectedStep ?? owner;
  const formScope = selectedStep ? scope : ownerScope;
  const problemCount = validation?.errors.length ?? 0;
  const onAdd = (item: PaletteItem, position?: Position) => {
    const at = position ?? { x: centre.current.x + steps.length * 24, y: centre.current.y + steps.length * 24 };
    const { definition: next, id } = addStep(definition, item, at, scope);
    change(next);
    setSelected(id);
  };

  return (
    <div className="designer">
      <div className="toolbar">
        <Link to="/workflows" className="ghost">←</Link>
        <h1 className="designer-title">{definition.name} <span className="muted small">{workflowId}</span></h1>
        {saved.version !== null ? <span className="muted small">v{saved.version}</span> : <StatusBadge status="new" />}
        {readOnly ? <span className="badge" data-testid="read-only">read only</span> : null}
        <span className="spacer" />
        {problemCount > 0 ? (
          <button className="link validity invalid" data-testid="validity" title="Show the first problem" onClick={() => showProblem(validation!.errors[0]!.path)}>
            {`${problemCount} problem${problemCount === 1 ? '' : 's'}`}
          </button>
        ) : <span className="validity" data-testid="validity">{validation === null ? '' : '✓ valid'}</span>}
        <div className="segmented" role="tablist" aria-label="View">
          {(['canvas', 'yaml', 'json'] as const).map((v) => (
            <button key={v} role="tab" aria-selected={view === v} className={view === v ? 'active' : ''} onClick={() => setView(v)}>{v === 'canvas' ? 'Canvas' : v.toUpperCase()}</button>
          ))}
        </div>
        {readOnly ? null : (
          <>
            <button onClick={() => dispatch({ type: 'undo' })} disabled={!history?.past.length} title="Undo (Ctrl+Z)" aria-label="Undo">↶</button>
            <button onClick={() => dispatch({ type: 'redo' })} disabled={!history?.future.length} title="Redo (Ctrl+Shift+Z)" aria-label="Redo">↷</button>
            <button onClick={() => change(inScope(autoLayout))} title="Auto-layout (L)">Layout</button>
            <button className="primary" onClick={() => void save()} disabled={saving || (!dirty && !isNew)} title="Save (Ctrl+S)">{saving ? 'Saving…' : dirty || isNew ? 'Save' : 'Saved'}</button>
          </>
        )}
        {can('executions:run') && !isNew ? <button onClick={() => void run()} data-testid="run-button">Run</button> : null}
        {!isNew ? <button onClick={() => setShowVersions(true)}>Versions</button> : null}
        {!isNew ? <Link to={`/executions?workflow_id=${encodeURIComponent(workflowId)}`}>Runs</Link> : null}
        {!isNew ? <Link to={`/workflows/${encodeURIComponent(workflowId)}/triggers`} data-testid="triggers-link">Triggers</Link> : null}
        {!isNew ? <Link to={`/workflows/${encodeURIComponent(workflowId)}/sharing`} data-testid="sharing-link">Sharing</Link> : null}
      </div>
      <ErrorBanner error={actionError} onDismiss={() => setActionError(null)} />
      <div className="designer-body">
        {readOnly || view !== 'canvas' ? null : <Palette plugins={plugins} onAdd={(item) => onAdd(item)} />}
        <div className="designer-main">
          {view === 'canvas' && scope.length > 0 ? (
            <ScopeBar definition={definition} scope={scope} readOnly={readOnly} errors={validation?.errors ?? []} onScope={enter} onChange={(d) => change(d)} />
          ) : null}
          {view === 'canvas' ? (
            <Canvas
              key={scopeKey(scope)}
              definition={definition}
              scope={scope}
              errors={errors?.steps}
              readOnly={readOnly}
              selected={selected}
              onSelect={setSelected}
              onMove={(positions) => change(inScope((d) => moveSteps(d, positions)))}
              onConnect={(source, handle, target) => change(inScope((d) => connect(d, source, handle, target)))}
              onOpenBody={(step, branch) => enter(openBody(scope, step, branch))}
              onDelete={(ids, edges) => {
                change(inScope((d) => edges.reduce((x, e) => disconnect(x, e.source, e.sourceHandle, e.target), removeSteps(d, ids))));
                if (selected && ids.has(selected)) setSelected(null);
              }}
              onDrop={(item, position) => onAdd(item, position)}
            />
          ) : (
            <TextView key={view} definition={definition} format={view} readOnly={readOnly} context={context} onChange={(d) => change(d, 'text')} />
          )}
        </div>
        <aside className="inspector">
          {formStep ? (
            <StepForm
              key={formStep.id}
              step={formStep}
              definition={definition}
              plugins={plugins}
              errors={selectedStep ? errors?.steps.get(formStep.id) ?? [] : errorsByStep(definition, validation?.errors ?? [], ownerScope).steps.get(formStep.id) ?? []}
              stepPath={stepJsonPath(definition, formScope, formStep.id)}
              context={context}
              readOnly={readOnly}
              onChange={(step: StepDefinition) => {
                change(editInScope(definition, formScope, (d) => replaceStep(d, formStep.id, step)), `step:${step.id}`);
                if (!selectedStep) {
                  // Renaming the open container moves the scope with it.
                  if (step.id !== formStep.id) enter([...ownerScope, { ...scope.at(-1)!, step: step.id }]);
                } else if (step.id !== selectedStep.id) setSelected(step.id);
              }}
              onDelete={() => {
                change(editInScope(definition, formScope, (d) => removeSteps(d, new Set([formStep.id]))));
                if (selectedStep) setSelected(null);
                else enter(ownerScope);
              }}
              onOpenBody={view === 'canvas' ? (branch) => enter(openBody(formScope, formStep, branch)) : undefined}
              onShowProblem={showProblem}
            />
          ) : (
            <WorkflowForm definition={definition} errors={errors?.workflow ?? []} readOnly={readOnly} onChange={(d) => change(d, 'workflow')} />
          )}
        </aside>
      </div>
      {showVersions ? <VersionsDialog workflowId={workflowId} writable={!readOnly} onClose={() => setShowVersions(false)} onPublished={() => undefined} /> : null}
      {running ? <StartRunDialog workflowId={workflowId} inputs={definition.inputs ?? []} onClose={() => setRunning(false)} /> : null}
    </div>
  );
}
