// The run view: cancel a running execution (a long delay step), retry it from the start as a new execution.
import { expect, logStep, unique } from '../support.mjs';

export function runTests({ api, call, signIn, createWorkflow }) {
  return [
    {
      name: 'run view: cancel a running execution, retry it from the start as a new execution',
      async run({ page }) {
        const id = await createWorkflow({
          id: unique('slow'), name: 'Slow',
          steps: [{ id: 'wait', type: 'delay', config: { duration: '1h' }, next_steps: ['after'] }, logStep('after')],
        });
        await signIn(page, `/workflows/${id}`);
        await page.getByTestId('run-button').click();
        await page.getByRole('button', { name: 'Start run' }).click();
        await page.waitForURL(/\/executions\/[0-9a-f-]{36}$/);
        const first = page.url().split('/').pop();
        const status = (s) => page.locator(`[data-testid="execution-status"] [data-status="${s}"]`);
        await status('running').waitFor();
        try {
          await page.getByRole('button', { name: 'Cancel', exact: true }).click();
          await status('cancelled').waitFor();
          const cancelled = await call(200, 'GET', `/executions/${first}`);
          expect(cancelled.status === 'cancelled', `the server says ${cancelled.status}`);
          expect(!cancelled.steps.some((s) => s.step_id === 'after' && s.status === 'succeeded'), 'the step after the delay ran');
          expect(await page.getByRole('button', { name: 'Cancel', exact: true }).count() === 0, 'a cancelled execution still offers Cancel');

          await page.getByTestId('retry-start').click();
          await page.waitForURL((url) => /\/executions\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(first));
          const second = page.url().split('/').pop();
          await status('running').waitFor();
          await page.locator('.run-summary').getByText('retry', { exact: true }).waitFor();
          const retried = await call(200, 'GET', `/executions/${second}`);
          expect(retried.trigger === 'retry' && retried.workflow_id === id && retried.retry_of === first,
            `the retry is ${JSON.stringify({ trigger: retried.trigger, workflow: retried.workflow_id, retry_of: retried.retry_of })}`);
          expect((await call(200, 'GET', `/executions/${first}`)).status === 'cancelled', 'retrying changed the cancelled execution');
          await page.getByRole('button', { name: 'Cancel', exact: true }).click();
          await status('cancelled').waitFor();
        } finally {
          for (const e of (await call(200, 'GET', `/executions?workflow_id=${id}`)).items) await api('POST', `/executions/${e.id}/cancel`);
        }
      },
    },
  ];
}
