// Bull's and BullMQ's calls where the browser is the point (issue 12): getWorkers across tabs and
// workers (and in the inspector), a local pause that leaves the other tabs working.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** Start processing `name` in this tab, `concurrency` at a time; jobs resolve with where they ran. */
const processIn = (page: Page, name: string, concurrency: number, label: string) =>
  page.evaluate(
    async ([name, concurrency, label]) => {
      const queue = (window.state.queue = window.openQueue(name));
      await queue.process('*', concurrency, async (job) => ({ ranIn: label, data: job.data }));
    },
    [name, concurrency, label] as const,
  );

test('getWorkers lists the tabs and workers processing a queue, with kind and concurrency; a closed tab leaves the list', async ({ openTab }) => {
  const [a, b, reader] = [await openTab(), await openTab(), await openTab()];
  await processIn(a, 'workers-list', 2, 'a');
  await processIn(b, 'workers-list', 3, 'b');
  await reader.evaluate(async () => {
    const worker = new Worker(`${window.workerUrls.queue}${window.workerUrls.queue.includes('?') ? '&' : '?'}queue=workers-list&concurrency=4`, { type: 'module' });
    await new Promise((ready) => worker.addEventListener('message', ready, { once: true }));
    window.state.worker = worker;
  });
  const list = () => reader.evaluate(async () => (await window.openQueue('workers-list').getWorkers()).map((w) => ({ kind: w.kind, concurrency: w.concurrency, url: w.url })));
  const workers = await list();
  expect(workers).toHaveLength(3);
  expect(workers).toEqual(expect.arrayContaining([
    { kind: 'window', concurrency: 2, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/) },
    { kind: 'window', concurrency: 3, url: expect.any(String) },
    { kind: 'worker', concurrency: 4, url: expect.stringContaining('queue.worker.ts') },
  ]));
  // A tab that dies releases its Web Lock: it is gone from the list at once.
  await b.close({ runBeforeUnload: false });
  await expect.poll(async () => (await list()).map((w) => w.concurrency).sort()).toEqual([2, 4]);
  await reader.evaluate(() => (window.state.worker as Worker).terminate());
  await expect.poll(async () => (await list()).map((w) => w.kind)).toEqual(['window']);
});

test('the inspector shows the processing instances, and a local pause', async ({ openTab }) => {
  const worker = await openTab();
  await processIn(worker, 'q', 2, 'w');
  const page = await openTab();
  await page.goto('/inspector/?queue=q');
  await page.waitForFunction(() => window.harnessReady === true);
  const root = page.locator('jobtrail-inspector');
  const items = root.locator('.workers-list li[data-worker]');
  await expect(items).toHaveCount(1);
  await expect(items.first().locator('.kind')).toHaveText('tab');
  await expect(items.first().locator('.concurrency')).toHaveText('×2');
  await expect(items.first().locator('.handlers')).toHaveText('every name ×2');
  await worker.evaluate(() => window.state.queue.pause(true));
  await expect(items.first().locator('.paused-badge')).toHaveText('paused here');
  await worker.close({ runBeforeUnload: false });
  await expect(root.locator('.workers-list li.empty')).toHaveText('No tab, worker or service worker is processing this queue.');
});

test("pause(true) stops this tab only: the other tab takes the work, and nothing is stored", async ({ openTab }) => {
  const [a, b] = [await openTab(), await openTab()];
  await processIn(a, 'local-pause', 1, 'a');
  await a.evaluate(() => window.state.queue.pause(true));
  await processIn(b, 'local-pause', 1, 'b');
  const out = await a.evaluate(async () => {
    const queue = window.state.queue;
    const jobs = await queue.addBulk([{ data: 1 }, { data: 2 }, { data: 3 }]);
    const results = await Promise.all(jobs.map((job: { finished(): Promise<unknown> }) => job.finished()));
    return { results, pausedHere: await queue.isPaused(true), paused: await queue.isPaused() };
  });
  expect(out.results).toEqual([{ ranIn: 'b', data: 1 }, { ranIn: 'b', data: 2 }, { ranIn: 'b', data: 3 }]);
  expect(out).toMatchObject({ pausedHere: true, paused: false });
  expect(await b.evaluate(() => window.state.queue.isPaused(true))).toBe(false);
  // Resumed, the tab takes jobs again: with b paused locally in turn, a runs the next one.
  await b.evaluate(() => window.state.queue.pause(true));
  const ran = await a.evaluate(async () => {
    await window.state.queue.resume(true);
    return (await window.state.queue.add({ n: 4 })).finished();
  });
  expect(ran).toEqual({ ranIn: 'a', data: { n: 4 } });
});

test('limiter with sliding: true: six tabs never start more than max jobs within any duration-long stretch', async ({ openTab }) => {
  test.setTimeout(60_000);
  const limiter = { max: 5, duration: 500, sliding: true };
  const tabs = await Promise.all(Array.from({ length: 6 }, () => openTab()));
  for (const tab of tabs) {
    await tab.evaluate(async (limiter) => {
      const queue = (window.state.queue = window.openQueue('sliding', { limiter }));
      await queue.process(4, async () => {});
    }, limiter);
  }
  const starts = await tabs[0]!.evaluate(async () => {
    const queue = window.state.queue;
    const jobs = await queue.addBulk(Array.from({ length: 40 }, (_, n) => ({ data: n })));
    await Promise.all(jobs.map((job: { finished(): Promise<unknown> }) => job.finished()));
    const histories: { type: string; time: number }[][] = await Promise.all(jobs.map((job: { history(): Promise<{ type: string; time: number }[]> }) => job.history()));
    return histories.flatMap((events) => events.filter((e) => e.type === 'active').map((e) => e.time)).sort((a, b) => a - b);
  });
  expect(starts).toHaveLength(40);
  const busiest = Math.max(...starts.map((t) => starts.filter((s) => s >= t && s < t + limiter.duration).length));
  expect(busiest).toBeLessThanOrEqual(limiter.max);
});

test('a processor that returns a fetch Response fails with a message saying what to return instead', async ({ openTab }) => {
  const page = await openTab();
  const failedReason = await page.evaluate(async () => {
    const queue = window.openQueue('response');
    await queue.process(async () => new Response('stored', { status: 201 }));
    return (await queue.add({})).finished().catch((err: Error) => err.message);
  });
  expect(failedReason).toMatch(/^Job 1's return value is not cloneable, so IndexedDB cannot store it \(.*\); nothing was written\. Return plain data instead of it \(a Response\): .*response\.status, a header, or await response\.text\(\) \/ response\.json\(\)\.$/);
});
