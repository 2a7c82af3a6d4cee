// Claims: a job moves waiting -> active in one transaction with a fresh token; two instances never
// hold the same job; a completion from a stale claim is refused; only the claim holder may remove an
// active job; finishing and claiming share transactions.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { foldJob, type Job, type JobEvent, type StoredEvent } from '../../../src/index.js';
import { makeQueue, next } from '../helpers.js';
import { collect, deferred, readLog, untilAborted, when } from './support.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** How many times each job id has an event of `type` in the log. */
function countPerJob(log: StoredEvent[], type: StoredEvent['type']): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of log) if (e.type === type && e.jobId !== undefined) counts.set(e.jobId, (counts.get(e.jobId) ?? 0) + 1);
  return counts;
}

describe('two instances on the same jobs', () => {
  it('process 200 jobs between them, each exactly once', async () => {
    const a = makeQueue<number>();
    const b = makeQueue<number>();
    const jobs = await a.addBulk(Array.from({ length: 200 }, (_, i) => ({ data: i })));
    const ranBy = new Map<string, string[]>();
    const handler = (who: string) => async (job: Job<number>) => {
      ranBy.set(job.id, [...(ranBy.get(job.id) ?? []), who]);
      await new Promise((r) => setTimeout(r, job.data % 3));
      return job.data;
    };
    const doneA = collect(a, 'global:completed', 200);
    await Promise.all([a.process(3, handler('a')), b.process(3, handler('b'))]);
    await doneA;
    const log = await readLog();
    const completed = countPerJob(log, 'completed');
    const claimed = countPerJob(log, 'active');
    for (const job of jobs) {
      expect(completed.get(job.id), `completions of job ${job.id}`).toBe(1);
      expect(claimed.get(job.id), `claims of job ${job.id}`).toBe(1);
      expect(ranBy.get(job.id), `runs of job ${job.id}`).toHaveLength(1);
    }
    const runs = [...ranBy.values()].flat();
    expect(runs.filter((w) => w === 'a').length).toBeGreaterThan(0);
    expect(runs.filter((w) => w === 'b').length).toBeGreaterThan(0);
    expect(await a.getJobCounts()).toMatchObject({ waiting: 0, active: 0, completed: 200 });
  });
});

describe('stale claims', () => {
  it('the job machine refuses a completion that carries another claim token', () => {
    const events: JobEvent[] = [
      { type: 'added', time: 1, payload: { name: 'x', data: null, opts: { attempts: 1, delay: 0 } } },
      { type: 'active', time: 2, payload: { token: 'first', owner: 'tab-a' } },
      { type: 'stalled', time: 3, payload: { token: 'first', maxStalledCount: 1 } },
      { type: 'active', time: 4, payload: { token: 'second', owner: 'tab-b' } },
    ];
    expect(foldJob('1', events).state).toBe('active');
    const late: JobEvent = { type: 'completed', time: 5, payload: { token: 'first', returnvalue: 'late' } };
    expect(() => foldJob('1', [...events, late])).toThrow(expect.objectContaining({ code: 'ERR_STALE_CLAIM' }));
    const lateFailure: JobEvent = { type: 'failed', time: 5, payload: { token: 'first', failedReason: 'x', stack: null, retryDelay: null } };
    expect(() => foldJob('1', [...events, lateFailure])).toThrow(expect.objectContaining({ code: 'ERR_STALE_CLAIM' }));
    const current: JobEvent = { type: 'completed', time: 5, payload: { token: 'second', returnvalue: 'ok' } };
    expect(foldJob('1', [...events, current]).state).toBe('completed');
  });

  it('a processor whose lease lapsed cannot complete the job another instance took over', async () => {
    // `a` renews its heartbeat far less often than it expires: to the others it looks dead
    // (a frozen tab), while its handler is in fact still running.
    const a = makeQueue('test', { settings: { lockDuration: 30, lockRenewTime: 60_000, stalledInterval: 60_000 } });
    const b = makeQueue('test', { settings: { stalledInterval: 20 } });
    const releaseA = deferred<string>();
    const releaseB = deferred<string>();
    const aStarted = deferred();
    const bStarted = deferred();
    await a.process(async () => {
      aStarted.resolve();
      return releaseA.promise;
    });
    const job = await a.add('x', {});
    await aStarted.promise;
    const stalled = next(b, 'stalled');
    await b.process(async () => {
      bStarted.resolve();
      return releaseB.promise;
    });
    expect(((await stalled)[0] as Job).id).toBe(job.id);
    await bStarted.promise;
    // The job is active again, under b's claim: a's late completion is stale.
    const aError = next(a, 'error');
    releaseA.resolve('from a');
    const [err] = (await aError) as [Error & { code?: string }];
    expect(err).toMatchObject({ code: 'ERR_STALE_CLAIM', message: expect.stringContaining(`job ${job.id}`) });
    expect(await job.getState()).toBe('active');
    releaseB.resolve('from b');
    expect(await job.finished()).toBe('from b');
    expect(countPerJob(await readLog(), 'completed').get(job.id)).toBe(1);
  });

  it('nor one whose job was finished meanwhile by the instance that took it over', async () => {
    const a = makeQueue('test', { settings: { lockDuration: 30, lockRenewTime: 60_000, stalledInterval: 60_000 } });
    const b = makeQueue('test', { settings: { stalledInterval: 20 } });
    const releaseA = deferred<string>();
    const aStarted = deferred();
    await a.process(async () => {
      aStarted.resolve();
      return releaseA.promise;
    });
    const job = await a.add('x', {});
    await aStarted.promise;
    const bCompleted = next(b, 'completed');
    await b.process(async () => 'from b');
    expect((await bCompleted)[1]).toBe('from b');
    const aError = next(a, 'error');
    releaseA.resolve('from a');
    const [err] = (await aError) as [Error & { code?: string }];
    expect(err).toMatchObject({ code: expect.stringMatching(/^ERR_(STALE_CLAIM|REFUSED)$/), message: expect.stringContaining(`job ${job.id}`) });
    expect(await a.getJob(job.id)).toMatchObject({ returnvalue: 'from b' });
    expect(countPerJob(await readLog(), 'completed').get(job.id)).toBe(1);
  });
});

