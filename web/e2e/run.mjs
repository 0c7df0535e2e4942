// Runs the browser tests: packs the sample plugin into a marketplace folder, starts the real server on a free port,
// drives Debian's Chromium through playwright-core, prints "web-e2e: N passed, N failed, N skipped".
// Usage: node e2e/run.mjs [name filter]. Env: OPENCLAW_SERVER_DLL, OPENCLAW_CHROMIUM (default /usr/bin/chromium).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { runTests } from './harness.mjs';
import { repoRoot, startServer } from './server.mjs';
import { createSuiteTests } from './suites/index.mjs';
import { createTests } from './tests.mjs';

const ci = process.env.CI === 'true';
const executablePath = process.env.OPENCLAW_CHROMIUM ?? '/usr/bin/chromium';
const only = process.argv[2];

if (!existsSync(executablePath)) {
  if (ci) {
    console.log(`web-e2e: 0 passed, 1 failed, 0 skipped (no browser at ${executablePath}; CI must run these)`);
    process.exit(1);
  }
  console.log(`web-e2e: skipped: no Chromium at ${executablePath} (apt-get install -y chromium)`);
  const count = createTests({}).length + createSuiteTests({ authEnabled: true }).length;
  console.log(`web-e2e: 0 passed, 0 failed, ${count} skipped`);
  process.exit(0);
}

/** The sample plugin, packed by the CLI the way a plugin author does, in a marketplace folder of this run's own. */
function packGreeter(folder) {
  const cli = join(repoRoot, 'src/OpenClaw.Cli/bin/Debug/net10.0/openclaw.dll');
  if (!existsSync(cli)) throw new Error(`The CLI is not built at ${cli}: dotnet build src/OpenClaw.Cli`);
  execFileSync('dotnet', [cli, 'plugin', 'pack', join(repoRoot, 'samples/plugins/OpenClaw.Sample.Greeter'), '--output', join(folder, 'greeter-1.0.0.zip')], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** An HTTP endpoint that fails (500) until the test flips it, for the retry test. */
async function startFlaky() {
  const state = { ok: false, calls: 0, url: '' };
  const http = createServer((request, response) => {
    state.calls++;
    response.writeHead(state.ok ? 200 : 500, { 'content-type': 'application/json' });
    response.end(JSON.stringify(state.ok ? { answer: 42 } : { error: 'not yet' }));
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${http.address().port}`;
  state.close = () => new Promise((resolve) => http.close(resolve));
  return state;
}

const marketplace = mkdtempSync(join(tmpdir(), 'openclaw-web-marketplace-'));
const apiKey = `ock_e2e_${randomBytes(24).toString('hex')}`;
const adminPassword = `admin-${randomBytes(8).toString('hex')}`;
let server;
let browser;
let flaky;
let results = { passed: 0, failed: 1, skipped: 0 };
try {
  packGreeter(marketplace);
  flaky = await startFlaky();
  server = await startServer({
    env: {
      OpenClaw__Auth__BootstrapApiKey: apiKey,
      OpenClaw__Auth__InitialAdminPassword: adminPassword,
      OpenClaw__Marketplace__Folders__0: marketplace,
    },
  });
  const authEnabled = (await fetch(`${server.url}/api/v2/auth/me`)).status !== 404;
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const screenshots = process.env.OPENCLAW_SCREENSHOTS ?? join(repoRoot, 'docs/screenshots');
  const env = { server, apiKey, adminPassword, flaky, screenshots, authEnabled, ci };
  const tests = [...createTests(env), ...createSuiteTests(env)];
  console.log(`web-e2e: ${tests.length} tests against ${server.url} (${authEnabled ? 'with' : 'without'} authentication)`);
  results = await runTests(tests, { browser, artifacts: join(tmpdir(), 'openclaw-web-e2e-failures'), only });
} catch (error) {
  console.log(`web-e2e: could not run: ${error.stack ?? error}`);
  if (server) console.log(server.output().slice(-3000));
} finally {
  await browser?.close();
  await server?.stop();
  await flaky?.close();
  rmSync(marketplace, { recursive: true, force: true });
}
console.log(`web-e2e: ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
process.exit(results.failed > 0 ? 1 : 0);
