// How long a failed job waits before its next attempt: fixed, exponential, jitter, custom strategies.
// Waits are read from the log: each `failed` event stores the delay it chose, and the next `active`
// event's time shows the attempt did not start earlier than that.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, type Job, type JobOptions, type StoredJobEvent } from '../../../src/index.js';
import { makeQueue } from '../helpers.js';

type Failed = Extract<StoredJobEvent, { type: 'failed' }>;

/** The delay each failure chose, and how long after each failure the next attempt really began. */
function waits(history: StoredJobEvent[]): { chosen: (number | null)[]; actual: number[] } {
  const chosen: (number | null)[] = [];
  const actual: number[] = [];
  history.forEach((event, i) => {
    if (event.type !== 'failed') return;
    chosen.push((event as Failed).payload.retryDelay);
    const nextStart = history.slice(i + 1).find((e) => e.type === 'active');
    if (nextStart) actual.push(nextStart.time - event.time);
  });
  return { chosen, actual };
}

/** Process one job that fails every attempt; resolve with its history once it finally failed. */
async function failEveryAttempt(opts: JobOptions, settings?: object): Promise<{ history: StoredJobEvent[]; starts: number[] }> {
  const q = makeQueue('test', settings ? { settings } : undefined);
  const starts: number[] = [];
  await q.process(async () => {
    starts.push(Date.now());
    throw new Error(`failure ${starts.length}`);
  });
  const job = await q.add('flaky', {}, opts);
  await expect(job.finished()).rejects.toThrow();
  return { history: await job.history(), starts };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fixed backoff', () => {
  it('waits `delay` before every retry (a number is a fixed backoff)', async () => {
    const { history, starts } = await failEveryAttempt({ attempts: 3, backoff: 40 });
    const { chosen, actual } = waits(history);
    expect(chosen).toEqual([40, 40, null]);
    for (const wait of actual) expect(wait).toBeGreaterThanOrEqual(40);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(40);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(40);
  });

  it("{ type: 'fixed' } is the same", async () => {
    const { history } = await failEveryAttempt({ attempts: 2, backoff: { type: 'fixed', delay: 25 } });
    expect(waits(history).chosen).toEqual([25, null]);
    expect(waits(history).actual[0]).toBeGreaterThanOrEqual(25);
  });
});

describe('exponential backoff', () => {
  it('waits at least delay, then 2·delay, then 4·delay', async () => {
    const { history, starts } = await failEveryAttempt({ attempts: 4, backoff: { type: 'exponential', delay: 30 } });
    const { chosen, actual } = waits(history);
    expect(chosen).toEqual([30, 60, 120, null]);
    expect(actual[0]).toBeGreaterThanOrEqual(30);
    expect(actual[1]).toBeGreaterThanOrEqual(60);
    expect(actual[2]).toBeGreaterThanOrEqual(120);
    // Seen from the handler too: no attempt started before its wait was over.
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(30);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(60);
    expect(starts[3]! - starts[2]!).toBeGreaterThanOrEqual(120);
  });

  it('computes delay * 2^(attemptsMade - 1)', async () => {
    const job = {} as Job;
    const backoff = { type: 'exponential', delay: 1000 } as const;
    const delays = await Promise.all([1, 2, 3, 4, 5].map((n) => backoffDelay(backoff, n, new Error('x'), job, {})));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000]);
  });
});

