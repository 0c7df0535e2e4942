// Webhook triggers (docs/triggers.md): the wire shape, the form <-> body conversion, and what to show a sender.

export type TriggerMode = 'async' | 'sync';
export type TriggerMethod = 'POST' | 'GET' | 'PUT';
export const TRIGGER_METHODS: readonly TriggerMethod[] = ['POST', 'GET', 'PUT'];

export interface Trigger {
  id: string;
  workflow_id: string;
  name: string;
  mode: TriggerMode;
  methods: TriggerMethod[];
  input_mapping: 'body' | 'request';
  enabled: boolean;
  require_signature: boolean;
  require_timestamp: boolean;
  sync_timeout_seconds: number;
  /** The first characters of the secret path, for telling triggers apart; the path itself is shown once. */
  path_hint: string;
  created_at: string;
  updated_at: string;
  created_by: string | null;
  /** Only in the answer that made the path (create, rotate-path). */
  path?: string | null;
  url?: string | null;
  /** Only in the answer that made the secret (create or turning signatures on, rotate-secret). */
  signing_secret?: string | null;
}

/** What the create/edit form holds: the trigger's settings. */
export type TriggerForm = Pick<Trigger, 'name' | 'mode' | 'methods' | 'input_mapping' | 'enabled' | 'require_signature' | 'require_timestamp' | 'sync_timeout_seconds'>;

export function newTriggerForm(): TriggerForm {
  return { name: '', mode: 'async', methods: ['POST'], input_mapping: 'body', enabled: true, require_signature: true, require_timestamp: false, sync_timeout_seconds: 30 };
}

export function triggerToForm(t: Trigger): TriggerForm {
  return {
    name: t.name, mode: t.mode, methods: [...t.methods], input_mapping: t.input_mapping, enabled: t.enabled,
    require_signature: t.require_signature, require_timestamp: t.require_timestamp, sync_timeout_seconds: t.sync_timeout_seconds,
  };
}

/**
 * The body of `POST /triggers` (with the workflow) or `PUT /triggers/{id}`. An empty name is left out (the server
 * names it after the workflow); the sync timeout only goes with sync mode; a timestamp is only asked for with a
 * signature (the server refuses one without the other, and the form keeps them consistent).
 */
export function triggerBody(form: TriggerForm, workflowId?: string): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (workflowId !== undefined) body.workflow_id = workflowId;
  if (form.name.trim() !== '') body.name = form.name.trim();
  body.mode = form.mode;
  body.methods = TRIGGER_METHODS.filter((m) => form.methods.includes(m));
  body.input_mapping = form.input_mapping;
  body.enabled = form.enabled;
  body.require_signature = form.require_signature;
  body.require_timestamp = form.require_signature && form.require_timestamp;
  if (form.mode === 'sync') body.sync_timeout_seconds = form.sync_timeout_seconds;
  return body;
}

/** The secrets an answer carries (shown once), or null when it carries none. */
export interface RevealedSecrets {
  trigger: string;
  url: string | null;
  signingSecret: string | null;
}

export function revealedSecrets(t: Trigger): RevealedSecrets | null {
  const url = t.url ?? null;
  const signingSecret = t.signing_secret ?? null;
  return url || signingSecret ? { trigger: t.name, url, signingSecret } : null;
}

/** What the list shows of a trigger's address once the full path is gone: the route with the hint. */
export function maskedUrl(origin: string, pathHint: string): string {
  return `${origin}/api/v2/webhooks/${pathHint}…`;
}

/** A shell command that calls the webhook as its settings require (signed, with a timestamp, or plain). */
export function curlExample(url: string, settings: Pick<TriggerForm, 'methods' | 'require_signature' | 'require_timestamp'>, secret?: string | null): string {
  const method = settings.methods.includes('POST') || settings.methods.length === 0 ? 'POST' : settings.methods[0]!;
  const lines = [`URL='${url}'`, `BODY='{}'`];
  if (!settings.require_signature) {
    lines.push(`curl -s -X ${method} "$URL" -H 'Content-Type: application/json' -d "$BODY"`);
    return lines.join('\n');
  }
  lines.push(`SECRET='${secret ?? '<the signing secret>'}'`);
  if (settings.require_timestamp) {
    lines.push(`TS=$(date +%s)`);
    lines.push(`SIG=$(printf '%s.%s' "$TS" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -hex | sed 's/^.* //')`);
    lines.push(`curl -s -X ${method} "$URL" -H 'Content-Type: application/json' -H "X-OpenClaw-Timestamp: $TS" -H "X-OpenClaw-Signature: sha256=$SIG" -d "$BODY"`);
  } else {
    lines.push(`SIG=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -hex | sed 's/^.* //')`);
    lines.push(`curl -s -X ${method} "$URL" -H 'Content-Type: application/json' -H "X-OpenClaw-Signature: sha256=$SIG" -d "$BODY"`);
  }
  return lines.join('\n');
}
