// Browser tests: Playwright drives Chromium (CHROMIUM_PATH, Playwright's own, or one on the PATH:
// test/e2e/browser.ts finds it, or installs Debian's) against pages that Vite serves from 127.0.0.1
// (test/e2e/vite.config.ts).
// - Pages live in test/e2e/pages, the Vite root: `/` is the harness (window.jobtrail is the package,
//   window.workers the worker processors of pages/workers/). A page folder of your own, such as
//   pages/inspector/index.html, is served at `/inspector/`. `jobtrail` and its subpath entries
//   (`jobtrail/worker`, ...) resolve to src/.
// - Specs are test/e2e/*.spec.ts. Import `test` and `expect` from ./fixtures: `openTab()` opens the
//   harness in the test's context (pages of one context are tabs of one browser) and every test
//   fails on an uncaught error in any tab it opened.
// - The default context is incognito, where Chromium keeps IndexedDB in memory: tests of
//   persistence launch their own persistent context with `launchOptions` from browser.ts.
// Run: `npm run test:e2e` (or `npx playwright test test/e2e/tabs.spec.ts`).
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { launchOptions } from './test/e2e/browser';

// One server per run, on a port of its own, so two runs on one machine do not share (or kill) a
// server. Playwright's worker processes inherit the variable, so they agree on the port.
process.env.JOBTRAIL_E2E_PORT ||= String(20000 + (process.pid % 20000));
const port = Number(process.env.JOBTRAIL_E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;
// The demo (`npm start`, demo/), for test/e2e/demo.spec.ts, on the next port; its production build
// (`npm run build:demo`, served by `npm run preview:demo`), where the `demo-build` project runs
// demo.spec.ts again, on a port of its own below.
process.env.JOBTRAIL_DEMO_PORT ||= String(port + 1);
const demoPort = Number(process.env.JOBTRAIL_DEMO_PORT);
// The bridge of test/e2e/bridge.spec.ts listens on the port after that; the test server proxies
// /api/jobtrail to it (test/e2e/vite.config.ts), so pages reach it same-origin.
process.env.JOBTRAIL_BRIDGE_PORT ||= String(port + 2);
// The demo's production build is served on the port after the bridge's.
const demoBuildPort = port + 3;
const demoBuildDir = fileURLToPath(new URL(`./test-results/demo-build-${port}`, import.meta.url));

export default defineConfig({
  testDir: 'test/e2e',
  // Per run too: Playwright empties its output folder when a run starts.
  outputDir: `test-results/e2e-${port}`,
  testMatch: '*.spec.ts',
  // Tabs, workers and IndexedDB compete for two cores: one test at a time keeps timings honest.
  workers: 1,
  retries: 0,
  forbidOnly: true,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  use: {
    browserName: 'chromium',
    baseURL,
    launchOptions,
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'chromium' },
    { name: 'demo-build', testMatch: 'demo.spec.ts', metadata: { demoURL: `http://127.0.0.1:${demoBuildPort}` } },
  ],
  webServer: [
    {
      command: `npx vite --config test/e2e/vite.config.ts --port ${port}`,
      url: baseURL,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `npm start -- --port ${demoPort} --strictPort`,
      url: `http://127.0.0.1:${demoPort}`,
      env: { JOBTRAIL_DEMO_TEST: '1' },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command:
        `npm run build:demo -- --outDir ${demoBuildDir} --emptyOutDir --logLevel error && ` +
        `npm run preview:demo -- --outDir ${demoBuildDir} --port ${demoBuildPort} --strictPort`,
      url: `http://127.0.0.1:${demoBuildPort}`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
