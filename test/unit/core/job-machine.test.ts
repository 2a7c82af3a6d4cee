// The job machine, driven through the pure fold (startJob / applyEvent): given events, then this
// state and context, or this refusal. No IndexedDB here.
import { describe, expect, it } from 'vitest';
import { JobtrailError } from '../../../src/core/errors.js';
import { applyEvent, foldJob, startJob, type FoldedJob } from '../../../src/core/fold.js';
import type { JobAdded, JobEvent } from '../../../src/core/events.js';
import { project } from '../../../src/store/record.js';
import type { JobOpts, JobState } from '../../../src/core/types.js';

const T0 = 1_700_000_000_000;

const added = (opts: Partial<JobOpts> = {}, time = T0): JobAdded => ({
  type: 'added',
  time,
  payload: { name: 'upload', data: { file: 'a.txt' }, opts: { attempts: 1, delay: 0, ...opts } },
});
const active = (token: string, time = T0 + 10): JobEvent => ({ type: 'active', time, payload: { token, owner: 'tab-1' } });
const completed = (token: string, returnvalue: unknown = 'done', time = T0 + 20): JobEvent => ({
  type: 'completed',
  time,
  payload: { token, returnvalue },
});
const failed = (
  token: string,
  { failedReason = 'boom', stack = null as string | null, retryDelay = null as number | null } = {},
  time = T0 + 20,
): JobEvent => ({ type: 'failed', time, payload: { token, failedReason, stack, retryDelay } });
const stalled = (token: string, maxStalledCount = 1, time = T0 + 30): JobEvent => ({ type: 'stalled', time, payload: { token, maxStalledCount } });
const promoted = (time = T0 + 40): JobEvent => ({ type: 'promoted', time, payload: { due: false } });
const retried = (time = T0 + 50): JobEvent => ({ type: 'retried', time, payload: {} });
const discarded = (time = T0 + 5): JobEvent => ({ type: 'discarded', time, payload: {} });
const progress = (value: number | object, time = T0 + 15): JobEvent => ({ type: 'progress', time, payload: { progress: value } });
const log = (line: string, time = T0 + 15): JobEvent => ({ type: 'log', time, payload: { line } });
const updated = (data: unknown, time = T0 + 15): JobEvent => ({ type: 'updated', time, payload: { data } });

const fold = (...events: JobEvent[]): FoldedJob => foldJob('1', events);

/** A job folded into each of the six states. */
const inState: Record<JobState, () => FoldedJob> = {
  'waiting-children': () => foldJob('1', [{ ...added(), payload: { ...added().payload, children: [{ id: 'c1', queueName: 'parts' }] } }]),
  waiting: () => fold(added()),
  delayed: () => fold(added({ delay: 1000 })),
  active: () => fold(added(), active('t1')),
  completed: () => fold(added(), active('t1'), completed('t1')),
  failed: () => fold(added(), active('t1'), failed('t1')),
};

function refusal(job: FoldedJob, event: JobEvent): JobtrailError {
  try {
    applyEvent(job, event);
  } catch (err) {
    expect(err).toBeInstanceOf(JobtrailError);
    return err as JobtrailError;
  }
  throw new Error(`expected ${event.type} to be refused in state ${job.state}`);
}

