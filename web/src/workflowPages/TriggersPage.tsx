import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { WorkflowRecord } from '../api/types';
import { useSession } from '../auth/session';
import { useAction } from '../components/useAction';
import { useApi } from '../components/useApi';
import { ErrorBanner, Field, fieldErrorOf, FormError, formatTime, Modal, StatusBadge } from '../components/ui';
import { StartRunDialog } from '../run/StartRunDialog';
import { useWorkflowAccess } from '../sharing/useWorkflowAccess';
import {
  curlExample, maskedUrl, newTriggerForm, revealedSecrets, TRIGGER_METHODS, triggerBody, triggerToForm, type RevealedSecrets, type Trigger, type TriggerForm,
} from '../triggers/triggers';
import { WorkflowTabs } from './WorkflowTabs';

/** A workflow's triggers: the manual run, and webhook triggers (create, edit, enable/disable, rotate, delete). */
export function TriggersPage({ workflowId }: { workflowId: string }) {
  const { can } = useSession();
  const canHere = useWorkflowAccess(workflowId);
  const manage = can('triggers:manage');
  const workflow = useApi((signal) => api.get<WorkflowRecord>(`/workflows/${encodeURIComponent(workflowId)}`, undefined, signal), [workflowId]);
  const triggers = useApi((signal) => (manage ? api.get<Trigger[]>('/triggers', { workflow_id: workflowId }, signal) : Promise.resolve([])), [workflowId, manage]);
  const [editing, setEditing] = useState<Trigger | 'new' | null>(null);
  const [revealed, setRevealed] = useState<{ secrets: RevealedSecrets; settings: TriggerForm } | null>(null);
  const [running, setRunning] = useState(false);
  const { error, run, clear } = useAction(triggers.reload);

  const reveal = (t: Trigger) => {
    const secrets = revealedSecrets(t);
    setRevealed(secrets ? { secrets, settings: triggerToForm(t) } : null);
  };

  return (
    <div className="page">
      <div className="page-header"><h1>Triggers <span className="muted small">{workflowId}</span></h1></div>
      <WorkflowTabs workflowId={workflowId} active="triggers" />
      <ErrorBanner error={workflow.error} />
      <section className="card" aria-labelledby="manual-run">
        <h2 id="manual-run">Manual run</h2>
        <p className="muted small">Start the current version with inputs typed in a form; the run is recorded with trigger <code>manual</code>.</p>
        {canHere('executions:run')
          ? <button className="primary" disabled={!workflow.data} onClick={() => setRunning(true)} data-testid="manual-run">Run now</button>
          : <p className="muted small">Your role cannot start runs.</p>}
      </section>

      <section aria-labelledby="webhooks">
        <div className="page-header">
          <h2 id="webhooks">Webhooks</h2>
          {manage ? <button className="primary" onClick={() => setEditing('new')} data-testid="new-trigger">New webhook</button> : null}
        </div>
        {!manage ? <p className="muted" data-testid="triggers-forbidden">Managing webhooks needs the <code>triggers:manage</code> permission.</p> : null}
        <ErrorBanner error={error ?? triggers.error} onDismiss={error ? clear : undefined} />
        {revealed ? <SecretsBanner revealed={revealed} onDone={() => setRevealed(null)} /> : null}
        {manage ? (
          <table className="table">
            <thead><tr><th>Name</th><th>Address</th><th>Mode</th><th>Security</th><th>Updated</th><th /></tr></thead>
            <tbody>
              {triggers.data?.map((t) => (
                <tr key={t.id} data-testid={`trigger-${t.name}`}>
                  <td><strong>{t.name}</strong> {t.enabled ? <StatusBadge status="enabled" /> : <StatusBadge status="disabled" />}</td>
                  <td className="small"><code title="The full address was shown once, when it was made; New URL makes another.">{maskedUrl(location.origin, t.path_hint)}</code>
                    <div className="muted">{t.methods.join(', ')} · inputs from {t.input_mapping}</div></td>
                  <td>{t.mode}{t.mode === 'sync' ? <span className="muted small"> ({t.sync_timeout_seconds} s)</span> : null}</td>
                  <td className="small">{t.require_signature ? `HMAC signed${t.require_timestamp ? ' + timestamp' : ''}` : 'none'}</td>
                  <td className="small">{formatTime(t.updated_at)}</td>
                  <td className="actions">
                    <button className="ghost" aria-label={`${t.enabled ? 'Disable' : 'Enable'} ${t.name}`}
                      onClick={() => void run(async () => reveal(await api.put<Trigger>(`/triggers/${t.id}`, { enabled: !t.enabled })))}>{t.enabled ? 'Disable' : 'Enable'}</button>
                    <button className="ghost" aria-label={`Edit ${t.name}`} onClick={() => setEditing(t)}>Edit</button>
                    <button className="ghost" aria-label={`New URL for ${t.name}`} onClick={() => confirm(`Make a new address for ${t.name}? The current one stops working at once.`)
                      && void run(async () => reveal(await api.post<Trigger>(`/triggers/${t.id}/rotate-path`)))}>New URL</button>
                    {t.require_signature ? <button className="ghost" aria-label={`New secret for ${t.name}`} onClick={() => confirm(`Make a new signing secret for ${t.name}? Senders must switch to it.`)
                      && void run(async () => reveal(await api.post<Trigger>(`/triggers/${t.id}/rotate-secret`)))}>New secret</button> : null}
                    <button className="ghost danger" aria-label={`Delete ${t.name}`} onClick={() => confirm(`Delete the webhook ${t.name}?`)
                      && void run(() => api.delete(`/triggers/${t.id}`))}>Delete</button>
                  </td>
                </tr>
              ))}
              {triggers.data?.length === 0 ? <tr><td colSpan={6} className="empty">No webhooks yet.</td></tr> : null}
            </tbody>
          </table>
        ) : null}
      </section>
      {editing ? (
        <TriggerDialog workflowId={workflowId} trigger={editing === 'new' ? null : editing} onClose={() => setEditing(null)}
          onSaved={(t) => { setEditing(null); reveal(t); triggers.reload(); }} />
      ) : null}
      {running && workflow.data ? <StartRunDialog workflowId={workflowId} inputs={workflow.data.definition.inputs ?? []} onClose={() => setRunning(false)} /> : null}
    </div>
  );
}

