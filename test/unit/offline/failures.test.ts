// What a processor's error means for the job: RetryLaterError gives it back without using an
// attempt (a `postponed` event), UnrecoverableError fails it now, and an HTTP error's Retry-After
// stretches the backoff.
import { describe, expect, it } from 'vitest';
import { errorForStatus, foldSteps, HttpError, RetryLaterError, UnrecoverableError, type StoredJobEvent } from '../../../src/index.js';
import { makeQueue, next } from '../helpers.js';

const typesOf = (history: StoredJobEvent[]) => history.map((e) => e.type);
const statesOf = (id: string, history: StoredJobEvent[]) => foldSteps(id, history).map((s) => s.state);

/** Time between one event and the next event of `type` after it. */
function gap(history: StoredJobEvent[], from: StoredJobEvent, type: StoredJobEvent['type']): number {
  const later = history.slice(history.indexOf(from) + 1).find((e) => e.type === type)!;
  return later.time - from.time;
}

describe('RetryLaterError', () => {
  it('gives the job back to waiting without using an attempt, so a one-attempt job still completes', async () => {
    const q = makeQueue();
    const job = await q.add('upload', { file: 'a.txt' });
    const failures: Error[] = [];
    q.on('failed', (_job, err) => failures.push(err));
    const attemptsSeen: number[] = [];
    await q.process('upload', async (running) => {
      attemptsSeen.push(running.attemptsMade);
      if (attemptsSeen.length < 3) throw new RetryLaterError('network unavailable', { retryAfter: 0 });
      return 'sent';
    });

    expect(await job.finished()).toBe('sent');
    expect(attemptsSeen).toEqual([0, 0, 0]);
    expect(failures).toEqual([]);
    const history = await job.history();
    expect(typesOf(history)).toEqual(['added', 'active', 'postponed', 'active', 'postponed', 'active', 'completed']);
    expect(history[2]).toMatchObject({ type: 'postponed', payload: { delay: 0, reason: 'network unavailable' } });
    expect(statesOf(job.id, history)).toEqual(['waiting', 'active', 'waiting', 'active', 'waiting', 'active', 'completed']);
    const done = (await q.getJob(job.id))!;
    expect(done).toMatchObject({ attemptsMade: 0, failedReason: null, stacktrace: null });
  });

  it('delays the job by retryAfter, and it runs again no sooner', async () => {
    const q = makeQueue();
    const job = await q.add('upload', null, { attempts: 1 });
    let calls = 0;
    const delayed = next(q, 'delayed');
    await q.process('upload', async () => {
      if (++calls === 1) throw new RetryLaterError('server asked us to wait', { retryAfter: 150 });
      return 'sent';
    });
    const [delayedJob] = (await delayed) as [{ id: string; attemptsMade: number }];
    expect(delayedJob).toMatchObject({ id: job.id, attemptsMade: 0 });

    expect(await job.finished()).toBe('sent');
    const history = await job.history();
    expect(statesOf(job.id, history)).toEqual(['waiting', 'active', 'delayed', 'waiting', 'active', 'completed']);
    const postponed = history.find((e) => e.type === 'postponed')!;
    expect(postponed.payload).toEqual({ token: expect.any(String), delay: 150, reason: 'server asked us to wait' });
    expect(gap(history, postponed, 'active')).toBeGreaterThanOrEqual(150);
  });

  it('without retryAfter, gives the job back for one second', async () => {
    const q = makeQueue();
    const job = await q.add('upload', null);
    const delayed = next(q, 'delayed');
    await q.process('upload', async () => {
      throw new RetryLaterError('offline');
    });
    await delayed;
    const history = await job.history();
    expect(history.at(-1)).toMatchObject({ type: 'postponed', payload: { delay: 1000, reason: 'offline' } });
    expect(statesOf(job.id, history).at(-1)).toBe('delayed');
  });

  it('is reported to other instances of the queue as the job waiting again', async () => {
    const worker = makeQueue();
    const observer = makeQueue();
    const job = await observer.add('upload', null);
    const waitingAgain = new Promise<string>((resolve) => {
      observer.on('global:waiting', (id) => id === job.id && resolve(id));
    });
    let calls = 0;
    await worker.process('upload', async () => {
      if (++calls === 1) throw new RetryLaterError('offline', { retryAfter: 0 });
    });
    await waitingAgain;
    await job.finished();
    expect(calls).toBe(2);
  });
});

