// jobtrail/sw without a browser: drain() (how long a sync event keeps the service worker alive),
// serveBackgroundSync on a fake service-worker scope, and requestBackgroundSync on a fake
// registration whose SyncManager records the tags it is asked to register.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { drain, requestBackgroundSync, serveBackgroundSync, syncTag } from '../../../src/sw.js';
import type { Queue } from '../../../src/index.js';
import { makeQueue } from '../helpers.js';
import { deferred, type Deferred } from './support.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('drain', () => {
  it('resolves at once when no job waits or runs', async () => {
    const q = makeQueue();
    await drain(q, 1000);
  });

  it('resolves once the waiting and active jobs are done', async () => {
    const q = makeQueue();
    const jobs = await q.addBulk([{ name: 'upload', data: 1 }, { name: 'upload', data: 2 }]);
    const gate = deferred();
    await q.process('upload', async () => {
      await gate.promise;
    });
    let drained = false;
    const draining = drain(q, 10_000).then(() => (drained = true));
    await q.getJobCounts(); // a round trip through the store while the first job is held
    expect(drained).toBe(false);
    gate.resolve();
    await draining;
    expect(await q.getJobCounts()).toMatchObject({ waiting: 0, active: 0, completed: 2 });
    for (const job of jobs) expect(await job.getState()).toBe('completed');
  });

  it('stays alive for a retry that falls due within the budget, and runs it', async () => {
    const q = makeQueue();
    let calls = 0;
    await q.process(async () => {
      if (++calls === 1) throw new Error('503');
      return 'ok';
    });
    const job = await q.add('upload', null, { attempts: 2, backoff: 150 });
    await drain(q, 10_000);
    expect(calls).toBe(2);
    expect(await job.getState()).toBe('completed');
  });

  it('leaves a job delayed beyond the budget queued and ends', async () => {
    const q = makeQueue();
    await q.process(async () => 'ok');
    const job = await q.add('upload', null, { delay: 60_000 });
    await drain(q, 200);
    expect(await job.getState()).toBe('delayed');
  });

  it('rejects when the budget runs out while jobs still wait, so the browser syncs again later', async () => {
    const q = makeQueue('uploads');
    await q.pause();
    await q.add('upload', null);
    await expect(drain(q, 50)).rejects.toThrow('1 job(s) of queue uploads still to run');
    expect(await q.getJobCounts()).toMatchObject({ waiting: 1 });
  });

  it('on lastChance, resolves when the budget runs out and leaves the jobs queued', async () => {
    const q = makeQueue();
    await q.pause();
    const job = await q.add('upload', null);
    await drain(q, 50, true);
    expect(await job.getState()).toBe('waiting');
  });
});

/** A sync event as the browser dispatches it: its tag, lastChance, and the promise handed to waitUntil. */
function syncEvent(tag: string, lastChance = false): Event & { waited: Promise<unknown>[] } {
  const waited: Promise<unknown>[] = [];
  return Object.assign(new Event('sync'), {
    tag,
    lastChance,
    waited,
    waitUntil: (promise: Promise<unknown>) => void waited.push(promise),
  });
}

describe('serveBackgroundSync', () => {
  it("keeps the sync event alive until the queue's jobs are done", async () => {
    const q = makeQueue('uploads');
    const scope = new EventTarget();
    serveBackgroundSync(q, { scope });
    const job = await q.add('upload', 'a.txt');
    const gate = deferred();
    await q.process('upload', async () => {
      await gate.promise;
      return 'sent';
    });

    const event = syncEvent(syncTag(q));
    scope.dispatchEvent(event);
    expect(event.waited).toHaveLength(1);
    let settled = false;
    void event.waited[0]!.then(() => (settled = true));
    await q.getJobCounts();
    expect(settled).toBe(false);
    gate.resolve();
    await event.waited[0];
    expect(await job.getState()).toBe('completed');
  });

  it('uses one tag per queue database and ignores the sync events of other tags', async () => {
    const q = makeQueue('uploads');
    expect(syncTag(q)).toBe('jobtrail:jobtrail:uploads');
    const scope = new EventTarget();
    serveBackgroundSync(q, { scope });
    const other = syncEvent('jobtrail:jobtrail:thumbnails');
    scope.dispatchEvent(other);
    expect(other.waited).toEqual([]);
  });

  it('fails the sync event when its budget runs out with jobs waiting, and ends quietly on lastChance', async () => {
    const q = makeQueue('uploads');
    const scope = new EventTarget();
    serveBackgroundSync(q, { scope, budget: 50 });
    await q.pause();
    await q.add('upload', null);

    const retried = syncEvent(syncTag(q));
    scope.dispatchEvent(retried);
    await expect(retried.waited[0]).rejects.toThrow('still to run');

    const last = syncEvent(syncTag(q), true);
    scope.dispatchEvent(last);
    await expect(last.waited[0]).resolves.toBeUndefined();
    expect(await q.getJobCounts()).toMatchObject({ waiting: 1 });
  });

  it('stops listening when told to', () => {
    const q = makeQueue('uploads');
    const scope = new EventTarget();
    const stop = serveBackgroundSync(q, { scope });
    stop();
    const event = syncEvent(syncTag(q));
    scope.dispatchEvent(event);
    expect(event.waited).toEqual([]);
  });
});

