import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { useSession } from '../../auth/session';
import { useAction } from '../../components/useAction';
import { useApi } from '../../components/useApi';
import { ErrorBanner, Field, fieldErrorOf, FormError, Modal, StatusBadge } from '../../components/ui';
import { CHANNELS, describeTarget, eventLabel, EVENTS, newRuleForm, ruleBody, ruleToForm, type NotificationRule, type RuleForm } from '../../notifications/rules';
import { Link } from '../../router';

/** Notification rules, per workflow or for the whole tenant: list, create, edit, enable/disable, delete. */
export function RulesTab({ workflowId }: { workflowId: string }) {
  const [filter, setFilter] = useState(workflowId);
  const rules = useApi((signal) => api.get<NotificationRule[]>('/notifications/rules', undefined, signal), []);
  const [editing, setEditing] = useState<NotificationRule | 'new' | null>(null);
  const [secret, setSecret] = useState<{ rule: string; secret: string } | null>(null);
  const { error, run, clear } = useAction(rules.reload);
  const shown = rules.data?.filter((r) => !filter || r.workflow_id === filter || r.workflow_id === null) ?? [];
  const saved = (rule: NotificationRule) => {
    setEditing(null);
    setSecret(rule.signing_secret ? { rule: rule.name, secret: rule.signing_secret } : null);
    rules.reload();
  };
  return (
    <>
      <div className="page-header">
        <label className="inline-label">Workflow <input value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="all" aria-label="Filter rules by workflow" /></label>
        <span className="spacer" />
        <button className="primary" onClick={() => setEditing('new')} data-testid="new-rule">New rule</button>
      </div>
      {filter ? <p className="muted small">Rules of <code>{filter}</code> and rules for every workflow of the tenant.</p> : null}
      <ErrorBanner error={error ?? rules.error} onDismiss={error ? clear : undefined} />
      {secret ? (
        <div className="banner created-key" role="status" data-testid="rule-secret">
          <div><strong>Copy the signing secret of {secret.rule} now: it is shown this once.</strong><pre className="json">{secret.secret}</pre></div>
          <button onClick={() => void navigator.clipboard?.writeText(secret.secret)}>Copy</button>
          <button className="ghost" onClick={() => setSecret(null)} aria-label="Done">×</button>
        </div>
      ) : null}
      <table className="table" aria-label="Notification rules">
        <thead><tr><th>Rule</th><th>Workflow</th><th>When</th><th>Sends to</th><th /></tr></thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.id} data-testid={`rule-${r.name}`}>
              <td><strong>{r.name}</strong> {r.enabled ? null : <StatusBadge status="disabled" />}</td>
              <td>{r.workflow_id ? <Link to={`/workflows/${encodeURIComponent(r.workflow_id)}`}>{r.workflow_id}</Link> : <span className="muted">every workflow</span>}</td>
              <td className="small">{r.events.map(eventLabel).join(', ')}{r.slow_threshold_seconds !== null && r.events.includes('execution.slow') ? ` (> ${r.slow_threshold_seconds} s)` : ''}</td>
              <td className="small"><span className="badge">{r.channel}</span> {describeTarget(r)}</td>
              <td className="actions">
                <button className="ghost" aria-label={`${r.enabled ? 'Disable' : 'Enable'} ${r.name}`} onClick={() => void run(() => api.put(`/notifications/rules/${r.id}`, { enabled: !r.enabled }))}>{r.enabled ? 'Disable' : 'Enable'}</button>
                <button className="ghost" aria-label={`Edit ${r.name}`} onClick={() => setEditing(r)}>Edit</button>
                <Link to={`/notifications?tab=deliveries&rule_id=${r.id}`}>Deliveries</Link>
                <button className="ghost danger" aria-label={`Delete ${r.name}`} onClick={() => confirm(`Delete the rule ${r.name}?`) && void run(() => api.delete(`/notifications/rules/${r.id}`))}>Delete</button>
              </td>
            </tr>
          ))}
          {rules.data && shown.length === 0 ? <tr><td colSpan={5} className="empty">No rules.</td></tr> : null}
        </tbody>
      </table>
      {editing ? <RuleDialog rule={editing === 'new' ? null : editing} workflowId={filter} onClose={() => setEditing(null)} onSaved={saved} /> : null}
    </>
  );
}

