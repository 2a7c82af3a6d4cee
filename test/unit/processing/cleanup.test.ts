// clean(), empty() and obliterate() on a queue that is processing.
import { describe, expect, it } from 'vitest';
import type { Job } from '../../../src/index.js';
import { makeQueue, next, sleep } from '../helpers.js';
import { deferred, readLog, untilAborted } from './support.js';

/** A queue with one job held active by its processor, plus whatever `setup` adds. */
async function withActiveJob() {
  const q = makeQueue();
  const started = deferred<AbortSignal>();
  const release = deferred();
  await q.process('hold', async (_job, signal) => {
    started.resolve(signal);
    await Promise.race([release.promise, untilAborted(signal)]);
    return 'held';
  });
  const active = await q.add('hold', {});
  const signal = await started.promise;
  return { q, active, signal, release: () => release.resolve() };
}

describe('clean()', () => {
  it('removes finished jobs older than the grace period, newest kept, and emits cleaned', async () => {
    const q = makeQueue();
    await q.process(async (job) => {
      if (job.data === 'fail') throw new Error('failed on purpose');
      return job.data;
    });
    const old1 = await q.add('x', 'a');
    const old2 = await q.add('x', 'b');
    const oldFailed = await q.add('x', 'fail');
    await old1.finished();
    await old2.finished();
    await oldFailed.finished().catch(() => {});
    await sleep(60);
    const young = await q.add('x', 'c');
    await young.finished();
    const cleaned = next(q, 'cleaned');
    // A grace period ending 30 ms before the young job finished: the old ones finished 60+ ms before it.
    const grace = Date.now() - (await q.getJob(young.id))!.finishedOn! + 30;
    const removed = await q.clean(grace, 'completed');
    expect(removed.map((j) => j.id).sort()).toEqual([old1.id, old2.id]);
    const [jobs, status] = (await cleaned) as [Job[], string];
    expect(jobs.map((j) => j.id).sort()).toEqual([old1.id, old2.id]);
    expect(status).toBe('completed');
    expect((await q.getCompleted()).map((j) => j.id)).toEqual([young.id]);
    expect((await q.getFailed()).map((j) => j.id)).toEqual([oldFailed.id]);
    expect((await readLog()).some((e) => e.jobId === old1.id)).toBe(false);
  });

  it('removes at most `limit` jobs, oldest first', async () => {
    const q = makeQueue();
    await q.process(async () => 'ok');
    const jobs = [];
    for (let i = 0; i < 4; i++) {
      const job = await q.add('x', i);
      await job.finished();
      jobs.push(job);
    }
    await sleep(5); // all older than a grace of 0 ms
    const removed = await q.clean(0, 'completed', 3);
    expect(removed.map((j) => j.id)).toEqual(jobs.slice(0, 3).map((j) => j.id));
    expect((await q.getCompleted()).map((j) => j.id)).toEqual([jobs[3]!.id]);
  });

  it('of waiting jobs does not touch the job being processed', async () => {
    const { q, active, signal, release } = await withActiveJob();
    await q.add('hold', {});
    await q.pause();
    await sleep(5); // older than a grace of 0 ms
    const removed = await q.clean(0, 'wait');
    expect(removed).toHaveLength(1);
    expect(signal.aborted).toBe(false);
    release();
    expect(await active.finished()).toBe('held');
  });

  it('of active jobs takes none: an active job belongs to the processor running it', async () => {
    const { q, active, signal, release } = await withActiveJob();
    await sleep(5); // older than a grace of 0 ms
    expect(await q.clean(0, 'active')).toEqual([]);
    expect(signal.aborted).toBe(false);
    expect(await active.getState()).toBe('active');
    release();
    expect(await active.finished()).toBe('held');
  });
});

describe('empty()', () => {
  it('removes waiting and delayed jobs; the active one finishes, finished ones stay', async () => {
    const { q, active, signal, release } = await withActiveJob();
    await q.add('hold', {});
    await q.add('hold', {}, { delay: 60_000 });
    await q.add('hold', {}, { priority: 1 });
    await q.empty();
    expect(await q.getJobCounts()).toMatchObject({ waiting: 0, delayed: 0, active: 1 });
    expect(signal.aborted).toBe(false);
    release();
    expect(await active.finished()).toBe('held');
    expect(await q.getJobCounts()).toMatchObject({ waiting: 0, delayed: 0, active: 0, completed: 1 });
  });
});

describe('obliterate()', () => {
  it('refuses while a job is active, and removes nothing', async () => {
    const { q, active, release } = await withActiveJob();
    await q.add('hold', {});
    await expect(q.obliterate()).rejects.toMatchObject({ code: 'ERR_REFUSED', message: expect.stringMatching(/active/) });
    expect(await q.getJobCounts()).toMatchObject({ active: 1, waiting: 1 });
    release();
    expect(await active.finished()).toBe('held');
  });

  it('with { force: true } aborts the active job, removes everything, and the queue goes on', async () => {
    const { q, active, signal } = await withActiveJob();
    const errors: Error[] = [];
    q.on('error', (err) => errors.push(err));
    await q.add('hold', {}, { delay: 60_000 });
    const finished = active.finished();
    await q.obliterate({ force: true });
    expect(signal.aborted).toBe(true);
    await expect(finished).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    expect(await q.getJobCounts()).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0, 'waiting-children': 0 });
    expect(await readLog()).toEqual([]);
    // The aborted attempt's outcome is dropped quietly; new work runs as usual.
    await q.process('fresh', async () => 'fresh');
    const fresh = await q.add('fresh', {});
    expect(await fresh.finished()).toBe('fresh');
    expect(errors).toEqual([]);
  });
});
