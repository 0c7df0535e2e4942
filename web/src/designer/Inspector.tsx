import { useEffect, useState } from 'react';
import type { JsonSchemaProperty, Plugin, ValidationError } from '../api/types';
import { Field } from '../components/ui';
import { allStepIds, conditionCases, type InputDefinition, type StepDefinition, type WorkflowDefinition } from '../workflow/definition';
import { addBranch, bodyOf, branchesOf, removeBranch, renameBranch } from '../workflow/scope';
import { pathWithinStep } from '../workflow/validation';
import { ExpressionInput } from './ExpressionInput';
import type { ExpressionContext } from './expressionLanguage';

const ID_RULE = /^[a-z0-9][a-z0-9_-]*$/;
const INPUT_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'any'];

interface StepFormProps {
  step: StepDefinition;
  definition: WorkflowDefinition;
  plugins: Plugin[];
  errors: readonly ValidationError[];
  context: ExpressionContext;
  readOnly: boolean;
  onChange(step: StepDefinition): void;
  onDelete(): void;
  /** The step's JSON path (`$.steps[1].config.steps[0]` when nested), to match errors to fields. */
  stepPath?: string | undefined;
  /** Opens the loop body (no branch) or a parallel branch on the canvas; absent where the canvas is not shown. */
  onOpenBody?: ((branch?: number) => void) | undefined;
  /** Shows the nested step a problem of this container's body belongs to. */
  onShowProblem?: ((path: string) => void) | undefined;
}

/** A JSON value edited as text; committed when it parses. */
function JsonField({ value, onChange, readOnly, label }: { value: unknown; onChange(v: unknown): void; readOnly: boolean; label: string }) {
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const [bad, setBad] = useState<string | null>(null);
  return (
    <>
      <textarea aria-label={label} rows={3} value={text} readOnly={readOnly} spellCheck={false} onChange={(e) => {
        setText(e.target.value);
        if (e.target.value.trim() === '') {
          setBad(null);
          onChange(undefined);
          return;
        }
        try {
          onChange(JSON.parse(e.target.value));
          setBad(null);
        } catch (error) {
          setBad(error instanceof Error ? error.message : 'Not JSON');
        }
      }} />
      {bad ? <span className="field-error">{bad}</span> : null}
    </>
  );
}

/** A plugin input as its schema declares it: text fields accept expressions, others get a matching control. */
function SchemaField({ name, property, required, value, onChange, error, context, readOnly }: {
  name: string; property: JsonSchemaProperty; required: boolean; value: unknown; onChange(v: unknown): void;
  error?: string | undefined; context: ExpressionContext; readOnly: boolean;
}) {
  const label = `${name}${required ? ' *' : ''}`;
  const hint = property.description;
  const isExpression = typeof value === 'string' && value.includes('${{');
  if (property.enum && property.enum.length > 0 && !isExpression) {
    return (
      <Field label={label} error={error} hint={hint}>
        <select aria-label={name} value={typeof value === 'string' ? value : ''} disabled={readOnly} onChange={(e) => onChange(e.target.value || undefined)}>
          <option value="">{property.default !== undefined ? `(default: ${String(property.default)})` : '—'}</option>
          {property.enum.map((v) => <option key={v} value={v}>{v}</option>)}
        </select>
      </Field>
    );
  }
  if (property.type === 'boolean' && !isExpression) {
    return (
      <Field label={label} error={error} hint={hint}>
        <select aria-label={name} value={value === undefined ? '' : String(value)} disabled={readOnly} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value === 'true')}>
          <option value="">—</option><option value="true">true</option><option value="false">false</option>
        </select>
      </Field>
    );
  }
  if ((property.type === 'number' || property.type === 'integer') && !isExpression) {
    return (
      <Field label={label} error={error} hint={hint}>
        <input aria-label={name} type="number" step={property.type === 'integer' ? 1 : 'any'} readOnly={readOnly}
          value={typeof value === 'number' ? value : ''} onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))} />
      </Field>
    );
  }
  if (property.type === 'string' || isExpression || property.type === undefined) {
    return (
      <Field label={label} error={error} hint={hint}>
        <ExpressionInput label={name} value={typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value)} readOnly={readOnly}
          onChange={(v) => onChange(v === '' ? undefined : v)} context={context} />
      </Field>
    );
  }
  return (
    <Field label={label} error={error} hint={hint ?? `${property.type} as JSON`}>
      <JsonField label={name} value={value} onChange={onChange} readOnly={readOnly} />
    </Field>
  );
}

