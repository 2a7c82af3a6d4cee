// The page: opens both queues, runs `in-worker` jobs in a Web Worker, registers the service worker
// (which runs `in-sw` jobs) and shows the inspector.
import { Queue } from 'jobtrail';
import { defineInspector } from 'jobtrail/inspector';
import { requestBackgroundSync } from 'jobtrail/sw';
import { registerSW } from 'virtual:pwa-register';
import { SW_QUEUE, WORKER_QUEUE, type Done, type Work } from './jobs';

const inWorker = new Queue<Work, Done>(WORKER_QUEUE);
const inSw = new Queue<Work, Done>(SW_QUEUE);

declare global {
  interface Window {
    /** The queues, for the test that drives this page. */
    app: { inWorker: Queue<Work, Done>; inSw: Queue<Work, Done> };
  }
}
window.app = { inWorker, inSw };

defineInspector();

async function start(): Promise<void> {
  const status = document.getElementById('service-worker')!;
  registerSW({
    immediate: true,
    onRegisterError: (err: unknown) => (status.textContent = `failed: ${String(err)}`),
  });
  await inWorker.process(2, {
    worker: () => new Worker(new URL('./double.worker.ts', import.meta.url), { type: 'module' }),
  });
  const registration = await navigator.serviceWorker.ready;
  requestBackgroundSync(inSw, { registration });
  status.textContent = 'active';
  document.documentElement.dataset.ready = 'true';
}

start().catch((err: unknown) => console.error('jobtrail consumer app:', err));
