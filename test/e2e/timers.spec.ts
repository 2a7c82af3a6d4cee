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