export function StepForm({ step, definition, plugins, errors, context, readOnly, onChange, onDelete, stepPath, onOpenBody, onShowProblem }: StepFormProps) {
  const [id, setId] = useState(step.id);
  const [idError, setIdError] = useState<string | null>(null);
  useEffect(() => {
    setId(step.id);
    setIdError(null);
  }, [step.id]);

  const config = step.config;
  const set = (key: string, value: unknown) => {
    const next = { ...config };
    if (value === undefined || value === '') delete next[key];
    else next[key] = value;
    onChange({ ...step, config: next });
  };
  const errorAt = (path: string) => errors.filter((e) => pathWithinStep(e.path, stepPath) === path).map((e) => e.message).join(' ') || undefined;
  const commitId = () => {
    if (id === step.id) return;
    if (!ID_RULE.test(id)) return setIdError('Lower-case letters, digits, - and _.');
    if (allStepIds(definition).has(id)) return setIdError(`Step "${id}" already exists.`);
    setIdError(null);
    onChange({ ...step, id });
  };

  const plugin = step.type === 'plugin' ? plugins.find((p) => p.name === config.plugin && (!config.version || p.version === config.version)) ?? plugins.find((p) => p.name === config.plugin) : undefined;
  const inputs = (config.inputs && typeof config.inputs === 'object' ? config.inputs : {}) as Record<string, unknown>;
  const setInput = (name: string, value: unknown) => {
    const next = { ...inputs };
    if (value === undefined) delete next[name];
    else next[name] = value;
    set('inputs', next);
  };
  const properties = Object.entries(plugin?.inputs?.properties ?? {});
  const required = new Set(plugin?.inputs?.required ?? []);
  const undeclared = Object.keys(inputs).filter((k) => !plugin?.inputs?.properties?.[k]);

  return (
    <div className="inspector-form" data-testid="step-form">
      <div className="inspector-title"><h3>{step.type} step</h3>{readOnly ? null : <button className="ghost danger" onClick={onDelete}>Delete</button>}</div>
      {errors.length > 0 ? (
        <ul className="problems" data-testid="step-problems">{errors.map((e) => {
          const within = pathWithinStep(e.path, stepPath);
          // A problem of a step inside this loop or parallel step: a link opens its body at that step.
          const nested = onShowProblem && /^config\.(steps|branches\[\d+\]\.steps)\[\d+\]/.test(within);
          return (
            <li key={e.path + e.message}><code>{within || 'step'}</code> {e.message}
              {nested ? <> <button className="link" onClick={() => onShowProblem(e.path)}>Show</button></> : null}</li>
          );
        })}</ul>
      ) : null}
      <Field label="Id" error={idError ?? errorAt('id')}>
        <input aria-label="Step id" value={id} readOnly={readOnly} onChange={(e) => setId(e.target.value)} onBlur={commitId} onKeyDown={(e) => e.key === 'Enter' && commitId()} />
      </Field>
      <Field label="Name">
        <input aria-label="Step name" value={step.name ?? ''} readOnly={readOnly} onChange={(e) => onChange(e.target.value ? { ...step, name: e.target.value } : (({ name: _, ...rest }) => rest)(step))} />
      </Field>

      {step.type === 'plugin' ? (
        <>
          <Field label="Plugin" error={errorAt('config.plugin')}>
            <select aria-label="Plugin" value={String(config.plugin ?? '')} disabled={readOnly} onChange={(e) => onChange({ ...step, config: { plugin: e.target.value, inputs } })}>
              {plugins.some((p) => p.name === config.plugin) ? null : <option value={String(config.plugin ?? '')}>{String(config.plugin ?? '')} (not installed)</option>}
              {[...new Set(plugins.map((p) => p.name))].map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </Field>
          {plugin?.description ? <p className="muted small">{plugin.description}</p> : null}
          {properties.map(([name, property]) => (
            <SchemaField key={`${step.id}:${name}`} name={name} property={property} required={required.has(name)} value={inputs[name]} readOnly={readOnly}
              onChange={(v) => setInput(name, v)} error={errorAt(`config.inputs.${name}`)} context={context} />
          ))}
          {undeclared.map((name) => (
            <Field key={name} label={`${name} (not declared)`} error={errorAt(`config.inputs.${name}`)}>
              <JsonField label={name} value={inputs[name]} onChange={(v) => setInput(name, v)} readOnly={readOnly} />
            </Field>
          ))}
          {plugin && properties.length === 0 ? (
            <Field label="Inputs (JSON)" hint="This plugin declares no input fields.">
              <JsonField label="inputs" value={config.inputs} onChange={(v) => set('inputs', v)} readOnly={readOnly} />
            </Field>
          ) : null}
        </>
      ) : null}

      {step.type === 'condition' ? (
        <div className="cases">
          {conditionCases(step).map((c, i) => (
            <Field key={`${step.id}:case-${i}`} label={`Case ${i + 1}: when`} error={errorAt(`config.cases[${i}].when`)} hint={`Then: ${c.next.join(', ') || '(connect from the node)'}`}>
              <div className="row">
                <ExpressionInput label={`case ${i + 1}`} value={c.when} readOnly={readOnly} context={context}
                  onChange={(when) => set('cases', conditionCases(step).map((x, j) => (j === i ? { ...x, when } : x)))} />
                {readOnly ? null : <button className="ghost" aria-label={`Remove case ${i + 1}`} onClick={() => set('cases', conditionCases(step).filter((_, j) => j !== i))}>×</button>}
              </div>
            </Field>
          ))}
          {readOnly ? null : <button onClick={() => set('cases', [...conditionCases(step), { when: '${{ true }}', next: [] }])}>Add case</button>}
        </div>
      ) : null}

      {step.type === 'loop' ? (
        config.while !== undefined ? (
          <>
            <Field label="While" error={errorAt('config.while')}><ExpressionInput label="while" value={String(config.while)} onChange={(v) => set('while', v)} context={context} readOnly={readOnly} /></Field>
            <Field label="Max iterations" error={errorAt('config.max_iterations')}><input aria-label="max_iterations" type="number" min={1} readOnly={readOnly} value={Number(config.max_iterations ?? 100)} onChange={(e) => set('max_iterations', Number(e.target.value))} /></Field>
          </>
        ) : (
          <>
            <Field label="Items" error={errorAt('config.items')}><ExpressionInput label="items" value={String(config.items ?? '')} onChange={(v) => set('items', v)} context={context} readOnly={readOnly} /></Field>
            <Field label="Concurrency" error={errorAt('config.concurrency')}><input aria-label="concurrency" type="number" min={1} readOnly={readOnly} value={Number(config.concurrency ?? 1)} onChange={(e) => set('concurrency', Number(e.target.value))} /></Field>
          </>
        )
      ) : null}
      {step.type === 'loop' ? (
        <div className="body-summary" data-testid="loop-body">
          <span className="muted small">Body: {(bodyOf(step) ?? []).length} step(s)</span>
          {onOpenBody ? <button onClick={() => onOpenBody()} data-testid="edit-body">{readOnly ? 'Open body' : 'Edit body'}</button> : <span className="muted small"> (edit it on the canvas view)</span>}
        </div>
      ) : null}
      {step.type === 'parallel' ? (
        <div className="branches" data-testid="branches">
          <h4>Branches</h4>
          {branchesOf(step).map((b, i) => (
            <div className="row" key={`${step.id}:branch-${i}`}>
              <input aria-label={`Branch ${i + 1} name`} value={b.name ?? ''} readOnly={readOnly} onChange={(e) => onChange(renameBranch(step, i, e.target.value))} />
              <span className="muted small nowrap">{(b.steps ?? []).length} step(s)</span>
              {onOpenBody ? <button onClick={() => onOpenBody(i)} aria-label={`${readOnly ? 'Open' : 'Edit'} branch ${i + 1}`}>{readOnly ? 'Open' : 'Edit'}</button> : null}
              {readOnly ? null : <button className="ghost" aria-label={`Remove branch ${i + 1}`} onClick={() => onChange(removeBranch(step, i))}>×</button>}
            </div>
          ))}
          {branchesOf(step).map((_, i) => (errorAt(`config.branches[${i}].steps`) ?? errorAt(`config.branches[${i}].name`)
            ? <span key={`e${i}`} className="field-error">Branch {i + 1}: {errorAt(`config.branches[${i}].steps`) ?? errorAt(`config.branches[${i}].name`)}</span> : null
          ))}
          {errorAt('config.branches') ? <span className="field-error">{errorAt('config.branches')}</span> : null}
          {readOnly ? null : <button onClick={() => onChange(addBranch(step))} data-testid="add-branch">Add branch</button>}
        </div>
      ) : null}
      {step.type === 'parallel' ? (
        <Field label="Mode"><select aria-label="mode" value={String(config.mode ?? 'wait_all')} disabled={readOnly} onChange={(e) => set('mode', e.target.value)}><option value="wait_all">wait_all</option><option value="fail_fast">fail_fast</option></select></Field>
      ) : null}
      {step.type === 'delay' ? (
        <>
          <Field label="Duration" hint="10s, 5m, 2h, or an expression" error={errorAt('config.duration')}><ExpressionInput label="duration" value={String(config.duration ?? '')} onChange={(v) => set('duration', v)} context={context} readOnly={readOnly} /></Field>
          <Field label="Until" hint="an ISO timestamp instead of a duration" error={errorAt('config.until')}><ExpressionInput label="until" value={String(config.until ?? '')} onChange={(v) => set('until', v)} context={context} readOnly={readOnly} /></Field>
        </>
      ) : null}
      {step.type === 'subworkflow' ? (
        <>
          <Field label="Workflow" error={errorAt('config.workflow')}><input aria-label="workflow" value={String(config.workflow ?? '')} readOnly={readOnly} onChange={(e) => set('workflow', e.target.value)} /></Field>
          <Field label="Inputs (JSON)" error={errorAt('config.inputs')}><JsonField label="inputs" value={config.inputs} onChange={(v) => set('inputs', v)} readOnly={readOnly} /></Field>
        </>
      ) : null}

      <details className="advanced">
        <summary>Timeout and retries</summary>
        <Field label="Timeout" hint="per attempt; default 300s" error={errorAt('timeout')}>
          <input aria-label="timeout" value={step.timeout === undefined ? '' : String(step.timeout)} readOnly={readOnly}
            onChange={(e) => onChange(e.target.value ? { ...step, timeout: e.target.value } : (({ timeout: _, ...rest }) => rest)(step))} />
        </Field>
        <Field label="Max retries" error={errorAt('retry.max_retries')}>
          <input aria-label="max_retries" type="number" min={0} readOnly={readOnly} value={step.retry?.max_retries === undefined ? '' : Number(step.retry.max_retries)}
            onChange={(e) => onChange(e.target.value === '' ? (({ retry: _, ...rest }) => rest)(step) : { ...step, retry: { ...step.retry, max_retries: Number(e.target.value) } })} />
        </Field>
      </details>
    </div>
  );
}

export function WorkflowForm({ definition, errors, readOnly, onChange }: {
  definition: WorkflowDefinition; errors: readonly ValidationError[]; readOnly: boolean; onChange(d: WorkflowDefinition): void;
}) {
  const inputs = definition.inputs ?? [];
  const setInputs = (next: InputDefinition[]) => {
    const { inputs: _, ...rest } = definition;
    onChange(next.length > 0 ? { ...rest, inputs: next } : rest);
  };
  const errorAt = (path: string) => errors.filter((e) => e.path === path).map((e) => e.message).join(' ') || undefined;
  return (
    <div className="inspector-form" data-testid="workflow-form">
      <h3>Workflow</h3>
      {errors.length > 0 ? <ul className="problems">{errors.map((e) => <li key={e.path + e.message}><code>{e.path}</code> {e.message}</li>)}</ul> : null}
      <Field label="Id"><input value={definition.id} readOnly /></Field>
      <Field label="Name" error={errorAt('$.name')}><input aria-label="Workflow name" value={definition.name} readOnly={readOnly} onChange={(e) => onChange({ ...definition, name: e.target.value })} /></Field>
      <Field label="Description"><textarea rows={2} value={definition.description ?? ''} readOnly={readOnly}
        onChange={(e) => onChange(e.target.value ? { ...definition, description: e.target.value } : (({ description: _, ...rest }) => rest)(definition))} /></Field>
      <h4>Inputs</h4>
      {inputs.map((input, i) => (
        <div className="input-row" key={i}>
          <input aria-label={`Input ${i + 1} name`} value={input.name} readOnly={readOnly} onChange={(e) => setInputs(inputs.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} />
          <select aria-label={`Input ${i + 1} type`} value={input.type} disabled={readOnly} onChange={(e) => setInputs(inputs.map((x, j) => (j === i ? { ...x, type: e.target.value } : x)))}>
            {INPUT_TYPES.map((t) => <option key={t}>{t}</option>)}
          </select>
          <label className="check"><input type="checkbox" checked={input.required ?? false} disabled={readOnly} onChange={(e) => setInputs(inputs.map((x, j) => (j === i ? { ...x, required: e.target.checked } : x)))} /> required</label>
          {readOnly ? null : <button className="ghost" aria-label={`Remove input ${i + 1}`} onClick={() => setInputs(inputs.filter((_, j) => j !== i))}>×</button>}
          {errorAt(`$.inputs[${i}].name`) ? <span className="field-error">{errorAt(`$.inputs[${i}].name`)}</span> : null}
        </div>
      ))}
      {readOnly ? null : <button onClick={() => setInputs([...inputs, { name: `input${inputs.length + 1}`, type: 'string' }])}>Add input</button>}
      <p className="muted small">Outputs and variables: use the YAML view. Open a loop or parallel step to edit its steps.</p>
    </div>
  );
}
