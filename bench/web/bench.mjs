// Web app benchmark: build output size (raw and gzip), first-load time on a cold cache, and the designer with 200
// steps (time to first render, frame times while dragging a node). Starts the built server like the e2e tests.
// Usage (from web/): npm run bench [-- --runs 5]. Prints a Markdown section for bench/RESULTS.md.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
// playwright-core is one of the web app's dev dependencies: resolved from web/node_modules.
import { chromium } from '../../web/node_modules/playwright-core/index.mjs';
import { serverDll, startServer } from '../../web/e2e/server.mjs';
import { dirname } from 'node:path';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
const dist = join(dirname(serverDll()), 'webapp');

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

// The .gz copies are what gzip clients receive; counting them as files too would double the total.
const sizes = files(dist).filter((path) => !path.endsWith('.gz')).map((path) => {
  const bytes = readFileSync(path);
  return { file: relative(dist, path), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
});
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const apiKey = `ock_bench_${randomBytes(24).toString('hex')}`;
const adminPassword = `bench-${randomBytes(8).toString('hex')}`;
const server = await startServer({ env: { OpenClaw__Auth__BootstrapApiKey: apiKey, OpenClaw__Auth__InitialAdminPassword: adminPassword } });
const authHeaders = { Authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };

/** A browser context already signed in as the admin: a fresh refresh token placed where the app keeps it. */
async function signedInContext() {
  const login = await fetch(`${server.url}/api/v2/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: adminPassword }) });
  const tokens = login.ok ? await login.json() : null;
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  if (tokens) await context.addInitScript((token) => sessionStorage.setItem('openclaw.refresh_token', token), tokens.refresh_token);
  return context;
}
const browser = await chromium.launch({ executablePath: process.env.OPENCLAW_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const load = loadavg()[0];
try {
  // First load of the dashboard, signed in, each run in a fresh context (empty cache, no service worker yet).
  const firstLoads = [];
  for (let i = 0; i < runs; i++) {
    const context = await signedInContext();
    const page = await context.newPage();
    let transferred = 0;
    page.on('response', async (response) => {
      const body = await response.body().catch(() => null);
      if (body) transferred += Number(response.headers()['content-length'] ?? body.length);
    });
    const started = Date.now();
    await page.goto(`${server.url}/`);
    await page.getByTestId('who').waitFor({ state: 'attached' });
    const ready = Date.now() - started;
    const nav = await page.evaluate(() => JSON.parse(JSON.stringify(performance.getEntriesByType('navigation')[0])));
    firstLoads.push({ ready, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, transferred });
    await context.close();
  }

  // The designer with 200 steps: a chain with a side branch every 7 steps.
  const steps = Array.from({ length: 200 }, (_, i) => ({
    id: `s${i}`, type: 'plugin', config: { plugin: 'log', inputs: { message: `step ${i}` } },
    ...(i < 199 ? { next_steps: [`s${i + 1}`, ...(i % 7 === 0 && i + 7 < 200 ? [`s${i + 7}`] : [])] } : {}),
  }));
  const created = await fetch(`${server.url}/api/v2/workflows`, { method: 'POST', headers: authHeaders, body: JSON.stringify({ id: 'bench-200', name: 'Bench 200', steps }) });
  if (!created.ok) throw new Error(`create: ${created.status} ${await created.text()}`);
  const designer = [];
  for (let i = 0; i < runs; i++) {
    const context = await signedInContext();
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(`${server.url}/workflows/bench-200`);
    await page.locator('.react-flow__node').first().waitFor();
    const rendered = Date.now() - started;
    await page.getByTestId('validity').filter({ hasText: 'valid' }).waitFor();
    // Drag the first visible node for 60 mouse moves and record every animation frame meanwhile.
    const node = page.locator('.react-flow__node').first();
    const box = await node.boundingBox();
    await page.evaluate(() => {
      window.__frames = [];
      let last = performance.now();
      const tick = (t) => {
        window.__frames.push(t - last);
        last = t;
        if (window.__frames.length < 10_000 && !window.__stop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await page.mouse.move(box.x + 40, box.y + 15);
    await page.mouse.down();
    for (let m = 0; m < 60; m++) {
      await page.mouse.move(box.x + 40 + m * 4, box.y + 15 + m * 2);
      await page.waitForTimeout(16);
    }
    await page.mouse.up();
    const frames = await page.evaluate(() => {
      window.__stop = true;
      return window.__frames.slice(2);
    });
    designer.push({ rendered, frameP50: median(frames), frameMax: Math.max(...frames), frames: frames.length, nodes: await page.locator('.react-flow__node').count() });
    await context.close();
  }

  const total = sizes.reduce((a, s) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip }), { raw: 0, gzip: 0 });
  const largest = [...sizes].sort((a, b) => b.gzip - a.gzip).slice(0, 8);
  const date = new Date().toISOString().replace('T', ' ').slice(0, 16);
  console.log(`## Web app (bench/web/bench.mjs)

- **Command**: \`cd web && npm run bench -- --runs ${runs}\` (the server's Debug build serving \`webapp/\`, Debian Chromium ${browser.version()} headless via playwright-core, loopback).
- **Date**: ${date} UTC. **Machine**: ${cpus().length} vCPUs (${cpus()[0]?.model.trim()}), 1-minute load average ${load.toFixed(1)} at the start (shared with other builds and tests: figures are pessimistic).

### Build output

| | raw | gzip -9 |
|---|---|---|
| everything in \`webapp/\` (${sizes.length} files) | ${kb(total.raw)} | ${kb(total.gzip)} |
${largest.map((s) => `| \`${s.file}\` | ${kb(s.raw)} | ${kb(s.gzip)} |`).join('\n')}

### First load (cold cache, ${runs} runs, median)

| what | median | all runs |
|---|---|---|
| app ready (signed-in dashboard rendered, incl. the token refresh, from navigation start) | ${median(firstLoads.map((f) => f.ready))} ms | ${firstLoads.map((f) => f.ready).join(', ')} |
| DOMContentLoaded | ${Math.round(median(firstLoads.map((f) => f.dcl)))} ms | ${firstLoads.map((f) => Math.round(f.dcl)).join(', ')} |
| load event | ${Math.round(median(firstLoads.map((f) => f.load)))} ms | ${firstLoads.map((f) => Math.round(f.load)).join(', ')} |
| bytes received for the page (JS/CSS gzip from the build's copies) | ${kb(median(firstLoads.map((f) => f.transferred)))} | |

### Designer with 200 steps (${runs} runs, median)

| what | median | all runs |
|---|---|---|
| open \`/workflows/bench-200\` (cold cache, incl. the editor chunks) to first node | ${median(designer.map((d) => d.rendered))} ms | ${designer.map((d) => d.rendered).join(', ')} |
| frame interval while dragging a node (p50) | ${median(designer.map((d) => d.frameP50)).toFixed(1)} ms | ${designer.map((d) => d.frameP50.toFixed(1)).join(', ')} |
| longest frame while dragging | ${median(designer.map((d) => d.frameMax)).toFixed(0)} ms | ${designer.map((d) => d.frameMax.toFixed(0)).join(', ')} |
| nodes in the DOM (only visible ones are rendered) | ${designer[0].nodes} | |
`);
} finally {
  await browser.close();
  await server.stop();
}