describe('jitter', () => {
  const job = {} as Job;
  const err = new Error('x');

  it('randomises each wait down to (1 - jitter) of its nominal value, never above it', async () => {
    const backoff = { type: 'exponential', delay: 1000, jitter: 0.25 } as const;
    // The extremes of Math.random's range give the bounds exactly.
    expect(await backoffDelay(backoff, 3, err, job, {}, () => 0)).toBe(4000);
    expect(await backoffDelay(backoff, 3, err, job, {}, () => 1)).toBe(3000);
    expect(await backoffDelay(backoff, 3, err, job, {}, () => 0.5)).toBe(3500);
    // A deterministic sweep over the range stays inside the bounds.
    for (let i = 0; i < 100; i++) {
      const wait = await backoffDelay(backoff, 3, err, job, {}, () => i / 100);
      expect(wait).toBeGreaterThanOrEqual(3000);
      expect(wait).toBeLessThanOrEqual(4000);
    }
  });

  it('applies to fixed waits and custom strategies alike', async () => {
    expect(await backoffDelay({ type: 'fixed', delay: 200, jitter: 1 }, 1, err, job, {}, () => 0.75)).toBe(50);
    const strategies = { custom: () => 400 };
    expect(await backoffDelay({ type: 'custom', jitter: 0.5 }, 1, err, job, strategies, () => 1)).toBe(200);
  });

  it('is what the queue stores as the retry delay', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { history } = await failEveryAttempt({ attempts: 3, backoff: { type: 'exponential', delay: 40, jitter: 0.5 } });
    // 40 * (1 - 0.5 * 0.5) = 30, then 80 * 0.75 = 60
    expect(waits(history).chosen).toEqual([30, 60, null]);
  });
});

describe('custom backoff strategies', () => {
  it('are called with (attemptsMade, err, job) and may answer with a promise', async () => {
    const calls: [number, string, string][] = [];
    const settings = {
      backoffStrategies: {
        linear: async (attemptsMade: number, err: Error, job: Job) => {
          calls.push([attemptsMade, err.message, job.id]);
          await new Promise((r) => setTimeout(r, 1));
          return attemptsMade * 15;
        },
      },
    };
    const { history } = await failEveryAttempt({ attempts: 3, backoff: { type: 'linear' } }, settings);
    const { chosen, actual } = waits(history);
    expect(chosen).toEqual([15, 30, null]);
    expect(actual[0]).toBeGreaterThanOrEqual(15);
    expect(actual[1]).toBeGreaterThanOrEqual(30);
    // Not consulted after the last attempt: there is nothing left to wait for.
    expect(calls).toEqual([
      [1, 'failure 1', '1'],
      [2, 'failure 2', '1'],
    ]);
  });

  it('-1 stops retrying: the job fails now despite attempts left', async () => {
    const settings = { backoffStrategies: { giveUp: () => -1 } };
    const { history, starts } = await failEveryAttempt({ attempts: 5, backoff: { type: 'giveUp' } }, settings);
    expect(starts).toHaveLength(1);
    expect(waits(history).chosen).toEqual([null]);
    expect(history.at(-1)?.type).toBe('failed');
  });

  it('0 retries at once: the job waits again, not delayed', async () => {
    const settings = { backoffStrategies: { now: () => 0 } };
    const q = makeQueue('test', { settings });
    await q.process(async (job) => {
      if (job.attemptsMade === 0) throw new Error('once');
      return 'second try';
    });
    const job = await q.add('flaky', {}, { attempts: 2, backoff: { type: 'now' } });
    expect(await job.finished()).toBe('second try');
    expect((await job.history()).map((e) => e.type)).toEqual(['added', 'active', 'failed', 'active', 'completed']);
  });

  it('a strategy that throws fails the job and reports the error', async () => {
    const settings = {
      backoffStrategies: {
        broken: () => {
          throw new Error('strategy exploded');
        },
      },
    };
    const q = makeQueue('test', { settings });
    const errors: Error[] = [];
    q.on('error', (err) => errors.push(err));
    await q.process(async () => {
      throw new Error('handler failed');
    });
    const job = await q.add('x', {}, { attempts: 3, backoff: { type: 'broken' } });
    await expect(job.finished()).rejects.toThrow('handler failed');
    expect(errors.map((e) => e.message)).toEqual(['strategy exploded']);
    expect(await q.getJob(job.id)).toMatchObject({ attemptsMade: 1 });
  });
});
