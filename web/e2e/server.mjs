// Starts the real OpenClaw server (the built OpenClaw.Server.dll) as a child process on a free loopback port with a
// data folder of its own, and stops it again. Used by the end-to-end tests and the first-load benchmark.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function serverDll() {
  const dll = process.env.OPENCLAW_SERVER_DLL ?? join(repoRoot, 'src/OpenClaw.Server/bin/Debug/net10.0/OpenClaw.Server.dll');
  if (!existsSync(dll)) throw new Error(`The server is not built at ${dll}: run 'dotnet build src/OpenClaw.Server' first (or set OPENCLAW_SERVER_DLL).`);
  if (!existsSync(join(dirname(dll), 'webapp/index.html'))) throw new Error(`${dirname(dll)}/webapp has no index.html: the server was built with OpenClawSkipWebBuild=true.`);
  return dll;
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

async function waitUntil(check, deadlineMs, what, fatal = () => null) {
  const deadline = Date.now() + deadlineMs;
  let last;
  while (Date.now() < deadline) {
    const failure = fatal();
    if (failure) throw new Error(failure);
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/**
 * @param {{ env?: Record<string,string>, args?: string[] }} options
 * @returns {Promise<{ url: string, dataDir: string, output: () => string, stop: () => Promise<void> }>}
 */
export async function startServer(options = {}) {
  const dll = serverDll();
  const dataDir = mkdtempSync(join(tmpdir(), 'openclaw-web-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn('dotnet', [dll, ...(options.args ?? [])], {
    cwd: dirname(dll),
    env: {
      ...process.env,
      Urls: url,
      ASPNETCORE_ENVIRONMENT: 'Production',
      DOTNET_NOLOGO: '1',
      OpenClaw__DataDirectory: join(dataDir, 'data'),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let exited = null;
  child.on('exit', (code) => (exited = code ?? -1));

  const stop = async () => {
    if (exited === null) {
      child.kill('SIGTERM');
      const deadline = Date.now() + 15000;
      while (exited === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (exited === null) child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntil(async () => (await fetch(`${url}/health/ready`)).ok, 90_000, `the server at ${url} to be ready`,
      () => (exited !== null ? `The server exited with ${exited}:\n${output.slice(-4000)}` : null));
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, dataDir, output: () => output, stop };
}