/** A registration whose SyncManager records each tag; `registered` resolves on the n-th one. */
function fakeRegistration() {
  const tags: string[] = [];
  const waiters: { count: number; done: Deferred<void> }[] = [];
  let fail: Error | null = null;
  const registration = {
    sync: {
      async register(tag: string) {
        if (fail) throw fail;
        tags.push(tag);
        for (const w of waiters) if (tags.length >= w.count) w.done.resolve();
      },
    },
  } as unknown as ServiceWorkerRegistration;
  return {
    registration,
    tags,
    failWith: (err: Error) => (fail = err),
    /** Resolves once `count` registrations were made in all. */
    registered(count: number): Promise<void> {
      const done = deferred();
      if (tags.length >= count) done.resolve();
      else waiters.push({ count, done });
      return done.promise;
    },
  };
}

/** Let every registration already asked for reach the fake SyncManager. */
async function settle(q: Queue): Promise<void> {
  await q.getJobCounts();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('requestBackgroundSync', () => {
  it('registers the queue tag at once when jobs are already waiting', async () => {
    const q = makeQueue('uploads');
    await q.add('upload', null);
    const sync = fakeRegistration();
    requestBackgroundSync(q, { registration: sync.registration });
    await sync.registered(1);
    expect(sync.tags).toEqual([syncTag(q)]);
  });

  it('asks once for a burst of jobs added together', async () => {
    const q = makeQueue('uploads');
    const sync = fakeRegistration();
    requestBackgroundSync(q, { registration: sync.registration });
    await settle(q);
    expect(sync.tags).toEqual([]);
    await q.addBulk(Array.from({ length: 20 }, (_, i) => ({ name: 'upload', data: i })));
    await sync.registered(1);
    await settle(q);
    expect(sync.tags).toEqual([syncTag(q)]);
  });

  it('registers again for jobs added later, including delayed ones', async () => {
    const q = makeQueue('uploads');
    const sync = fakeRegistration();
    requestBackgroundSync(q, { registration: sync.registration });
    await settle(q);
    await q.add('upload', null);
    await sync.registered(1);
    await q.add('upload', null, { delay: 60_000 });
    await sync.registered(2);
    expect(sync.tags).toEqual([syncTag(q), syncTag(q)]);
  });

  it('registers for jobs added by another instance of the queue (another tab or worker)', async () => {
    const page = makeQueue('uploads');
    const otherTab = makeQueue('uploads');
    const sync = fakeRegistration();
    requestBackgroundSync(page, { registration: sync.registration });
    await settle(page);
    await otherTab.add('upload', null);
    await sync.registered(1);
    expect(sync.tags).toEqual([syncTag(page)]);
  });

  it('stops registering when told to', async () => {
    const q = makeQueue('uploads');
    const sync = fakeRegistration();
    const stop = requestBackgroundSync(q, { registration: sync.registration });
    await settle(q);
    stop();
    await q.add('upload', null);
    await settle(q);
    expect(sync.tags).toEqual([]);
  });

  it('reports a refused registration as a queue error', async () => {
    const q = makeQueue('uploads');
    const sync = fakeRegistration();
    sync.failWith(Object.assign(new Error('Background Sync is disabled'), { name: 'NotAllowedError' }));
    const errors: Error[] = [];
    q.on('error', (err) => errors.push(err));
    requestBackgroundSync(q, { registration: sync.registration });
    const reported = new Promise((resolve) => q.once('error', resolve));
    await q.add('upload', null);
    await reported;
    expect(errors[0]).toMatchObject({ name: 'NotAllowedError', message: 'Background Sync is disabled' });
  });

  it("stays quiet when Chromium refuses a service worker's registration because no window is open", async () => {
    const q = makeQueue('uploads');
    const sync = fakeRegistration();
    let refused = 0;
    const refusal = Object.assign(new Error('Attempted to register a sync event without a window'), { name: 'InvalidAccessError' });
    const manager = (sync.registration as unknown as { sync: { register(tag: string): Promise<void> } }).sync;
    const register = manager.register.bind(manager);
    manager.register = async (tag: string) => {
      refused++;
      if (refused === 1) throw refusal;
      return register(tag);
    };
    const errors: Error[] = [];
    q.on('error', (err) => errors.push(err));
    requestBackgroundSync(q, { registration: sync.registration });
    await q.add('upload', null);
    await settle(q);
    await q.add('upload', null);
    await sync.registered(1);
    expect(refused).toBe(2);
    expect(errors).toEqual([]);
  });

  it('does nothing where Background Sync is missing', async () => {
    const q = makeQueue('uploads');
    const errors: Error[] = [];
    q.on('error', (err) => errors.push(err));
    // A registration without `sync` (Firefox, Safari).
    requestBackgroundSync(q, { registration: {} as ServiceWorkerRegistration });
    // No service worker container at all (Node has no navigator.serviceWorker).
    requestBackgroundSync(q);
    await q.add('upload', null);
    await settle(q);
    expect(errors).toEqual([]);
  });

  it("inside a service worker, defaults to the worker's own registration", async () => {
    const q = makeQueue('uploads');
    const sync = fakeRegistration();
    // A service worker's global scope: `registration`, and no navigator.serviceWorker.
    class ServiceWorkerRegistration {}
    vi.stubGlobal('ServiceWorkerRegistration', ServiceWorkerRegistration);
    vi.stubGlobal('registration', Object.assign(new ServiceWorkerRegistration(), sync.registration));
    vi.stubGlobal('navigator', { onLine: true });
    requestBackgroundSync(q);
    await q.add('upload', null);
    await sync.registered(1);
    expect(sync.tags).toEqual([syncTag(q)]);
  });

  it('defaults to navigator.serviceWorker.ready', async () => {
    const q = makeQueue('uploads');
    const sync = fakeRegistration();
    vi.stubGlobal('navigator', { onLine: true, serviceWorker: { ready: Promise.resolve(sync.registration) } });
    requestBackgroundSync(q);
    await q.add('upload', null);
    await sync.registered(1);
    expect(sync.tags).toEqual([syncTag(q)]);
  });
});
