// The end-to-end tests: the real server, the real app, Debian's Chromium.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { skip } from './harness.mjs';
import { createSupport, logStep, unique } from './support.mjs';

const VALID = '✓ valid';

/** Everything a test needs: the server, the API as admin, the flaky endpoint, credentials. */
export function createTests(env) {
  const { server, adminPassword, flaky, screenshots, authEnabled, ci } = env;
  const support = createSupport(env);
  const { api } = support;

  const requireAuth = () => {
    if (authEnabled) return;
    if (ci) throw new Error('The server has no /auth endpoints, but CI must run the sign-in tests.');
    skip('this server build has no authentication (/api/v2/auth/me answers 404)');
  };

  /** Opens the app signed in as `username` (the admin by default); on a server without auth, just opens it. */
  const signIn = (page, username = 'admin', password = adminPassword, path = '/') => support.signIn(page, path, { username, password });

  /** Drags a palette entry onto the canvas at (x, y) relative to the canvas (HTML5 drag and drop). */
  const dropOnCanvas = async (page, paletteKey, x, y) => {
    await page.dragAndDrop(`[data-testid="palette-${paletteKey}"]`, '[data-testid="canvas"]', { targetPosition: { x, y } });
  };

  /** Draws an edge by dragging from a source handle to another node's input handle. */
  const connect = async (page, source, handle, target) => {
    const from = page.locator(`.react-flow__node[data-id="${source}"] .react-flow__handle.source[data-handleid="${handle}"]`);
    const to = page.locator(`.react-flow__node[data-id="${target}"] .react-flow__handle.target`);
    const a = await from.boundingBox();
    const b = await to.boundingBox();
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.locator(`.react-flow__edge[data-id="${source}:${handle}->${target}"], [data-testid="rf__edge-${source}:${handle}->${target}"]`).first().waitFor();
  };

  /** Types into a Monaco expression field of the step form. */
  const typeExpression = async (page, label, text) => {
    const editor = page.locator(`.expression-input[data-label="${label}"] .monaco-editor .view-lines`);
    await editor.waitFor();
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(text, { delay: 5 });
    await page.keyboard.press('Escape');
  };

  const selectNode = (page, id) => page.locator(`.react-flow__node[data-id="${id}"]`).click();

  const waitForStatus = async (page, status) => {
    await page.locator(`[data-testid="execution-status"] [data-status="${status}"]`).waitFor({ timeout: 60_000 });
  };

  const shot = async (page, name) => {
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, name) });
  };

  return [
    {
      name: 'sign in, stay signed in across a reload, sign out',
      async run({ page }) {
        requireAuth();
        await page.goto(`${server.url}/workflows`);
        await page.waitForURL(/\/login\?next=%2Fworkflows/);
        await page.getByLabel('Username').fill('admin');
        await page.getByLabel('Password').fill('wrong password');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('alert').waitFor();
        await page.getByLabel('Password').fill(adminPassword);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL(`${server.url}/workflows`);
        await page.getByRole('heading', { name: 'Workflows' }).waitFor();
        await page.reload();
        await page.getByTestId('who').filter({ hasText: 'admin' }).waitFor();
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.getByRole('button', { name: 'Sign in' }).waitFor();
        await page.reload();
        await page.getByRole('button', { name: 'Sign in' }).waitFor();
      },
    },
    {
      name: 'build a 3-step workflow by drag and drop, run it, every step succeeds with its output',
      async run({ page }) {
        await signIn(page, undefined, undefined, '/workflows');
        await page.getByRole('button', { name: 'New workflow' }).click();
        await page.getByLabel('Id').fill('e2e-three');
        await page.getByLabel('Name').fill('Three steps');
        await page.getByRole('button', { name: 'Create' }).click();
        await page.waitForURL(/\/workflows\/e2e-three/);

        await dropOnCanvas(page, 'plugin:log', 130, 200);
        await dropOnCanvas(page, 'condition', 380, 320);
        await dropOnCanvas(page, 'plugin:log', 620, 200);
        await page.locator('.react-flow__node[data-id="log_2"]').waitFor();
        // The log plugin requires a message: the validator's error shows on the node that lacks it.
        await page.getByTestId('node-errors-log').waitFor();

        await connect(page, 'log', 'next', 'condition');
        await connect(page, 'condition', 'case-0', 'log_2');

        await selectNode(page, 'log');
        await typeExpression(page, 'message', 'Hello from the designer');
        await selectNode(page, 'log_2');
        await typeExpression(page, 'message', 'Previous said: ${{ steps.log.output.message }}');
        await page.getByTestId('validity').filter({ hasText: VALID }).waitFor();
        await page.getByTestId('node-errors-log').waitFor({ state: 'detached' });
        await page.keyboard.press('Escape');
        await shot(page, 'designer.png');

        await page.getByRole('button', { name: 'Save' }).click();
        await page.getByRole('button', { name: 'Saved' }).waitFor();
        const saved = await api('GET', '/workflows/e2e-three');
        if (saved.status !== 200) throw new Error(`the workflow was not saved: ${saved.status}`);
        const steps = saved.body.definition.steps.map((s) => `${s.id}:${s.type}`);
        if (steps.join(',') !== 'log:plugin,condition:condition,log_2:plugin') throw new Error(`saved steps: ${steps}`);

        await page.getByTestId('run-button').click();
        await page.getByRole('button', { name: 'Start run' }).click();
        await page.waitForURL(/\/executions\/[0-9a-f-]{36}$/);
        await waitForStatus(page, 'succeeded');
        for (const id of ['log', 'condition', 'log_2']) await page.locator(`[data-testid="timeline-${id}"][data-status="succeeded"]`).waitFor();
        for (const id of ['log', 'condition', 'log_2']) await page.locator(`.react-flow__node[data-id="${id}"] [data-status="succeeded"]`).waitFor();
        await page.getByTestId('timeline-log_2').click();
        await page.getByTestId('step-output').filter({ hasText: 'Previous said: Hello from the designer' }).waitFor();
        await shot(page, 'run.png');
      },
    },
    {
      name: 'designer keyboard: delete a step, undo and redo it; the YAML view follows the canvas',
      async run({ page }) {
        const created = await api('POST', '/workflows', {
          id: 'e2e-keys', name: 'Keys',
          steps: [
            { id: 'log', type: 'plugin', config: { plugin: 'log', inputs: { message: 'a' } }, next_steps: ['condition'] },
            { id: 'condition', type: 'condition', config: { cases: [{ when: '${{ true }}', next: ['log_2'] }] } },
            { id: 'log_2', type: 'plugin', config: { plugin: 'log', inputs: { message: 'b' } } },
          ],
        });
        if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
        await signIn(page, undefined, undefined, '/workflows/e2e-keys');
        const condition = page.locator('.react-flow__node[data-id="condition"]');
        const edge = page.locator('[data-testid="rf__edge-log:next->condition"]');
        await edge.waitFor();
        await condition.click();
        await page.keyboard.press('Delete');
        await condition.waitFor({ state: 'detached' });
        await edge.waitFor({ state: 'detached' });
        await page.locator('body').click({ position: { x: 5, y: 200 } });
        await page.keyboard.press('ControlOrMeta+z');
        await condition.waitFor();
        await edge.waitFor();
        await page.keyboard.press('ControlOrMeta+Shift+z');
        await condition.waitFor({ state: 'detached' });
        await page.keyboard.press('ControlOrMeta+z');
        await condition.waitFor();
        await page.getByRole('tab', { name: 'YAML' }).click();
        await page.locator('.text-view .view-lines').filter({ hasText: 'id: condition' }).waitFor();
        await page.getByRole('tab', { name: 'JSON' }).click();
        await page.locator('.text-view .view-lines').filter({ hasText: '"id": "log_2"' }).waitFor();
      },
    },
    {
      name: 'a failed step shows its error and is retried from the failure',
      async run({ page }) {
        const created = await api('POST', '/workflows', {
          id: 'e2e-flaky', name: 'Flaky call',
          steps: [
            { id: 'first', type: 'plugin', config: { plugin: 'log', inputs: { message: 'before the call' } }, next_steps: ['call'] },
            { id: 'call', type: 'plugin', config: { plugin: 'http-request', inputs: { url: `${flaky.url}/flaky` } }, retry: { max_retries: 0 }, next_steps: ['after'] },
            { id: 'after', type: 'plugin', config: { plugin: 'log', inputs: { message: 'answer: ${{ steps.call.output.body.answer }}' } } },
          ],
        });
        if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
        flaky.ok = false;
        await signIn(page, undefined, undefined, '/workflows/e2e-flaky');
        await page.getByTestId('run-button').click();
        await page.getByRole('button', { name: 'Start run' }).click();
        await page.waitForURL(/\/executions\/[0-9a-f-]{36}$/);
        await waitForStatus(page, 'failed');
        await page.locator('.react-flow__node[data-id="call"] [data-status="failed"]').waitFor();
        await page.getByTestId('step-error').filter({ hasText: '500' }).waitFor();

        flaky.ok = true;
        const firstUrl = page.url();
        await page.getByTestId('retry-failed').click();
        await waitForStatus(page, 'succeeded');
        await page.locator('[data-testid="timeline-after"][data-status="succeeded"]').waitFor();
        await page.getByTestId('timeline-after').click();
        await page.getByTestId('step-output').filter({ hasText: 'answer: 42' }).waitFor();
        // Retrying from the failure does not run the step that had already succeeded again.
        const id = page.url().split('/').pop();
        const execution = await api('GET', `/executions/${id}`);
        const firstRuns = execution.body.steps.filter((s) => s.step_id === 'first').flatMap((s) => s.attempts);
        if (page.url() === firstUrl && firstRuns.length !== 1) throw new Error(`'first' ran ${firstRuns.length} times`);
        if (flaky.calls < 2) throw new Error(`the flaky endpoint was called ${flaky.calls} times`);
      },
    },
    {
      name: 'install a plugin from the marketplace, permissions shown first',
      async run({ page }) {
        await signIn(page, undefined, undefined, '/marketplace');
        const card = page.getByTestId('market-greeter');
        await card.getByRole('button', { name: 'Install…' }).click();
        const plan = page.getByTestId('install-plan');
        await plan.getByText('This plugin asks for').waitFor();
        await plan.getByText('No permissions').waitFor();
        await plan.getByRole('button', { name: 'Install' }).click();
        await page.locator('[data-testid="installed-greeter"] [data-status="enabled"]').waitFor({ timeout: 60_000 });
        const listed = await api('GET', '/plugins');
        if (!listed.body.plugins.some((p) => p.name === 'greeter' && p.source === 'installed')) throw new Error('greeter is not installed');
        // The designer's palette offers it.
        const workflow = await support.createWorkflow({ id: unique('greets'), name: 'Greets', steps: [logStep('log')] });
        await page.goto(`${server.url}/workflows/${workflow}`);
        await page.getByTestId('palette-plugin:greeter').waitFor();
      },
    },
    {
      name: 'a viewer chooses a new password at first sign-in, sees workflows, cannot edit them',
      async run({ page }) {
        requireAuth();
        const oneTime = 'one-time-password-1234';
        const password = 'viewer-password-5678';
        const viewer = unique('viewer');
        const workflow = await support.createWorkflow({ id: unique('viewed'), name: 'Viewed', steps: [logStep('log')] });
        // Created by an administrator with a one-time password (the default: it must be changed at first sign-in).
        const user = await api('POST', '/users', { username: viewer, password: oneTime, role: 'viewer' });
        if (user.status !== 201) throw new Error(`create viewer: ${user.status} ${JSON.stringify(user.body)}`);
        await page.goto(`${server.url}/workflows`);
        await page.getByLabel('Username').fill(viewer);
        await page.getByLabel('Password').fill(oneTime);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
        await page.getByLabel('Current password').fill(oneTime);
        await page.getByLabel('New password', { exact: true }).fill(password);
        await page.getByLabel('Repeat the new password').fill(password);
        await page.getByRole('button', { name: 'Change password' }).click();
        await page.getByTestId('who').filter({ hasText: viewer }).waitFor({ state: 'attached' });
        await page.getByTestId(`workflow-${workflow}`).waitFor();
        if (await page.getByRole('button', { name: 'New workflow' }).count()) throw new Error('a viewer is offered "New workflow"');
        if (await page.getByRole('button', { name: 'Delete' }).count()) throw new Error('a viewer is offered "Delete"');
        await page.goto(`${server.url}/workflows/${workflow}`);
        await page.getByTestId('read-only').waitFor();
        await page.locator('.react-flow__node[data-id="log"]').waitFor();
        if (await page.locator('.palette').count()) throw new Error('a viewer gets the palette');
        if (await page.getByRole('button', { name: /^Save/ }).count()) throw new Error('a viewer gets a Save button');
        // The server refuses too, whatever the app shows.
        const login = await api('POST', '/auth/login', { username: viewer, password }, null);
        const put = await api('PUT', `/workflows/${workflow}`, { id: workflow, name: 'x', steps: [{ id: 'a', type: 'plugin', config: { plugin: 'noop' } }] }, login.body.access_token);
        if (put.status !== 403) throw new Error(`a viewer's PUT answered ${put.status}`);
      },
    },
    {
      name: 'works on a phone-sized screen',
      viewport: { width: 390, height: 844 },
      contextOptions: { isMobile: true, hasTouch: true },
      async run({ page }) {
        await signIn(page, undefined, undefined, '/workflows');
        const nav = page.locator('.sidebar');
        await page.getByRole('button', { name: 'Menu' }).waitFor();
        const hidden = await nav.evaluate((el) => el.getBoundingClientRect().right <= 0);
        if (!hidden) throw new Error('the menu is open on a phone before it is asked for');
        await page.getByRole('button', { name: 'Menu' }).click();
        await page.waitForFunction(() => document.querySelector('.sidebar').getBoundingClientRect().left >= 0);
        await nav.getByRole('link', { name: 'Executions' }).click();
        await page.getByRole('heading', { name: 'Executions' }).waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 1) throw new Error(`the page is ${overflow}px wider than the phone`);
        const manifest = await (await fetch(`${server.url}/manifest.webmanifest`)).json();
        if (manifest.display !== 'standalone') throw new Error('the PWA manifest is not installable');
        // Installable also means a service worker that controls the app.
        const active = await page.evaluate(() => Promise.race([
          navigator.serviceWorker.ready.then((r) => !!r.active),
          new Promise((resolve) => setTimeout(() => resolve(false), 15000)),
        ]));
        if (!active) throw new Error('no active service worker');
      },
    },
  ];
}