/** The full address and signing secret, shown once: the server keeps only hashes / sealed copies. */
function SecretsBanner({ revealed, onDone }: { revealed: { secrets: RevealedSecrets; settings: TriggerForm }; onDone(): void }) {
  const { secrets, settings } = revealed;
  const copy = (text: string) => void navigator.clipboard?.writeText(text);
  return (
    <div className="banner created-key" role="status" data-testid="trigger-secrets">
      <div className="secrets">
        <strong>Copy these now: they are shown this once ({secrets.trigger}).</strong>
        {secrets.url ? (
          <label className="field"><span className="field-label">Webhook URL</span>
            <span className="row"><input readOnly value={secrets.url} aria-label="Webhook URL" data-testid="webhook-url" onFocus={(e) => e.target.select()} />
              <button type="button" onClick={() => copy(secrets.url!)} aria-label="Copy webhook URL">Copy</button></span>
          </label>
        ) : null}
        {secrets.signingSecret ? (
          <label className="field"><span className="field-label">Signing secret (HMAC-SHA256)</span>
            <span className="row"><input readOnly value={secrets.signingSecret} aria-label="Signing secret" data-testid="signing-secret" onFocus={(e) => e.target.select()} />
              <button type="button" onClick={() => copy(secrets.signingSecret!)} aria-label="Copy signing secret">Copy</button></span>
          </label>
        ) : null}
        {secrets.url ? <details><summary className="small">Example call</summary><pre className="json">{curlExample(secrets.url, settings, secrets.signingSecret)}</pre></details> : null}
      </div>
      <button className="ghost" onClick={onDone} aria-label="Done">×</button>
    </div>
  );
}

