// jobtrail/sw: jobs that finish when no tab is open. Pages ask the browser for a Background Sync
// whenever a queue gets work; the service worker, woken by the `sync` event, keeps itself alive
// until the queue is drained. Where the browser offers Periodic Background Sync (an installed PWA
// in Chromium), it also wakes the service worker now and then to run the iterations of job
// schedulers that fell due while no tab was open. The jobs themselves live in IndexedDB throughout, so a service
// worker that is stopped mid-job loses nothing: its Web Lock goes, and the job is requeued.
import type { Queue } from './index.js';

/** The Background Sync tag used for a queue. */
export function syncTag(queue: Pick<Queue, 'dbName'>): string {
  return `jobtrail:${queue.dbName}`;
}

interface SyncManagerLike {
  register(tag: string): Promise<void>;
}

interface SyncEventLike extends Event {
  readonly tag: string;
  readonly lastChance: boolean;
  waitUntil(promise: Promise<unknown>): void;
}

export interface RequestSyncOptions {
  /**
   * The registration to use; default: inside a service worker its own (`self.registration`: it has
   * no `navigator.serviceWorker`), elsewhere `navigator.serviceWorker.ready`.
   */
  registration?: ServiceWorkerRegistration | Promise<ServiceWorkerRegistration>;
}

/**
 * Page (or service worker) side: register the queue's Background Sync tag whenever a job becomes waiting or delayed,
 * added here or in any other tab or worker (and once now). Where Background Sync is missing
 * (Firefox, Safari) this does nothing: `serveBackgroundSync` then falls back to processing when
 * the service worker starts and when the connection comes back. Returns a function that stops it.
 *
 * @example
 * const uploads = new Queue('uploads');
 * await navigator.serviceWorker.register('/sw.js', { type: 'module' });
 * requestBackgroundSync(uploads);
 */
export function requestBackgroundSync(queue: Queue, options: RequestSyncOptions = {}): () => void {
  const target = options.registration ?? ownRegistration() ?? (typeof navigator !== 'undefined' ? navigator.serviceWorker?.ready : undefined);
  if (!target) return () => {};
  let pending: Promise<void> | null = null;
  const register = () => {
    // Many jobs added at once ask for one registration.
    pending ??= (async () => {
      try {
        const registration = await target;
        const sync = (registration as ServiceWorkerRegistration & { sync?: SyncManagerLike }).sync;
        await sync?.register(syncTag(queue));
      } catch (err) {
        // Chromium registers a sync from a service worker only while a window of the origin is
        // open; without one there is nobody to hand the sync to, and nothing is lost: the jobs
        // stay queued for the service worker's next start or the next page.
        if ((err as Error | null)?.name !== 'InvalidAccessError') queue.reportError(err);
      } finally {
        pending = null;
      }
    })();
  };
  queue.on('global:waiting', register);
  queue.on('global:delayed', register);
  void queue.getJobCounts().then((counts) => counts.waiting + counts.delayed > 0 && register(), () => {});
  return () => {
    queue.off('global:waiting', register);
    queue.off('global:delayed', register);
  };
}

/** Inside a service worker, its own registration. */
function ownRegistration(): ServiceWorkerRegistration | undefined {
  const own = (globalThis as { registration?: unknown }).registration;
  return typeof ServiceWorkerRegistration !== 'undefined' && own instanceof ServiceWorkerRegistration ? own : undefined;
}

export interface ServeSyncOptions {
  /**
   * How long one `sync` event may keep the service worker alive, in ms. Chromium gives a sync
   * event a few minutes; when this runs out with jobs still waiting, the event fails so the
   * browser tries again later. Default 150000 (2.5 minutes).
   */
  budget?: number;
  /** The service worker's global scope; default `self`. */
  scope?: EventTarget;
}

/**
 * Service-worker side: on the queue's `sync` event, keep the service worker alive until no job is
 * waiting or active (the queue's processors, set up with `queue.process` in the service worker,
 * do the work). If the budget runs out first, the event fails so the browser retries later — except
 * on `lastChance`, when it ends quietly: the jobs stay queued, never dropped.
 * Returns a function that stops listening.
 *
 * @example
 * // sw.ts
 * const uploads = new Queue<{ file: File }, string>('uploads', { settings: { holdWhileOffline: true } });
 * uploads.process('upload', async (job, signal) => {
 *   const response = await jobFetch('/upload', { method: 'POST', body: job.data.file, signal });
 *   return response.headers.get('Location') ?? ''; // what the app needs, not the Response: results are stored
 * });
 * serveBackgroundSync(uploads);
 */
export function serveBackgroundSync(queue: Queue, options: ServeSyncOptions = {}): () => void {
  const scope = options.scope ?? (globalThis as unknown as EventTarget);
  const budget = options.budget ?? 150_000;
  const onSync = (event: Event) => {
    const sync = event as SyncEventLike;
    if (sync.tag !== syncTag(queue)) return;
    sync.waitUntil(drain(queue, budget, sync.lastChance));
  };
  scope.addEventListener('sync', onSync);
  return () => scope.removeEventListener('sync', onSync);
}

