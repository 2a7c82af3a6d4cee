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
  /** With `profile`: the CPU profiles of the tabs closed since the last call (their main threads). */
  takeProfiles(): CpuProfile[];
  close(): Promise<void>;
}

/** A Chrome DevTools CPU profile (what `Profiler.stop` returns; saved as .cpuprofile). */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Tab {
  page: Page;
  /** Run measurement `name` in this tab. */
  run<T>(name: MeasureName, params?: object): Promise<T>;
  /** Run measurement `name` in a dedicated worker of this tab. */
  runInWorker<T>(name: MeasureName, params?: object): Promise<T>;
  /** Collect garbage, then the tab's used JS heap in bytes. */
  heapUsed(): Promise<number>;
  /** Close the tab as if it died: no beforeunload, no clean shutdown of its queues (and no profile). */
  kill(): Promise<void>;
  /** Close the tab, keeping its CPU profile when profiling. */
  close(): Promise<void>;
}

/** Microseconds between CPU samples when profiling. */
const SAMPLING_US = 200;

/**
 * `callTimeoutMs`: a measurement still running after this long fails, and its tab is closed.
 * `profile`: record a CPU profile of every tab's main thread (CDP Profiler), from opening to `close()`.
 */
export async function launch(siteUrl: string, callTimeoutMs: number, { profile: profiling = false } = {}): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'jobtrail-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, { ...launchOptions, headless: true });
  const errors: string[] = [];
  const profiles: CpuProfile[] = [];
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
    if (profiling) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_US });
      await cdp.send('Profiler.start');
    }
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
      async close() {
        if (profiling && !page.isClosed()) {
          const { profile: recorded } = await cdp.send('Profiler.stop').catch(() => ({ profile: null }));
          if (recorded) profiles.push(recorded as CpuProfile);
        }
        await page.close().catch(() => {});
      },
    };
  };
  const first = context.pages()[0] ?? (await context.newPage());
  const { product } = await (await context.newCDPSession(first)).send('Browser.getVersion');
  return {
    context,
    version: product,
    openTab,
    takeProfiles: () => profiles.splice(0),
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