function TriggerDialog({ workflowId, trigger, onClose, onSaved }: { workflowId: string; trigger: Trigger | null; onClose(): void; onSaved(t: Trigger): void }) {
  const [form, setForm] = useState<TriggerForm>(() => (trigger ? triggerToForm(trigger) : newTriggerForm()));
  const { error, run } = useAction();
  const set = <K extends keyof TriggerForm>(key: K, value: TriggerForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => onSaved(trigger
      ? await api.put<Trigger>(`/triggers/${trigger.id}`, triggerBody(form))
      : await api.post<Trigger>('/triggers', triggerBody(form, workflowId))));
  };
  const fieldError = (f: string) => fieldErrorOf(error, f);
  return (
    <Modal title={trigger ? `Edit ${trigger.name}` : 'New webhook'} onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <Field label="Name" hint="empty: the workflow's id" error={fieldError('name')}><input name="name" value={form.name} onChange={(e) => set('name', e.target.value)} /></Field>
        <Field label="Mode" error={fieldError('mode')} hint={form.mode === 'sync' ? 'the caller waits and gets the outputs' : 'the caller gets 202 once the run is stored'}>
          <select name="mode" value={form.mode} onChange={(e) => set('mode', e.target.value as TriggerForm['mode'])}>
            <option value="async">async</option><option value="sync">sync</option>
          </select>
        </Field>
        {form.mode === 'sync' ? (
          <Field label="Sync timeout (seconds)" hint="1–120; a longer run answers 202" error={fieldError('sync_timeout_seconds')}>
            <input name="sync_timeout_seconds" type="number" min={1} max={120} value={form.sync_timeout_seconds} onChange={(e) => set('sync_timeout_seconds', Number(e.target.value))} />
          </Field>
        ) : null}
        <fieldset className="inline-checks"><legend>Methods</legend>
          {TRIGGER_METHODS.map((m) => (
            <label key={m} className="check"><input type="checkbox" checked={form.methods.includes(m)}
              onChange={(e) => set('methods', e.target.checked ? [...form.methods, m] : form.methods.filter((x) => x !== m))} /> {m}</label>
          ))}
          {fieldError('methods') ? <span className="field-error" role="alert">{fieldError('methods')}</span> : null}
        </fieldset>
        <Field label="Inputs from" error={fieldError('input_mapping')}>
          <select name="input_mapping" value={form.input_mapping} onChange={(e) => set('input_mapping', e.target.value as TriggerForm['input_mapping'])}>
            <option value="body">body (the JSON fields are the inputs)</option><option value="request">request (body, headers, query, method)</option>
          </select>
        </Field>
        <label className="check"><input type="checkbox" name="require_signature" checked={form.require_signature} onChange={(e) => set('require_signature', e.target.checked)} /> Require an HMAC signature (X-OpenClaw-Signature)</label>
        {form.require_signature ? (
          <label className="check"><input type="checkbox" name="require_timestamp" checked={form.require_timestamp} onChange={(e) => set('require_timestamp', e.target.checked)} /> Also require a signed timestamp (refuses replays)</label>
        ) : null}
        {fieldError('require_signature') ?? fieldError('require_timestamp') ? <span className="field-error" role="alert">{fieldError('require_signature') ?? fieldError('require_timestamp')}</span> : null}
        <label className="check"><input type="checkbox" name="enabled" checked={form.enabled} onChange={(e) => set('enabled', e.target.checked)} /> Enabled</label>
        {trigger && form.require_signature && !trigger.require_signature ? <p className="muted small">Saving makes a signing secret, shown once.</p> : null}
        <FormError error={error} fields={['name', 'mode', 'sync_timeout_seconds', 'methods', 'input_mapping', 'require_signature', 'require_timestamp']} />
        <div className="form-actions"><button type="button" onClick={onClose}>Cancel</button><button type="submit" className="primary">{trigger ? 'Save' : 'Create'}</button></div>
      </form>
    </Modal>
  );
}