/**
 * Resolve once no job of the queue is waiting or active, and none is delayed to fall due within the
 * budget; reject if `budget` ms pass first (resolve instead when `lastChance`). Jobs delayed beyond
 * the budget stay queued for whoever is alive when they fall due (an open tab, or the service worker
 * on its next start or sync). Wakes on the queue's change notices, with a slow check as a net.
 */
export async function drain(queue: Queue, budget: number, lastChance = false): Promise<void> {
  const deadline = Date.now() + budget;
  for (;;) {
    const counts = await queue.getJobCounts();
    const left = counts.waiting + counts.active;
    if (left === 0) {
      const dueAt = counts.delayed > 0 ? await queue.getNextDueAt() : null;
      if (dueAt === null || dueAt > deadline) return;
      // A retry falls due within the budget: stay alive for it.
      await nextChange(queue, Math.max(0, Math.min(dueAt - Date.now(), 1000)));
      continue;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      if (lastChance) return;
      throw new Error(`jobtrail: ${left} job(s) of queue ${queue.name} still to run; asking the browser to sync again later`);
    }
    await nextChange(queue, Math.min(remaining, 1000));
  }
}

interface PeriodicSyncManagerLike {
  register(tag: string, options?: { minInterval?: number }): Promise<void>;
  unregister(tag: string): Promise<void>;
}

interface PeriodicSyncEventLike extends Event {
  readonly tag: string;
  waitUntil(promise: Promise<unknown>): void;
}

export interface RequestPeriodicSyncOptions extends RequestSyncOptions {
  /**
   * The shortest wait between two wake-ups the app asks for, in ms. The browser decides the real
   * one (Chromium: at least 12 hours, more for sites used less). Default 12 hours.
   */
  minInterval?: number;
}

/**
 * Page side: while the queue has job schedulers (created here or in any other tab), ask the
 * browser for Periodic Background Sync, so that the service worker (with `servePeriodicSync`)
 * runs due iterations with no tab open; once the last scheduler is removed, stop asking. Only
 * installed PWAs get it, in Chromium, with the `periodic-background-sync` permission: elsewhere this
 * does nothing, and iterations run whenever a tab or the service worker next processes the queue.
 * Returns a function that stops it.
 *
 * @example
 * const drafts = new Queue('drafts');
 * await drafts.upsertJobScheduler('sync-drafts', { every: 15 * 60_000 });
 * requestPeriodicSync(drafts, { minInterval: 60 * 60_000 });
 */
export function requestPeriodicSync(queue: Queue, options: RequestPeriodicSyncOptions = {}): () => void {
  const target = options.registration ?? ownRegistration() ?? (typeof navigator !== 'undefined' ? navigator.serviceWorker?.ready : undefined);
  if (!target) return () => {};
  const minInterval = options.minInterval ?? 12 * 3_600_000;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  // One look at a time: whether schedulers exist decides between register and unregister.
  const update = () => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        const manager = (await target as ServiceWorkerRegistration & { periodicSync?: PeriodicSyncManagerLike }).periodicSync;
        if (!manager) return;
        if ((await queue.getJobSchedulersCount()) > 0) await manager.register(syncTag(queue), { minInterval });
        else await manager.unregister(syncTag(queue));
      } catch (err) {
        // Not installed, or the permission is not granted: nothing to ask for, nothing is lost.
        if ((err as Error | null)?.name !== 'NotAllowedError' && (err as Error | null)?.name !== 'InvalidStateError') queue.reportError(err);
      }
    });
  };
  const onChange = (change: { type: string }) => {
    if (change.type === 'schedulerUpserted' || change.type === 'schedulerRemoved') update();
  };
  queue.on('global:changed', onChange);
  update();
  return () => {
    stopped = true;
    queue.off('global:changed', onChange);
  };
}

/**
 * Service-worker side: on the queue's `periodicsync` event, keep the service worker alive while the
 * queue's processors (set up with `queue.process` in the service worker) run what is due — the
 * iterations of job schedulers that fell due while no tab was open, and anything else waiting —
 * for at most `budget` ms. Returns a function that stops listening.
 *
 * @example
 * // sw.ts
 * const drafts = new Queue<void, number>('drafts');
 * drafts.process('sync', async () => (await fetch('/drafts/sync', { method: 'POST' })).status);
 * servePeriodicSync(drafts);
 */
export function servePeriodicSync(queue: Queue, options: ServeSyncOptions = {}): () => void {
  const scope = options.scope ?? (globalThis as unknown as EventTarget);
  const budget = options.budget ?? 150_000;
  const onPeriodicSync = (event: Event) => {
    const sync = event as PeriodicSyncEventLike;
    if (sync.tag !== syncTag(queue)) return;
    // A periodic sync is not retried: what is left stays queued for the next wake-up or tab.
    sync.waitUntil(drain(queue, budget, true));
  };
  scope.addEventListener('periodicsync', onPeriodicSync);
  return () => scope.removeEventListener('periodicsync', onPeriodicSync);
}

const CHANGES = ['global:completed', 'global:failed', 'global:waiting', 'global:delayed', 'global:removed', 'global:stalled'] as const;

function nextChange(queue: Queue, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      for (const event of CHANGES) queue.off(event, done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const event of CHANGES) queue.on(event, done);
  });
}
