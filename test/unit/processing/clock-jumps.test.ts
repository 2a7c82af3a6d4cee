// The wall clock can jump: a laptop wakes up, a clock is corrected, a user sets it by hand. Due
// times are instants on the wall clock, so the runner compares them with the clock again every
// second, whenever a tab becomes visible and when the connection returns: a timer armed for the
// old clock never holds a due job back, and a clock set back never starts a job early.
// `vi.setSystemTime` moves the clock without firing timers, as a real jump does.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../../src/index.js';
import { WALL_CLOCK_CHECK_MS } from '../../../src/processing/long-timer.js';
import { makeQueue, next } from '../helpers.js';

const HOUR = 3_600_000;
/** Keep the stalled sweep and heartbeat out of the way of the clock. */
const settings = { stalledInterval: 100 * HOUR, lockDuration: 200 * HOUR };

beforeEach(() => {
  // IndexedDB (fake-indexeddb) schedules its work with setImmediate, which stays real.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** Start processing `q` and wait until it has looked at its jobs once (and armed its timers). */
async function startProcessing(q: ReturnType<typeof makeQueue>): Promise<string[]> {
  const ran: string[] = [];
  const drained = next(q, 'drained');
  await q.process(async (job: Job) => {
    ran.push(job.name);
    return job.name;
  });
  await drained;
  return ran;
}

describe('a delayed job and a clock that jumps', () => {
  it('forward past the due time: the job runs within a second, not when the old timer ends', async () => {
    const q = makeQueue('test', { settings });
    const job = await q.add('in an hour', {}, { delay: HOUR });
    await startProcessing(q);
    vi.setSystemTime(Date.now() + 2 * HOUR);
    await vi.advanceTimersByTimeAsync(WALL_CLOCK_CHECK_MS);
    expect(await job.finished()).toBe('in an hour');
  });

  it('back, with the timer then armed for the old clock, and right again: the job runs within a second', async () => {
    // The job is added; the clock is set back an hour; then a processor starts and arms its
    // timer for 1 h 10 s (by the wrong clock).
    const q = makeQueue('test', { settings });
    const job = await q.add('due in 10 s', {}, { delay: 10_000 });
    vi.setSystemTime(job.timestamp - HOUR);
    const ran = await startProcessing(q);
    // The clock is set right again: the job is 8 s past due.
    vi.setSystemTime(job.timestamp + 18_000);
    await vi.advanceTimersByTimeAsync(WALL_CLOCK_CHECK_MS);
    expect(await job.finished()).toBe('due in 10 s');
    expect(ran).toEqual(['due in 10 s']);
  });

  it('back: the job still does not start before its due time by the wall clock', async () => {
    const q = makeQueue('test', { settings });
    const job = await q.add('due in 10 s', {}, { delay: 10_000 });
    const ran = await startProcessing(q);
    vi.setSystemTime(Date.now() - HOUR);
    // The timer armed for 10 s fires, finds the job an hour early, and waits on.
    await vi.advanceTimersByTimeAsync(10_000 + WALL_CLOCK_CHECK_MS);
    expect(await job.getState()).toBe('delayed');
    expect(ran).toEqual([]);
    vi.setSystemTime(job.timestamp + 10_000);
    await vi.advanceTimersByTimeAsync(WALL_CLOCK_CHECK_MS);
    expect(await job.finished()).toBe('due in 10 s');
  });

  it('forward, seen at once when the tab becomes visible again', async () => {
    const document = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
    vi.stubGlobal('document', document);
    const q = makeQueue('test', { settings });
    const job = await q.add('in an hour', {}, { delay: HOUR });
    await startProcessing(q);
    // The laptop slept for two hours: no timer has fired yet when the tab is shown.
    vi.setSystemTime(Date.now() + 2 * HOUR);
    document.visibilityState = 'visible';
    document.dispatchEvent(new Event('visibilitychange'));
    expect(await job.finished()).toBe('in an hour');
  });
});

describe('the limiter window and a clock set back', () => {
  it('the window still ends after its length: the next job is not held until the clock catches up', async () => {
    const q = makeQueue('test', { settings, limiter: { max: 1, duration: 60_000 } });
    const [first, second] = await q.addBulk([{ name: 'first', data: {} }, { name: 'second', data: {} }]);
    await q.process(async (job: Job) => job.name);
    expect(await first!.finished()).toBe('first');
    vi.setSystemTime(Date.now() - HOUR);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await second!.finished()).toBe('second');
  });
});
