// What every browser test uses: the API as the bootstrap admin key (or another token), signing in through the login
// page, unique names, and waiting on a condition with a deadline (never a fixed sleep).
import { randomBytes } from 'node:crypto';

/** A name no other test (and no earlier run against the same server) uses: tests share one server. */
export const unique = (prefix) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** Polls `check` until it returns a truthy value (which it returns), or fails after `ms` naming `what` (text or a function giving it). */
export async function until(check, what, ms = 30_000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const description = typeof what === 'function' ? await what() : what;
      throw new Error(`timed out after ${ms} ms waiting for ${description}${last ? `: ${last.message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** Waits until the locator matches exactly `count` elements. */
export async function waitForCount(locator, count, what = 'elements') {
  let last = -1;
  await until(async () => (last = await locator.count()) === count, () => `${count} ${what} (the last count was ${last})`);
}

/** Accepts every confirm() the page shows (the app confirms deletes and discards). */
export function acceptDialogs(page) {
  page.on('dialog', (dialog) => void dialog.accept());
}

export function createSupport({ server, apiKey, adminPassword, authEnabled }) {
  /** Calls the API (as the bootstrap admin key unless a token is given); answers { status, body }. */
  const api = async (method, path, body, token = apiKey) => {
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${server.url}/api/v2${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (an HTML page or plain text): keep the text for the failure message.
    }
    return { status: response.status, body: parsed };
  };

  /** Like api(), but fails unless the status is `expected`; answers the body. */
  const call = async (expected, method, path, body, token) => {
    const result = await api(method, path, body, token);
    if (result.status !== expected) throw new Error(`${method} ${path} answered ${result.status}, not ${expected}: ${JSON.stringify(result.body)}`);
    return result.body;
  };

  /** Opens the app at `path` signed in through the login page (the admin of the default tenant unless told). */
  const signIn = async (page, path = '/', { username = 'admin', password = adminPassword, tenant } = {}) => {
    await page.goto(`${server.url}${path}`);
    if (!authEnabled) {
      await page.getByTestId('who').waitFor({ state: 'attached' });
      return;
    }
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    if (tenant) await page.getByLabel('Tenant').fill(tenant);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('who').waitFor({ state: 'attached' });
  };

  /** Creates a workflow through the API; answers its id. */
  const createWorkflow = async (definition, token) => {
    await call(201, 'POST', '/workflows', definition, token);
    return definition.id;
  };

  /** Starts an execution through the API; answers its id. */
  const start = async (workflowId, inputs = {}, token) => (await call(202, 'POST', `/workflows/${workflowId}/executions`, { inputs }, token)).id;

  /** Waits until an execution has the given status; answers it. */
  const waitForExecution = (id, status, token, ms = 60_000) =>
    until(async () => {
      const execution = await call(200, 'GET', `/executions/${id}`, undefined, token);
      return execution.status === status ? execution : null;
    }, `execution ${id} to be ${status}`, ms);

  return { api, call, signIn, createWorkflow, start, waitForExecution };
}

/** A plugin step that logs a message (and outputs it). */
export const logStep = (id, message = id, extra = {}) => ({ id, type: 'plugin', config: { plugin: 'log', inputs: { message } }, ...extra });

/** A step that fails at once, for good: a connection refused on the discard port, with no retries. */
export const failingStep = (id, extra = {}) => ({
  id, type: 'plugin', config: { plugin: 'http-request', inputs: { url: 'http://127.0.0.1:9/refused' } }, retry: { max_retries: 0 }, ...extra,
});