describe('job machine: accepted transitions', () => {
  it('added without delay: waiting, with the Bull defaults in the context', () => {
    const job = startJob('1', added());
    expect(job.state).toBe('waiting');
    expect(job.job).toMatchObject({
      id: '1',
      name: 'upload',
      data: { file: 'a.txt' },
      opts: { attempts: 1, delay: 0 },
      progress: 0,
      delay: 0,
      timestamp: T0,
      attemptsMade: 0,
      failedReason: null,
      stacktrace: null,
      returnvalue: null,
      finishedOn: null,
      processedOn: null,
      claim: null,
      dueAt: null,
    });
  });

  it('added with a delay: delayed, due at its time plus the delay', () => {
    const job = startJob('1', added({ delay: 1500 }));
    expect(job.state).toBe('delayed');
    expect(job.job.delay).toBe(1500);
    expect(job.job.dueAt).toBe(T0 + 1500);
  });

  it('waiting -> active: records the claim and processedOn', () => {
    const job = fold(added(), active('t1', T0 + 7));
    expect(job.state).toBe('active');
    expect(job.job.claim).toEqual({ token: 't1', owner: 'tab-1' });
    expect(job.job.processedOn).toBe(T0 + 7);
  });

  it('active -> completed by the claim holder: returnvalue and finishedOn, claim released', () => {
    const job = fold(added(), active('t1'), completed('t1', { url: '/a' }, T0 + 99));
    expect(job.state).toBe('completed');
    expect(job.job).toMatchObject({ returnvalue: { url: '/a' }, finishedOn: T0 + 99, claim: null, attemptsMade: 0 });
  });

  it('active -> failed when no retry is allowed: attemptsMade, failedReason, stacktrace, finishedOn', () => {
    const job = fold(added(), active('t1'), failed('t1', { failedReason: 'offline', stack: 'Error: offline\n    at upload' }, T0 + 50));
    expect(job.state).toBe('failed');
    expect(job.job).toMatchObject({
      attemptsMade: 1,
      failedReason: 'offline',
      stacktrace: ['Error: offline\n    at upload'],
      finishedOn: T0 + 50,
      claim: null,
    });
  });

  it('a failure without a stack still records a stacktrace line', () => {
    const job = fold(added(), active('t1'), failed('t1', { failedReason: 'nope' }));
    expect(job.job.stacktrace).toEqual(['Error: nope']);
  });

  it('active -> waiting on a failure to retry now (retryDelay 0, attempts left)', () => {
    const job = fold(added({ attempts: 3 }), active('t1'), failed('t1', { retryDelay: 0 }));
    expect(job.state).toBe('waiting');
    expect(job.job).toMatchObject({ attemptsMade: 1, failedReason: 'boom', finishedOn: null, claim: null });
  });

  it('active -> delayed on a failure with a backoff: due after retryDelay', () => {
    const job = fold(added({ attempts: 3 }), active('t1'), failed('t1', { retryDelay: 500 }, T0 + 20));
    expect(job.state).toBe('delayed');
    expect(job.job.dueAt).toBe(T0 + 520);
    expect(job.job.finishedOn).toBeNull();
  });

  it('fails for good once the attempts are used up, whatever the retryDelay', () => {
    const job = fold(
      added({ attempts: 2 }),
      active('t1'),
      failed('t1', { retryDelay: 0, failedReason: 'first' }),
      active('t2'),
      failed('t2', { retryDelay: 0, failedReason: 'second' }, T0 + 60),
    );
    expect(job.state).toBe('failed');
    expect(job.job).toMatchObject({ attemptsMade: 2, failedReason: 'second', finishedOn: T0 + 60 });
    expect(job.job.stacktrace).toEqual(['Error: first', 'Error: second']);
  });

  it('fails for good when a backoff strategy said stop (negative retryDelay)', () => {
    const job = fold(added({ attempts: 5 }), active('t1'), failed('t1', { retryDelay: -1 }));
    expect(job.state).toBe('failed');
  });

  it('a discarded job fails for good on its next failure, attempts left or not', () => {
    const job = fold(added({ attempts: 5 }), active('t1'), discarded(), failed('t1', { retryDelay: 0 }));
    expect(job.state).toBe('failed');
    expect(job.job.attemptsMade).toBe(1);
  });

  it('discard is accepted while waiting, delayed or active', () => {
    for (const state of ['waiting', 'delayed', 'active'] as const) {
      const job = applyEvent(inState[state](), discarded());
      expect(job.state).toBe(state);
      expect(job.job.discarded).toBe(true);
    }
  });

  it('active -> waiting on a stall within maxStalledCount, without counting an attempt', () => {
    const job = fold(added(), active('t1'), stalled('t1', 1));
    expect(job.state).toBe('waiting');
    expect(job.job).toMatchObject({ stalledCount: 1, claim: null, attemptsMade: 0, stacktrace: null, failedReason: null });
  });

  it('active -> failed on a stall beyond maxStalledCount', () => {
    const job = fold(added(), active('t1'), stalled('t1', 1), active('t2'), stalled('t2', 1, T0 + 80));
    expect(job.state).toBe('failed');
    expect(job.job).toMatchObject({ stalledCount: 2, failedReason: 'job stalled more than allowable limit', finishedOn: T0 + 80 });
  });

  it('delayed -> waiting on promote', () => {
    const job = applyEvent(inState.delayed(), promoted());
    expect(job.state).toBe('waiting');
    expect(job.job.dueAt).toBeNull();
  });

  it('failed -> waiting on retry, finishedOn cleared, and it can run again', () => {
    const job = applyEvent(inState.failed(), retried());
    expect(job.state).toBe('waiting');
    expect(job.job.finishedOn).toBeNull();
    const again = applyEvent(applyEvent(job, active('t9')), completed('t9', 'second time'));
    expect(again.state).toBe('completed');
    expect(again.job.returnvalue).toBe('second time');
  });

  it('progress, log and updated are accepted in every state and keep the state', () => {
    for (const state of ['waiting', 'delayed', 'active', 'completed', 'failed', 'waiting-children'] as const) {
      let job = inState[state]();
      job = applyEvent(job, progress(40));
      job = applyEvent(job, log('line 1'));
      job = applyEvent(job, log('line 2'));
      job = applyEvent(job, updated({ file: 'b.txt' }));
      expect(job.state).toBe(state);
      expect(job.job).toMatchObject({ progress: 40, logCount: 2, data: { file: 'b.txt' } });
    }
  });

  it('progress may be an object', () => {
    expect(applyEvent(inState.active(), progress({ sent: 3, of: 10 })).job.progress).toEqual({ sent: 3, of: 10 });
  });

  it('stackTraceLimit keeps only the newest traces (0 keeps none)', () => {
    const failThrice = (limit: number) =>
      fold(
        added({ attempts: 3, stackTraceLimit: limit }),
        active('a'),
        failed('a', { failedReason: 'one', retryDelay: 0 }),
        active('b'),
        failed('b', { failedReason: 'two', retryDelay: 0 }),
        active('c'),
        failed('c', { failedReason: 'three', retryDelay: 0 }),
      ).job.stacktrace;
    expect(failThrice(2)).toEqual(['Error: two', 'Error: three']);
    expect(failThrice(0)).toEqual([]);
  });
});

