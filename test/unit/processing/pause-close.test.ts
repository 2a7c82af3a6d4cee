// pause() stops claiming everywhere (active jobs finish) and is stored; resume() restarts.
// close() stops claiming, waits for active jobs or aborts them with { force: true }, then refuses calls.
import { describe, expect, it } from 'vitest';
import type { Job } from '../../../src/index.js';
import { makeQueue, next, sleep } from '../helpers.js';
import { collect, deferred, readLog, untilAborted } from './support.js';

describe('pause()', () => {
  it('stops claiming while the active job finishes', async () => {
    const q = makeQueue();
    const release = deferred();
    const started = deferred();
    await q.process(async (job) => {
      if (job.data === 'first') {
        started.resolve();
        await release.promise;
      }
      return job.data;
    });
    const first = await q.add('x', 'first');
    await started.promise;
    await q.add('x', 'second');
    await q.add('x', 'third');
    await q.pause();
    const completed = next(q, 'completed');
    release.resolve();
    expect((await completed)[1]).toBe('first');
    // The transaction that wrote the completion also tried to claim: the pause held.
    expect(await q.getJobCounts()).toMatchObject({ active: 0, waiting: 2, completed: 1 });
    expect(await first.getState()).toBe('completed');
    expect(await q.isPaused()).toBe(true);
  });

  it('by another instance stops this one too; resume() there restarts it', async () => {
    const worker = makeQueue();
    const controller = makeQueue();
    const ran: number[] = [];
    await worker.process(async (job) => {
      ran.push(job.data);
    });
    const pausedSeen = next(worker, 'global:paused');
    await controller.pause();
    await pausedSeen;
    await controller.addBulk([{ data: 1 }, { data: 2 }]);
    // The worker is woken by the new jobs and finds the queue paused.
    await next(worker, 'global:waiting');
    await sleep(20);
    expect(ran).toEqual([]);
    expect(await worker.getJobCounts()).toMatchObject({ waiting: 2, active: 0 });
    const done = collect(worker, 'completed', 2);
    await controller.resume();
    await done;
    expect(ran).toEqual([1, 2]);
  });

  it('is stored: it holds for an instance opened later, and after a reload', async () => {
    const first = makeQueue();
    await first.add('x', 'kept');
    await first.pause();
    await first.close();
    const reloaded = makeQueue();
    expect(await reloaded.isPaused()).toBe(true);
    const ran: string[] = [];
    await reloaded.process(async (job) => {
      ran.push(job.data);
    });
    await sleep(20);
    expect(ran).toEqual([]);
    const done = next(reloaded, 'completed');
    await reloaded.resume();
    await done;
    expect(ran).toEqual(['kept']);
    expect(await reloaded.isPaused()).toBe(false);
  });

  it('is an event in the log (and a no-op when already paused)', async () => {
    const q = makeQueue();
    await q.pause();
    await q.pause();
    await q.resume();
    await q.resume();
    expect((await readLog()).map((e) => e.type)).toEqual(['paused', 'resumed']);
  });
});