function RuleDialog({ rule, workflowId, onClose, onSaved }: { rule: NotificationRule | null; workflowId: string; onClose(): void; onSaved(rule: NotificationRule): void }) {
  const { can } = useSession();
  const [form, setForm] = useState<RuleForm>(() => (rule ? ruleToForm(rule) : newRuleForm(workflowId)));
  // smtp credentials by name, for those who may list credentials; others type the name.
  const smtp = useApi((signal) => (can('credentials:read')
    ? api.get<{ name: string; type: string }[]>('/credentials', undefined, signal).then((list) => list.filter((c) => c.type === 'smtp').map((c) => c.name))
    : Promise.resolve(null)), []);
  const { error, run } = useAction();
  const set = <K extends keyof RuleForm>(key: K, value: RuleForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => onSaved(rule
      ? await api.put<NotificationRule>(`/notifications/rules/${rule.id}`, ruleBody(form))
      : await api.post<NotificationRule>('/notifications/rules', ruleBody(form))));
  };
  const fieldError = (f: string) => fieldErrorOf(error, f);
  return (
    <Modal title={rule ? `Edit ${rule.name}` : 'New notification rule'} onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <Field label="Name" error={fieldError('name')}><input name="name" value={form.name} onChange={(e) => set('name', e.target.value)} required /></Field>
        <Field label="Workflow" hint="empty: every workflow of the tenant" error={fieldError('workflow_id')}>
          <input name="workflow_id" value={form.workflow_id} onChange={(e) => set('workflow_id', e.target.value)} placeholder="every workflow" />
        </Field>
        <fieldset className="inline-checks"><legend>When</legend>
          {EVENTS.map((ev) => (
            <label key={ev.value} className="check"><input type="checkbox" name={`event-${ev.value}`} checked={form.events.includes(ev.value)}
              onChange={(e) => set('events', e.target.checked ? [...form.events, ev.value] : form.events.filter((x) => x !== ev.value))} /> {ev.label}</label>
          ))}
          {fieldError('events') ? <span className="field-error" role="alert">{fieldError('events')}</span> : null}
        </fieldset>
        {form.events.includes('execution.slow') ? (
          <Field label="Slow after (seconds)" error={fieldError('slow_threshold_seconds')}>
            <input name="slow_threshold_seconds" inputMode="numeric" value={form.slow_threshold_seconds} onChange={(e) => set('slow_threshold_seconds', e.target.value)} />
          </Field>
        ) : null}
        <Field label="Channel" error={fieldError('channel')}>
          <select name="channel" value={form.channel} onChange={(e) => set('channel', e.target.value as RuleForm['channel'])}>
            {CHANNELS.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
          </select>
        </Field>
        {form.channel === 'webhook' ? (
          <>
            <Field label="URL" error={fieldError('target.url') ?? fieldError('target')}>
              <input name="url" type="url" value={form.url} onChange={(e) => set('url', e.target.value)} placeholder="https://hooks.example.com/openclaw" />
            </Field>
            <label className="check"><input type="checkbox" name="signed" checked={form.signed} onChange={(e) => set('signed', e.target.checked)} /> Sign deliveries (HMAC; the secret is shown once)</label>
            {fieldError('signed') ? <span className="field-error" role="alert">{fieldError('signed')}</span> : null}
          </>
        ) : null}
        {form.channel === 'email' ? (
          <>
            <Field label="To" hint="addresses separated by commas" error={fieldError('target.to') ?? fieldError('target')}>
              <input name="to" value={form.to} onChange={(e) => set('to', e.target.value)} placeholder="ops@example.com" />
            </Field>
            <Field label="SMTP credential" hint="by name; its values stay encrypted on the server" error={fieldError('target.credential')}>
              {smtp.data ? (
                <select name="credential" value={form.credential} onChange={(e) => set('credential', e.target.value)}>
                  <option value="">{smtp.data.length === 0 ? '(no smtp credential yet)' : 'choose…'}</option>
                  {smtp.data.map((n) => <option key={n} value={n}>{n}</option>)}
                  {form.credential && !smtp.data.includes(form.credential) ? <option value={form.credential}>{form.credential}</option> : null}
                </select>
              ) : <input name="credential" value={form.credential} onChange={(e) => set('credential', e.target.value)} />}
            </Field>
            <Field label="From" hint="optional" error={fieldError('target.from')}><input name="from" value={form.from} onChange={(e) => set('from', e.target.value)} /></Field>
          </>
        ) : null}
        <label className="check"><input type="checkbox" name="enabled" checked={form.enabled} onChange={(e) => set('enabled', e.target.checked)} /> Enabled</label>
        <FormError error={error} fields={['name', 'workflow_id', 'events', 'slow_threshold_seconds', 'channel', 'target', 'target.url', 'signed', 'target.to', 'target.credential', 'target.from']} />
        <div className="form-actions"><button type="button" onClick={onClose}>Cancel</button><button type="submit" className="primary">{rule ? 'Save' : 'Create'}</button></div>
      </form>
    </Modal>
  );
}
