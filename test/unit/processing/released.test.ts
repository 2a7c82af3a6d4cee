// A queue instance that goes away in an orderly way — `close({ force: true })`, its page hidden for
// good (`pagehide`), its database taken away — gives its active jobs back: a `released` event, the
// job waiting again at the front of the line, no attempt used, not a stall. When it cannot live to
// write that (a page being torn down cuts off a transaction that waits for a read), the one write it
// can still make is a note, and whoever requeues its jobs releases them instead of stalling them.
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { foldJob, type Job } from '../../../src/index.js';
import { leaveNote } from '../../../src/store/owners.js';
import type { QueueDB } from '../../../src/store/open-db.js';
import { crash, makeQueue, next } from '../helpers.js';
import { deferred, fastStalls, readLog, statesOf, untilAborted } from './support.js';

afterEach(() => vi.unstubAllGlobals());

/** An instance that has taken job `x` and holds it until its signal aborts. */
async function holding(settings: object = fastStalls) {
  const q = makeQueue('test', { settings });
  const started = deferred<Job>();
  const signals: AbortSignal[] = [];
  await q.process(async (job, signal) => {
    signals.push(signal);
    started.resolve(job);
    return untilAborted(signal);
  });
  const job = await q.add('x', {}, { attempts: 3 });
  await started.promise;
  return { q, job, signals };
}

describe('the released event', () => {
  it('moves an active job back to waiting under its own claim only, using no attempt and no stall', () => {
    const added = { type: 'added', time: 1, payload: { name: 'x', data: null, opts: { attempts: 1, delay: 0 } } } as const;
    const active = { type: 'active', time: 2, payload: { token: 't1', owner: 'tab' } } as const;
    const job = foldJob('1', [added, active, { type: 'released', time: 3, payload: { token: 't1', reason: 'the page was closed' } }]);
    expect(job.state).toBe('waiting');
    expect(job.job).toMatchObject({ claim: null, attemptsMade: 0, stalledCount: 0, processedOn: 2 });
    expect(() => foldJob('1', [added, active, { type: 'released', time: 3, payload: { token: 'other', reason: '' } }])).toThrow(/claim other is stale/);
    expect(() => foldJob('1', [added, { type: 'released', time: 3, payload: { token: 't1', reason: '' } }])).toThrow(/Cannot release job 1: it is waiting, not active/);
  });
});

describe('close({ force: true })', () => {
  it('gives the job back: the next instance runs it at once, before the jobs that were waiting', async () => {
    const dying = await holding();
    await dying.q.add('later', {});
    const waiting = next(dying.q, 'waiting');
    await dying.q.close({ force: true });
    expect(((await waiting)[0] as Job).id).toBe(dying.job.id);
    expect(dying.signals[0]!.aborted).toBe(true);

    const next_ = makeQueue('test', { settings: fastStalls });
    const ran: string[] = [];
    await next_.process(async (job) => {
      ran.push(job.name);
      return job.name;
    });
    const job = (await next_.getJob(dying.job.id))!;
    expect(await job.finished()).toBe('x');
    const history = await job.history();
    expect(history.map((e) => e.type)).toEqual(['added', 'active', 'released', 'active', 'completed']);
    expect(statesOf(dying.job.id, history)).toEqual(['waiting', 'active', 'waiting', 'active', 'completed']);
    expect(await next_.getJob(dying.job.id)).toMatchObject({ attemptsMade: 0, failedReason: null });
    expect(ran[0]).toBe('x');
  });
});

describe('pagehide', () => {
  /** A global scope with `pagehide` (Node has no EventTarget global scope). */
  function stubPage() {
    const scope = new EventTarget();
    vi.stubGlobal('addEventListener', scope.addEventListener.bind(scope));
    vi.stubGlobal('removeEventListener', scope.removeEventListener.bind(scope));
    return (persisted: boolean) => scope.dispatchEvent(Object.assign(new Event('pagehide'), { persisted }));
  }

  it('closes the queue and gives its active jobs back', async () => {
    const hide = stubPage();
    const { q, job, signals } = await holding();
    hide(false);
    await vi.waitFor(() => expect(q.closed).toBe(true));
    await expect(q.getJobCounts()).rejects.toMatchObject({ code: 'ERR_QUEUE_CLOSED' });
    const after = makeQueue();
    await vi.waitFor(async () => expect(await after.getJob(job.id).then((j) => j!.getState())).toBe('waiting'));
    expect(signals[0]!.reason).toMatchObject({ message: 'The page was closed or reloaded' });
    expect((await readLog()).at(-1)).toMatchObject({ type: 'released', payload: { reason: 'The page was closed or reloaded' } });
  });

  it('leaves the queue alone when the page may come back from the back/forward cache', async () => {
    const hide = stubPage();
    const { q, job, signals } = await holding();
    hide(true);
    expect(q.closed).toBe(false);
    expect(signals[0]!.aborted).toBe(false);
    expect(await job.getState()).toBe('active');
  });

  it('while a graceful close waits for a job: the job is given back instead', async () => {
    const hide = stubPage();
    const { q, job } = await holding();
    const closing = q.close();
    hide(false);
    await closing;
    expect((await readLog()).filter((e) => e.jobId === job.id).map((e) => e.type)).toEqual(['added', 'active', 'released']);
  });
});

describe('the note left on the way out', () => {
  it('makes the instance that requeues the jobs release them instead of stalling them', async () => {
    const dying = await holding();
    const claim = (await dying.q.getJobRecord(dying.job.id))!.job.claim!;
    await crash(dying.q);
    // All the page could write before it went: the note (its release transaction was cut off).
    const db = (await openDB('jobtrail:test')) as unknown as QueueDB;
    await leaveNote(db, claim.owner, [claim.token], 'The page was closed or reloaded', Date.now());
    db.close();

    const survivor = makeQueue('test', { settings: fastStalls });
    const stalled: string[] = [];
    survivor.on('global:stalled', (id) => stalled.push(id));
    await survivor.process(async () => 'done');
    const job = (await survivor.getJob(dying.job.id))!;
    expect(await job.finished()).toBe('done');
    expect((await job.history()).map((e) => e.type)).toEqual(['added', 'active', 'released', 'active', 'completed']);
    expect(stalled).toEqual([]);
    expect((await survivor.getJobRecord(dying.job.id))!.job.stalledCount).toBe(0);
    // The note did its work and is gone.
    const after = await openDB('jobtrail:test');
    expect(await after.get('owners', claim.owner)).toBeUndefined();
    after.close();
  });

  it('without a note, a crash stays a stall', async () => {
    const dying = await holding();
    await crash(dying.q);
    const survivor = makeQueue('test', { settings: fastStalls });
    const stalled = next(survivor, 'global:stalled');
    await survivor.process(async () => 'done');
    expect(await stalled).toEqual([dying.job.id]);
    expect(await (await survivor.getJob(dying.job.id))!.finished()).toBe('done');
    expect((await survivor.getJobRecord(dying.job.id))!.job.stalledCount).toBe(1);
  });
});