describe('close()', () => {
  it('waits for the active jobs, whose outcome (and progress) is still written', async () => {
    const q = makeQueue();
    const release = deferred();
    const started = deferred();
    await q.process(async (job) => {
      started.resolve();
      await release.promise;
      await job.updateProgress(100);
      return 'finished during close';
    });
    const job = await q.add('x', {});
    await q.add('x', {});
    await started.promise;
    let closed = false;
    const closing = q.close().then(() => (closed = true));
    await sleep(20);
    expect(closed).toBe(false);
    release.resolve();
    await closing;
    const after = makeQueue();
    expect(await after.getJob(job.id)).toMatchObject({ returnvalue: 'finished during close', progress: 100 });
    // Nothing new was claimed once closing began.
    expect(await after.getJobCounts()).toMatchObject({ completed: 1, waiting: 1, active: 0 });
  });

  it('called while a claim is in flight leaves no job active and unattended', async () => {
    const q = makeQueue();
    await q.addBulk([{ data: 1 }, { data: 2 }]);
    await q.process(async (job) => {
      await sleep(20);
      return job.data;
    });
    // process() resolves when the instance is ready; its first claim is still being written.
    await q.close();
    const after = makeQueue();
    // The claim in flight took one job: close() waited for it like for any active job.
    expect(await after.getJobCounts()).toMatchObject({ active: 0, completed: 1, waiting: 1 });
  });

  it('with { force: true } aborts the active jobs’ signals, does not wait for them, and gives them back', async () => {
    const q = makeQueue();
    const started = deferred();
    let reason: unknown;
    await q.process(async (_job, signal) => {
      started.resolve();
      try {
        return await untilAborted(signal);
      } catch (err) {
        reason = err;
        throw err;
      }
    });
    const job = await q.add('x', {});
    await started.promise;
    await q.close({ force: true });
    expect(reason).toMatchObject({ code: 'ERR_QUEUE_CLOSED' });
    // Given back, not failed: waiting again, first in line, no attempt used, no stall.
    const after = makeQueue();
    const stored = (await after.getJob(job.id))!;
    expect(await stored.getState()).toBe('waiting');
    expect(stored.attemptsMade).toBe(0);
    expect((await readLog()).map((e) => e.type)).toEqual(['added', 'active', 'released']);
    expect((await readLog()).at(-1)).toMatchObject({ payload: { reason: 'The queue was closed' } });
  });

  it('makes the queue reject every later call with ERR_QUEUE_CLOSED', async () => {
    const q = makeQueue();
    const job = await q.add('x', {});
    await q.close();
    expect(q.closed).toBe(true);
    const closed = { code: 'ERR_QUEUE_CLOSED' };
    await expect(q.add('x', {})).rejects.toMatchObject(closed);
    await expect(q.addBulk([{ data: 1 }])).rejects.toMatchObject(closed);
    await expect(q.process(async () => {})).rejects.toMatchObject(closed);
    await expect(q.getJob(job.id)).rejects.toMatchObject(closed);
    await expect(q.getJobCounts()).rejects.toMatchObject(closed);
    await expect(q.getWaiting()).rejects.toMatchObject(closed);
    await expect(q.pause()).rejects.toMatchObject(closed);
    await expect(q.resume()).rejects.toMatchObject(closed);
    await expect(q.clean(0)).rejects.toMatchObject(closed);
    await expect(q.empty()).rejects.toMatchObject(closed);
    await expect(q.obliterate()).rejects.toMatchObject(closed);
    await expect(job.remove()).rejects.toMatchObject(closed);
    await expect(job.retry()).rejects.toMatchObject(closed);
    await expect(q.add('x', {})).rejects.toThrow(/closed/);
    // Closing again is harmless.
    await q.close();
  });

  it('of a processing instance rejects the finished() calls still waiting on it', async () => {
    const q = makeQueue();
    const job = await q.add('x', {});
    const finished = job.finished();
    await q.close();
    await expect(finished).rejects.toMatchObject({ code: 'ERR_QUEUE_CLOSED' });
  });

  it('does not disturb another instance of the same queue', async () => {
    const a = makeQueue();
    const b = makeQueue();
    await a.close();
    await b.process(async (job: Job) => job.data);
    const job = await b.add('x', 7);
    expect(await job.finished()).toBe(7);
  });
});

