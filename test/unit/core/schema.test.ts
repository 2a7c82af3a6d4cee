// The IndexedDB layout: one database per queue, named `${prefix}:${name}`, with the stores and
// indexes the queue reads through.
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { DB_VERSION } from '../../../src/store/schema.js';
import { makeQueue } from '../helpers.js';

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

  it('has the versioned layout: meta, jobs by state, events by job, owners', async () => {
    const queue = makeQueue();
    await queue.getJobCounts();
    const db = await openDB(queue.dbName);
    try {
      expect(db.version).toBe(DB_VERSION);
      expect([...db.objectStoreNames].sort()).toEqual(['events', 'jobs', 'meta', 'owners']);
      const tx = db.transaction(['jobs', 'events']);
      const jobs = tx.objectStore('jobs');
      const events = tx.objectStore('events');
      expect(jobs.keyPath).toBe('id');
      expect(events.keyPath).toBe('seq');
      // The indexes the core reads through (the inspector adds its own).
      expect(jobs.index('byState').keyPath).toEqual(['state', 'rank']);
      expect(events.index('byJob').keyPath).toEqual(['jobId', 'seq']);
      expect(jobs.index('byDedup').keyPath).toEqual(['job.opts.deduplication.id', 'created']);
      await tx.done;
    } finally {
      db.close();
    }
  });

  it('stores each event with a global sequence number, its job, type, time and payload', async () => {
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
      expect(events[2]).toEqual({ seq: 3, jobId: '1', type: 'progress', time: expect.any(Number), payload: { progress: 7 } });
      const record = await db.get('jobs', '1');
      expect(record).toMatchObject({ id: '1', state: 'waiting', seq: 3, job: { progress: 7 } });
    } finally {
      db.close();
    }
  });
});
