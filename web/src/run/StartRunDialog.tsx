import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { ApiError } from '../api/problem';
import type { ExecutionStarted } from '../api/types';
import { ErrorBanner, Field, Modal } from '../components/ui';
import { navigate } from '../router';
import type { InputDefinition } from '../workflow/definition';

/** Turns the typed text of one input into its JSON value; strings stay text, other types parse as JSON. */
export function coerceInput(input: InputDefinition, text: string): unknown {
  if (input.type === 'string') return text;
  if (input.type === 'number' || input.type === 'integer') return text.trim() === '' ? undefined : Number(text);
  if (input.type === 'boolean') return text === 'true';
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The declared inputs as a form; starts a manual run (`POST /workflows/{id}/run`, recorded with trigger `manual`) and opens its live view. */
export function StartRunDialog({ workflowId, inputs, onClose }: { workflowId: string; inputs: InputDefinition[]; onClose(): void }) {
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(inputs.map((i) => [i.name, i.default === undefined ? '' : typeof i.default === 'string' ? i.default : JSON.stringify(i.default)])));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body: Record<string, unknown> = {};
    for (const input of inputs) {
      const text = values[input.name] ?? '';
      if (text === '' && input.type !== 'string') continue;
      if (text === '' && !input.required && input.default === undefined) continue;
      body[input.name] = coerceInput(input, text);
    }
    try {
      const started = await api.post<ExecutionStarted>(`/workflows/${encodeURIComponent(workflowId)}/run`, { inputs: body });
      navigate(`/executions/${started.id}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  const fieldError = (name: string) => (error instanceof ApiError ? error.fieldError(name) ?? error.fieldError(`inputs.${name}`) : undefined);

  return (
    <Modal title={`Run ${workflowId}`} onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        {inputs.length === 0 ? <p className="muted">This workflow declares no inputs.</p> : null}
        {inputs.map((input) => (
          <Field key={input.name} label={`${input.name}${input.required ? ' *' : ''}`} hint={`${input.type}${input.description ? ` — ${input.description}` : ''}`} error={fieldError(input.name)}>
            {input.type === 'boolean' ? (
              <select aria-label={input.name} value={values[input.name]} onChange={(e) => setValues({ ...values, [input.name]: e.target.value })}><option value="false">false</option><option value="true">true</option></select>
            ) : input.type === 'object' || input.type === 'array' || input.type === 'any' ? (
              <textarea aria-label={input.name} rows={3} value={values[input.name]} onChange={(e) => setValues({ ...values, [input.name]: e.target.value })} />
            ) : (
              <input aria-label={input.name} type={input.type === 'string' ? 'text' : 'number'} value={values[input.name]} onChange={(e) => setValues({ ...values, [input.name]: e.target.value })} />
            )}
          </Field>
        ))}
        <ErrorBanner error={error} />
        <div className="form-actions"><button type="button" onClick={onClose}>Cancel</button><button type="submit" className="primary" disabled={busy}>Start run</button></div>
      </form>
    </Modal>
  );
}
