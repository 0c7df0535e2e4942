import { describe, expect, it } from 'vitest';
import { curlExample, maskedUrl, newTriggerForm, revealedSecrets, triggerBody, triggerToForm, type Trigger } from './triggers';

const stored: Trigger = {
  id: 't1', workflow_id: 'order-sync', name: 'orders', mode: 'sync', methods: ['PUT', 'POST'], input_mapping: 'request', enabled: false,
  require_signature: true, require_timestamp: true, sync_timeout_seconds: 45, path_hint: 'Xq3abc', created_at: '', updated_at: '', created_by: null,
};

describe('webhook triggers', () => {
  it('makes the create body: workflow, defaults, methods in a fixed order, no name when empty', () => {
    expect(triggerBody(newTriggerForm(), 'order-sync')).toEqual({
      workflow_id: 'order-sync', mode: 'async', methods: ['POST'], input_mapping: 'body', enabled: true, require_signature: true, require_timestamp: false,
    });
    const form = { ...newTriggerForm(), name: '  hook ', methods: ['PUT', 'POST'] as Trigger['methods'] };
    expect(triggerBody(form, 'w')).toMatchObject({ name: 'hook', methods: ['POST', 'PUT'] });
  });

  it('sends the sync timeout only in sync mode and a timestamp only with a signature', () => {
    const sync = triggerBody({ ...newTriggerForm(), mode: 'sync', sync_timeout_seconds: 90 });
    expect(sync.sync_timeout_seconds).toBe(90);
    expect(sync).not.toHaveProperty('workflow_id');
    expect(triggerBody({ ...newTriggerForm(), sync_timeout_seconds: 90 })).not.toHaveProperty('sync_timeout_seconds');
    expect(triggerBody({ ...newTriggerForm(), require_signature: false, require_timestamp: true }).require_timestamp).toBe(false);
  });

  it('edits a stored trigger through the form unchanged', () => {
    expect(triggerBody(triggerToForm(stored))).toEqual({
      name: 'orders', mode: 'sync', methods: ['POST', 'PUT'], input_mapping: 'request', enabled: false, require_signature: true, require_timestamp: true,
      sync_timeout_seconds: 45,
    });
  });

  it('reveals the URL and signing secret only when the answer carries them', () => {
    expect(revealedSecrets(stored)).toBeNull();
    expect(revealedSecrets({ ...stored, url: 'http://h/api/v2/webhooks/abc', path: 'abc', signing_secret: 'whsec_1' }))
      .toEqual({ trigger: 'orders', url: 'http://h/api/v2/webhooks/abc', signingSecret: 'whsec_1' });
    expect(revealedSecrets({ ...stored, signing_secret: 'whsec_2', url: null })).toEqual({ trigger: 'orders', url: null, signingSecret: 'whsec_2' });
    expect(maskedUrl('http://h', 'Xq3abc')).toBe('http://h/api/v2/webhooks/Xq3abc…');
  });

  it('writes a curl command that signs as the trigger requires', () => {
    const plain = curlExample('http://h/x', { methods: ['GET'], require_signature: false, require_timestamp: false });
    expect(plain).toContain('curl -s -X GET "$URL"');
    expect(plain).not.toContain('SIG');
    const signed = curlExample('http://h/x', { methods: ['POST'], require_signature: true, require_timestamp: false }, 'whsec_9');
    expect(signed).toContain("SECRET='whsec_9'");
    expect(signed).toContain('X-OpenClaw-Signature: sha256=$SIG');
    expect(signed).not.toContain('Timestamp');
    const stamped = curlExample('http://h/x', { methods: ['PUT', 'POST'], require_signature: true, require_timestamp: true });
    expect(stamped).toContain("printf '%s.%s' \"$TS\" \"$BODY\"");
    expect(stamped).toContain('X-OpenClaw-Timestamp: $TS');
    expect(stamped).toContain('<the signing secret>');
    expect(stamped).toContain('-X POST');
  });
});
