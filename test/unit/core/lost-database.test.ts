// The database can go away under a running queue: another tab deletes it (or the user clears the
// site's data), a newer version of the app upgrades it, or the browser closes the connection. The
// queue then says what happened — once, first — gives its active jobs back while the connection
// still takes a transaction, releases its liveness so other tabs requeue at once, and every pending
// `finished()` and every later call fails with that same error.
import { forceCloseDatabase } from 'fake-indexeddb';
import { openDB } from 'idb';
import { describe, expect, it, vi } from 'vitest';
import type { Job, JobtrailError, Queue } from '../../../src/index.js';
import { makeQueue } from '../helpers.js';
import { deferred, fastStalls, untilAborted } from '../processing/support.js';

/** A processing queue holding job 1, with 39 more waiting, and a finished() call on each of the 40. */
async function busy() {
  const queue = makeQueue('test', { settings: fastStalls });
  const errors: Error[] = [];
  queue.on('error', (err) => errors.push(err));
  const started = deferred<AbortSignal>();
  await queue.process(async (_job, signal) => {
    started.resolve(signal);
    return untilAborted(signal);
  });
  const jobs = await queue.addBulk(Array.from({ length: 40 }, (_, n) => ({ data: { n } })));
  const signal = await started.promise;
  const outcomes = jobs.map((job: Job) => job.finished().then(() => 'resolved', (err: Error) => err.message));
  return { queue, jobs, errors, signal, outcomes: Promise.all(outcomes) };
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
}

async function expectLost(queue: Queue, message: string): Promise<void> {
  await expect(queue.add({})).rejects.toMatchObject({ code: 'ERR_DATABASE_LOST', message });
  await expect(queue.getJobCounts()).rejects.toMatchObject({ code: 'ERR_DATABASE_LOST', message });
  await expect(queue.close()).resolves.toBeUndefined();
}

describe('a database deleted by another tab', () => {
  it('rejects every pending finished(), saying so first, and stops the queue', async () => {
    const { queue, jobs, errors, signal, outcomes } = await busy();
    await deleteDatabase('jobtrail:test');
    const message = "the database jobtrail:test was deleted (by another tab, or with the site's data); reload the page";
    expect(await outcomes).toEqual(Array(40).fill(message));
    expect(errors.map((e) => e.message)).toEqual([message]);
    expect((errors[0] as JobtrailError).code).toBe('ERR_DATABASE_LOST');
    expect(signal.reason).toBe(errors[0]);
    expect(queue.closed).toBe(true);
    await expectLost(queue, message);
    // A finished() asked for after the loss fails the same way.
    await expect(jobs[5]!.finished()).rejects.toThrow(message);
  });
});

describe('a database upgraded by a newer version of the app', () => {
  it('gets the active job given back before the upgrade, rejects every finished() and frees the liveness', async () => {
    const { queue, errors, outcomes } = await busy();
    const owner = queue.instanceId;
    // The newer version opens the database with a higher version: it waits until this one closes.
    const newer = await openDB('jobtrail:test', 99);
    const message = 'a newer version of the app upgraded the database jobtrail:test (to version 99); reload the page';
    expect(await outcomes).toEqual(Array(40).fill(message));
    expect(errors.map((e) => e.message)).toEqual([message]);
    // The release transaction, begun before the connection closed, committed before the upgrade.
    const events = (await newer.getAllFromIndex('events', 'byJob', IDBKeyRange.bound(['1', 0], ['1', Infinity]))).map((e) => e.type);
    expect(events).toEqual(['added', 'active', 'released']);
    expect(await newer.get('jobs', '1')).toMatchObject({ state: 'waiting' });
    // Its heartbeat is gone: any other instance sees it dead at once.
    expect(await newer.get('owners', owner)).toBeUndefined();
    newer.close();
    await expectLost(queue, message);
  });
});

describe('a connection the browser closes', () => {
  it('rejects every pending finished() saying so, and stops the queue', async () => {
    const connections: IDBDatabase[] = [];
    const open = indexedDB.open.bind(indexedDB);
    vi.spyOn(indexedDB, 'open').mockImplementation((...args: Parameters<IDBFactory['open']>) => {
      const request = open(...args);
      request.addEventListener('success', () => connections.push(request.result));
      return request;
    });
    const { queue, errors, signal, outcomes } = await busy();
    vi.restoreAllMocks();
    forceCloseDatabase(connections[0]! as never); // its types ask for the class, it takes the connection
    const message = "the browser closed the connection to the database jobtrail:test (the site's data may have been cleared); reload the page";
    expect(await outcomes).toEqual(Array(40).fill(message));
    expect(errors.map((e) => e.message)).toEqual([message]);
    expect(signal.reason).toBe(errors[0]);
    await expectLost(queue, message);
  });
});
