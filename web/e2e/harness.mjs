// A small test runner for the browser tests: named async tests run in order against one server and one browser,
// each in a fresh browser context; a failure records a screenshot. It ends with the line test.sh adds up:
// "web-e2e: N passed, N failed, N skipped".
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export class Skip extends Error {}

export function skip(reason) {
  throw new Skip(reason);
}

export async function runTests(tests, { browser, artifacts, only }) {
  mkdirSync(artifacts, { recursive: true });
  const results = { passed: 0, failed: 0, skipped: 0 };
  for (const test of tests) {
    if (only && !test.name.includes(only)) continue;
    const context = await browser.newContext({ viewport: test.viewport ?? { width: 1440, height: 900 }, ...(test.contextOptions ?? {}) });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // A page that fails to render is caught by the app's error boundary, which logs it: that is a failure too.
    page.on('console', (m) => m.type() === 'error' && m.text().startsWith('The page failed to render') && errors.push(m.text()));
    const started = Date.now();
    try {
      await test.run({ page, context, pageErrors: errors });
      if (errors.length > 0) throw new Error(`uncaught errors in the page: ${errors.join(' | ')}`);
      results.passed++;
      console.log(`  passed  ${test.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      if (error instanceof Skip) {
        results.skipped++;
        console.log(`  skipped ${test.name}: ${error.message}`);
      } else {
        results.failed++;
        const shot = join(artifacts, `${test.name.replace(/[^a-z0-9]+/gi, '-')}.png`);
        await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
        // An uncaught error in the page is often the cause of a wait that timed out: show it with the failure.
        const uncaught = errors.length > 0 ? `\n          uncaught errors in the page: ${errors.join(' | ')}` : '';
        console.log(`  FAILED  ${test.name}: ${error.stack ?? error}${uncaught}\n          screenshot: ${shot}`);
      }
    } finally {
      await context.close();
    }
  }
  return results;
}