describe('remove() of an active job', () => {
  it('is refused to anyone but the processor holding the job', async () => {
    const q = makeQueue();
    const release = deferred();
    const started = deferred<Job>();
    await q.process(async (job) => {
      started.resolve(job);
      await release.promise;
      return 'done';
    });
    const added = await q.add('x', {});
    await started.promise;
    const outsider = (await q.getJob(added.id))!;
    await expect(outsider.remove()).rejects.toMatchObject({ code: 'ERR_REFUSED', message: expect.stringMatching(/active/) });
    await expect(added.remove()).rejects.toMatchObject({ code: 'ERR_REFUSED' });
    release.resolve();
    expect(await added.finished()).toBe('done');
  });

  it('from its own handler, deletes the job and aborts the handler signal; nothing is reported', async () => {
    const q = makeQueue();
    const errors: Error[] = [];
    q.on('error', (err) => errors.push(err));
    const removed = next(q, 'removed');
    const globalRemoved = next(q, 'global:removed');
    let signal!: AbortSignal;
    await q.process(async (job, s) => {
      signal = s;
      await job.remove();
      return untilAborted(s);
    });
    const job = await q.add('x', {});
    // Drained again once the aborted attempt's outcome reached the store (and was dropped there).
    const drainedAfter = when(q, 'drained', () => signal?.aborted === true);
    expect(((await removed)[0] as Job).id).toBe(job.id);
    expect(await globalRemoved).toEqual([job.id]);
    await expect(job.finished()).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    expect(signal.aborted).toBe(true);
    expect(await q.getJob(job.id)).toBeNull();
    expect((await readLog()).filter((e) => e.jobId === job.id)).toEqual([]);
    await drainedAfter;
    expect(errors).toEqual([]);
    expect(await q.getJobCounts()).toMatchObject({ active: 0, completed: 0, failed: 0 });
  });

  it('by another instance is refused too', async () => {
    const a = makeQueue();
    const b = makeQueue();
    const started = deferred<Job>();
    const release = deferred();
    await a.process(async (job) => {
      started.resolve(job);
      await release.promise;
    });
    const job = await a.add('x', {});
    await started.promise;
    await expect((await b.getJob(job.id))!.remove()).rejects.toMatchObject({ code: 'ERR_REFUSED' });
    release.resolve();
    await job.finished();
  });
});

describe('transactions', () => {
  /** Count readwrite transactions over the jobs store while `body` runs. */
  async function countWrites(body: () => Promise<void>): Promise<number> {
    let writes = 0;
    const original = IDBDatabase.prototype.transaction;
    vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, stores, mode, options) {
      const names = typeof stores === 'string' ? [stores] : [...stores];
      if (mode === 'readwrite' && names.includes('jobs')) writes++;
      return original.call(this, stores, mode, options);
    });
    await body();
    return writes;
  }

  it('at concurrency 1, finishing a job and claiming the next share one transaction', async () => {
    const q = makeQueue();
    await q.addBulk(Array.from({ length: 50 }, (_, i) => ({ data: i })));
    const done = collect(q, 'completed', 50);
    const writes = await countWrites(async () => {
      await q.process(async () => 'ok');
      await done;
    });
    // Startup (stall sweep + first claim), then one per job: its finish and the next claim.
    expect(writes).toBeLessThanOrEqual(52);
  });

  it('a processor with several free slots claims several jobs in one transaction', async () => {
    const q = makeQueue();
    await q.addBulk(Array.from({ length: 40 }, (_, i) => ({ data: i })));
    const done = collect(q, 'completed', 40);
    const writes = await countWrites(async () => {
      await q.process(4, async () => 'ok');
      await done;
    });
    const claims = (await readLog()).filter((e) => e.type === 'active');
    const first = claims.slice(0, 4);
    // Claimed together: consecutive sequence numbers, one timestamp.
    expect(first.map((e) => e.seq - first[0]!.seq)).toEqual([0, 1, 2, 3]);
    expect(new Set(first.map((e) => e.time)).size).toBe(1);
    // Startup (stall sweep + first claim), then at most one per job.
    expect(writes).toBeLessThanOrEqual(42);
  });
});
