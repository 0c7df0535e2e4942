// The executions list: filters by workflow, status, time and trigger, and keyset paging forwards and back.
import { expect, failingStep, logStep, unique, waitForCount } from '../support.mjs';

export function executionTests({ call, signIn, createWorkflow, start, waitForExecution }) {
  return [
    {
      name: 'executions list: filter by workflow, status, time and trigger; page forwards and back',
      async run({ page }) {
        const tag = unique('ex');
        const ok = await createWorkflow({ id: `${tag}-ok`, name: 'Lists', steps: [logStep('only')] });
        const bad = await createWorkflow({ id: `${tag}-bad`, name: 'Fails', steps: [failingStep('call')] });
        // 26 API starts and one manual run of `ok` (a page holds 25), one failing run of `bad`.
        const apiRuns = [];
        for (let i = 0; i < 26; i++) apiRuns.push(await start(ok, {}));
        const manual = (await call(202, 'POST', `/workflows/${ok}/run`, { inputs: {} })).id;
        const failed = await start(bad, {});
        for (const id of [...apiRuns, manual]) await waitForExecution(id, 'succeeded');
        await waitForExecution(failed, 'failed');

        await signIn(page, `/executions?workflow_id=${ok}`);
        const rows = page.locator('tbody tr[data-testid^="execution-"]');
        await waitForCount(rows, 25, 'executions on the first page');
        const firstPage = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.testid));
        await page.getByRole('button', { name: 'Next' }).click();
        await waitForCount(rows, 2, 'executions on the second page');
        const secondPage = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.testid));
        const all = new Set([...firstPage, ...secondPage]);
        expect(all.size === 27, `the two pages hold ${all.size} distinct executions, not 27`);
        for (const id of [...apiRuns, manual]) expect(all.has(`execution-${id}`), `execution ${id} is on neither page`);
        expect(await page.getByRole('button', { name: 'Next' }).count() === 0, 'the last page offers Next');
        await page.getByRole('button', { name: 'Previous' }).click();
        await waitForCount(rows, 25, 'executions back on the first page');
        await page.getByTestId(firstPage[0]).waitFor();

        // Time: everything ran within the last hour, so neither "until an hour ago" nor "since in an hour" lists any.
        const local = (offsetMs) => page.evaluate((offset) => {
          const d = new Date(Date.now() + offset - new Date().getTimezoneOffset() * 60_000);
          return d.toISOString().slice(0, 16);
        }, offsetMs);
        await page.getByLabel('Until').fill(await local(-3600_000));
        await page.getByText('No executions match.').waitFor();
        await page.getByLabel('Until').fill('');
        await waitForCount(rows, 25, 'executions without a time filter');
        await page.getByLabel('Since').fill(await local(3600_000));
        await page.getByText('No executions match.').waitFor();
        await page.getByLabel('Since').fill(await local(-3600_000));
        await waitForCount(rows, 25, 'executions since an hour ago');
        await page.getByLabel('Since').fill('');

        // Trigger: only the manual run.
        await page.getByLabel('Trigger filter').selectOption('manual');
        await page.getByTestId(`execution-${manual}`).waitFor();
        await waitForCount(rows, 1, 'manual executions');
        await page.getByLabel('Trigger filter').selectOption('');

        // Workflow and status: the failed run of `bad`, and nothing of `bad` succeeded.
        await page.getByLabel('Workflow filter').fill(bad);
        await page.getByLabel('Status filter').selectOption('failed');
        await page.getByTestId(`execution-${failed}`).locator('[data-status="failed"]').waitFor();
        await waitForCount(rows, 1, 'failed executions of the failing workflow');
        await page.getByLabel('Status filter').selectOption('succeeded');
        await page.getByText('No executions match.').waitFor();
        // The filters live in the address, so a reload keeps them.
        expect(new URL(page.url()).searchParams.get('status') === 'succeeded', `the address is ${page.url()}`);
        await page.reload();
        await page.getByText('No executions match.').waitFor();
        expect(await page.getByLabel('Workflow filter').inputValue() === bad, 'the workflow filter was lost on reload');
      },
    },
  ];
}
