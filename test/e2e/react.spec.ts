// jobtrail/react in Chromium with React 19: the hooks follow what another tab does, let go of the
// queue when their components unmount, and never tear under concurrent rendering. The page is
// pages/react/ (the harness plus components built on the hooks, driven through `window.react`);
// a second page of the same context is the other tab.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

async function openReactPage(openTab: () => Promise<Page>): Promise<Page> {
  const page = await openTab();
  await page.goto('/react/');
  await page.waitForFunction(() => window.harnessReady === true && window.react !== undefined);
  return page;
}

/** Wrap the tab's queue `q` so that its `global:changed` listeners and its reads are counted. */
async function openCountedQueue(page: Page): Promise<void> {
  await page.evaluate(() => {
    const queue = (window.state.queue = window.openQueue('q'));
    const counted = (window.state.counted = { listening: 0, reads: 0 });
    const { on, off } = queue;
    queue.on = function (event, listener) {
      if (event === 'global:changed') counted.listening++;
      return on.call(this, event, listener);
    };
    queue.off = function (event, listener) {
      if (event === 'global:changed') counted.listening--;
      return off.call(this, event, listener);
    };
    for (const reader of ['getJobRecord', 'getJobRecordPage', 'getJobCounts'] as const) {
      const read = queue[reader] as (...args: unknown[]) => Promise<unknown>;
      (queue as unknown as Record<string, unknown>)[reader] = function (this: unknown, ...args: unknown[]) {
        counted.reads++;
        return read.apply(this, args);
      };
    }
  });
}

test('useJob, useJobs and useJobCounts show what another tab adds and processes', async ({ openTab }) => {
  const page = await openReactPage(openTab);
  const other = await openTab();
  await openCountedQueue(page);
  await page.evaluate(() => window.react.mount(window.state.queue, { jobId: 'mine', list: { limit: 3 } }));
  await expect(page.getByTestId('counts').first()).toHaveText('waiting 0 active 0 completed 0');
  await expect(page.getByTestId('jobs')).toBeEmpty();
  await expect(page.getByTestId('job-mine').first()).toHaveText('none');

  await other.evaluate(async () => {
    const queue = (window.state.queue = window.openQueue('q'));
    await queue.addBulk([{ name: 'a', data: 1 }, { name: 'b', data: 2 }]);
    await queue.add('c', 3, { jobId: 'mine' });
    await queue.add('d', 4);
  });
  await expect(page.getByTestId('counts')).toHaveText(['waiting 4 active 0 completed 0', 'waiting 4 active 0 completed 0']);
  await expect(page.getByTestId('jobs').locator('li')).toHaveText(['d 3 waiting', 'c mine waiting', 'b 2 waiting']);
  await expect(page.getByTestId('job-mine')).toHaveText(['waiting 0 null', 'waiting 0 null']);

  await other.evaluate(async () => {
    const queue = window.state.queue;
    await queue.process(async (job: { data: number; updateProgress(p: number): Promise<void> }) => {
      await job.updateProgress(50);
      return job.data * 10;
    });
  });
  await expect(page.getByTestId('counts').first()).toHaveText('waiting 0 active 0 completed 4');
  await expect(page.getByTestId('jobs').locator('li')).toHaveText(['d 3 completed', 'c mine completed', 'b 2 completed']);
  await expect(page.getByTestId('job-mine').first()).toHaveText('completed 50 30');

  await other.evaluate(async () => (await window.state.queue.getJob('mine')).remove());
  await expect(page.getByTestId('job-mine').first()).toHaveText('none');
  await expect(page.getByTestId('jobs').locator('li')).toHaveText(['d 3 completed', 'b 2 completed', 'a 1 completed']);
});

