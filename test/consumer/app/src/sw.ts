// The service worker: it processes the `in-sw` queue, also when the browser wakes it for a sync.
import { Queue } from 'jobtrail';
import { serveBackgroundSync } from 'jobtrail/sw';
import { double, SW_QUEUE, type Done, type Work } from './jobs';

declare let self: ServiceWorkerGlobalScope;

self.addEventListener('install', (event) => event.waitUntil(self.skipWaiting()));
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

const queue = new Queue<Work, Done>(SW_QUEUE);
serveBackgroundSync(queue);
queue.process(async (job) => double(job.data)).catch((err: unknown) => console.error('cannot process', err));
