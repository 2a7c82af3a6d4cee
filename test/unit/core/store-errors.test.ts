// A failed transaction writes nothing and tells the caller why; a refused event appends nothing.
import { IDBObjectStore as FakeObjectStore, IDBTransaction as FakeTransaction } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JobtrailError } from '../../../src/index.js';
import { claimJobs } from '../../../src/store/claim-jobs.js';
import { finishJobs } from '../../../src/store/finish-jobs.js';
import { openQueueDb, type QueueDB } from '../../../src/store/open-db.js';
import { write } from '../../../src/store/write.js';
import type { Queue } from '../../../src/api/queue.js';
import { makeQueue } from '../helpers.js';
import { eventCount, stored } from './probe.js';

const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

/** Make every put into `storeName` throw `error()` synchronously, as a browser does when the quota is hit. */
function failPuts(storeName: string, error: () => Error) {
  const put = FakeObjectStore.prototype.put;
  return vi.spyOn(FakeObjectStore.prototype, 'put').mockImplementation(function (this: InstanceType<typeof FakeObjectStore>, ...args) {
    if (this.name === storeName) throw error();
    return put.apply(this, args);
  });
}

/** Make readwrite transactions abort when they commit, as they do when the quota is hit at commit time. */
function abortCommits(reason: string | null) {
  return vi.spyOn(FakeTransaction.prototype, 'commit').mockImplementation(function (this: InstanceType<typeof FakeTransaction>) {
    if (reason === null) this.abort();
    // fake-indexeddb's internal abort with an error name: what the browser does on a quota failure.
    else (this as unknown as { _abort(name: string): void })._abort(reason);
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a failed transaction leaves nothing half-written', () => {
  it.each(['jobs', 'events', 'meta'])('a quota error on the %s put: ERR_QUOTA_EXCEEDED, no event, no projection, no id used', async (storeName) => {
    const queue = makeQueue();
    await queue.getJobCounts();
    failPuts(storeName, quota);
    const err = await queue.addBulk([{ data: { a: 1 } }, { data: { b: 2 } }]).catch((e: unknown) => e);
    vi.restoreAllMocks();
    expect(err).toBeInstanceOf(JobtrailError);
    expect(err).toMatchObject({ code: 'ERR_QUOTA_EXCEEDED', message: 'Storage quota exceeded while adding jobs; nothing was written' });
    expect((err as Error).cause).toMatchObject({ name: 'QuotaExceededError' });
    const { events, jobs, meta } = await stored(queue);
    expect(events).toEqual([]);
    expect(jobs).toEqual([]);
    expect(meta).toBeUndefined();
    expect((await queue.add({})).id).toBe('1');
  });

  it('a quota error when the transaction commits: ERR_QUOTA_EXCEEDED, nothing written', async () => {
    const queue = makeQueue();
    await queue.add({ first: true });
    abortCommits('QuotaExceededError');
    await expect(queue.addBulk([{ data: 1 }, { data: 2 }])).rejects.toMatchObject({ code: 'ERR_QUOTA_EXCEEDED' });
    vi.restoreAllMocks();
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 1 });
    expect(await eventCount(queue)).toBe(1);
    expect((await queue.add({})).id).toBe('2');
  });

  it('an aborted transaction: ERR_STORAGE saying what was being done, nothing written', async () => {
    const queue = makeQueue();
    await queue.getJobCounts();
    abortCommits(null);
    const err = await queue.add({}).catch((e: unknown) => e);
    vi.restoreAllMocks();
    expect(err).toMatchObject({ code: 'ERR_STORAGE', message: expect.stringContaining('IndexedDB failed while adding jobs') });
    expect((await stored(queue)).events).toEqual([]);
  });

  it('a failed update keeps the job as it was, in the store and in the Job object', async () => {
    const queue = makeQueue();
    const job = await queue.add({ v: 1 });
    abortCommits('QuotaExceededError');
    await expect(job.updateProgress(50)).rejects.toMatchObject({ code: 'ERR_QUOTA_EXCEEDED', message: expect.stringContaining('updating job 1') });
    await expect(job.update({ v: 2 })).rejects.toMatchObject({ code: 'ERR_QUOTA_EXCEEDED' });
    vi.restoreAllMocks();
    expect(job.progress).toBe(0);
    expect(job.data).toEqual({ v: 1 });
    expect((await queue.getJob(job.id))!.toJSON()).toMatchObject({ progress: 0, data: { v: 1 } });
    expect(await eventCount(queue)).toBe(1);
  });

  it('a failed pause leaves the queue running', async () => {
    const queue = makeQueue();
    await queue.getJobCounts();
    abortCommits('QuotaExceededError');
    await expect(queue.pause()).rejects.toMatchObject({ code: 'ERR_QUOTA_EXCEEDED' });
    vi.restoreAllMocks();
    expect(await queue.isPaused()).toBe(false);
  });

  it('a failed read says what was being read', async () => {
    const queue = makeQueue();
    await queue.add({});
    const get = FakeObjectStore.prototype.get;
    vi.spyOn(FakeObjectStore.prototype, 'get').mockImplementation(function (this: InstanceType<typeof FakeObjectStore>, ...args) {
      if (this.name === 'jobs') throw new DOMException('disk error', 'UnknownError');
      return get.apply(this, args);
    });
    await expect(queue.getJob(1)).rejects.toMatchObject({ code: 'ERR_STORAGE', message: 'IndexedDB failed while reading job 1: disk error' });
  });
});

