// The queues page: a failed task (dead letter) with its error, requeued with edited inputs until it succeeds, another
// discarded; a named queue paused (its tasks wait) and resumed (they run).
import { acceptDialogs, expect, failingStep, logStep, unique, until } from '../support.mjs';

export function queueTests({ api, call, signIn, createWorkflow, start, waitForExecution }, { server }) {
  return [
    {
      name: 'queues: a dead letter shows its error, requeued with edited inputs it succeeds; another is discarded',
      async run({ page }) {
        const tag = unique('dl');
        const fixStep = `fix_${tag.slice(3)}`;
        const dropStep = `drop_${tag.slice(3)}`;
        const fix = await createWorkflow({ id: `${tag}-fix`, name: 'Requeue me', steps: [failingStep(fixStep)] });
        const drop = await createWorkflow({ id: `${tag}-drop`, name: 'Discard me', steps: [failingStep(dropStep)] });
        const fixRun = await start(fix);
        const dropRun = await start(drop);
        await waitForExecution(fixRun, 'failed');
        await waitForExecution(dropRun, 'failed');
        acceptDialogs(page);
        await signIn(page, '/queues');

        const fixRow = page.getByTestId(`dead-${fixStep}`);
        await fixRow.waitFor();
        const error = (await fixRow.locator('.error-text').innerText()).trim();
        expect(/refused|127\.0\.0\.1:9/i.test(error), `the dead letter's error is "${error}"`);
        await fixRow.getByRole('link', { name: fix }).waitFor();

        await fixRow.getByRole('button', { name: 'Inspect' }).click();
        const dialog = page.getByRole('dialog', { name: 'Failed task' });
        const inputs = dialog.getByLabel('Inputs');
        await until(async () => (await inputs.inputValue()).includes('127.0.0.1:9/refused'), 'the failed inputs in the editor');
        await inputs.fill('{ not json');
        await dialog.getByRole('button', { name: 'Requeue' }).click();
        await dialog.getByRole('alert').filter({ hasText: 'not JSON' }).waitFor();
        await inputs.fill(JSON.stringify({ url: `${server.url}/health/live` }));
        await dialog.getByRole('button', { name: 'Requeue' }).click();
        await dialog.waitFor({ state: 'detached' });
        await fixRow.waitFor({ state: 'detached' });
        const fixed = await waitForExecution(fixRun, 'succeeded');
        const step = fixed.steps.find((s) => s.step_id === fixStep);
        expect(step.output?.status === 200, `the requeued step's output: ${JSON.stringify(step.output)}`);
        expect(step.attempts.length === 2 && step.attempts[0].status === 'failed', `attempts: ${JSON.stringify(step.attempts.map((a) => a.status))}`);
        expect(JSON.stringify(step.inputs).includes('/health/live'), `the step ran with ${JSON.stringify(step.inputs)}`);

        const dropRow = page.getByTestId(`dead-${dropStep}`);
        const task = (await call(200, 'GET', `/queues/failed?workflow_id=${drop}`)).items[0].task_id;
        await dropRow.getByRole('button', { name: 'Inspect' }).click();
        await dialog.getByRole('button', { name: 'Discard' }).click();
        await dialog.waitFor({ state: 'detached' });
        await dropRow.waitFor({ state: 'detached' });
        expect((await api('GET', `/queues/failed/${task}`)).status === 404, 'the discarded task is still a dead letter');
        expect((await call(200, 'GET', `/executions/${dropRun}`)).status === 'failed', 'discarding changed the execution');
      },
    },
    {
      name: 'queues: a paused queue holds its tasks until it is resumed',
      async run({ page }) {
        const queue = unique('q');
        // A long delay keeps a task in the queue, so the queue is listed before anything else is queued.
        const waiting = await createWorkflow({ id: `${queue}-wait`, name: 'Waits', queue, steps: [{ id: 'wait', type: 'delay', config: { duration: '1h' } }] });
        const work = await createWorkflow({ id: `${queue}-work`, name: 'Works', queue, steps: [logStep('work')] });
        const waitRun = await start(waiting);
        try {
          await signIn(page, '/queues');
          const row = page.getByTestId(`queue-${queue}`);
          await row.waitFor();
          await row.getByRole('button', { name: 'Pause' }).click();
          await row.getByText('paused').waitFor();
          await until(async () => (await call(200, 'GET', '/queues')).items.find((q) => q.name === queue)?.paused, 'the server to report the queue paused');

          const workRun = await start(work);
          await page.getByRole('button', { name: 'Refresh' }).click();
          // Depth counts every queued task (the delay's too); the work task is the one due now.
          const cells = async () => (await row.locator('td').allInnerTexts()).map((t) => t.trim());
          await until(async () => { const c = await cells(); return c[3] === '2' && c[5] === '1'; }, async () => `two normal tasks, one delayed, on the paused queue: ${await cells()}`);
          expect(['pending', 'running'].includes((await call(200, 'GET', `/executions/${workRun}`)).status), 'a task of a paused queue ran');

          await row.getByRole('button', { name: 'Resume' }).click();
          await row.getByText('paused').waitFor({ state: 'detached' });
          await waitForExecution(workRun, 'succeeded');
          await page.getByRole('button', { name: 'Refresh' }).click();
          await until(async () => { const c = await cells(); return c[3] === '1' && c[5] === '1'; }, 'only the delay left queued after resuming');
        } finally {
          await api('POST', `/executions/${waitRun}/cancel`);
        }
      },
    },
  ];
}
