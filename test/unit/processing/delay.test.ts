// `delay`: a job never starts before timestamp + delay; due jobs become waiting in due order (FIFO on
// ties) on a timer; promote() moves one now.
import { describe, expect, it } from 'vitest';
import type { Job } from '../../../src/index.js';
import { makeQueue, next, sleep } from '../helpers.js';
import { collect, deferred, readLog, statesOf, when } from './support.js';

describe('delay', () => {
  it('a delayed job waits in `delayed`, then starts on its own once due, never before', async () => {
    const q = makeQueue();
    let startedAt = 0;
    await q.process(async () => {
      startedAt = Date.now();
      return 'ran';
    });
    const delayedEvent = next(q, 'delayed');
    const job = await q.add('later', {}, { delay: 60 });
    expect(((await delayedEvent)[0] as Job).id).toBe(job.id);
    expect(job.delay).toBe(60);
    // Nothing else happens in this queue: only the runner's timer can start the job.
    expect(await job.finished()).toBe('ran');
    const done = (await q.getJob(job.id))!;
    expect(startedAt - done.timestamp).toBeGreaterThanOrEqual(60);
    expect(done.processedOn! - done.timestamp).toBeGreaterThanOrEqual(60);
    const history = await job.history();
    expect(history.map((e) => e.type)).toEqual(['added', 'promoted', 'active', 'completed']);
    expect(statesOf(job.id, history)).toEqual(['delayed', 'waiting', 'active', 'completed']);
  });

  it('a job added with an earlier due time than the one the runner waits for is not kept waiting', async () => {
    const q = makeQueue();
    await q.process(async (job) => job.name);
    await q.add('far', {}, { delay: 60_000 });
    // Let the runner arm its timer for the far job first.
    await sleep(20);
    const soon = await q.add('soon', {}, { delay: 30 });
    expect(await soon.finished()).toBe('soon');
    expect(await q.getJobCounts()).toMatchObject({ delayed: 1, completed: 1 });
  });

  it('due jobs become waiting in due order, FIFO among jobs due at the same time', async () => {
    const q = makeQueue();
    const blocker = deferred();
    const ran: string[] = [];
    await q.add('blocker', {});
    await q.process(async (job) => {
      ran.push(job.name);
      if (job.name === 'blocker') await blocker.promise;
    });
    // One addBulk: one timestamp, so equal delays are equal due times.
    const jobs = await q.addBulk([
      { name: 'late', data: {}, opts: { delay: 80 } },
      { name: 'tie-1', data: {}, opts: { delay: 40 } },
      { name: 'mid', data: {}, opts: { delay: 60 } },
      { name: 'tie-2', data: {}, opts: { delay: 40 } },
    ]);
    const done = collect(q, 'completed', 5);
    // Hold the only slot until every delayed job is due, so one claim promotes them all together.
    await sleep(jobs[0]!.timestamp + 80 - Date.now() + 5);
    blocker.resolve();
    await done;
    const promoted = (await readLog()).filter((e) => e.type === 'promoted').map((e) => jobs.find((j) => j.id === e.jobId)!.name);
    expect(promoted).toEqual(['tie-1', 'tie-2', 'mid', 'late']);
    expect(ran).toEqual(['blocker', 'tie-1', 'tie-2', 'mid', 'late']);
  });

  it('falls due on time while every slot is busy, ahead of jobs that start waiting after it', async () => {
    const q = makeQueue();
    const blocker = deferred();
    const ran: string[] = [];
    await q.add('blocker', {});
    const blocking = deferred();
    await q.process(async (job) => {
      ran.push(job.name);
      if (job.name === 'blocker') {
        blocking.resolve();
        await blocker.promise;
      }
    });
    await blocking.promise;
    const due = await q.add('due-first', {}, { delay: 20 });
    const waiting = when(q, 'waiting', (job: Job) => job.id === due.id);
    await waiting;
    expect(Date.now() - due.timestamp).toBeGreaterThanOrEqual(20);
    expect(await q.getJobCounts()).toMatchObject({ delayed: 0, waiting: 1, active: 1 });
    await q.add('added-later', {});
    const done = collect(q, 'completed', 3);
    blocker.resolve();
    await done;
    expect(ran).toEqual(['blocker', 'due-first', 'added-later']);
  });

  it('a due job still waits its turn behind a better priority', async () => {
    const q = makeQueue();
    const blocker = deferred();
    const ran: string[] = [];
    await q.add('blocker', {});
    await q.process(async (job) => {
      ran.push(job.name);
      if (job.name === 'blocker') await blocker.promise;
    });
    const delayed = await q.add('was-delayed', {}, { delay: 20, priority: 5 });
    await q.add('urgent', {}, { priority: 1 });
    const done = collect(q, 'completed', 3);
    await sleep(delayed.timestamp + 20 - Date.now() + 5);
    blocker.resolve();
    await done;
    expect(ran).toEqual(['blocker', 'urgent', 'was-delayed']);
  });
});

describe('promote()', () => {
  it('moves a delayed job to waiting now, and it runs', async () => {
    const q = makeQueue();
    await q.process(async () => 'ran early');
    const job = await q.add('x', {}, { delay: 60_000 });
    const waiting = next(q, 'waiting');
    await job.promote();
    expect(((await waiting)[0] as Job).id).toBe(job.id);
    expect(await job.finished()).toBe('ran early');
    const history = await job.history();
    expect(history.map((e) => e.type)).toEqual(['added', 'promoted', 'active', 'completed']);
    expect(history[1]).toMatchObject({ payload: { due: false } });
  });

  it('refuses a job that is not delayed', async () => {
    const q = makeQueue();
    const job = await q.add('x', {});
    await expect(job.promote()).rejects.toMatchObject({ code: 'ERR_REFUSED', message: expect.stringMatching(/waiting/) });
  });
});