describe('refused events append nothing', () => {
  let db: QueueDB | undefined;
  afterEach(() => {
    db?.close();
    db = undefined;
  });

  /** Claim the waiting jobs as a processor would, with known tokens. */
  async function claimAll(queue: Queue, tokens: string[]): Promise<QueueDB> {
    db = await openQueueDb(queue.dbName, { onLost: () => {} });
    const left = [...tokens];
    await write(db, 'claiming', (batch) =>
      claimJobs(batch, { owner: 'test-owner', max: tokens.length, take: () => true, now: Date.now(), limiter: null, newToken: () => left.shift()! }),
    );
    return db;
  }

  const completion = (jobId: string, token: string) => ({ jobId, token, outcome: { type: 'completed' as const, returnvalue: 'r' } });

  it('a completion carrying a stale claim token is refused with ERR_STALE_CLAIM', async () => {
    const queue = makeQueue();
    await queue.add({});
    const db = await claimAll(queue, ['real-token']);
    const before = await eventCount(queue);
    const { result } = await write(db, 'finishing', (batch) => finishJobs(batch, [completion('1', 'stale-token')], Date.now()));
    expect(result[0]!.record).toBeNull();
    expect(result[0]!.error).toMatchObject({ code: 'ERR_STALE_CLAIM', message: expect.stringContaining('stale-token') });
    expect(await eventCount(queue)).toBe(before);
    expect(await (await queue.getJob(1))!.getState()).toBe('active');
  });

  it('completing a job that is not active is refused with ERR_REFUSED', async () => {
    const queue = makeQueue();
    await queue.add({});
    await queue.add({}, { delay: 60_000 });
    const db = await claimAll(queue, ['t1']);
    await write(db, 'finishing', (batch) => finishJobs(batch, [completion('1', 't1')], Date.now()));
    const before = await eventCount(queue);
    const { result } = await write(db, 'finishing again', (batch) =>
      finishJobs(batch, [completion('1', 't1'), completion('2', 't1')], Date.now()),
    );
    expect(result.map((r) => (r.error as JobtrailError).code)).toEqual(['ERR_REFUSED', 'ERR_REFUSED']);
    expect(result[0]!.error!.message).toBe('Cannot complete job 1: it is completed, not active');
    expect(result[1]!.error!.message).toBe('Cannot complete job 2: it is delayed, not active');
    expect(await eventCount(queue)).toBe(before);
  });

  it('a refused event skips only its own job: the rest of the batch is written', async () => {
    const queue = makeQueue();
    await queue.add({});
    await queue.add({});
    const db = await claimAll(queue, ['t1', 't2']);
    const before = await eventCount(queue);
    const { result } = await write(db, 'finishing', (batch) =>
      finishJobs(batch, [completion('1', 'wrong'), completion('2', 't2')], Date.now()),
    );
    expect(result[0]!.error).toMatchObject({ code: 'ERR_STALE_CLAIM' });
    expect(result[1]!.record).toMatchObject({ state: 'completed' });
    expect(await eventCount(queue)).toBe(before + 1);
    expect(await queue.getJobCounts()).toMatchObject({ active: 1, completed: 1 });
    await write(db, 'finishing', (batch) => finishJobs(batch, [completion('1', 't1')], Date.now()));
  });

  it('a job method the machine refuses rejects and appends nothing', async () => {
    const queue = makeQueue();
    const waiting = await queue.add({});
    const delayed = await queue.add({}, { delay: 60_000 });
    await expect(waiting.promote()).rejects.toMatchObject({ code: 'ERR_REFUSED' });
    await expect(waiting.retry()).rejects.toMatchObject({ code: 'ERR_REFUSED' });
    await expect(delayed.retry()).rejects.toMatchObject({ code: 'ERR_REFUSED', message: 'Cannot retry job 2: it is delayed, not failed' });
    expect(await eventCount(queue)).toBe(2);
  });
});

describe('a processor whose outcomes cannot be written', () => {
  it('reports the storage error, retries, and close() still returns; the job is left for a stall sweep', async () => {
    const queue = makeQueue();
    const job = await queue.add('x', null);
    let release!: () => void;
    const started = new Promise<void>((resolve) => {
      void queue.process(() => {
        resolve();
        return new Promise<string>((r) => (release = () => r('done')));
      });
    });
    await started;
    const errors: Error[] = [];
    const reported = new Promise((resolve) => queue.on('error', (err) => resolve(errors.push(err))));
    failPuts('events', quota);
    release();
    await reported;
    expect(errors[0]).toMatchObject({ code: 'ERR_QUOTA_EXCEEDED' });
    await queue.close();
    vi.restoreAllMocks();
    expect((await stored(queue)).jobs.find((r) => r.id === job.id)?.state).toBe('active');
  });
});
