// Reloading is routine in a browser. A tab that goes away in an orderly way gives its active jobs
// back (`released`: no attempt used, not a stall); where that write cannot commit as the page is
// torn down, the job stalls, and jobtrail's default maxStalledCount (10) still lets it survive.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** Open the queue in the (re)loaded tab and process: an upload that never ends, unless `finish`. */
const startProcessing = (page: Page, finish: boolean) =>
  page.evaluate(async (finish) => {
    const queue = window.openQueue('reloads');
    window.state.queue = queue;
    window.state.started = new Promise((resolve) => (window.state.onStart = resolve));
    await queue.process(async (job) => {
      window.state.onStart(job.id);
      if (finish) return `uploaded ${job.data.file}`;
      return new Promise(() => {}); // a long upload: the tab reloads first
    });
  }, finish);

test('a job survives 5 reloads in a row of the tab running it, with default options', async ({ openTab }) => {
  test.setTimeout(60_000);
  const page = await openTab();
  await startProcessing(page, false);
  await page.evaluate(() => window.state.queue.add({ file: 'holiday.mov' }));
  for (let reload = 1; reload <= 5; reload++) {
    // The job is running in this tab when it reloads.
    expect(await page.evaluate(() => window.state.started)).toBe('1');
    await page.reload();
    await page.waitForFunction(() => window.harnessReady === true);
    await startProcessing(page, reload === 5);
  }
  const out = await page.evaluate(async () => {
    const job = await window.state.queue.getJob('1');
    return { result: await job.finished(), types: (await job.history()).map((e: { type: string }) => e.type) };
  });
  expect(out.result).toBe('uploaded holiday.mov');
  const count = (type: string) => out.types.filter((t: string) => t === type).length;
  test.info().annotations.push({ type: 'log', description: `released ${count('released')}, stalled ${count('stalled')}: ${out.types.join(' ')}` });
  expect(count('active')).toBe(6);
  expect(count('released') + count('stalled')).toBe(5);
  expect(out.types.at(-1)).toBe('completed');
});

test('a job survives 5 crashes in a row of the tab running it, with default options (5 stalls)', async ({ openTab }) => {
  test.setTimeout(60_000);
  let page = await openTab();
  await startProcessing(page, false);
  await page.evaluate(() => window.state.queue.add({ file: 'holiday.mov' }));
  for (let crash = 1; crash <= 5; crash++) {
    expect(await page.evaluate(() => window.state.started)).toBe('1');
    // A crash: nothing runs on the way out, so nothing is given back and the job stalls. The
    // user opens the app again.
    await page.goto('chrome://crash').catch(() => {});
    page = await openTab();
    await startProcessing(page, crash === 5);
  }
  const out = await page.evaluate(async () => {
    const job = await window.state.queue.getJob('1');
    return { result: await job.finished(), types: (await job.history()).map((e: { type: string }) => e.type) };
  });
  expect(out.result).toBe('uploaded holiday.mov');
  expect(out.types).toEqual(['added', ...Array(5).fill(['active', 'stalled']).flat(), 'active', 'completed']);
});
