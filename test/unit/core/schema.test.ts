// The IndexedDB layout: one database per queue, named `${prefix}:${name}`, with the stores and
// indexes the queue reads through.
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, listQueues } from '../../../src/index.js';
import { project } from '../../../src/store/record.js';
import { DB_VERSION, emptyMeta } from '../../../src/store/schema.js';
import { REMOVALS_KEPT } from '../../../src/store/write-batch.js';
import { makeFlowProducer, makeQueue } from '../helpers.js';
import { openOldLayout } from '../old-layouts.js';

describe('schema', () => {
  it('names the database `${prefix}:${name}`, with jobtrail as the default prefix', async () => {
    const plain = makeQueue('uploads');
    const prefixed = makeQueue('uploads', { prefix: 'my-app' });
    expect(plain.dbName).toBe('jobtrail:uploads');
    expect(prefixed.dbName).toBe('my-app:uploads');
    await plain.add({});
    await prefixed.add({});
    const names = (await indexedDB.databases()).map((d) => d.name).sort();
    expect(names).toEqual(['jobtrail:uploads', 'my-app:uploads']);
  });

  it('one database per queue: a prefix with a ":" is refused, so "a:b" and prefix "jobtrail:a" + "b" cannot share one', async () => {
    const colon = makeQueue('a:b');
    expect(colon.dbName).toBe('jobtrail:a:b');
    expect(() => makeQueue('b', { prefix: 'jobtrail:a' })).toThrow(InvalidOptionError);
    expect(() => makeQueue('b', { prefix: 'jobtrail:a' })).toThrow(/prefix: "jobtrail:a" contains ':'/);
    // Names stay free: the database name is cut at its first ':'.
    const deep = makeQueue('x:y:z', { prefix: 'app' });
    await colon.add({});
    await deep.add({});
    expect(await listQueues()).toEqual(['a:b']);
    expect(await listQueues('app')).toEqual(['x:y:z']);
    await expect(listQueues('jobtrail:a')).rejects.toThrow(InvalidOptionError);
  });

  it('the prefix isolates queues of the same name', async () => {
    const a = makeQueue('mail', { prefix: 'tenant-a' });
    const b = makeQueue('mail', { prefix: 'tenant-b' });
    const jobA = await a.add({ to: 'a' });
    const jobB = await b.add({ to: 'b' });
    expect([jobA.id, jobB.id]).toEqual(['1', '1']);
    expect((await a.getJob(1))!.data).toEqual({ to: 'a' });
    expect((await b.getJob(1))!.data).toEqual({ to: 'b' });
    await b.pause();
    expect(await a.isPaused()).toBe(false);
    await b.add({});
    expect(await a.getJobCounts()).toMatchObject({ waiting: 1 });
  });

  it('has the versioned layout: meta, jobs by state, events by job and by scheduler, owners, removals, schedulers, flows, outbox', async () => {
    const queue = makeQueue();
    await queue.getJobCounts();
    const db = await openDB(queue.dbName);
    try {
      expect(db.version).toBe(DB_VERSION);
      expect([...db.objectStoreNames].sort()).toEqual(['events', 'flows', 'head', 'jobs', 'meta', 'outbox', 'owners', 'removals', 'schedulers']);
      // The head: one record per committed version (none yet: nothing was written; see store/write.ts).
      expect(await db.getAll('head')).toEqual([]);
      const tx = db.transaction(['jobs', 'events', 'removals']);
      const jobs = tx.objectStore('jobs');
      const events = tx.objectStore('events');
      expect(jobs.keyPath).toBe('id');
      expect(events.keyPath).toBe('seq');
      expect(tx.objectStore('removals').keyPath).toBe('seq');
      // The indexes the core reads through (the inspector adds its own).
      expect(jobs.index('byState').keyPath).toEqual(['state', 'rank']);
      expect(events.index('byJob').keyPath).toEqual(['jobId', 'seq']);
      expect(jobs.index('byDedup').keyPath).toEqual(['job.opts.deduplication.id', 'created']);
      expect(events.index('byScheduler').keyPath).toEqual(['schedulerId', 'seq']);
      expect(jobs.index('byFlow').keyPath).toBe('flow');
      await tx.done;
    } finally {
      db.close();
    }
  });

  it('stores each event with a global sequence number, its job, type, time, payload and the job’s state after it', async () => {
    const queue = makeQueue();
    const one = await queue.add({ a: 1 });
    await queue.add({ b: 2 });
    await one.updateProgress(7);
    await queue.pause();
    const db = await openDB(queue.dbName);
    try {
      const events = await db.getAll('events');
      expect(events.map((e) => [e.seq, e.jobId, e.type])).toEqual([
        [1, '1', 'added'],
        [2, '2', 'added'],
        [3, '1', 'progress'],
        [4, undefined, 'paused'],
      ]);
      expect(events[2]).toEqual({ seq: 3, jobId: '1', type: 'progress', time: expect.any(Number), payload: { progress: 7 }, state: 'waiting' });
      const record = await db.get('jobs', '1');
      expect(record).toMatchObject({ id: '1', state: 'waiting', seq: 3, job: { progress: 7 } });
    } finally {
      db.close();
    }
  });

  it('upgrades a version 1 database in place: its jobs and log stay, and it gains the removals store', async () => {
    // A queue as version 1 stored it: no removals store, events without their state.
    const added = { seq: 1, jobId: '1', type: 'added' as const, time: Date.now(), payload: { name: 'x', data: { n: 1 }, opts: { attempts: 1, delay: 0 } } };
    const v1 = await openOldLayout('jobtrail:test', 1);
    await v1.put('events', added);
    await v1.put('jobs', project(undefined, '1', added, 1));
    await v1.put('meta', { ...emptyMeta(), seq: 1, lastId: 1, counts: { waiting: 1, delayed: 0, active: 0, completed: 0, failed: 0 } });
    v1.close();

    const queue = makeQueue();
    const job = (await queue.getJob('1'))!;
    expect(job.data).toEqual({ n: 1 });
    await queue.process(async (j) => j.data.n + 1);
    expect(await job.finished()).toBe(2);
    expect((await job.history()).map((e) => [e.type, e.state])).toEqual([['added', undefined], ['active', 'active'], ['completed', 'completed']]);
    const db = await openDB('jobtrail:test');
    expect(db.version).toBe(DB_VERSION);
    expect(db.objectStoreNames.contains('removals')).toBe(true);
    db.close();
  });

  it('upgrades a version 5 database with jobs in it to version 6: the head appears, old records without seqs are processed and removed', async () => {
    const time = Date.now();
    const opts = { attempts: 1, delay: 0, removeOnComplete: true };
    const addedEvent = (n: number) => ({ type: 'added' as const, time, payload: { name: 'x', data: { n }, opts } });
    const v5 = await openOldLayout('jobtrail:test', 5);
    for (const n of [1, 2, 3]) {
      const event = addedEvent(n);
      await v5.put('events', { ...event, seq: n, jobId: String(n), state: 'waiting' });
      const { seqs: _seqs, ...record } = project(undefined, String(n), event, n); // version 5 kept no seqs
      await v5.put('jobs', record);
    }
    await v5.put('meta', { ...emptyMeta(), seq: 3, lastId: 3, counts: { ...emptyMeta().counts, waiting: 3 } });
    v5.close();

    const queue = makeQueue();
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 3 });
    const done = new Promise<void>((resolve) => {
      let left = 4;
      queue.on('completed', () => --left === 0 && resolve());
    });
    await queue.process(async (job) => job.data.n);
    await queue.add('x', { n: 4 }, { removeOnComplete: true });
    await done;
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 0, active: 0, completed: 0 });
    const db = await openDB('jobtrail:test');
    expect(db.version).toBe(DB_VERSION);
    expect(await db.getAll('events')).toEqual([]); // every job's events went, by key or by index
    const meta = await db.get('meta', 'queue');
    const heads = await db.getAll('head');
    expect(heads.map((h) => h.v)).toEqual(Array.from({ length: meta.version }, (_, k) => k + 1));
    db.close();
  });

  it('records each removal with a seq of its own, and keeps the records of the last 10,000 seqs only', async () => {
    const queue = makeQueue();
    const first = await queue.add({});
    await queue.process(async () => 'kept');
    await first.finished();
    await first.remove();
    let db = await openDB('jobtrail:test');
    const [record] = await db.getAll('removals');
    db.close();
    expect(record).toEqual({ seq: 4, jobId: '1', state: 'completed', lastSeq: 3, returnvalue: 'kept' });
    const second = await queue.add({}, { delay: 60_000 });
    await queue.close();

    // 11,000 changes later (the counter moved as they would have moved it), the next removal prunes
    // the old record, in one range delete up to 10,000 seqs back.
    db = await openDB('jobtrail:test');
    const meta = await db.get('meta', 'queue');
    await db.put('meta', { ...meta, seq: meta.seq + 11_000 });
    db.close();
    const later = makeQueue();
    await (await later.getJob(second.id))!.remove();
    db = await openDB('jobtrail:test');
    expect((await db.getAll('removals')).map((r) => r.jobId)).toEqual([second.id]);
    expect((await db.get('meta', 'queue')).removalsPrunedTo).toBe(5 + 11_000 + 1 - REMOVALS_KEPT);
    db.close();
  });

  it('upgrades a version-3 database in place: its jobs stay, its counts learn waiting-children, flows work', async () => {
    // The layout and one job as a version-3 tab wrote them (before flows).
    const added = { type: 'added' as const, time: Date.now(), payload: { name: 'x', data: 'kept', opts: { attempts: 1, delay: 0 } } };
    const old = await openOldLayout('jobtrail:test', 3);
    await old.put('meta', { ...emptyMeta(), seq: 1, lastId: 1, counts: { waiting: 1, delayed: 0, active: 0, completed: 0, failed: 0 } });
    await old.put('events', { ...added, seq: 1, jobId: '1', state: 'waiting' });
    await old.put('jobs', project(undefined, '1', added, 1));
    old.close();
    const queue = makeQueue();
    expect(await queue.getJobCounts()).toEqual({ waiting: 1, delayed: 0, active: 0, completed: 0, failed: 0, 'waiting-children': 0 });
    expect((await queue.getJob('1'))!.data).toBe('kept');
    const flows = makeFlowProducer();
    await flows.add({ name: 'parent', queueName: 'test', children: [{ name: 'child', queueName: 'test' }] });
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 2, 'waiting-children': 1 });
  });
});
