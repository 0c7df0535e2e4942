// The dashboard, in a tenant of its own so its figures are exactly what the test ran: executions per hour, success
// rate, p95 duration, queued tasks.
import { expect, failingStep, logStep, unique, until } from '../support.mjs';

/** The app's duration format (components/ui.tsx formatDuration) for the durations a test meets. */
const duration = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s` : null);

export function dashboardTests({ api, call, signIn, createWorkflow, start, waitForExecution }) {
  return [
    {
      name: 'dashboard: executions over time, success rate, p95 and queue depth match the runs made',
      async run({ page }) {
        const tenant = unique('dash');
        const password = 'dashboard-admin-password-2';
        await call(201, 'POST', '/tenants', { id: tenant, name: 'Dashboard', admin_username: 'admin', admin_password: 'one-time-password-dash' });
        const first = await call(200, 'POST', '/auth/login', { username: 'admin', password: 'one-time-password-dash', tenant }, null);
        const token = (await call(200, 'POST', '/auth/password', { current_password: 'one-time-password-dash', new_password: password }, first.access_token)).access_token;

        const ok = await createWorkflow({ id: 'ok', name: 'Succeeds', steps: [logStep('fine')] }, token);
        const bad = await createWorkflow({ id: 'bad', name: 'Fails', steps: [failingStep('call')] }, token);
        const held = await createWorkflow({ id: 'held', name: 'Held', queue: 'held', steps: [logStep('later')] }, token);
        const finished = [];
        for (let i = 0; i < 3; i++) finished.push(await waitForExecution(await start(ok, {}, token), 'succeeded', token));
        finished.push(await waitForExecution(await start(bad, {}, token), 'failed', token));
        // Two more wait on a paused queue: they count as executions (neither succeeded nor failed) and as queue depth.
        await call(200, 'POST', '/queues/held/pause', undefined, token);
        const waiting = [await start(held, {}, token), await start(held, {}, token)];
        try {
          await until(async () => (await call(200, 'GET', '/queues/stats', undefined, token)).depth.normal === 2, 'two queued tasks');

          await signIn(page, '/', { password, tenant });
          await page.getByTestId('who').filter({ hasText: 'admin' }).waitFor();
          await page.getByTestId('stat-total').filter({ hasText: /^6$/ }).waitFor();
          const stat = (label) => page.locator('.card.stat').filter({ hasText: label }).locator('.stat-value');
          expect(await stat('success rate').innerText() === '75%', `success rate ${await stat('success rate').innerText()}`);
          expect(await stat('queued tasks').innerText() === '2', `queued tasks ${await stat('queued tasks').innerText()}`);
          // Nearest-rank p95 of four finished runs is the slowest of them.
          const slowest = Math.max(...finished.map((e) => e.duration_ms));
          const expected = duration(slowest);
          if (expected) expect(await stat('p95 duration').innerText() === expected, `p95 ${await stat('p95 duration').innerText()}, expected ${expected}`);
          // All six started within the last hour: one bar holds them all, the others none.
          const titles = await page.locator('svg.chart title').allTextContents();
          expect(titles.length === 24, `${titles.length} bars`);
          const busy = titles.filter((t) => !t.endsWith(': 0 succeeded, 0 failed, 0 other'));
          expect(busy.length === 1 && busy[0].endsWith(': 3 succeeded, 1 failed, 2 other'), `bars: ${busy}`);
          await page.locator('.card').filter({ hasText: 'Latest' }).locator('li').nth(5).waitFor();
        } finally {
          await api('POST', '/queues/held/resume', undefined, token);
          for (const id of waiting) await api('POST', `/executions/${id}/cancel`, undefined, token);
        }
      },
    },
  ];
}
