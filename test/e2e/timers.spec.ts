// Long waits and the wall clock in a real browser. Chromium runs a setTimeout longer than 2^31-1 ms
// (about 24.8 days) at once; jobtrail chains its timers, so a job delayed by 30 days costs nothing
// until it is due, and a 30-day timeout does not end an attempt at once.
import { expect, test } from './fixtures';

/** Count the readwrite transactions of every IndexedDB connection of the page from now on. */
const countReadwrite = () => {
  const transaction = IDBDatabase.prototype.transaction;
  window.state.readwrite = 0;
  IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<typeof transaction>) {
    if (args[1] === 'readwrite') window.state.readwrite++;
    return transaction.apply(this, args);
  } as typeof transaction;
};

test('a job delayed by 30 days costs no readwrite transaction while it waits', async ({ openTab }) => {
  const page = await openTab();
  await page.evaluate(countReadwrite);
  const before = await page.evaluate(async () => {
    const queue = window.openQueue('thirty-days');
    window.state.queue = queue;
    const drained = new Promise<void>((resolve) => queue.once('drained', resolve));
    await queue.process(async () => 'ran');
    const job = await queue.add({ remind: 'renew the licence' }, { delay: 30 * 86_400_000 });
    // The processor looked, found nothing to run, and armed its timer for the delayed job.
    await drained;
    window.state.job = job;
    return window.state.readwrite as number;
  });
  expect(before).toBeGreaterThan(0);
  // Nothing announces "no transaction happened": watch for a while.
  await page.waitForTimeout(2000);
  const after = await page.evaluate(async () => ({
    readwrite: window.state.readwrite as number,
    state: await window.state.job.getState(),
  }));
  expect(after).toEqual({ readwrite: before, state: 'delayed' });
});

test('a 30-day timeout does not end the attempt at once', async ({ openTab }) => {
  const page = await openTab();
  const out = await page.evaluate(async () => {
    const queue = window.openQueue('long-timeout');
    await queue.process(async (_job, signal) => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return signal.aborted ? 'aborted' : 'finished';
    });
    const job = await queue.add({}, { timeout: 30 * 86_400_000 });
    return job.finished();
  });
  expect(out).toBe('finished');
});

test('a clock set back and then right again does not hold a due job', async ({ context, openTab }) => {
  // Playwright's clock: Date and timers run on their own, and setSystemTime jumps the wall clock
  // without firing timers, as a corrected system clock does.
  await context.clock.install();
  const page = await openTab();
  const timestamp = await page.evaluate(async () => {
    const queue = window.openQueue('clock-back');
    window.state.queue = queue;
    window.state.job = await queue.add({ remind: 'stand up' }, { delay: 10_000 });
    return window.state.job.timestamp as number;
  });
  // The clock goes back an hour; a processor starts and arms its timer for 1 h 10 s.
  await page.clock.setSystemTime(timestamp - 3_600_000);
  await page.evaluate(async () => {
    const drained = new Promise<void>((resolve) => window.state.queue.once('drained', resolve));
    await window.state.queue.process(async () => 'ran');
    await drained;
  });
  // The clock is set right again: the job is 8 s past due, and runs.
  await page.clock.setSystemTime(timestamp + 18_000);
  expect(await page.evaluate(() => window.state.job.finished())).toBe('ran');
});

test('a clock that jumped forward while the tab was hidden is seen when it is shown', async ({ context, openTab }) => {
  await context.clock.install();
  const page = await openTab();
  // Timers stand still from here: only the wall clock moves, and only when the test says.
  await page.clock.pauseAt(Date.now() + 1000);
  await page.evaluate(async () => {
    const queue = window.openQueue('clock-forward');
    window.state.job = await queue.add({ remind: 'call back' }, { delay: 3_600_000 });
    const drained = new Promise<void>((resolve) => queue.once('drained', resolve));
    await queue.process(async () => 'ran');
    await drained;
  });
  await page.clock.setSystemTime(Date.now() + 2 * 3_600_000);
  const out = await page.evaluate(() => {
    document.dispatchEvent(new Event('visibilitychange'));
    return window.state.job.finished();
  });
  expect(out).toBe('ran');
});
