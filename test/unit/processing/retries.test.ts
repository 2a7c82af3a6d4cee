// attempts, attemptsMade, stack traces, failedReason, finishedOn; retry now vs retry later;
// discard() from a handler; retry() of a failed job.
import { describe, expect, it } from 'vitest';
import type { Job } from '../../../src/index.js';
import { makeQueue, next } from '../helpers.js';
import { collect, statesOf } from './support.js';

describe('attempts', () => {
  it('a failing job runs `attempts` times, then fails for good with every failure recorded', async () => {
    const q = makeQueue();
    let runs = 0;
    const failedEvents = collect(q, 'failed', 3);
    await q.process(async () => {
      runs++;
      throw new Error(`attempt ${runs} failed`);
    });
    const job = await q.add('flaky', {}, { attempts: 3 });
    await expect(job.finished()).rejects.toThrow('attempt 3 failed');
    const failed = (await q.getJob(job.id))!;
    expect(runs).toBe(3);
    expect(failed.attemptsMade).toBe(3);
    expect(failed.failedReason).toBe('attempt 3 failed');
    expect(failed.stacktrace).toHaveLength(3);
    expect(failed.stacktrace!.map((s) => s.split('\n')[0])).toEqual(['Error: attempt 1 failed', 'Error: attempt 2 failed', 'Error: attempt 3 failed']);
    expect(failed.finishedOn).toBeGreaterThanOrEqual(failed.processedOn!);
    expect(await failed.getState()).toBe('failed');
    // `failed` fires on every attempt, with the error the handler threw.
    const errors = (await failedEvents).map(([, err]) => (err as Error).message);
    expect(errors).toEqual(['attempt 1 failed', 'attempt 2 failed', 'attempt 3 failed']);
    // Between attempts the job was waiting again (no backoff), never finished.
    const history = await job.history();
    expect(history.map((e) => e.type)).toEqual(['added', 'active', 'failed', 'active', 'failed', 'active', 'failed']);
    expect(statesOf(job.id, history)).toEqual(['waiting', 'active', 'waiting', 'active', 'waiting', 'active', 'failed']);
  });

  it('a job that succeeds on a later attempt completes with the failures counted', async () => {
    const q = makeQueue();
    await q.process(async (job) => {
      if (job.attemptsMade < 2) throw new Error(`not yet (${job.attemptsMade})`);
      return `done after ${job.attemptsMade} failures`;
    });
    const job = await q.add('flaky', {}, { attempts: 5 });
    expect(await job.finished()).toBe('done after 2 failures');
    const done = (await q.getJob(job.id))!;
    expect(done.attemptsMade).toBe(2);
    expect(done.stacktrace).toHaveLength(2);
    expect(done.returnvalue).toBe('done after 2 failures');
    expect(await done.getState()).toBe('completed');
  });

  it('a first-time success leaves attemptsMade at 0 and no failure behind', async () => {
    const q = makeQueue();
    await q.process(async () => 'ok');
    const job = await q.add('fine', {}, { attempts: 3 });
    await job.finished();
    const done = (await q.getJob(job.id))!;
    expect(done).toMatchObject({ attemptsMade: 0, failedReason: null, stacktrace: null, returnvalue: 'ok' });
  });

  it('finishedOn stays unset while the job still has attempts left', async () => {
    const q = makeQueue();
    const failed = next(q, 'failed');
    await q.process(async () => {
      throw new Error('nope');
    });
    const job = await q.add('flaky', {}, { attempts: 2, backoff: 60_000 });
    const [failedJob] = (await failed) as [Job];
    expect(failedJob.finishedOn).toBeNull();
    expect(failedJob.attemptsMade).toBe(1);
    expect(await job.getState()).toBe('delayed');
  });
});

describe('stackTraceLimit', () => {
  it('keeps only the newest `stackTraceLimit` traces', async () => {
    const q = makeQueue();
    let runs = 0;
    await q.process(async () => {
      throw new Error(`failure ${++runs}`);
    });
    const job = await q.add('flaky', {}, { attempts: 4, stackTraceLimit: 2 });
    await expect(job.finished()).rejects.toThrow('failure 4');
    const failed = (await q.getJob(job.id))!;
    expect(failed.attemptsMade).toBe(4);
    expect(failed.stacktrace!.map((s) => s.split('\n')[0])).toEqual(['Error: failure 3', 'Error: failure 4']);
  });

  it('stackTraceLimit 0 keeps none, yet counts and explains the failures', async () => {
    const q = makeQueue();
    await q.process(async () => {
      throw new Error('always');
    });
    const job = await q.add('flaky', {}, { attempts: 2, stackTraceLimit: 0 });
    await expect(job.finished()).rejects.toThrow('always');
    expect(await q.getJob(job.id)).toMatchObject({ attemptsMade: 2, stacktrace: [], failedReason: 'always' });
  });
});

