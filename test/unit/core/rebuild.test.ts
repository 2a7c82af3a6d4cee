// rebuild(): the log is the truth. Damage the projection behind the queue's back, rebuild, and every
// job, count and the paused flag come back as the log says.
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import type { Queue } from '../../../src/index.js';
import type { JobRecord } from '../../../src/store/record.js';
import type { MetaRecord } from '../../../src/store/schema.js';
import { makeQueue } from '../helpers.js';
import { runJobs, stored } from './probe.js';

/** Change the stored records directly, as a bug or a half-applied migration could. */
async function tamper(queue: Queue, change: (db: Awaited<ReturnType<typeof openDB>>) => Promise<void>): Promise<void> {
  const db = await openDB(queue.dbName);
  try {
    await change(db);
  } finally {
    db.close();
  }
}

/** A queue with jobs in every state but active, plus a log line and progress. */
async function busyQueue(): Promise<Queue> {
  const queue = makeQueue();
  const ran = [await queue.add({ n: 1 }), await queue.add({ n: 2 })];
  await runJobs(queue, ran, (job) => {
    if (job.data.n === 2) throw new Error('two');
    return job.data.n * 10;
  });
  const waiting = await queue.add({ n: 3 }, { priority: 2 });
  await waiting.updateProgress(30);
  await waiting.log('hello');
  await queue.add({ n: 4 });
  await queue.add({ n: 5 }, { delay: 60_000 });
  return queue;
}

const byId = (records: JobRecord[]) => [...records].sort((a, b) => a.id.localeCompare(b.id));

/** The ids of the job projections written (put) and deleted while `run` runs. */
async function jobWrites(run: () => Promise<unknown>): Promise<{ put: string[]; deleted: unknown[] }> {
  const proto = globalThis.IDBObjectStore.prototype;
  const { put, delete: del, clear } = proto;
  const seen = { put: [] as string[], deleted: [] as unknown[] };
  proto.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    if (this.name === 'jobs') seen.put.push((args[0] as JobRecord).id);
    return put.apply(this, args);
  };
  proto.delete = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['delete']>) {
    if (this.name === 'jobs') seen.deleted.push(args[0]);
    return del.apply(this, args);
  };
  proto.clear = function (this: IDBObjectStore) {
    if (this.name === 'jobs') seen.deleted.push('everything');
    return clear.apply(this);
  };
  try {
    await run();
  } finally {
    Object.assign(proto, { put, delete: del, clear });
  }
  return seen;
}

