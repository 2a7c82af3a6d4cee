// Stalled jobs. Node has no Web Locks, so liveness is the heartbeat fallback: each processing
// instance renews an owner record, and a sweep every `stalledInterval` requeues the active jobs of
// owners whose heartbeat lapsed. A processor that dies is simulated with `crash()`, which abandons
// its jobs and drops its heartbeat, as a crashed tab would. (A tab that goes away in an orderly way
// gives its jobs back instead: see released.test.ts.)
import { describe, expect, it } from 'vitest';
import type { Job, Queue } from '../../../src/index.js';
import { crash, makeQueue, next } from '../helpers.js';
import { collect, deferred, fastStalls, readLog, statesOf, untilAborted } from './support.js';

/** A processor instance that takes one job and holds it until it dies. */
async function holder(settings: object = fastStalls, listen: (q: Queue) => void = () => {}) {
  const q = makeQueue('test', { settings });
  // Listeners go on before process(): starting to process sweeps for stalled jobs at once.
  listen(q);
  const holding = deferred<Job>();
  await q.process(async (job, signal) => {
    holding.resolve(job);
    return untilAborted(signal);
  });
  return { q, holding: holding.promise };
}

describe('a processor that dies', () => {
  it('has its job requeued by a live instance with a stalled event, and the job then runs there', async () => {
    const dying = await holder();
    const job = await dying.q.add('x', {});
    await dying.holding;
    const survivor = makeQueue('test', { settings: fastStalls });
    const other = makeQueue('test');
    await survivor.process(async () => 'finished by the survivor');
    const stalled = next(survivor, 'stalled');
    const globalStalled = next(other, 'global:stalled');
    const completed = next(survivor, 'completed');
    await crash(dying.q);
    expect(((await stalled)[0] as Job).id).toBe(job.id);
    expect(await globalStalled).toEqual([job.id]);
    expect((await completed)[1]).toBe('finished by the survivor');
    const history = await survivor.getJob(job.id).then((j) => j!.history());
    expect(history.map((e) => e.type)).toEqual(['added', 'active', 'stalled', 'active', 'completed']);
    expect(statesOf(job.id, history)).toEqual(['waiting', 'active', 'waiting', 'active', 'completed']);
    // A stall is not a failed attempt.
    expect(await survivor.getJob(job.id)).toMatchObject({ attemptsMade: 0, stacktrace: null, failedReason: null });
  });

  it('has its job put back ahead of every other waiting job', async () => {
    const dying = await holder();
    const first = await dying.q.add('first', {});
    await dying.holding;
    // Added later with the best priority: normally these would run next.
    await dying.q.add('urgent-1', {}, { priority: 1 });
    await dying.q.add('urgent-2', {}, { priority: 1 });
    await dying.q.pause();
    const survivor = makeQueue('test', { settings: fastStalls });
    const ran: string[] = [];
    await survivor.process(async (job) => {
      ran.push(job.name);
    });
    const stalled = next(survivor, 'stalled');
    await crash(dying.q);
    expect(((await stalled)[0] as Job).id).toBe(first.id);
    expect((await survivor.getWaiting()).map((j) => j.name)).toEqual(['first', 'urgent-1', 'urgent-2']);
    const done = collect(survivor, 'completed', 3);
    await survivor.resume();
    await done;
    expect(ran).toEqual(['first', 'urgent-1', 'urgent-2']);
  });

  it('with maxStalledCount 1 (Bull’s default), is requeued once, then, stalling again, fails with "job stalled more than allowable limit"', async () => {
    const bull = { ...fastStalls, maxStalledCount: 1 };
    const first = await holder(bull);
    const job = await first.q.add('x', {}, { attempts: 3 });
    await first.holding;
    await crash(first.q);
    // A new instance (a reloaded page) finds the job left active, requeues it, takes it, and dies too.
    let stalledOnce!: Promise<unknown[]>;
    const second = await holder(bull, (q) => (stalledOnce = next(q, 'stalled')));
    expect(((await stalledOnce)[0] as Job).id).toBe(job.id);
    expect((await second.holding).id).toBe(job.id);
    await crash(second.q);
    // The third one finds it stalled a second time: with maxStalledCount 1, it fails for good.
    const third = makeQueue('test', { settings: bull });
    const stalledAgain = next(third, 'stalled');
    const failed = next(third, 'failed');
    const globalFailed = next(third, 'global:failed');
    let ranOnThird = false;
    await third.process(async () => {
      ranOnThird = true;
    });
    expect(((await stalledAgain)[0] as Job).id).toBe(job.id);
    const [failedJob, err] = (await failed) as [Job, Error];
    expect(failedJob.failedReason).toBe('job stalled more than allowable limit');
    expect(err.message).toBe('job stalled more than allowable limit');
    expect(await globalFailed).toEqual([job.id, 'job stalled more than allowable limit']);
    const stored = (await third.getJob(job.id))!;
    expect(await stored.getState()).toBe('failed');
    expect(stored.finishedOn).not.toBeNull();
    // Attempts left do not matter: stalling is not a failed attempt.
    expect(stored.attemptsMade).toBe(0);
    await expect(stored.finished()).rejects.toThrow('job stalled more than allowable limit');
    expect(ranOnThird).toBe(false);
    expect((await stored.history()).map((e) => e.type)).toEqual(['added', 'active', 'stalled', 'active', 'stalled']);
  });

  it('maxStalledCount 0 fails the job at its first stall', async () => {
    const dying = await holder();
    const job = await dying.q.add('x', {});
    await dying.holding;
    const survivor = makeQueue('test', { settings: { ...fastStalls, maxStalledCount: 0 } });
    await survivor.process(async () => 'never');
    const failed = next(survivor, 'failed');
    await crash(dying.q);
    expect(((await failed)[0] as Job).failedReason).toBe('job stalled more than allowable limit');
    expect(await survivor.getJob(job.id).then((j) => j!.getState())).toBe('failed');
  });

  it('with removeOnFail, a job that stalls too often is deleted like any finally failed job', async () => {
    const dying = await holder();
    const job = await dying.q.add('x', {}, { removeOnFail: true });
    await dying.holding;
    const survivor = makeQueue('test', { settings: { ...fastStalls, maxStalledCount: 0 } });
    await survivor.process(async () => 'never');
    const failed = next(survivor, 'failed');
    await crash(dying.q);
    await failed;
    expect(await survivor.getJob(job.id)).toBeNull();
    expect((await readLog()).filter((e) => e.jobId === job.id)).toEqual([]);
  });
});

