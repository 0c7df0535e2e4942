// The workflow list (search, duplicate, delete) and versions (diff, publish a draft).
import { acceptDialogs, expect, logStep, unique } from '../support.mjs';

export function workflowTests({ call, api, signIn, createWorkflow, start, waitForExecution }) {
  return [
    {
      name: 'workflows: search narrows the list, duplicate copies the definition, delete removes it',
      async run({ page }) {
        const tag = unique('wf');
        const alpha = await createWorkflow({ id: `${tag}-alpha`, name: `Alpha ${tag}`, steps: [logStep('hello', 'from alpha')] });
        const beta = await createWorkflow({ id: `${tag}-beta`, name: `Beta ${tag}`, steps: [logStep('hello', 'from beta')] });
        acceptDialogs(page);
        await signIn(page, '/workflows');
        const search = page.getByLabel('Search workflows');
        await search.fill(tag);
        await page.getByTestId(`workflow-${alpha}`).waitFor();
        await page.getByTestId(`workflow-${beta}`).waitFor();
        // By name (case-insensitive): only alpha stays.
        await search.fill(`alpha ${tag}`.toUpperCase());
        await page.getByTestId(`workflow-${beta}`).waitFor({ state: 'detached' });
        await page.getByTestId(`workflow-${alpha}`).waitFor();
        await search.fill(`${tag}-nothing`);
        await page.getByText('No workflow matches.').waitFor();
        await page.getByTestId(`workflow-${alpha}`).waitFor({ state: 'detached' });

        await search.fill(alpha);
        await page.getByTestId(`workflow-${alpha}`).getByRole('button', { name: 'Duplicate' }).click();
        const copy = `${alpha}-copy`;
        await page.getByTestId(`workflow-${copy}`).getByText(`Alpha ${tag} (copy)`).waitFor();
        const copied = await call(200, 'GET', `/workflows/${copy}`);
        expect(JSON.stringify(copied.definition.steps) === JSON.stringify([logStep('hello', 'from alpha')]), `the copy's steps differ: ${JSON.stringify(copied.definition.steps)}`);
        // A second duplicate does not collide with the first copy.
        await page.getByTestId(`workflow-${alpha}`).getByRole('button', { name: 'Duplicate' }).click();
        await page.getByTestId(`workflow-${alpha}-copy-2`).waitFor();

        await page.getByTestId(`workflow-${copy}`).getByRole('button', { name: 'Delete' }).click();
        await page.getByTestId(`workflow-${copy}`).waitFor({ state: 'detached' });
        expect((await api('GET', `/workflows/${copy}`)).status === 404, 'the deleted copy is still there');
        expect((await api('GET', `/workflows/${alpha}`)).status === 200, 'deleting the copy deleted the original');
      },
    },
    {
      name: 'workflow versions: the diff of two versions shows the change, publishing a draft makes it run',
      async run({ page }) {
        const id = unique('ver');
        await createWorkflow({ id, name: 'Versions', steps: [logStep('say', 'first words')] });
        await call(200, 'PUT', `/workflows/${id}`, { id, name: 'Versions', steps: [logStep('say', 'second words')] });
        await call(200, 'POST', `/workflows/${id}/publish`, { version: 1 });
        await call(200, 'PUT', `/workflows/${id}`, { id, name: 'Versions', steps: [logStep('say', 'third words')] });
        await signIn(page, `/workflows/${id}`);
        await page.getByRole('button', { name: 'Versions' }).click();
        const versions = page.getByTestId('versions');
        const row = (n) => versions.locator('tr').filter({ has: page.getByRole('cell', { name: `v${n}`, exact: true }) });
        await row(3).locator('[data-status="draft"]').waitFor();
        await row(1).locator('[data-status="published"]').waitFor();

        await row(3).getByRole('button', { name: 'Diff with v2' }).click();
        const diff = page.getByTestId('version-diff');
        await diff.locator('.diff-removed').filter({ hasText: 'second words' }).waitFor();
        await diff.locator('.diff-added').filter({ hasText: 'third words' }).waitFor();
        expect(await diff.locator('.diff-removed, .diff-added').count() === 2, 'the diff shows more than the one changed line');
        // Any two versions: v1 against v3.
        await page.getByLabel('From version').selectOption('1');
        await diff.locator('.diff-removed').filter({ hasText: 'first words' }).waitFor();

        await row(3).getByRole('button', { name: 'Publish' }).click();
        await row(3).locator('[data-status="published"]').waitFor();
        await row(1).locator('[data-status="published"]').waitFor({ state: 'detached' });
        expect(await row(3).getByRole('button', { name: 'Publish' }).count() === 0, 'the published version still offers Publish');
        const workflow = await call(200, 'GET', `/workflows/${id}`);
        expect(workflow.published_version === 3, `published_version is ${workflow.published_version}`);
        // What runs now is the published draft.
        const execution = await waitForExecution(await start(id), 'succeeded');
        expect(execution.workflow_version === 3, `ran version ${execution.workflow_version}`);
      },
    },
  ];
}
