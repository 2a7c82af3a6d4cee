// `test` for the browser specs: `openTab()` opens the harness page as a new tab of the test's
// context (or of another context, e.g. a persistent one), and the test fails if any of its tabs
// threw an uncaught error or saw a queue `error` event (queues opened with `openQueue`).
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';

export { expect };

export const test = base.extend<{ openTab: (context?: BrowserContext) => Promise<Page> }>({
  openTab: async ({ context }, use) => {
    const problems: string[] = [];
    const tabs: Page[] = [];
    await use(async (inContext = context) => {
      const page = await inContext.newPage();
      const n = tabs.push(page);
      page.on('pageerror', (err) => problems.push(`tab ${n}: uncaught ${err.name}: ${err.message}`));
      await page.goto('/');
      await page.waitForFunction(() => window.harnessReady === true);
      return page;
    });
    for (const [i, page] of tabs.entries()) {
      if (page.isClosed()) continue;
      const errors = await page.evaluate(() => window.queueErrors ?? []).catch(() => [] as string[]);
      problems.push(...errors.map((e) => `tab ${i + 1}: queue error: ${e}`));
    }
    expect(problems, 'uncaught errors and queue errors in the tabs').toEqual([]);
  },
});
