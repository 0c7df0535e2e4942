// Administration: users with a role, the role matrix, API keys (shown once), tenants, write-only credentials, and the
// audit log recording each change, with its filters.
import { expect, unique, until, waitForCount } from '../support.mjs';

export function adminTests({ api, call, signIn }, { server }) {
  /** Opens the audit tab filtered to one resource and waits for an entry with `action`; answers its row. */
  const audited = async (page, type, id, action) => {
    await page.goto(`${server.url}/admin?tab=audit`);
    await page.getByLabel('Resource type').fill(type);
    await page.getByLabel('Resource id').fill(id);
    const rows = page.locator('tbody tr.clickable');
    // Each keystroke reloads the list: wait until every row listed is this resource's and one is the action.
    let listed = [];
    await until(async () => {
      listed = await rows.allInnerTexts();
      return listed.length > 0 && listed.every((t) => t.includes(type) && t.includes(id)) && listed.some((t) => t.includes(action));
    }, () => `the audit log filtered to ${type} ${id} to list "${action}" (it lists ${JSON.stringify(listed)})`);
    const row = rows.filter({ hasText: action });
    return row.first();
  };

  return [
    {
      name: 'admin: create a user with a role; the role matrix matches the server; both are audited',
      async run({ page }) {
        const username = unique('user');
        await signIn(page, '/admin?tab=users');
        await page.getByRole('button', { name: 'New user' }).click();
        const dialog = page.getByRole('dialog', { name: 'New user' });
        await dialog.getByLabel('Username').fill(username);
        await dialog.getByLabel('One-time password').fill('short');
        await dialog.getByLabel('Role').selectOption('operator');
        await dialog.getByRole('button', { name: 'Create' }).click();
        // Too short a password: refused at its field, nothing created.
        await dialog.locator('.field.invalid').filter({ hasText: 'One-time password' }).getByRole('alert').waitFor();
        expect(!(await call(200, 'GET', '/users')).items.some((u) => u.username === username), 'a refused user was created');
        await dialog.getByLabel('One-time password').fill('a-long-one-time-password-42');
        await dialog.getByRole('button', { name: 'Create' }).click();
        await dialog.waitFor({ state: 'detached' });
        const row = page.getByTestId(`user-${username}`);
        await row.getByText('must change password').waitFor();
        expect(await row.getByLabel(`Role of ${username}`).inputValue() === 'operator', 'the new user is not shown as an operator');
        const user = (await call(200, 'GET', '/users')).items.find((u) => u.username === username);
        expect(user?.role === 'operator', `the server has ${JSON.stringify(user)}`);

        // Changing the role in the list is saved.
        await row.getByLabel(`Role of ${username}`).selectOption('editor');
        await until(async () => (await call(200, 'GET', '/users')).items.find((u) => u.username === username)?.role === 'editor', 'the role change to be saved');

        await page.getByRole('link', { name: 'Roles' }).click();
        const matrix = await call(200, 'GET', '/roles');
        const table = page.locator('table.matrix');
        await waitForCount(table.locator('tbody tr'), matrix.permissions.length, 'permission rows');
        const headers = await table.locator('thead th').allInnerTexts();
        expect(JSON.stringify(headers.slice(1)) === JSON.stringify(matrix.roles.map((r) => r.name)), `role columns ${headers}`);
        const cells = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
        for (const [i, permission] of matrix.permissions.entries()) {
          expect(cells[i][0] === permission, `row ${i} is ${cells[i][0]}, not ${permission}`);
          for (const [j, role] of matrix.roles.entries()) {
            const granted = role.permissions.includes(permission);
            expect((cells[i][j + 1] === '✓') === granted, `${role.name} × ${permission} shows "${cells[i][j + 1]}" but the server says ${granted}`);
          }
        }
        const viewer = matrix.roles.find((r) => r.name === 'viewer');
        expect(viewer && !viewer.permissions.includes('workflows:write') && viewer.permissions.includes('workflows:read'), 'the viewer role is not read-only');

        const created = await audited(page, 'user', user.id, 'create');
        await audited(page, 'user', user.id, 'update');
        await created.click();
        await page.locator('.diff').getByText(`"username": "${username}"`).waitFor();
      },
    },
    {
      name: 'admin: an API key with scopes is shown once, works within its scopes, and never appears again',
      async run({ page }) {
        const name = unique('key');
        const bodies = captureResponses(page);
        await signIn(page, '/admin?tab=api-keys');
        await page.getByRole('button', { name: 'New API key' }).click();
        const dialog = page.getByRole('dialog', { name: 'New API key' });
        await dialog.getByLabel('Name').fill(name);
        for (const scope of ['executions:read', 'executions:run']) await dialog.getByLabel(scope, { exact: true }).uncheck();
        expect(await dialog.getByLabel('workflows:read', { exact: true }).isChecked(), 'workflows:read is not checked by default');
        await dialog.getByRole('button', { name: 'Create' }).click();
        const banner = page.getByTestId('created-key');
        const key = (await banner.locator('pre').innerText()).trim();
        expect(/^ock_\S{20,}$/.test(key), `the key shown is "${key}"`);
        const row = page.locator('tbody tr').filter({ hasText: name });
        await row.getByText('workflows:read').waitFor();
        expect(!(await row.innerText()).includes('executions:run'), 'the key kept a scope that was unchecked');

        // The key works, within its scopes only.
        expect((await api('GET', '/workflows', undefined, key)).status === 200, 'the new key cannot read workflows');
        expect((await api('GET', '/executions', undefined, key)).status === 403, 'the new key reads executions without the scope');

        await banner.getByRole('button', { name: 'Done' }).click();
        await banner.waitFor({ state: 'detached' });
        expect(!(await page.content()).includes(key), 'the key is still in the page after closing');
        await page.reload();
        await row.waitFor();
        expect(!(await page.content()).includes(key), 'the key is in the page after a reload');
        const listed = await call(200, 'GET', '/api-keys');
        expect(!JSON.stringify(listed).includes(key), 'GET /api-keys returns the key');
        const prefix = listed.items.find((k) => k.name === name).prefix;
        expect(key.startsWith(prefix) && prefix.length < key.length / 2, `the prefix ${prefix} gives away the key`);
        await row.getByText(`${prefix}…`).waitFor();
        // Only the creating response carried it.
        const carrying = (await bodies()).filter((b) => b.body.includes(key)).map((b) => `${b.method} ${b.url}`);
        expect(carrying.length === 1 && carrying[0].startsWith('POST') && carrying[0].endsWith('/api-keys'), `responses with the key: ${carrying}`);

        const id = listed.items.find((k) => k.name === name).id;
        const entry = await audited(page, 'api_key', id, 'create');
        await entry.click();
        await page.locator('.diff').getByText(name).first().waitFor();
        expect(!(await page.content()).includes(key), 'the audit log shows the key');
      },
    },
    {
      name: 'admin: create a tenant and a credential whose value is never displayed nor sent back; both audited',
      async run({ page }) {
        const tenant = unique('tenant');
        const name = unique('cred');
        const secret = `s3cret-${unique('value')}`;
        const bodies = captureResponses(page);
        await signIn(page, '/admin?tab=tenants');
        await page.getByRole('button', { name: 'New tenant' }).click();
        const tenantDialog = page.getByRole('dialog', { name: 'New tenant' });
        await tenantDialog.getByLabel(/^Id/).fill('Not A Valid Id');
        await tenantDialog.getByLabel('Name', { exact: true }).fill(`Tenant ${tenant}`);
        await tenantDialog.getByLabel('One-time password').fill('tenant-admin-password-1');
        await tenantDialog.getByLabel('Max workflows').fill('7');
        await tenantDialog.getByRole('button', { name: 'Create' }).click();
        await tenantDialog.locator('.field.invalid').filter({ hasText: 'Id' }).getByRole('alert').waitFor();
        await tenantDialog.getByLabel(/^Id/).fill(tenant);
        await tenantDialog.getByRole('button', { name: 'Create' }).click();
        await tenantDialog.waitFor({ state: 'detached' });
        const tenantRow = page.locator('tbody tr').filter({ hasText: tenant });
        await tenantRow.getByRole('cell', { name: '7', exact: true }).waitFor();
        expect((await call(200, 'GET', `/tenants/${tenant}`)).max_workflows === 7, 'the tenant was not stored with its quota');
        // Its first administrator can sign in to it (and must choose a password first).
        const login = await api('POST', '/auth/login', { username: 'admin', password: 'tenant-admin-password-1', tenant }, null);
        expect(login.status === 200, `the tenant's administrator cannot sign in: ${login.status}`);

        await page.getByRole('link', { name: 'Credentials' }).click();
        await page.getByRole('button', { name: 'New credential' }).click();
        const dialog = page.getByRole('dialog', { name: 'New credential' });
        await dialog.getByLabel('Name', { exact: true }).fill(name);
        await dialog.getByLabel('Type').selectOption('bearer');
        await dialog.getByLabel('token', { exact: true }).fill(secret);
        await dialog.getByRole('button', { name: 'Save' }).click();
        await dialog.waitFor({ state: 'detached' });
        const row = page.getByTestId(`credential-${name}`);
        await row.getByText('token: •••••').waitFor();
        const id = (await call(200, 'GET', '/credentials')).find((c) => c.name === name).id;

        // Replacing values starts from empty fields: the old value is not loaded into the form.
        await row.getByRole('button', { name: 'Replace values' }).click();
        const replace = page.getByRole('dialog', { name: `Replace ${name}` });
        expect(await replace.getByLabel('token', { exact: true }).inputValue() === '', 'the replace form holds the stored value');
        await replace.getByRole('button', { name: 'Cancel' }).click();
        await replace.waitFor({ state: 'detached' });
        await page.reload();
        await row.waitFor();

        const entry = await audited(page, 'credential', id, 'create');
        await entry.click();
        await page.locator('.diff').getByText(name).first().waitFor();
        // Filters that match nothing say so.
        await page.getByLabel('Resource type').fill('tenant');
        await page.getByText('No entries match.').waitFor();
        await audited(page, 'tenant', tenant, 'create');
        await page.getByLabel('Actor').fill(unique('nobody'));
        await page.getByText('No entries match.').waitFor();

        expect(!(await page.content()).includes(secret), 'the credential value is in the page');
        const leaking = (await bodies()).filter((b) => b.body.includes(secret)).map((b) => `${b.method} ${b.url}`);
        expect(leaking.length === 0, `responses carrying the credential value: ${leaking}`);
        // And the API never returns it either.
        expect(!JSON.stringify(await call(200, 'GET', `/credentials/${id}`)).includes(secret), 'GET /credentials/{id} returns the value');
      },
    },
  ];
}

/** Records every response the page receives; the function returned waits for and answers their bodies. */
function captureResponses(page) {
  const pending = [];
  page.on('response', (response) => {
    pending.push(response.text().then(
      (body) => ({ method: response.request().method(), url: response.url(), body }),
      () => ({ method: response.request().method(), url: response.url(), body: '' }),
    ));
  });
  return () => Promise.all(pending);
}
