// The service worker of the browser tests: it processes the `sw-uploads` queue the way an
// application's would (jobFetch, holdWhileOffline, serveBackgroundSync), and reports what it sees
// on the `sw-test` BroadcastChannel so tests can wait for it instead of polling.
// Served by Vite as a module service worker: register it with `{ type: 'module' }`.
import { jobFetch, provideCron, Queue } from 'jobtrail';
import { Cron } from 'jobtrail/cron';
import { serveBackgroundSync, syncTag } from 'jobtrail/sw';

export interface UploadData {
  file: string;
  /** Wait this long (ms) before uploading, to keep the job active for a while. */
  wait?: number;
  /** Never finish (until aborted) unless the job stalled before: a processor killed mid-job. */
  holdUntilStalled?: boolean;
}

export interface UploadResult {
  file: string;
  body: string;
  /** Always true: proves the service worker, not a page, ran the job. */
  inServiceWorker: boolean;
}

/** What tests learn from the service worker, on the `sw-test` channel. */
export type SwReport =
  | { type: 'started'; instance: string }
  | { type: 'sync'; tag: string; lastChance: boolean; instance: string }
  | { type: 'sync-done'; tag: string; ok: boolean; instance: string }
  | { type: 'job'; id: string; instance: string }
  | { type: 'error'; message: string; instance: string };

/** The part of ServiceWorkerGlobalScope used here (the DOM lib this project compiles with lacks it). */
interface ExtendableEventLike extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface SwScope extends EventTarget {
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  uploads: Queue<UploadData, UploadResult>;
}

const scope = self as unknown as SwScope;
/** This run of the service worker: a stopped and restarted worker reports a new one. */
const instance = crypto.randomUUID();
const reports = new BroadcastChannel('sw-test');
const report = (message: SwReport) => reports.postMessage(message);

const uploads = new Queue<UploadData, UploadResult>('sw-uploads', { settings: { holdWhileOffline: true } });
uploads.on('error', (err) => report({ type: 'error', message: `${err.name}: ${err.message}`, instance }));
scope.uploads = uploads;

void uploads.process('upload', async (job, signal) => {
  report({ type: 'job', id: job.id, instance });
  if (job.data.holdUntilStalled && !(await job.history()).some((e) => e.type === 'stalled')) {
    await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
  }
  if (job.data.wait) await new Promise((resolve) => setTimeout(resolve, job.data.wait));
  const response = await jobFetch(new URL('./payload.txt', import.meta.url), { signal, cache: 'no-store' });
  return { file: job.data.file, body: await response.text(), inServiceWorker: 'ServiceWorkerGlobalScope' in globalThis };
});

// Report every sync event for our tag, and how the promise it waited for ended.
// Registered before serveBackgroundSync, so it wraps waitUntil before that handler calls it.
scope.addEventListener('sync', (event) => {
  const sync = event as ExtendableEventLike & { tag: string; lastChance: boolean };
  if (sync.tag !== syncTag(uploads)) return;
  report({ type: 'sync', tag: sync.tag, lastChance: sync.lastChance, instance });
  const waitUntil = sync.waitUntil.bind(sync);
  Object.defineProperty(sync, 'waitUntil', {
    value: (promise: Promise<unknown>) => {
      waitUntil(promise);
      promise.then(
        () => report({ type: 'sync-done', tag: sync.tag, ok: true, instance }),
        () => report({ type: 'sync-done', tag: sync.tag, ok: false, instance }),
      );
    },
  });
});

serveBackgroundSync(uploads);

// A queue of job schedulers the service worker runs. A service worker may not import(): it hands
// jobtrail the cron parser up front.
provideCron(Cron);
const schedules = new Queue('sw-schedules');
schedules.on('error', (err) => report({ type: 'error', message: `${err.name}: ${err.message}`, instance }));
void schedules.process('*', async (job) => {
  report({ type: 'job', id: job.id, instance });
});

scope.addEventListener('install', () => void scope.skipWaiting());
scope.addEventListener('activate', (event) => (event as ExtendableEventLike).waitUntil(scope.clients.claim()));

report({ type: 'started', instance });