describe('a live processor', () => {
  it('keeps its jobs while it renews its heartbeat, however long they run', async () => {
    // Renewed every 25 ms, valid 250 ms: generous enough for heartbeats queued behind other
    // transactions on a loaded machine, short enough that the job outlives several leases.
    const settings = { lockDuration: 250, lockRenewTime: 25, stalledInterval: 25 };
    const q = makeQueue('test', { settings });
    const watcher = makeQueue('test', { settings });
    const stalls: unknown[] = [];
    watcher.on('global:stalled', (id) => stalls.push(id));
    q.on('global:stalled', (id) => stalls.push(id));
    const release = deferred();
    const started = deferred();
    await q.process(async () => {
      started.resolve();
      await release.promise;
      return 'done';
    });
    // The watcher sweeps for stalled jobs but takes none: the job must run in q.
    await watcher.process(async () => 'watcher');
    await watcher.pause(true);
    const job = await q.add('long', {});
    await started.promise;
    // Several lock durations and sweeps pass while the job runs.
    await new Promise((r) => setTimeout(r, settings.lockDuration * 3));
    release.resolve();
    expect(await job.finished()).toBe('done');
    expect(stalls).toEqual([]);
    expect((await job.history()).map((e) => e.type)).toEqual(['added', 'active', 'completed']);
  });

  it('abandons nothing on a graceful close: no stall follows', async () => {
    const q = makeQueue('test', { settings: fastStalls });
    const release = deferred();
    const started = deferred();
    await q.process(async () => {
      started.resolve();
      await release.promise;
      return 'done';
    });
    const job = await q.add('x', {});
    await started.promise;
    const closing = q.close();
    release.resolve();
    await closing;
    const next = makeQueue('test', { settings: fastStalls });
    await next.process(async () => 'again');
    await new Promise((r) => setTimeout(r, fastStalls.stalledInterval * 3));
    expect((await next.getJob(job.id))?.returnvalue).toBe('done');
    expect((await readLog()).filter((e) => e.type === 'stalled')).toEqual([]);
  });
});