describe('where a failed attempt goes', () => {
  it('without a backoff the job waits again at once', async () => {
    const q = makeQueue();
    const waiting = collect(q, 'waiting', 2);
    await q.process(async (job) => {
      if (job.attemptsMade === 0) throw new Error('once');
    });
    const job = await q.add('flaky', {}, { attempts: 2 });
    await job.finished();
    const [[added], [requeued]] = (await waiting) as [[Job], [Job]];
    expect(added.id).toBe(job.id);
    expect(requeued).toMatchObject({ id: job.id, attemptsMade: 1 });
    expect(statesOf(job.id, await job.history())).toEqual(['waiting', 'active', 'waiting', 'active', 'completed']);
  });

  it('with a backoff the job is delayed, then waits, then runs', async () => {
    const q = makeQueue();
    const delayed = next(q, 'delayed');
    await q.process(async (job) => {
      if (job.attemptsMade === 0) throw new Error('once');
    });
    const job = await q.add('flaky', {}, { attempts: 2, backoff: 20 });
    const [delayedJob] = (await delayed) as [Job];
    expect(delayedJob.id).toBe(job.id);
    await job.finished();
    const history = await job.history();
    expect(history.map((e) => e.type)).toEqual(['added', 'active', 'failed', 'promoted', 'active', 'completed']);
    expect(statesOf(job.id, history)).toEqual(['waiting', 'active', 'delayed', 'waiting', 'active', 'completed']);
  });
});

describe('discard()', () => {
  it('called in the handler, makes this failure final despite attempts left', async () => {
    const q = makeQueue();
    let runs = 0;
    await q.process(async (job) => {
      runs++;
      await job.discard();
      throw new Error('hopeless');
    });
    const job = await q.add('doomed', {}, { attempts: 5, backoff: 10 });
    await expect(job.finished()).rejects.toThrow('hopeless');
    expect(runs).toBe(1);
    expect(await q.getJob(job.id)).toMatchObject({ attemptsMade: 1, failedReason: 'hopeless' });
    expect(await job.getState()).toBe('failed');
    expect((await job.history()).map((e) => e.type)).toEqual(['added', 'active', 'discarded', 'failed']);
  });

  it('called on a waiting job from outside, makes its first failure final', async () => {
    const q = makeQueue();
    const job = await q.add('doomed', {}, { attempts: 5 });
    await job.discard();
    let runs = 0;
    await q.process(async () => {
      runs++;
      throw new Error('hopeless');
    });
    await expect(job.finished()).rejects.toThrow('hopeless');
    expect(runs).toBe(1);
  });

  it('does not stop a job that then succeeds', async () => {
    const q = makeQueue();
    await q.process(async (job) => {
      await job.discard();
      return 'fine anyway';
    });
    const job = await q.add('x', {}, { attempts: 3 });
    expect(await job.finished()).toBe('fine anyway');
  });
});

describe('retry()', () => {
  it('moves a failed job back to waiting, and it runs again', async () => {
    const q = makeQueue();
    let runs = 0;
    await q.process(async () => {
      if (++runs === 1) throw new Error('first run fails');
      return 'second run works';
    });
    const job = await q.add('x', {});
    await expect(job.finished()).rejects.toThrow('first run fails');
    const failed = (await q.getJob(job.id))!;
    const waiting = next(q, 'global:waiting');
    await failed.retry();
    expect(await waiting).toEqual([job.id]);
    expect(failed.finishedOn).toBeNull();
    expect(await job.finished()).toBe('second run works');
    expect(runs).toBe(2);
    expect((await job.history()).map((e) => e.type)).toEqual(['added', 'active', 'failed', 'retried', 'active', 'completed']);
  });

  it('refuses a job that is not failed', async () => {
    const q = makeQueue();
    const job = await q.add('x', {});
    await expect(job.retry()).rejects.toMatchObject({ code: 'ERR_REFUSED' });
    await q.process(async () => 'ok');
    await job.finished();
    await expect(job.retry()).rejects.toMatchObject({ code: 'ERR_REFUSED', message: expect.stringMatching(/completed/) });
  });
});