describe('rebuild()', () => {
  it('on a healthy queue, changes nothing and reports what it folded', async () => {
    const queue = await busyQueue();
    const before = await stored(queue);
    const result = await queue.rebuild();
    const after = await stored(queue);
    expect(result).toEqual({ jobs: 5, schedulers: 0, events: before.events.length });
    expect(byId(after.jobs)).toEqual(byId(before.jobs));
    expect(after.meta!.counts).toEqual(before.meta!.counts);
    expect(after.meta!.lastId).toBe(before.meta!.lastId);
  });

  it('writes only the projections that differ from what the log folds to', async () => {
    const queue = await busyQueue();
    expect(await jobWrites(() => queue.rebuild())).toEqual({ put: [], deleted: [] });

    await tamper(queue, async (db) => {
      const three = (await db.get('jobs', '3')) as JobRecord;
      await db.put('jobs', { ...three, job: { ...three.job, progress: 99 } });
      await db.delete('jobs', '4');
      await db.put('jobs', { ...three, id: 'ghost' });
    });
    const writes = await jobWrites(() => queue.rebuild());
    expect(writes.put.sort()).toEqual(['3', '4']);
    expect(writes.deleted).toEqual(['ghost']);
    expect((await queue.getJob(3))!.progress).toBe(30);
  });

  it('writes again a projection whose data it cannot compare, and it comes back the same', async () => {
    const queue = makeQueue<unknown>();
    await queue.add({ plain: [1, { two: 2 }] });
    await queue.add({ map: new Map([['k', new Date(7)]]) });
    const before = await stored(queue);
    const writes = await jobWrites(() => queue.rebuild());
    expect(writes).toEqual({ put: ['2'], deleted: [] });
    expect(byId((await stored(queue)).jobs)).toEqual(byId(before.jobs));
  });

  it('repairs a corrupted, a missing and a stray projection record, and the counts', async () => {
    const queue = await busyQueue();
    const healthy = await stored(queue);
    await tamper(queue, async (db) => {
      const three = (await db.get('jobs', '3')) as JobRecord;
      await db.put('jobs', { ...three, state: 'completed', job: { ...three.job, data: { n: 'garbage' }, progress: 99 } });
      await db.delete('jobs', '4');
      await db.put('jobs', { ...three, id: 'ghost', job: { ...three.job, id: 'ghost' } });
      const meta = (await db.get('meta', 'queue')) as MetaRecord;
      await db.put('meta', { ...meta, counts: { waiting: 7, active: 3, delayed: 0, completed: 9, failed: 0, 'waiting-children': 0 } });
    });
    expect((await queue.getJob(3))!.data).toEqual({ n: 'garbage' });

    await queue.rebuild();

    const three = (await queue.getJob(3))!;
    expect(three.data).toEqual({ n: 3 });
    expect(three.progress).toBe(30);
    expect(await three.getState()).toBe('waiting');
    expect(await queue.getJobLogs(3)).toEqual({ logs: ['hello'], count: 1 });
    expect((await queue.getJob(4))!.data).toEqual({ n: 4 });
    expect(await queue.getJob('ghost')).toBeNull();
    expect(await queue.getJobCounts()).toEqual({ waiting: 2, active: 0, delayed: 1, completed: 1, failed: 1, 'waiting-children': 0 });
    expect(byId((await stored(queue)).jobs)).toEqual(byId(healthy.jobs));
    expect((await queue.getWaiting()).map((j) => j.id)).toEqual(['3', '4']);
    expect((await queue.getCompleted())[0]!.returnvalue).toBe(10);
    expect((await queue.getFailed())[0]!.failedReason).toBe('two');
  });

  it('restores the paused flag from the log', async () => {
    const queue = makeQueue();
    await queue.pause();
    await queue.resume();
    await queue.pause();
    await tamper(queue, async (db) => {
      const meta = (await db.get('meta', 'queue')) as MetaRecord;
      await db.put('meta', { ...meta, paused: false });
    });
    expect(await queue.isPaused()).toBe(false);
    await queue.rebuild();
    expect(await queue.isPaused()).toBe(true);
  });

  it('keeps automatic ids counting past the ids the log holds', async () => {
    const queue = makeQueue();
    await queue.add({});
    await queue.add({});
    await queue.add({});
    await tamper(queue, async (db) => {
      const meta = (await db.get('meta', 'queue')) as MetaRecord;
      await db.put('meta', { ...meta, lastId: 0 });
    });
    await queue.rebuild();
    expect((await queue.add({})).id).toBe('4');
  });

  it('refuses an inconsistent log, naming the event, and leaves the projection alone', async () => {
    const queue = makeQueue();
    await queue.add({});
    const before = await stored(queue);
    const badSeq = before.meta!.seq + 1;
    await tamper(queue, async (db) => {
      await db.put('events', { seq: badSeq, jobId: '1', type: 'completed', time: Date.now(), payload: { token: 'x', returnvalue: 1 } });
    });
    await expect(queue.rebuild()).rejects.toMatchObject({
      code: 'ERR_REFUSED',
      message: expect.stringContaining(`The log is inconsistent at event ${badSeq}`),
    });
    expect((await stored(queue)).jobs).toEqual(before.jobs);
    // Take the bad event out again so the after-test consistency check sees a sound log.
    await tamper(queue, (db) => db.delete('events', badSeq));
  });

  it('refuses a log whose events say a state their history does not fold to', async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    const [added] = await job.history();
    await tamper(queue, async (db) => void (await db.put('events', { ...added, state: 'completed' })));
    await expect(queue.rebuild()).rejects.toMatchObject({
      code: 'ERR_REFUSED',
      message: `The log is inconsistent at event ${added!.seq}: it says job 1 became completed, its history folds to waiting`,
    });
    await tamper(queue, async (db) => void (await db.put('events', added)));
  });

  it('reads a log written before events carried their state (they fold as before)', async () => {
    const queue = await busyQueue();
    const before = await stored(queue);
    await tamper(queue, async (db) => {
      for (const { state: _state, ...event } of await db.getAll('events')) await db.put('events', event);
    });
    await queue.rebuild();
    expect(byId((await stored(queue)).jobs)).toEqual(byId(before.jobs));
    await tamper(queue, async (db) => {
      for (const event of before.events) await db.put('events', event);
    });
  });

  it('works on an empty queue', async () => {
    const queue = makeQueue();
    expect(await queue.rebuild()).toEqual({ jobs: 0, schedulers: 0, events: 0 });
    expect(await queue.getJobCounts()).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0, 'waiting-children': 0 });
  });
});