describe('job machine: refusals', () => {
  it('completing a job that is not active is refused', () => {
    for (const state of ['waiting', 'delayed', 'completed', 'failed'] as const) {
      const err = refusal(inState[state](), completed('t1'));
      expect(err.code).toBe('ERR_REFUSED');
      expect(err.message).toBe(`Cannot complete job 1: it is ${state}, not active`);
    }
  });

  it('failing or stalling a job that is not active is refused', () => {
    expect(refusal(inState.waiting(), failed('t1')).message).toBe('Cannot fail job 1: it is waiting, not active');
    expect(refusal(inState.completed(), stalled('t1')).code).toBe('ERR_REFUSED');
  });

  it('a completion carrying a stale claim token is refused with ERR_STALE_CLAIM', () => {
    const err = refusal(inState.active(), completed('someone-else'));
    expect(err.code).toBe('ERR_STALE_CLAIM');
    expect(err.message).toContain('someone-else');
  });

  it('a failure or stall carrying a stale claim token is refused with ERR_STALE_CLAIM', () => {
    expect(refusal(inState.active(), failed('old')).code).toBe('ERR_STALE_CLAIM');
    expect(refusal(inState.active(), stalled('old')).code).toBe('ERR_STALE_CLAIM');
  });

  it('the first claim cannot complete a job that stalled and was claimed again', () => {
    const reclaimed = fold(added(), active('t1'), stalled('t1', 5), active('t2'));
    expect(refusal(reclaimed, completed('t1')).code).toBe('ERR_STALE_CLAIM');
    expect(applyEvent(reclaimed, completed('t2')).state).toBe('completed');
  });

  it('promoting a job that is not delayed is refused', () => {
    for (const state of ['waiting', 'active', 'completed', 'failed'] as const) {
      const err = refusal(inState[state](), promoted());
      expect(err.code).toBe('ERR_REFUSED');
      expect(err.message).toBe(`Cannot promote job 1: it is ${state}, not delayed`);
    }
  });

  it('retrying a job that is not failed is refused', () => {
    for (const state of ['waiting', 'delayed', 'active', 'completed'] as const) {
      const err = refusal(inState[state](), retried());
      expect(err.code).toBe('ERR_REFUSED');
      expect(err.message).toBe(`Cannot retry job 1: it is ${state}, not failed`);
    }
  });

  it('claiming a job that is not waiting is refused (no double claim, no early start)', () => {
    for (const state of ['delayed', 'active', 'completed', 'failed', 'waiting-children'] as const) {
      expect(refusal(inState[state](), active('t2')).message).toBe(`Cannot start job 1: it is ${state}, not waiting`);
    }
  });

  it('discarding a finished job is refused', () => {
    expect(refusal(inState.completed(), discarded()).code).toBe('ERR_REFUSED');
    expect(refusal(inState.failed(), discarded()).code).toBe('ERR_REFUSED');
  });

  it('a refusal leaves the job it was given untouched', () => {
    const job = inState.active();
    const before = structuredClone(job);
    refusal(job, completed('stale'));
    refusal(job, promoted());
    expect(job).toEqual(before);
  });

  it('the projection refuses a second birth and any event for a job that does not exist', () => {
    const born = project(undefined, '1', added(), 1);
    expect(() => project(born, '1', added(), 2)).toThrow(expect.objectContaining({ code: 'ERR_REFUSED', message: 'Job 1 already exists' }));
    expect(() => project(undefined, '7', progress(1), 3)).toThrow(expect.objectContaining({ code: 'ERR_NOT_FOUND' }));
  });
});