test('unmounting lets go of the queue: no listener, no read, no event handler called', async ({ openTab }) => {
  const page = await openReactPage(openTab);
  const other = await openTab();
  await openCountedQueue(page);
  await page.evaluate(() => window.react.mount(window.state.queue, { jobId: '1' }));
  await expect(page.getByTestId('counts').first()).toHaveText('waiting 0 active 0 completed 0');
  // StrictMode subscribed, unsubscribed and subscribed again: one listener per watcher (counts,
  // list, job) however many components share it, plus useQueueEvent's own (not global:changed).
  expect(await page.evaluate(() => window.state.counted.listening)).toBe(3);

  await other.evaluate(async () => {
    const queue = (window.state.queue = window.openQueue('q'));
    await queue.process(async () => 'done');
    await queue.add('x', {});
  });
  await expect(page.getByTestId('job-1').first()).toHaveText('completed 0 "done"');
  await expect(page.getByTestId('heard')).toHaveText('1');

  await page.evaluate(() => {
    window.react.unmount();
    // What the tab hears from now on, outside React.
    window.state.changes = 0;
    window.state.queue.on('global:completed', () => window.state.changes++);
  });
  expect(await page.evaluate(() => window.state.counted.listening)).toBe(0);
  const reads = await page.evaluate(() => window.state.counted.reads);

  await other.evaluate(async () => {
    await window.state.queue.add('x', {});
    await window.state.queue.add('x', {});
  });
  // The tab heard both jobs complete; nothing it had mounted read or handled anything.
  await page.waitForFunction(() => window.state.changes === 2);
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
  expect(await page.evaluate(() => window.state.counted.reads)).toBe(reads);
  expect(await page.evaluate(() => window.state.heard)).toEqual(['1']);
});

/**
 * Renders a grid of `cells` slow cells showing the waiting count in transitions, round after
 * round, while the other tab keeps adding jobs, until at least `changes` changes of the store
 * landed in the middle of a render (at most `rounds` rounds). Resolves with the distinct values
 * the cells showed after each commit, and how many changes landed mid-render.
 */
async function renderWhileAdding(page: Page, other: Page, naive: boolean) {
  await page.evaluate((naive) => window.react.mountGrid(window.state.queue, 200, naive), naive);
  // The counts are read (the grid's own subscriber started the watch).
  await page.waitForFunction(() => window.jobtrail.watchJobCounts(window.state.queue).getSnapshot() !== undefined);
  await other.evaluate(() => {
    const queue = (window.state.queue = window.openQueue('q'));
    window.state.adding = true;
    void (async () => {
      while (window.state.adding) {
        await queue.add('x', {});
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
  });
  const seen = await page.evaluate(async (naive) => {
    const tearing = window.state.tearing;
    for (let round = 1; round <= 60; round++) {
      await window.react.transition(round);
      const torn = tearing.commits.some((values: string[]) => values.length > 1);
      if (tearing.midRender >= 5 && (!naive || torn)) break;
    }
    return { commits: tearing.commits as string[][], midRender: tearing.midRender as number };
  }, naive);
  await other.evaluate(() => (window.state.adding = false));
  return seen;
}

test('the control: cells that read the store during render without useSyncExternalStore tear', async ({ openTab }) => {
  const page = await openReactPage(openTab);
  const other = await openTab();
  await page.evaluate(() => (window.state.queue = window.openQueue('q')));
  const { commits, midRender } = await renderWhileAdding(page, other, true);
  expect(midRender).toBeGreaterThanOrEqual(5);
  // Some commit showed two values at once: the check below would see tearing if it happened.
  expect(commits.filter((values) => values.length > 1)).not.toEqual([]);
});

test('no tearing: cells with useJobCounts all show the same value after every commit, while changes land mid-render', async ({ openTab }) => {
  const page = await openReactPage(openTab);
  const other = await openTab();
  await page.evaluate(() => (window.state.queue = window.openQueue('q')));
  const { commits, midRender } = await renderWhileAdding(page, other, false);
  expect(midRender).toBeGreaterThanOrEqual(5);
  expect(commits.length).toBeGreaterThan(0);
  expect(commits.filter((values) => values.length > 1)).toEqual([]);
  // And once the other tab stops, every cell shows the queue's count.
  const waiting = await other.evaluate(async () => (await window.state.queue.getJobCounts()).waiting);
  await expect(page.locator('.cell').first()).toHaveText(String(waiting));
  expect(new Set(await page.locator('.cell').allTextContents())).toEqual(new Set([String(waiting)]));
});
