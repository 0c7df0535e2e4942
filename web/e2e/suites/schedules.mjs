// Schedules: create a cron schedule (bad expressions refused at the field), its next fire times, pause, resume, delete.
import { acceptDialogs, expect, logStep, unique, until } from '../support.mjs';

export function scheduleTests({ api, call, signIn, createWorkflow }) {
  return [
    {
      name: 'schedules: create with next fire times, refuse a bad cron, pause, resume, delete',
      async run({ page }) {
        const workflow = await createWorkflow({ id: unique('sch'), name: 'Scheduled', steps: [logStep('tick')] });
        acceptDialogs(page);
        await signIn(page, '/schedules');
        await page.getByRole('button', { name: 'New schedule' }).click();
        const dialog = page.getByRole('dialog', { name: 'New schedule' });
        await dialog.getByLabel('Workflow').fill(workflow);
        await dialog.getByLabel('Cron').fill('0 0 30 2 *');
        await dialog.getByLabel('Time zone').fill('UTC');
        await dialog.getByRole('button', { name: 'Create' }).click();
        // February 30th never comes: the error shows at the field, and nothing is created.
        await dialog.locator('.field.invalid').filter({ hasText: 'Cron' }).getByRole('alert').waitFor();
        expect(!(await call(200, 'GET', '/schedules?limit=100')).items.some((s) => s.workflow_id === workflow), 'a refused schedule was stored');

        await dialog.getByLabel('Cron').fill('17 4 * * *');
        await dialog.getByRole('button', { name: 'Create' }).click();
        await dialog.waitFor({ state: 'detached' });
        const row = page.getByTestId(`schedule-${workflow}`);
        await row.getByText('17 4 * * *').waitFor();
        const schedule = (await call(200, 'GET', '/schedules?limit=100')).items.find((s) => s.workflow_id === workflow);
        const detail = await call(200, 'GET', `/schedules/${schedule.id}`);
        const times = detail.next_fire_times.map((t) => new Date(t));
        expect(times.length >= 3, `next_fire_times: ${JSON.stringify(detail.next_fire_times)}`);
        for (const [i, t] of times.entries()) {
          expect(t.getUTCHours() === 4 && t.getUTCMinutes() === 17 && t.getUTCSeconds() === 0, `fire time ${t.toISOString()} is not 04:17 UTC`);
          expect(t > Date.now(), `fire time ${t.toISOString()} is in the past`);
          if (i > 0) expect(t - times[i - 1] === 24 * 3600_000, `fire times ${times[i - 1].toISOString()} and ${t.toISOString()} are not a day apart`);
        }
        // The page shows the first three, in the browser's own formatting.
        const shown = await page.evaluate((iso) => iso.map((t) => new Date(t).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' })), detail.next_fire_times.slice(0, 3));
        for (const text of shown) await row.getByText(text, { exact: true }).waitFor();

        await row.getByRole('button', { name: 'Pause' }).click();
        await row.getByText('paused', { exact: true }).waitFor();
        const paused = await call(200, 'GET', `/schedules/${schedule.id}`);
        expect(paused.enabled === false && paused.next_fire_times.length === 0, `paused: ${JSON.stringify(paused)}`);
        await until(async () => (await row.locator('td').nth(2).innerText()).trim() === '—', 'no next fire times shown while paused');
        await row.getByRole('button', { name: 'Resume' }).click();
        await row.getByText('paused', { exact: true }).waitFor({ state: 'detached' });
        await row.getByText(shown[0], { exact: true }).waitFor();
        expect((await call(200, 'GET', `/schedules/${schedule.id}`)).enabled === true, 'resume did not enable the schedule');

        await row.getByRole('button', { name: 'Delete' }).click();
        await row.waitFor({ state: 'detached' });
        await until(async () => (await api('GET', `/schedules/${schedule.id}`)).status === 404, 'the deleted schedule to answer 404');
      },
    },
  ];
}