describe("Bull's local pause: pause(true), resume(true), isPaused(true) (issue 12)", () => {
  it('stops this instance only, stores nothing, and resolves once its active job finished', async () => {
    const here = makeQueue();
    const there = makeQueue();
    const release = deferred();
    const started = deferred();
    const ranHere: unknown[] = [];
    await here.process(async (job) => {
      ranHere.push(job.data);
      if (job.data === 'first') {
        started.resolve();
        await release.promise;
      }
    });
    await here.add('x', 'first');
    await started.promise;
    let paused = false;
    const pausing = here.pause(true).then(() => (paused = true));
    await sleep(20);
    expect(paused).toBe(false);
    release.resolve();
    await pausing;
    expect(await here.isPaused(true)).toBe(true);
    expect(await here.isPaused()).toBe(false);
    expect(await there.isPaused(true)).toBe(false);
    // Nothing stored: no paused event in the log, and another instance takes the work.
    expect((await readLog()).filter((e) => e.type === 'paused')).toEqual([]);
    const second = await here.add('x', 'second');
    await there.process(async (job) => `there: ${job.data}`);
    expect(await second.finished()).toBe('there: second');
    expect(ranHere).toEqual(['first']);
  });

  it('resume(true) starts claiming again; paused and resumed are emitted locally only', async () => {
    const q = makeQueue();
    const other = makeQueue();
    const events: string[] = [];
    q.on('paused', () => events.push('paused'));
    q.on('resumed', () => events.push('resumed'));
    other.on('global:paused', () => events.push('global:paused'));
    await q.pause(true);
    await q.process(async (job) => job.data);
    const woken = next(q, 'global:waiting');
    const job = await q.add('x', 'later');
    await woken;
    await sleep(20);
    expect(await job.getState()).toBe('waiting');
    await q.resume(true);
    expect(await job.finished()).toBe('later');
    expect(await q.isPaused(true)).toBe(false);
    expect(events).toEqual(['paused', 'resumed']);
  });

  it('pause(true, true) does not wait for the active jobs', async () => {
    const q = makeQueue();
    const release = deferred();
    const started = deferred();
    await q.process(async () => {
      started.resolve();
      await release.promise;
      return 'done';
    });
    const job = await q.add('x', {});
    await started.promise;
    await q.pause(true, true);
    expect(await job.getState()).toBe('active');
    release.resolve();
    expect(await job.finished()).toBe('done');
  });

  it('refuses arguments that are not booleans', async () => {
    const q = makeQueue();
    await expect(q.pause('local' as never)).rejects.toThrow(/pause: argument isLocal must be a boolean, got "local"/);
    await expect(q.resume(1 as never)).rejects.toThrow(/resume: argument isLocal must be a boolean, got 1/);
    await expect(q.isPaused({} as never)).rejects.toThrow(/isPaused: argument isLocal must be a boolean/);
    expect(await q.isPaused()).toBe(false);
  });
});

describe('whenCurrentJobsFinished() (issue 12)', () => {
  it('resolves once the jobs running now have finished and been written; claiming goes on', async () => {
    const q = makeQueue();
    const release = deferred();
    const started = deferred();
    await q.process(2, async (job) => {
      if (job.data === 'slow') {
        started.resolve();
        await release.promise;
      }
      return job.data;
    });
    const slow = await q.add('x', 'slow');
    await started.promise;
    let finished = false;
    const waiting = q.whenCurrentJobsFinished().then(() => (finished = true));
    // A job added meanwhile still runs: this is not a pause.
    const quick = await q.add('x', 'quick');
    expect(await quick.finished()).toBe('quick');
    expect(finished).toBe(false);
    release.resolve();
    await waiting;
    expect(await slow.getState()).toBe('completed');
  });

  it('resolves at once on an instance that processes nothing', async () => {
    const q = makeQueue();
    await q.whenCurrentJobsFinished();
  });
});

describe("close(true): Bull's form of close({ force: true }) (issue 12)", () => {
  it('aborts the active jobs and does not wait for them', async () => {
    const q = makeQueue();
    const started = deferred();
    let reason: unknown;
    await q.process(async (_job, signal) => {
      started.resolve();
      try {
        return await untilAborted(signal);
      } catch (err) {
        reason = err;
        throw err;
      }
    });
    await q.add('x', {});
    await started.promise;
    await q.close(true);
    expect(reason).toMatchObject({ code: 'ERR_QUEUE_CLOSED' });
  });

  it('refuses a force that is not a boolean', async () => {
    const q = makeQueue();
    await expect(q.close({ force: 'yes' } as never)).rejects.toThrow(/close: argument force must be a boolean, got "yes"/);
    expect(q.closed).toBe(false);
  });
});