const delayChanged = (delay: number, time = T0 + 60): JobEvent => ({ type: 'delayChanged', time, payload: { delay } });
const priorityChanged = (priority: number | null, lifo = false, time = T0 + 60): JobEvent => ({ type: 'priorityChanged', time, payload: { priority, lifo } });

describe('job machine: changeDelay and changePriority (issue 12)', () => {
  it('delayed + delayChanged: still delayed, due `delay` ms after the event, with the new delay', () => {
    const job = fold(added({ delay: 1000 }), delayChanged(5000));
    expect(job.state).toBe('delayed');
    expect(job.job).toMatchObject({ delay: 5000, dueAt: T0 + 60 + 5000 });
    // Shorter, down to 0: due at once, promoted by the next claim.
    expect(fold(added({ delay: 1000 }), delayChanged(0)).job).toMatchObject({ delay: 0, dueAt: T0 + 60 });
  });

  it('changing the delay of a job that is not delayed is refused', () => {
    for (const state of ['waiting', 'active', 'completed', 'failed'] as const) {
      const err = refusal(inState[state](), delayChanged(1000));
      expect(err.code).toBe('ERR_REFUSED');
      expect(err.message).toBe(`Cannot change the delay of job 1: it is ${state}, not delayed`);
    }
  });

  it('priorityChanged is accepted in every state and keeps it; opts get the new priority and lifo', () => {
    for (const state of ['waiting', 'delayed', 'active', 'completed', 'failed'] as const) {
      const job = applyEvent(inState[state](), priorityChanged(3, true));
      expect(job.state).toBe(state);
      expect(job.job.opts).toMatchObject({ priority: 3, lifo: true });
    }
  });

  it('priorityChanged with no priority and no lifo removes both from opts', () => {
    const job = fold(added({ priority: 2, lifo: true, attempts: 3 }), priorityChanged(null));
    expect(job.job.opts).toEqual({ attempts: 3, delay: 0 });
  });

  it('the projection moves the job: a new place in the waiting line, a new due time in the timeline', () => {
    const born = project(undefined, '1', added({ priority: 5 }), 1);
    expect(born.rank).toEqual([5, 1]);
    const moved = project(born, '1', priorityChanged(1), 7);
    expect(moved.rank).toEqual([1, 7]);
    expect(project(moved, '1', priorityChanged(null, true), 8).rank).toEqual([2 ** 31, -8]);
    // Progress still keeps the place.
    expect(project(moved, '1', progress(10), 9).rank).toEqual([1, 7]);
    const delayed = project(undefined, '2', added({ delay: 1000 }), 2);
    expect(delayed.rank).toEqual([T0 + 1000, 2]);
    expect(project(delayed, '2', delayChanged(10), 3).rank).toEqual([T0 + 60 + 10, 3]);
    // An active job keeps its place whatever its priority.
    const active = project(project(undefined, '3', added(), 4), '3', { type: 'active', time: T0, payload: { token: 't', owner: 'o' } }, 5);
    expect(project(active, '3', priorityChanged(1), 6).rank).toEqual(active.rank);
  });
});
