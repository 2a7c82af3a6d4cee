// Chromium for the bench: the browser tests' Chromium and launch options (test/e2e/browser.ts finds
// one, or installs it), but a persistent context on a fresh temporary profile, so IndexedDB lives
// on disk as it does for users. (Playwright's incognito contexts keep IndexedDB in memory: far too
// fast.)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { launchOptions } from '../../test/e2e/browser.js';
import type { MeasureName } from '../page/main.js';

export interface Browser {
  context: BrowserContext;
  version: string;
  /** Open a tab on the bench page, ready to run measurements. */
  openTab(): Promise<Tab>;
  close(): Promise<void>;
}

export interface Tab {
  page: Page;
  /** Run measurement `name` in this tab. */
  run<T>(name: MeasureName, params?: object): Promise<T>;
  /** Run measurement `name` in a dedicated worker of this tab. */
  runInWorker<T>(name: MeasureName, params?: object): Promise<T>;
  /** Collect garbage, then the tab's used JS heap in bytes. */
  heapUsed(): Promise<number>;
  /** Close the tab as if it died: no beforeunload, no clean shutdown of its queues. */
  kill(): Promise<void>;
}

/** `callTimeoutMs`: a measurement still running after this long fails, and its tab is closed. */
export async function launch(siteUrl: string, callTimeoutMs: number): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'jobtrail-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, { ...launchOptions, headless: true });
  const errors: string[] = [];
  const openTab = async (): Promise<Tab> => {
    const page = await context.newPage();
    page.on('pageerror', (err) => errors.push(`${err.name}: ${err.message}`));
    // jobtrail reports background failures (no 'error' listener) with console.error: keep them
    // to explain a measurement that fails or hangs.
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(siteUrl);
    await page.waitForFunction(() => 'bench' in window);
    const cdp = await context.newCDPSession(page);
    const call = async <T>(inWorker: boolean, name: MeasureName, params: object = {}): Promise<T> => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`${name} took longer than ${callTimeoutMs / 1000} s`));
          void page.close().catch(() => {});
        }, callTimeoutMs);
      });
      const result = await Promise.race([
        page.evaluate(
          ([inWorker, name, params]) => (inWorker ? window.bench.runInWorker(name, params) : window.bench.run(name, params)),
          [inWorker, name, params] as const,
        ),
        timeout,
      ])
        .catch((err: Error) => {
          if (consoleErrors.length > 0) err.message += ` (console errors in the tab: ${consoleErrors.slice(-3).join(' / ')})`;
          throw err;
        })
        .finally(() => clearTimeout(timer));
      if (errors.length > 0) throw new Error(`uncaught error in a bench tab: ${errors.splice(0).join('; ')}`);
      return result as T;
    };
    return {
      page,
      run: (name, params) => call(false, name, params),
      runInWorker: (name, params) => call(true, name, params),
      async heapUsed() {
        // Twice: the first pass may leave garbage that finalizers only release afterwards.
        await cdp.send('HeapProfiler.collectGarbage');
        await cdp.send('HeapProfiler.collectGarbage');
        const { usedSize } = await cdp.send('Runtime.getHeapUsage');
        return usedSize;
      },
      kill: () => page.close({ runBeforeUnload: false }),
    };
  };
  const first = context.pages()[0] ?? (await context.newPage());
  const { product } = await (await context.newCDPSession(first)).send('Browser.getVersion');
  return {
    context,
    version: product,
    openTab,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
