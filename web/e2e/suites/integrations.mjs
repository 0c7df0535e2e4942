// The pages around a workflow: webhook triggers (the address shown once, called from outside), notification rules
// (an in-app delivery in the inbox), sharing (a viewer given edit rights on one workflow), security events.
import { createHmac } from 'node:crypto';
import { expect, failingStep, logStep, unique, until } from '../support.mjs';

export function integrationTests({ api, call, signIn, createWorkflow, start, waitForExecution }, { server }) {
  return [
    {
      name: 'triggers: a signed webhook made on the triggers page starts the workflow with the posted inputs',
      async run({ page }) {
        const id = await createWorkflow({
          id: unique('hook'), name: 'Hooked', inputs: [{ name: 'who', type: 'string', required: true }],
          steps: [logStep('greet', 'hello ${{ inputs.who }}')],
        });
        const name = unique('trigger');
        await signIn(page, `/workflows/${id}/triggers`);
        await page.getByTestId('new-trigger').click();
        const dialog = page.getByRole('dialog', { name: 'New webhook' });
        await dialog.locator('input[name="name"]').fill(name);
        await dialog.getByRole('button', { name: 'Create' }).click();
        await dialog.waitFor({ state: 'detached' });
        const url = await page.getByTestId('webhook-url').inputValue();
        expect(/\/webhooks\/\S{20,}$/.test(url), `the webhook URL is "${url}"`);
        await page.getByTestId(`trigger-${name}`).waitFor();

        // Signed by default: the signing secret is shown once too.
        const secret = await page.getByTestId('signing-secret').inputValue();
        expect(secret.length >= 20, `the signing secret is "${secret}"`);

        // Called from outside, without any login: the path and the signature are the credentials.
        const post = (body, signature) => fetch(url, {
          method: 'POST', body,
          headers: { 'Content-Type': 'application/json', ...(signature ? { 'X-OpenClaw-Signature': `sha256=${signature}` } : {}) },
        });
        const sign = (body) => createHmac('sha256', secret).update(body).digest('hex');
        const body = JSON.stringify({ who: 'the webhook' });
        expect((await post(body)).status === 401, 'an unsigned call was accepted');
        expect((await post(body, sign('{"who":"someone else"}'))).status === 401, 'a call signed over another body was accepted');
        const undeclared = JSON.stringify({ whom: 'x' });
        expect((await post(undeclared, sign(undeclared))).status === 400, 'a call with an undeclared input was accepted');
        const response = await post(body, sign(body));
        expect(response.status === 202, `the signed call answered ${response.status}`);
        const { execution_id: executionId } = await response.json();
        const execution = await waitForExecution(executionId, 'succeeded');
        expect(execution.trigger === 'webhook', `the run's trigger is ${execution.trigger}`);
        expect(execution.steps[0].output?.message === 'hello the webhook', `the step said ${JSON.stringify(execution.steps[0].output)}`);

        // The address and secret are shown this once: not after closing, not after a reload, not in any listing.
        await page.getByTestId('trigger-secrets').getByRole('button', { name: 'Done' }).click();
        await page.getByTestId('trigger-secrets').waitFor({ state: 'detached' });
        const path = new URL(url).pathname.split('/').pop();
        await page.reload();
        await page.getByTestId(`trigger-${name}`).waitFor();
        expect(!(await page.content()).includes(path), 'the webhook path is in the page after a reload');
        expect(!(await page.content()).includes(secret), 'the signing secret is in the page after a reload');
        const listed = JSON.stringify(await call(200, 'GET', `/triggers?workflow_id=${id}`));
        expect(!listed.includes(path) && !listed.includes(secret), 'GET /triggers returns the path or the secret');

        // The run is listed under the webhook trigger.
        await page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name: 'Runs' }).click();
        await page.getByLabel('Trigger filter').selectOption('webhook');
        await page.getByTestId(`execution-${executionId}`).waitFor();
      },
    },
    {
      name: 'notifications: an in-app rule on failure delivers the failed run to the inbox',
      async run({ page }) {
        const id = await createWorkflow({ id: unique('notify'), name: 'Notifies', steps: [failingStep('call')] });
        const name = unique('rule');
        await signIn(page, `/notifications?tab=rules&workflow_id=${id}`);
        await page.getByTestId('new-rule').click();
        const dialog = page.getByRole('dialog', { name: 'New notification rule' });
        await dialog.locator('input[name="name"]').fill(name);
        expect(await dialog.locator('input[name="workflow_id"]').inputValue() === id, 'the rule is not pre-set to the workflow');
        await dialog.getByLabel('On failure').check();
        await dialog.locator('select[name="channel"]').selectOption('in_app');
        await dialog.getByRole('button', { name: 'Create' }).click();
        await dialog.waitFor({ state: 'detached' });
        await page.getByTestId(`rule-${name}`).getByText(id).waitFor();

        const executionId = await start(id);
        await waitForExecution(executionId, 'failed');
        await until(async () => (await call(200, 'GET', '/notifications/inbox?limit=200')).some((i) => i.payload?.execution_id === executionId), 'the in-app delivery');
        await page.getByRole('navigation', { name: 'Notifications' }).getByRole('link', { name: 'Inbox' }).click();
        const item = page.locator('ul.inbox li').filter({ has: page.locator(`a[href="/executions/${executionId}"]`) });
        await item.waitFor();
        expect(await item.getAttribute('data-unread') === 'true', 'the new notification is not unread');
        await item.getByRole('button', { name: /^Mark .* read$/ }).click();
        await until(async () => (await item.getAttribute('data-unread')) === 'false', 'the notification to be read');
        const stored = (await call(200, 'GET', '/notifications/inbox?limit=200')).find((i) => i.payload?.execution_id === executionId);
        expect(stored.read_at, 'marking read did not reach the server');
      },
    },
    {
      name: 'sharing: a viewer given an edit share can edit that workflow and no other',
      async run({ page }) {
        const shared = await createWorkflow({ id: unique('shared'), name: 'Shared', steps: [logStep('log')] });
        const other = await createWorkflow({ id: unique('unshared'), name: 'Not shared', steps: [logStep('log')] });
        const viewer = unique('viewer');
        const password = 'viewer-share-password-1';
        await call(201, 'POST', '/users', { username: viewer, password, role: 'viewer', must_change_password: false });
        await signIn(page, `/workflows/${shared}/sharing`);
        const form = page.getByRole('form', { name: 'Add a share' });
        await form.locator('select[name="principal_type"]').selectOption('user');
        await form.locator('select[name="principal_id"]').selectOption({ label: `${viewer} (viewer)` });
        await form.locator('select[name="permission"]').selectOption('edit');
        await form.getByTestId('add-share').click();
        const row = page.getByRole('table', { name: 'Shares' }).locator('tbody tr').filter({ hasText: viewer });
        await row.waitFor();
        const shares = await call(200, 'GET', `/workflows/${shared}/shares`);
        expect(shares.items.some((s) => s.principal_type === 'user' && s.permission === 'edit'), `shares: ${JSON.stringify(shares.items)}`);

        // The viewer signs in (same browser context, after signing out).
        await page.getByRole('button', { name: 'Sign out' }).click();
        await signIn(page, `/workflows/${shared}`, { username: viewer, password });
        await page.getByTestId('who').filter({ hasText: viewer }).waitFor();
        await page.locator('.react-flow__node[data-id="log"]').waitFor();
        await page.getByTestId('palette-plugin:log').waitFor();
        expect(await page.getByTestId('read-only').count() === 0, 'the shared workflow is read-only for the viewer');
        await page.goto(`${server.url}/workflows/${other}`);
        await page.getByTestId('read-only').waitFor();
        // The server agrees: the viewer's token may write the shared workflow only.
        const login = await call(200, 'POST', '/auth/login', { username: viewer, password }, null);
        const definition = (name) => ({ name, steps: [logStep('log', 'changed')] });
        expect((await api('PUT', `/workflows/${shared}`, { id: shared, ...definition('Shared, edited') }, login.access_token)).status === 200, 'the edit share does not let the viewer save');
        expect((await api('PUT', `/workflows/${other}`, { id: other, ...definition('x') }, login.access_token)).status === 403, 'the viewer saved a workflow not shared with them');
      },
    },
    {
      name: 'security events: a failed sign-in is listed with who tried',
      async run({ page }) {
        const intruder = unique('intruder');
        await page.goto(`${server.url}/`);
        await page.getByLabel('Username').fill(intruder);
        await page.getByLabel('Password').fill('not the password at all');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('alert').waitFor();
        await signIn(page, '/admin?tab=security');
        await page.getByLabel('Event kind').selectOption('login_failed');
        const row = page.locator('[data-testid="security-event-login_failed"]').filter({ hasText: intruder });
        await row.waitFor();
        await page.getByLabel('Event kind').selectOption('permission_denied');
        await row.waitFor({ state: 'detached' });
      },
    },
  ];
}
