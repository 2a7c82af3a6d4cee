// `timeout`: the attempt fails saying it timed out after N ms, and the work is really stopped: the
// handler's AbortSignal fires. The failure then follows the retry rules.
import { describe, expect, it } from 'vitest';
import type { Job } from '../../../src/index.js';
import { makeQueue, next, sleep } from '../helpers.js';
import { deferred, untilAborted } from './support.js';

describe('timeout', () => {
  it('aborts the handler signal and fails the attempt with "timed out after N ms"', async () => {
    const q = makeQueue();
    const aborted = deferred<unknown>();
    await q.process(async (_job, signal) => {
      signal.addEventListener('abort', () => aborted.resolve(signal.reason));
      return untilAborted(signal);
    });
    const failed = next(q, 'failed');
    const job = await q.add('slow', {}, { timeout: 40 });
    const reason = await aborted.promise;
    expect(reason).toMatchObject({ code: 'ERR_TIMEOUT', message: expect.stringMatching(/timed out after 40 ms/) });
    const [failedJob, err] = (await failed) as [Job, Error];
    expect(err.message).toMatch(/timed out after 40 ms/);
    expect(failedJob.failedReason).toMatch(/timed out after 40 ms/);
    await expect(job.finished()).rejects.toThrow(/timed out after 40 ms/);
    const stored = (await q.getJob(job.id))!;
    expect(stored.finishedOn! - stored.processedOn!).toBeGreaterThanOrEqual(40);
  });

  it('fails the attempt on time even if the handler ignores its signal, and drops its late result', async () => {
    const q = makeQueue();
    const lateResult = deferred();
    await q.process(async () => {
      await sleep(80);
      lateResult.resolve();
      return 'too late';
    });
    const job = await q.add('stubborn', {}, { timeout: 20 });
    await expect(job.finished()).rejects.toThrow(/timed out after 20 ms/);
    await lateResult.promise;
    await sleep(20);
    expect(await q.getJob(job.id)).toMatchObject({ returnvalue: null, failedReason: expect.stringMatching(/timed out/) });
    expect(await job.getState()).toBe('failed');
    expect((await job.history()).map((e) => e.type)).toEqual(['added', 'active', 'failed']);
  });

  it('a timed-out attempt is retried like any failure', async () => {
    const q = makeQueue();
    const signals: AbortSignal[] = [];
    await q.process(async (job, signal) => {
      signals.push(signal);
      if (job.attemptsMade === 0) return untilAborted(signal);
      return 'second attempt in time';
    });
    const job = await q.add('x', {}, { timeout: 30, attempts: 2 });
    expect(await job.finished()).toBe('second attempt in time');
    expect(signals.map((s) => s.aborted)).toEqual([true, false]);
    expect(await q.getJob(job.id)).toMatchObject({ attemptsMade: 1, failedReason: expect.stringMatching(/timed out after 30 ms/) });
  });

  it('a job done in time completes and its signal never fires', async () => {
    const q = makeQueue();
    let signal!: AbortSignal;
    await q.process(async (_job, s) => {
      signal = s;
      return 'quick';
    });
    const job = await q.add('x', {}, { timeout: 30 });
    expect(await job.finished()).toBe('quick');
    await sleep(50);
    expect(signal.aborted).toBe(false);
    expect(await job.getState()).toBe('completed');
  });
});
