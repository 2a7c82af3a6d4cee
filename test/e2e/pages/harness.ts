// The test harness page: exposes the package and the worker processors to `page.evaluate`.
// Worker scripts are created with `new URL(..., import.meta.url)`, the form Vite (and other
// bundlers) recognise, exactly as an application would write it.
import * as jobtrail from 'jobtrail';

const workers = {
  /** Echoes the job back, with the progress and log lines the job's data asks for. */
  echo: { worker: () => new Worker(new URL('./workers/echo.worker.ts', import.meta.url), { type: 'module' }) },
  /** Throws, loops forever or crashes, as the job's data asks. */
  misbehave: { worker: () => new Worker(new URL('./workers/misbehave.worker.ts', import.meta.url), { type: 'module' }) },
};

/** The URL of a worker script, for the `queue.process(url)` form. */
const workerUrls = {
  echo: new URL('./workers/echo.worker.ts', import.meta.url).href,
  /** Not a processor: a worker that opens a queue and processes it itself (`?queue=&concurrency=`). */
  queue: new URL('./workers/queue.worker.ts', import.meta.url).href,
};

const queueErrors: string[] = [];

/**
 * A queue whose `error` events are recorded: the test fails if any occur (see fixtures.ts).
 * Without a listener they would only reach the console.
 */
function openQueue<Data = any, Result = any>(name: string, options?: jobtrail.QueueOptions): jobtrail.Queue<Data, Result> {
  const queue = new jobtrail.Queue<Data, Result>(name, options);
  queue.on('error', (err) => queueErrors.push(`${name}: ${err.name}: ${err.message}`));
  return queue;
}

declare global {
  interface Window {
    jobtrail: typeof jobtrail;
    workers: typeof workers;
    workerUrls: typeof workerUrls;
    openQueue: typeof openQueue;
    queueErrors: string[];
    /** Scratch space for state a test keeps across `page.evaluate` calls (queues, recordings). */
    state: Record<string, any>;
    harnessReady: true;
  }
}

// Cron patterns need the parser, which an app provides: loaded when a pattern first needs it.
jobtrail.provideCron(() => import('jobtrail/cron'));

window.jobtrail = jobtrail;
window.workers = workers;
window.workerUrls = workerUrls;
window.openQueue = openQueue;
window.queueErrors = queueErrors;
window.state = {};
window.harnessReady = true;
