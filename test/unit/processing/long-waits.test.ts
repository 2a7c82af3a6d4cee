// Waits longer than setTimeout's limit (2^31-1 ms, about 24.8 days), which setTimeout would run at
// once: a delay, a backoff, a limiter window, a stalled sweep, a heartbeat or a timeout that long
// costs no transaction and fires nothing until it is really over. Fake timers (which, like
// browsers, run an overlong timer at once) and a count of readwrite transactions show it.
import { IDBDatabase } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay } from '../../../src/index.js';
import { MAX_WAIT_MS } from '../../../src/core/options.js';
import { makeQueue, next } from '../helpers.js';
import { collect, deferred, untilAborted } from './support.js';

const DAY = 86_400_000;

/** Settings that keep the stalled sweep and the heartbeat out of a test that skips days ahead. */
const quiet = { stalledInterval: 40 * DAY, lockDuration: 80 * DAY };

let readwrite = 0;

beforeEach(() => {
  // IndexedDB (fake-indexeddb) schedules its work with setImmediate, which stays real.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  readwrite = 0;
  const transaction = IDBDatabase.prototype.transaction;
  vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, ...args: Parameters<typeof transaction>) {
    if (args[1] === 'readwrite') readwrite++;
    return transaction.apply(this, args);
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('a wait longer than 2^31-1 ms', () => {
  it('a job delayed by 30 days costs no transaction until it is due, then runs', async () => {
    const q = makeQueue('test', { settings: quiet });
    const job = await q.add('later', {}, { delay: 30 * DAY });
    // The first claim finds nothing waiting (drained) and arms the timer for the delayed job.
    const drained = next(q, 'drained');
    await q.process(async () => 'ran');
    await drained;
    readwrite = 0;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(readwrite).toBe(0);
    // Days pass (the clock moves; the timers have not fired yet): due in 2 s, still delayed.
    vi.setSystemTime(job.timestamp + 30 * DAY - 2000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(readwrite).toBe(0);
    expect(await job.getState()).toBe('delayed');
    await vi.advanceTimersByTimeAsync(1000);
    expect(await job.finished()).toBe('ran');
  });

  it('a retry after a 30-day backoff waits 30 days, without a transaction meanwhile', async () => {
    const q = makeQueue('test', { settings: quiet });
    let attempts = 0;
    // Drained at the start, then again once the failed job is delayed for its retry.
    const drainedTwice = collect(q, 'drained', 2);
    await q.process(async () => {
      if (++attempts === 1) throw new Error('not yet');
      return 'second attempt';
    });
    const job = await q.add('x', {}, { attempts: 2, backoff: 30 * DAY });
    await drainedTwice;
    expect(await job.getState()).toBe('delayed');
    readwrite = 0;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(readwrite).toBe(0);
    expect(attempts).toBe(1);
    vi.setSystemTime(job.timestamp + 30 * DAY + 1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await job.finished()).toBe('second attempt');
  });

  it('a limiter window of 30 days holds the next job without a transaction until the window ends', async () => {
    const q = makeQueue('test', { limiter: { max: 1, duration: 30 * DAY }, settings: quiet });
    const [first, second] = await q.addBulk([{ data: 1 }, { data: 2 }]);
    await q.process(async (job) => job.data);
    expect(await first!.finished()).toBe(1);
    readwrite = 0;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(readwrite).toBe(0);
    expect(await second!.getState()).toBe('waiting');
    vi.setSystemTime(Date.now() + 30 * DAY);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await second!.finished()).toBe(2);
  });

  it('a stalled sweep and a heartbeat every 30 days do not run every millisecond', async () => {
    const q = makeQueue('test', { settings: { stalledInterval: 30 * DAY, lockDuration: 60 * DAY, lockRenewTime: 30 * DAY } });
    const drained = next(q, 'drained');
    await q.process(async () => 'ok');
    await drained;
    readwrite = 0;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(readwrite).toBe(0);
  });

  it('a 30-day timeout does not fire at once; a 25-day one fires after 25 days, not before', async () => {
    const q = makeQueue('test', { settings: quiet });
    const release = deferred();
    const signals: AbortSignal[] = [];
    await q.process(async (job, signal) => {
      signals.push(signal);
      if (job.name === 'finishes') {
        await release.promise;
        return 'in time';
      }
      return untilAborted(signal);
    });
    const startedFirst = next(q, 'active');
    const finishes = await q.add('finishes', {}, { timeout: 30 * DAY });
    await startedFirst;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(signals[0]!.aborted).toBe(false);
    release.resolve();
    expect(await finishes.finished()).toBe('in time');

    const startedSecond = next(q, 'active');
    const failed = next(q, 'failed');
    const hangs = await q.add('hangs', {}, { timeout: 25 * DAY });
    await startedSecond;
    await vi.advanceTimersByTimeAsync(25 * DAY - 1);
    expect(signals[1]!.aborted).toBe(false);
    expect(await hangs.getState()).toBe('active');
    await vi.advanceTimersByTimeAsync(1);
    expect(((await failed)[1] as Error).message).toBe(`Job ${hangs.id} timed out after ${25 * DAY} ms`);
    expect(signals[1]!.aborted).toBe(true);
  });
});

describe('waits computed at run time', () => {
  it('an exponential backoff that would overflow is capped at the longest wait', async () => {
    expect(await backoffDelay({ type: 'exponential', delay: 1000 }, 2000, new Error('x'), null, {})).toBe(MAX_WAIT_MS);
    expect(await backoffDelay({ type: 'huge' }, 1, new Error('x'), null, { huge: () => 1e300 })).toBe(MAX_WAIT_MS);
  });
});
