// Notification rules (docs/notifications.md): the wire shapes and the form <-> body conversion.

export type NotificationEvent = 'execution.failed' | 'execution.succeeded' | 'execution.slow' | 'task.dead_lettered';
export type Channel = 'webhook' | 'email' | 'in_app';

export const EVENTS: readonly { value: NotificationEvent; label: string }[] = [
  { value: 'execution.failed', label: 'On failure' },
  { value: 'execution.succeeded', label: 'On success' },
  { value: 'execution.slow', label: 'Duration exceeded' },
  { value: 'task.dead_lettered', label: 'Dead-lettered task' },
];

export const CHANNELS: readonly { value: Channel; label: string }[] = [
  { value: 'in_app', label: 'In-app inbox' },
  { value: 'webhook', label: 'Webhook' },
  { value: 'email', label: 'E-mail' },
];

export interface NotificationRule {
  id: string;
  name: string;
  /** Null: every workflow of the tenant. */
  workflow_id: string | null;
  events: NotificationEvent[];
  channel: Channel;
  /** webhook `{url}`; email `{to: [], credential, from?}` (the credential by name, never its values); in_app `{}`. */
  target: { url?: string; to?: string[]; credential?: string; from?: string };
  slow_threshold_seconds: number | null;
  enabled: boolean;
  signed: boolean;
  created_at: string;
  updated_at: string;
  /** Only in the answer that made the secret (create, or turning signing on). */
  signing_secret?: string | null;
}

export interface Delivery {
  id: string;
  rule_id: string;
  event: NotificationEvent;
  execution_id: string | null;
  channel: Channel;
  status: 'pending' | 'sending' | 'delivered' | 'failed';
  attempts: number;
  last_error: string | null;
  next_attempt_at: string;
  created_at: string;
  delivered_at: string | null;
  payload: Record<string, unknown>;
}

export interface InboxItem {
  id: string;
  rule_id: string;
  event: NotificationEvent;
  title: string;
  payload: Record<string, unknown>;
  created_at: string;
  read_at: string | null;
}

export interface RuleForm {
  name: string;
  /** Empty: every workflow of the tenant. */
  workflow_id: string;
  events: NotificationEvent[];
  channel: Channel;
  url: string;
  signed: boolean;
  /** Recipients, separated by commas, semicolons or line breaks. */
  to: string;
  credential: string;
  from: string;
  slow_threshold_seconds: string;
  enabled: boolean;
}

export function newRuleForm(workflowId = ''): RuleForm {
  return {
    name: '', workflow_id: workflowId, events: ['execution.failed'], channel: 'in_app', url: '', signed: false, to: '', credential: '', from: '',
    slow_threshold_seconds: '', enabled: true,
  };
}

export function ruleToForm(rule: NotificationRule): RuleForm {
  return {
    name: rule.name,
    workflow_id: rule.workflow_id ?? '',
    events: [...rule.events],
    channel: rule.channel,
    url: rule.target.url ?? '',
    signed: rule.signed,
    to: (rule.target.to ?? []).join(', '),
    credential: rule.target.credential ?? '',
    from: rule.target.from ?? '',
    slow_threshold_seconds: rule.slow_threshold_seconds === null ? '' : String(rule.slow_threshold_seconds),
    enabled: rule.enabled,
  };
}

export function splitRecipients(text: string): string[] {
  return text.split(/[,;\n]/).map((s) => s.trim()).filter((s) => s.length > 0);
}

/**
 * The body of `POST /notifications/rules` or `PUT /notifications/rules/{id}`. Only the chosen channel's target goes
 * (a webhook's URL, an e-mail's recipients and credential name), the threshold only with the slow event, `signed`
 * only for webhooks. Values the server must judge (a bad URL, a missing threshold) are sent as typed so its problem
 * names the field; a threshold that is not a number is sent as the text for the same reason.
 */
export function ruleBody(form: RuleForm): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: form.name.trim(),
    workflow_id: form.workflow_id.trim() === '' ? null : form.workflow_id.trim(),
    events: EVENTS.map((e) => e.value).filter((e) => form.events.includes(e)),
    channel: form.channel,
    enabled: form.enabled,
    signed: form.channel === 'webhook' && form.signed,
  };
  if (form.channel === 'webhook') body.target = { url: form.url.trim() };
  else if (form.channel === 'email') {
    const target: Record<string, unknown> = { to: splitRecipients(form.to), credential: form.credential };
    if (form.from.trim() !== '') target.from = form.from.trim();
    body.target = target;
  } else body.target = {};
  if (form.events.includes('execution.slow')) {
    const text = form.slow_threshold_seconds.trim();
    body.slow_threshold_seconds = text === '' ? null : /^\d+$/.test(text) ? Number(text) : text;
  }
  return body;
}

/** One line saying where a rule sends (no secrets: a credential is named, never shown). */
export function describeTarget(rule: Pick<NotificationRule, 'channel' | 'target' | 'signed'>): string {
  switch (rule.channel) {
    case 'webhook':
      return `${rule.target.url ?? '?'}${rule.signed ? ' (signed)' : ''}`;
    case 'email':
      return `${(rule.target.to ?? []).join(', ')} via ${rule.target.credential ?? '?'}`;
    case 'in_app':
      return 'in-app inbox';
  }
}

export function eventLabel(event: string): string {
  return EVENTS.find((e) => e.value === event)?.label ?? event;
}

/** The badge text for a count of unread items: nothing for none, `99+` past 99. */
export function unreadBadge(count: number): string {
  if (count <= 0) return '';
  return count > 99 ? '99+' : String(count);
}
