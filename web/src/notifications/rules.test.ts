import { describe, expect, it } from 'vitest';
import { describeTarget, eventLabel, newRuleForm, ruleBody, ruleToForm, splitRecipients, unreadBadge, type NotificationRule } from './rules';

const emailRule: NotificationRule = {
  id: 'r1', name: 'slow runs', workflow_id: null, events: ['execution.slow', 'execution.failed'], channel: 'email',
  target: { to: ['ops@example.com', 'b@example.com'], credential: 'smtp_main' }, slow_threshold_seconds: 600, enabled: true, signed: false,
  created_at: '', updated_at: '',
};

describe('notification rules', () => {
  it('makes an in-app rule for the whole tenant by default', () => {
    expect(ruleBody({ ...newRuleForm(), name: ' alerts ' })).toEqual({
      name: 'alerts', workflow_id: null, events: ['execution.failed'], channel: 'in_app', enabled: true, signed: false, target: {},
    });
  });

  it('scopes a rule to one workflow, events in a fixed order', () => {
    const body = ruleBody({ ...newRuleForm('order-sync'), events: ['task.dead_lettered', 'execution.succeeded'] });
    expect(body.workflow_id).toBe('order-sync');
    expect(body.events).toEqual(['execution.succeeded', 'task.dead_lettered']);
  });

  it('sends a webhook target with signing, and only the chosen channel target', () => {
    const form = { ...newRuleForm(), channel: 'webhook' as const, url: ' https://hooks.example.com/x ', signed: true, to: 'ignored@example.com', credential: 'smtp' };
    const body = ruleBody(form);
    expect(body.target).toEqual({ url: 'https://hooks.example.com/x' });
    expect(body.signed).toBe(true);
    expect(ruleBody({ ...form, channel: 'in_app' }).signed).toBe(false);
  });

  it('splits e-mail recipients and names the credential (never its values)', () => {
    expect(splitRecipients('a@x.io, b@x.io;\nc@x.io ,,')).toEqual(['a@x.io', 'b@x.io', 'c@x.io']);
    const body = ruleBody({ ...newRuleForm(), channel: 'email', to: 'a@x.io; b@x.io', credential: 'smtp_main', from: ' bot@x.io ' });
    expect(body.target).toEqual({ to: ['a@x.io', 'b@x.io'], credential: 'smtp_main', from: 'bot@x.io' });
    expect(ruleBody({ ...newRuleForm(), channel: 'email', to: 'a@x.io', credential: 'c' }).target).toEqual({ to: ['a@x.io'], credential: 'c' });
  });

  it('sends the slow threshold only with the slow event, as typed so the server can name a bad one', () => {
    expect(ruleBody({ ...newRuleForm(), slow_threshold_seconds: '30' })).not.toHaveProperty('slow_threshold_seconds');
    const slow = { ...newRuleForm(), events: ['execution.slow' as const] };
    expect(ruleBody({ ...slow, slow_threshold_seconds: '600' }).slow_threshold_seconds).toBe(600);
    expect(ruleBody({ ...slow, slow_threshold_seconds: '' }).slow_threshold_seconds).toBeNull();
    expect(ruleBody({ ...slow, slow_threshold_seconds: '10m' }).slow_threshold_seconds).toBe('10m');
  });

  it('edits a stored rule through the form unchanged', () => {
    expect(ruleBody(ruleToForm(emailRule))).toEqual({
      name: 'slow runs', workflow_id: null, events: ['execution.failed', 'execution.slow'], channel: 'email', enabled: true, signed: false,
      target: { to: ['ops@example.com', 'b@example.com'], credential: 'smtp_main' }, slow_threshold_seconds: 600,
    });
  });

  it('describes targets and events for the list, and caps the unread badge', () => {
    expect(describeTarget(emailRule)).toBe('ops@example.com, b@example.com via smtp_main');
    expect(describeTarget({ channel: 'webhook', target: { url: 'https://h' }, signed: true })).toBe('https://h (signed)');
    expect(describeTarget({ channel: 'in_app', target: {}, signed: false })).toBe('in-app inbox');
    expect(eventLabel('execution.slow')).toBe('Duration exceeded');
    expect(eventLabel('other')).toBe('other');
    expect([0, 1, 99, 100, 500].map(unreadBadge)).toEqual(['', '1', '99', '99+', '99+']);
  });
});
