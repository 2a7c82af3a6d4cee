// The bench's service worker: jobtrail and workbox-background-sync side by side, in the same
// service worker and the same run. The page (measure.ts, `inServiceWorker`) posts
// `{ name, params }` with a MessagePort; the answer comes back on the port.
//
// - add: jobtrail's `add()`, awaited one at a time, with `requestBackgroundSync` asking for a sync
//   as an app would, against workbox's `pushRequest()` (which asks for a sync on every request),
//   and raw single-put transactions in this service worker.
// - replay: jobtrail processing jobs that each do one `fetch` to the bench server, concurrency 1,
//   against workbox's `replayRequests()` of as many requests to the same endpoint (one at a time).
// Both libraries start every run on a fresh database: workbox keeps all queues in one database,
// which is closed and deleted after each run (its tombstones would slow the next run's cursor).
import { Queue as WorkboxQueue } from 'workbox-background-sync';
import { jobFetch, Queue, type Job } from '../../src/index.js';
import { requestBackgroundSync } from '../../src/sw.js';
import { freshName, JOB_NAME, jobData, type BenchData } from './payload.js';
import { deleteDb, openRaw, singlePuts } from './raw.js';

// The few service-worker globals used here (the project's types are DOM's, not WebWorker's).
interface ExtendableEventLike extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface ExtendableMessageEventLike extends ExtendableEventLike {
  data: unknown;
  ports: readonly MessagePort[];
}
const sw = globalThis as unknown as EventTarget & {
  location: Location;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
};

const PREFIX = 'bench';
const WORKBOX_DB = 'workbox-background-sync';

export interface SwTimed {
  ms: number;
  n: number;
  /** Requests the bench server counted for this run (replay measurements). */
  served?: number;
}

const endpoint = (run: string) => `/bench-endpoint?run=${encodeURIComponent(run)}`;

async function served(run: string): Promise<number> {
  const response = await fetch(`${endpoint(run)}&count`);
  return Number(await response.text());
}

function benchRequest(run: string, i: number): Request {
  return new Request(new URL(endpoint(run), sw.location.href), {
    method: 'POST',
    body: JSON.stringify(jobData(i)),
    headers: { 'Content-Type': 'application/json' },
  });
}

/** Close workbox's connection (it keeps one open for good) and delete its database. */
async function dropWorkbox(queue: WorkboxQueue): Promise<void> {
  const db = (queue as unknown as { _queueStore: { _queueDb: { _db: IDBDatabase | null } } })._queueStore._queueDb;
  db._db?.close();
  db._db = null;
  await deleteDb(WORKBOX_DB);
}

async function dropQueue(queue: Queue<BenchData, number | null>): Promise<void> {
  await queue.close({ force: true });
  await deleteDb(queue.dbName);
}

const measures = {
  async rawSinglePut(p: { n: number }): Promise<SwTimed> {
    const name = freshName('sw-raw-single');
    const db = await openRaw(name);
    try {
      return { ms: await singlePuts(db, p.n), n: p.n };
    } finally {
      db.close();
      await deleteDb(name);
    }
  },

  async jobtrailAdd(p: { n: number }): Promise<SwTimed> {
    const queue = new Queue<BenchData, number | null>(freshName('sw-add'), { prefix: PREFIX });
    const stop = requestBackgroundSync(queue);
    try {
      await queue.getJobCounts();
      const data = Array.from({ length: p.n }, (_, k) => jobData(k + 1));
      const t0 = performance.now();
      for (const d of data) await queue.add(JOB_NAME, d);
      return { ms: performance.now() - t0, n: p.n };
    } finally {
      stop();
      await dropQueue(queue);
    }
  },

  async workboxPush(p: { n: number }): Promise<SwTimed> {
    // A sync event would replay the queue mid-measurement: this queue's sync does nothing.
    const queue = new WorkboxQueue(freshName('sw-push'), { onSync: async () => {} });
    try {
      const requests = Array.from({ length: p.n }, (_, k) => benchRequest('push', k + 1));
      const t0 = performance.now();
      for (const request of requests) await queue.pushRequest({ request });
      return { ms: performance.now() - t0, n: p.n };
    } finally {
      await dropWorkbox(queue);
    }
  },

  async jobtrailFetch(p: { n: number; run: string }): Promise<SwTimed> {
    const queue = new Queue<BenchData, number | null>(freshName('sw-fetch'), { prefix: PREFIX });
    try {
      let done = 0;
      let finish!: () => void;
      let fail!: (err: Error) => void;
      const all = new Promise<void>((resolve, reject) => {
        finish = resolve;
        fail = reject;
      });
      queue.on('completed', () => {
        if (++done === p.n) finish();
      });
      queue.on('failed', (job: Job<BenchData, number | null>, err: Error) => fail(new Error(`job ${job.id} failed: ${err.message}`)));
      await queue.pause();
      await queue.process(1, async (job) => {
        const response = await jobFetch(endpoint(p.run), { method: 'POST', body: JSON.stringify(job.data), headers: { 'Content-Type': 'application/json' } });
        return response.status;
      });
      await queue.addBulk(Array.from({ length: p.n }, (_, k) => ({ name: JOB_NAME, data: jobData(k + 1) })));
      const t0 = performance.now();
      await queue.resume();
      await all;
      const ms = performance.now() - t0;
      return { ms, n: p.n, served: await served(p.run) };
    } finally {
      await dropQueue(queue);
    }
  },

  async workboxReplay(p: { n: number; run: string }): Promise<SwTimed> {
    // forceSyncFallback: no sync registration while the queue fills (untimed), and no sync event.
    const queue = new WorkboxQueue(freshName('sw-replay'), { onSync: async () => {}, forceSyncFallback: true });
    try {
      for (let k = 1; k <= p.n; k++) await queue.pushRequest({ request: benchRequest(p.run, k) });
      const t0 = performance.now();
      await queue.replayRequests();
      const ms = performance.now() - t0;
      const left = (await queue.getAll()).length;
      if (left > 0) throw new Error(`workbox left ${left} requests in its queue`);
      return { ms, n: p.n, served: await served(p.run) };
    } finally {
      await dropWorkbox(queue);
    }
  },
};

export type SwMeasureName = keyof typeof measures;

sw.addEventListener('install', () => void sw.skipWaiting());
sw.addEventListener('activate', (event) => (event as ExtendableEventLike).waitUntil(sw.clients.claim()));
sw.addEventListener('message', (e) => {
  const event = e as ExtendableMessageEventLike;
  const { name, params } = event.data as { name: SwMeasureName; params: never };
  const port = event.ports[0]!;
  const measure = measures[name] as ((p: never) => Promise<SwTimed>) | undefined;
  const run = measure ? measure(params) : Promise.reject(new Error(`no measurement ${String(name)} in the bench service worker`));
  event.waitUntil(
    run.then(
      (value) => port.postMessage({ ok: true, value }),
      (err: unknown) => port.postMessage({ ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }),
    ),
  );
});