describe('UnrecoverableError', () => {
  it('fails the job now although attempts are left, while a plain error is retried', async () => {
    const q = makeQueue();
    const deleted = await q.add('upload', { file: 'gone.txt' }, { attempts: 5, backoff: 0 });
    const flaky = await q.add('upload', { file: 'flaky.txt' }, { attempts: 5, backoff: 0 });
    const calls = new Map<string, number>();
    await q.process('upload', async (job) => {
      calls.set(job.id, (calls.get(job.id) ?? 0) + 1);
      if (job.id === deleted.id) throw new UnrecoverableError('the file was deleted');
      if (calls.get(job.id) === 1) throw new Error('connection reset');
      return 'sent';
    });

    await expect(deleted.finished()).rejects.toMatchObject({ name: 'JobFailedError', failedReason: 'the file was deleted' });
    expect(await flaky.finished()).toBe('sent');
    expect(calls.get(deleted.id)).toBe(1);
    expect(calls.get(flaky.id)).toBe(2);
    const history = await deleted.history();
    expect(typesOf(history)).toEqual(['added', 'active', 'failed']);
    expect(history[2]!.payload).toMatchObject({ failedReason: 'the file was deleted', retryDelay: null });
    expect(await q.getJob(deleted.id)).toMatchObject({ attemptsMade: 1, failedReason: 'the file was deleted' });
  });
});

describe('HTTP errors with Retry-After', () => {
  it('wait at least Retry-After before the next attempt, even when the backoff is shorter', async () => {
    const q = makeQueue();
    const job = await q.add('upload', null, { attempts: 2, backoff: 10 });
    let calls = 0;
    await q.process('upload', async () => {
      if (++calls === 1) throw new HttpError(503, 'HTTP 503 Service Unavailable', 200);
      return 'sent';
    });

    expect(await job.finished()).toBe('sent');
    const history = await job.history();
    const failed = history.find((e) => e.type === 'failed')!;
    expect(failed.payload).toMatchObject({ failedReason: 'HTTP 503 Service Unavailable', retryDelay: 200 });
    expect(gap(history, failed, 'active')).toBeGreaterThanOrEqual(200);
    expect(await q.getJob(job.id)).toMatchObject({ attemptsMade: 1 });
  });

  it('keep a backoff longer than Retry-After', async () => {
    const q = makeQueue();
    const job = await q.add('upload', null, { attempts: 2, backoff: 60_000 });
    const delayed = next(q, 'delayed');
    await q.process('upload', async () => {
      throw errorForStatus(429, 'Too Many Requests', '2');
    });
    await delayed;
    const failed = (await job.history()).find((e) => e.type === 'failed')!;
    expect(failed.payload).toMatchObject({ failedReason: 'HTTP 429 Too Many Requests', retryDelay: 60_000 });
  });

  it('still use up attempts: the last one fails for good whatever Retry-After says', async () => {
    const q = makeQueue();
    const job = await q.add('upload', null, { attempts: 1 });
    await q.process('upload', async () => {
      throw errorForStatus(503, 'Service Unavailable', '1');
    });
    await expect(job.finished()).rejects.toMatchObject({ failedReason: 'HTTP 503 Service Unavailable' });
    const failed = (await job.history()).find((e) => e.type === 'failed')!;
    expect(failed.payload).toMatchObject({ retryDelay: null });
  });
});
