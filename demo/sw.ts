// The demo's service worker: it opens the same upload queue as the pages and uploads in here (a
// service worker cannot start a dedicated Worker, so the same upload function runs in-thread).
// The pages register a Background Sync whenever uploads are queued; the browser then wakes this
// worker, which stays alive until the queue is drained, even after every tab of the demo is closed.
import { serveBackgroundSync } from 'jobtrail/sw';
import { installSimulatedNetwork } from './network';
import { runUploadJob } from './upload';
import { openUploadQueue } from './uploads';

// The few service-worker types used here (the project's TypeScript lib is the DOM one).
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface ServiceWorkerScope {
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
}
const sw = globalThis as unknown as ServiceWorkerScope;

// A new version takes over at once: the demo has no cached pages that could get out of step.
sw.addEventListener('install', (event) => event.waitUntil(sw.skipWaiting()));
sw.addEventListener('activate', (event) => event.waitUntil(sw.clients.claim()));

const network = installSimulatedNetwork();
const uploads = openUploadQueue();
uploads.on('error', (err) => console.error('jobtrail demo (service worker):', err));

// Listeners for functional events must be added while the script first runs: this one now.
serveBackgroundSync(uploads);
// (No requestBackgroundSync here: Chromium refuses a sync registration from a service worker once
// no window of its origin is open. A retry that falls due within the sync's budget keeps the sync
// alive instead; see `drain` in jobtrail/sw.)

// Processing starts whenever the worker runs (woken by a sync, or by an install). Where Background
// Sync is missing that is the fallback the pages rely on; the pages also upload while they are open.
void network.ready
  .then(() => uploads.process('*', 2, (job, signal) => runUploadJob(job, signal, 'the service worker')))
  .catch((err) => console.error('jobtrail demo (service worker): cannot process uploads', err));
