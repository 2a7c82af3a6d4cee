// Periodic Background Sync (issue 13): pages ask for it while the queue has job schedulers, and the
// service worker, woken by `periodicsync`, runs what fell due. Fake registrations and scopes, as
// in sw.test.ts; the browser's own behaviour (install, permission, timing) is not testable here.
import { describe, expect, it } from 'vitest';
import { requestPeriodicSync, servePeriodicSync, syncTag } from '../../../src/sw.js';
import type { Queue } from '../../../src/index.js';
import { makeQueue, next } from '../helpers.js';

/** A registration whose PeriodicSyncManager records what it is asked; `settled()` waits for the calls asked so far. */
function fakePeriodicSync(refuse?: string) {
  const calls: string[] = [];
  const waiters: (() => void)[] = [];
  const record = (call: string) => {
    if (refuse) throw Object.assign(new Error(refuse), { name: refuse });
    calls.push(call);
    waiters.splice(0).forEach((w) => w());
  };
  const periodicSync = {
    register: async (tag: string, options?: { minInterval?: number }) => record(`register ${tag} ${options?.minInterval}`),
    unregister: async (tag: string) => record(`unregister ${tag}`),
  };
  return {
    registration: { periodicSync } as unknown as ServiceWorkerRegistration,
    calls,
    /** Resolves once `count` calls were made in all. */
    made: (count: number) => new Promise<void>((resolve) => {
      const check = () => (calls.length >= count ? resolve() : waiters.push(check));
      check();
    }),
  };
}

describe('requestPeriodicSync', () => {
  it('asks for periodic syncs while the queue has job schedulers, from any instance, and stops asking once none is left', async () => {
    const page = makeQueue('drafts');
    const otherTab = makeQueue('drafts');
    const sync = fakePeriodicSync();
    requestPeriodicSync(page, { registration: sync.registration, minInterval: 3_600_000 });
    await sync.made(1);
    expect(sync.calls).toEqual([`unregister ${syncTag(page)}`]);
    await otherTab.upsertJobScheduler('sync-drafts', { every: 60_000 });
    await sync.made(2);
    expect(sync.calls[1]).toBe(`register ${syncTag(page)} 3600000`);
    await otherTab.removeJobScheduler('sync-drafts');
    await sync.made(3);
    expect(sync.calls[2]).toBe(`unregister ${syncTag(page)}`);
  });

  it('registers at once when schedulers exist already, for 12 hours by default', async () => {
    const q = makeQueue('drafts');
    await q.upsertJobScheduler('s', { every: 60_000 });
    const sync = fakePeriodicSync();
    requestPeriodicSync(q, { registration: sync.registration });
    await sync.made(1);
    expect(sync.calls).toEqual([`register ${syncTag(q)} ${12 * 3_600_000}`]);
  });

  it('stays quiet where the browser refuses (not installed, no permission) or has no Periodic Background Sync', async () => {
    const q = makeQueue('drafts');
    const errors: Error[] = [];
    q.on('error', (err) => errors.push(err));
    await q.upsertJobScheduler('s', { every: 60_000 });
    const stop = requestPeriodicSync(q, { registration: fakePeriodicSync('NotAllowedError').registration });
    requestPeriodicSync(q, { registration: {} as ServiceWorkerRegistration });
    await q.upsertJobScheduler('s', { every: 120_000 });
    stop();
    await q.getJobSchedulers(); // a round trip: the requests asked for have been made
    expect(errors).toEqual([]);
  });

  it('reports any other failure as a queue error', async () => {
    const q = makeQueue('drafts');
    const error = next(q, 'error');
    await q.upsertJobScheduler('s', { every: 60_000 });
    requestPeriodicSync(q, { registration: fakePeriodicSync('AbortError').registration });
    expect(((await error)[0] as Error).name).toBe('AbortError');
  });
});

/** A periodicsync event as the browser dispatches it, keeping the promises handed to waitUntil. */
function periodicSyncEvent(tag: string): Event & { waited: Promise<unknown>[] } {
  const waited: Promise<unknown>[] = [];
  return Object.assign(new Event('periodicsync'), { tag, waited, waitUntil: (p: Promise<unknown>) => void waited.push(p) });
}

describe('servePeriodicSync', () => {
  it('keeps the service worker alive while the iterations that fell due run', async () => {
    const q: Queue = makeQueue('drafts');
    const scope = new EventTarget();
    const ran: string[] = [];
    await q.process(async (job) => {
      ran.push(job.id);
    });
    servePeriodicSync(q, { scope });
    // The next slot half an hour away whatever the clock says: drain stays alive for a slot due
    // within its budget (150 s), as an hourly one is at hh:58 (this test timed out once at 12:58).
    const offset = (Date.now() + 1_800_000) % 3_600_000;
    const first = (await q.upsertJobScheduler('sync', { every: 3_600_000, offset, immediately: true }))!;
    const event = periodicSyncEvent(syncTag(q));
    scope.dispatchEvent(event);
    expect(event.waited).toHaveLength(1);
    await event.waited[0];
    expect(ran).toEqual([first.id]);
    expect(await q.getJobCounts('waiting', 'active', 'delayed')).toEqual({ waiting: 0, active: 0, delayed: 1 });
  });

  it('ignores the periodic syncs of other tags, and stops listening when told to', async () => {
    const q = makeQueue('drafts');
    const scope = new EventTarget();
    const stop = servePeriodicSync(q, { scope });
    const other = periodicSyncEvent('jobtrail:other');
    scope.dispatchEvent(other);
    expect(other.waited).toEqual([]);
    stop();
    const ours = periodicSyncEvent(syncTag(q));
    scope.dispatchEvent(ours);
    expect(ours.waited).toEqual([]);
  });
});
