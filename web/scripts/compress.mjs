// Writes a gzip copy (name.gz) beside every compressible file under dist/assets, which the server sends to clients
// that accept gzip: compressed once at build time instead of on every request.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = new URL('../dist/assets/', import.meta.url).pathname;
let saved = 0;
for (const name of readdirSync(dir)) {
  if (!/\.(js|css|svg|json|ttf|html)$/.test(name)) continue;
  const path = join(dir, name);
  const raw = readFileSync(path);
  if (raw.length < 1024) continue;
  const gz = gzipSync(raw, { level: 9 });
  if (gz.length < raw.length * 0.9) {
    writeFileSync(`${path}.gz`, gz);
    saved += raw.length - gz.length;
  }
}
console.log(`compress: gzip copies under dist/assets save ${(saved / 1024).toFixed(0)} KiB per cold load of everything`);
