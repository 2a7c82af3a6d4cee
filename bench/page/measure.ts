// The measurements that run inside the browser, each a plain async function of plain parameters
// returning plain numbers, so the Node runner can call them in a page (page.evaluate) or in a
// dedicated worker (comlink) alike. Every measurement opens its own fresh database and deletes
// it afterwards; jobtrail and its raw baseline see the same records and the same browser.
import { Queue, type Job } from '../../src/index.js';
import { foldSpeed as measureFoldSpeed, type FoldSpeed } from './fold-speed.js';
import { storeCompletedJobs } from './fixtures.js';
import { profileIdb, type IdbProfile } from './idb-profile.js';
import { freshName, JOB_NAME, jobData, type BenchData } from './payload.js';
import { batchedPuts, committed, deleteDb, openExisting, openRaw, request, singlePuts } from './raw.js';
import type { SwMeasureName, SwTimed } from './sw.js';
import { txShapes, type ShapeTimes } from './tx-shapes.js';

export const PREFIX = 'bench';
/** addBulk chunk used to fill queues (the unit a real app would add at once). */
const CHUNK = 10_000;

/** Unix time in ms with sub-ms precision, comparable between tabs and with the Node runner. */
export const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Timed {
  ms: number;
  n: number;
  profile?: IdbProfile;
}

type BenchQueue = Queue<BenchData, null>;

function newQueue(kind: string, removeOnComplete = false, name = freshName(kind)): BenchQueue {
  return new Queue<BenchData, null>(name, { prefix: PREFIX, defaultJobOptions: removeOnComplete ? { removeOnComplete: true } : {} });
}

async function drop(queue: BenchQueue): Promise<void> {
  await queue.close({ force: true });
  await deleteDb(queue.dbName);
}

/** Run `body`, counting its IndexedDB work when `profile` is set. */
async function measured(profile: boolean | undefined, body: () => Promise<Omit<Timed, 'profile'>>): Promise<Timed> {
  const counting = profile ? profileIdb() : null;
  try {
    const result: Timed = await body();
    if (counting) result.profile = counting.stop();
    return result;
  } finally {
    counting?.stop();
  }
}

async function addAll(queue: BenchQueue, n: number, from = 1): Promise<void> {
  for (let first = from; first < from + n; first += CHUNK) {
    const count = Math.min(CHUNK, from + n - first);
    await queue.addBulk(Array.from({ length: count }, (_, k) => ({ name: JOB_NAME, data: jobData(first + k) })));
  }
}

/** Resolves `until(n)` once `n` jobs completed in total; rejects on the first failure or error. */
function completions(queue: BenchQueue) {
  let count = 0;
  let target = Infinity;
  let settle: { resolve: () => void; reject: (err: Error) => void } | null = null;
  let failure: Error | null = null;
  const fail = (err: Error) => {
    failure ??= err;
    settle?.reject(failure);
  };
  queue.on('completed', () => {
    if (++count >= target) settle?.resolve();
  });
  queue.on('failed', (job: Job<BenchData, null>, err: Error) => fail(new Error(`job ${job.id} failed: ${err.message}`)));
  queue.on('error', (err: Error) => fail(err));
  return {
    until(n: number): Promise<void> {
      target = n;
      return new Promise<void>((resolve, reject) => {
        if (failure) return reject(failure);
        if (count >= target) return resolve();
        settle = { resolve, reject };
      });
    },
  };
}

// ---- 1, 2: adding ----------------------------------------------------------------------------

export async function rawSinglePut(p: { n: number }): Promise<Timed> {
  const name = freshName('raw-single');
  const db = await openRaw(name);
  try {
    return { ms: await singlePuts(db, p.n), n: p.n };
  } finally {
    db.close();
    await deleteDb(name);
  }
}

export async function rawBatchedPut(p: { n: number }): Promise<Timed> {
  const name = freshName('raw-batched');
  const db = await openRaw(name);
  try {
    return { ms: await batchedPuts(db, p.n), n: p.n };
  } finally {
    db.close();
    await deleteDb(name);
  }
}

export async function jobtrailAdd(p: { n: number; profile?: boolean }): Promise<Timed> {
  const queue = newQueue('add');
  try {
    await queue.getJobCounts(); // open the database outside the timing, as the raw side does
    const data = Array.from({ length: p.n }, (_, k) => jobData(k + 1));
    return await measured(p.profile, async () => {
      const t0 = performance.now();
      for (const d of data) await queue.add(JOB_NAME, d);
      return { ms: performance.now() - t0, n: p.n };
    });
  } finally {
    await drop(queue);
  }
}

export async function jobtrailAddBulk(p: { n: number; profile?: boolean }): Promise<Timed> {
  const queue = newQueue('add-bulk');
  try {
    await queue.getJobCounts();
    const jobs = Array.from({ length: p.n }, (_, k) => ({ name: JOB_NAME, data: jobData(k + 1) }));
    return await measured(p.profile, async () => {
      const t0 = performance.now();
      await queue.addBulk(jobs);
      return { ms: performance.now() - t0, n: p.n };
    });
  } finally {
    await drop(queue);
  }
}

// ---- 3, 4, steady state: processing ----------------------------------------------------------

export interface ProcessParams {
  /** Jobs timed. */
  n: number;
  concurrency: number;
  /** Run the no-op handler in Web Workers (comlink) instead of this thread. */
  worker: boolean;
  removeOnComplete: boolean;
  /** Jobs processed (untimed) on the same database first: the "long run" of the steady state. */
  churn: number;
  profile?: boolean;
}

/** The long run before a steady-state measurement goes this fast whatever the measured concurrency. */
const CHURN_CONCURRENCY = 16;

/**
 * Process `n` no-op jobs. The processor is registered on a paused queue and the jobs added before
 * the clock starts; the clock runs from `resume()` until the last `completed` event. With `churn`,
 * another instance first processes that many jobs on the same database (untimed).
 */
export async function jobtrailProcess(p: ProcessParams): Promise<Timed & { churnMs: number }> {
  const queue = newQueue(p.worker ? 'process-worker' : 'process', p.removeOnComplete);
  try {
    let churnMs = 0;
    if (p.churn > 0) {
      const churner = newQueue('', p.removeOnComplete, queue.name);
      const churned = completions(churner);
      await churner.pause();
      await churner.process(CHURN_CONCURRENCY, async () => null);
      await addAll(churner, p.churn);
      const t0 = performance.now();
      await churner.resume();
      await churned.until(p.churn);
      churnMs = performance.now() - t0;
      await churner.pause();
      await churner.close();
    }
    const done = completions(queue);
    await queue.pause();
    if (p.worker) {
      await queue.process(p.concurrency, { worker: () => new Worker(new URL('./noop.worker.ts', import.meta.url), { type: 'module' }) });
    } else {
      await queue.process(p.concurrency, async () => null);
    }
    await addAll(queue, p.n, p.churn + 1);
    const timed = await measured(p.profile, async () => {
      const t0 = performance.now();
      await queue.resume();
      await done.until(p.n);
      return { ms: performance.now() - t0, n: p.n };
    });
    return { ...timed, churnMs };
  } finally {
    await drop(queue);
  }
}

// ---- 5: cross-tab start latency ----------------------------------------------------------------
// Tab B listens (a processor, or a raw BroadcastChannel), tab A sends one job (message) at a time,
// each after the previous one was handled and a short idle gap. Both tabs stamp `now()`.

const open = new Map<string, { close: () => Promise<void>; stamps: Map<string, number> }>();

async function closeSession(session: string): Promise<Record<string, number>> {
  const s = open.get(session);
  if (!s) throw new Error(`no bench session ${session} in this page`);
  open.delete(session);
  await s.close();
  return Object.fromEntries(s.stamps);
}

export async function crossTabProcessor(p: { queue: string }): Promise<void> {
  const queue = new Queue<BenchData, null>(p.queue, { prefix: PREFIX });
  const stamps = new Map<string, number>();
  open.set(p.queue, { stamps, close: () => queue.close() });
  await queue.process(1, async (job) => {
    stamps.set(job.id, now());
    return null;
  });
}

export async function crossTabAdd(p: { queue: string; samples: number; gapMs: number }): Promise<Record<string, number>> {
  const queue = new Queue<BenchData, null>(p.queue, { prefix: PREFIX });
  const sent: Record<string, number> = {};
  try {
    await queue.getJobCounts();
    for (let i = 1; i <= p.samples; i++) {
      await sleep(p.gapMs);
      const t0 = now();
      const job = await queue.add(JOB_NAME, jobData(i));
      sent[job.id] = t0;
      await job.finished();
    }
    return sent;
  } finally {
    await queue.close();
  }
}

/** The stamps a listening tab took, by job (message) id; closes its queue (channel). */
export async function collectStamps(p: { session: string }): Promise<Record<string, number>> {
  return closeSession(p.session);
}

export async function rawChannelListen(p: { channel: string }): Promise<void> {
  const channel = new BroadcastChannel(p.channel);
  const stamps = new Map<string, number>();
  open.set(p.channel, { stamps, close: async () => channel.close() });
  channel.onmessage = (event: MessageEvent<{ id: string }>) => {
    stamps.set(event.data.id, now());
    channel.postMessage({ ack: event.data.id });
  };
}

export async function rawChannelSend(p: { channel: string; samples: number; gapMs: number }): Promise<Record<string, number>> {
  const channel = new BroadcastChannel(p.channel);
  const sent: Record<string, number> = {};
  try {
    for (let i = 1; i <= p.samples; i++) {
      await sleep(p.gapMs);
      const id = String(i);
      const acked = new Promise<void>((resolve) => {
        channel.onmessage = (event: MessageEvent<{ ack?: string }>) => {
          if (event.data.ack === id) resolve();
        };
      });
      sent[id] = now();
      channel.postMessage({ id });
      await acked;
    }
    return sent;
  } finally {
    channel.close();
  }
}

// ---- 6: requeue after the tab holding a job closes ------------------------------------------------
// The victim tab claims a job and hangs in it; the rescuer tab has a processor too. The runner
// closes the victim; the rescuer stamps when it sees the job requeued (released by the closing tab,
// or stalled) and when it starts it again.

export async function requeueVictim(p: { queue: string }): Promise<void> {
  const queue = new Queue<BenchData, null>(p.queue, { prefix: PREFIX });
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  await queue.process(1, () => {
    started();
    return new Promise<null>(() => {}); // never finishes: the tab dies first
  });
  await queue.add(JOB_NAME, jobData(1));
  await running;
}

const rescues = new Map<string, { stalledAt: number | null; startedAt: Promise<number>; queue: BenchQueue }>();

export async function requeueRescuer(p: { queue: string }): Promise<void> {
  const queue = new Queue<BenchData, null>(p.queue, { prefix: PREFIX });
  let started!: (at: number) => void;
  const rescue = { stalledAt: null as number | null, startedAt: new Promise<number>((resolve) => (started = resolve)), queue };
  rescues.set(p.queue, rescue);
  queue.on('global:changed', (change) => {
    if (change.type === 'stalled' || change.type === 'released') rescue.stalledAt ??= now();
  });
  // Resolves once the processor is ready: its start-up sweep has found the victim alive.
  await queue.process(1, async () => {
    started(now());
    return null;
  });
}

export async function requeueResult(p: { queue: string; timeoutMs: number }): Promise<{ stalledAt: number | null; startedAt: number }> {
  const rescue = rescues.get(p.queue);
  if (!rescue) throw new Error(`no rescuer for ${p.queue} in this page`);
  rescues.delete(p.queue);
  try {
    const startedAt = await Promise.race([
      rescue.startedAt,
      sleep(p.timeoutMs).then(() => Promise.reject(new Error(`the job was not requeued within ${p.timeoutMs} ms`))),
    ]);
    return { stalledAt: rescue.stalledAt, startedAt };
  } finally {
    await rescue.queue.close({ force: true });
    await deleteDb(rescue.queue.dbName);
  }
}

const held = new Map<string, Promise<number>>();

/** Hold Web Lock `name` until this tab dies. */
export async function rawLockHold(p: { name: string }): Promise<void> {
  await new Promise<void>((acquired) => {
    void navigator.locks.request(p.name, () => {
      acquired();
      return new Promise<void>(() => {});
    });
  });
}

/** Queue for Web Lock `name`; resolves once queued. `rawLockResult` gives when it was granted. */
export async function rawLockWait(p: { name: string }): Promise<void> {
  held.set(p.name, new Promise<number>((granted) => void navigator.locks.request(p.name, () => granted(now()))));
  const { pending = [] } = await navigator.locks.query();
  if (!pending.some((lock) => lock.name === p.name)) throw new Error(`lock ${p.name} was not held by the other tab`);
}

export async function rawLockResult(p: { name: string; timeoutMs: number }): Promise<number> {
  const granted = held.get(p.name);
  if (!granted) throw new Error(`no lock request ${p.name} in this page`);
  held.delete(p.name);
  return Promise.race([granted, sleep(p.timeoutMs).then(() => Promise.reject(new Error(`lock not granted within ${p.timeoutMs} ms`)))]);
}

// ---- 7: rebuilding the projections -----------------------------------------------------------

/** A fresh queue whose log holds about `events` events (jobs of added, active, progress, completed). */
export async function rebuildFixture(p: { events: number }): Promise<{ queue: string; events: number }> {
  const queue = freshName('rebuild');
  const events = await storeCompletedJobs(PREFIX, queue, Math.ceil(p.events / 4), true);
  return { queue, events };
}

/** Read the whole log raw, page by page (the same page size rebuild uses). */
export async function rawReadLog(p: { queue: string }): Promise<Timed> {
  const db = await openExisting(`${PREFIX}:${p.queue}`);
  try {
    const t0 = performance.now();
    const tx = db.transaction('events', 'readonly');
    const store = tx.objectStore('events');
    let total = 0;
    let after = 0;
    for (;;) {
      const page = await request(store.getAll(IDBKeyRange.lowerBound(after, true), 5000));
      total += page.length;
      if (page.length < 5000) break;
      after = (page[page.length - 1] as { seq: number }).seq;
    }
    await committed(tx);
    return { ms: performance.now() - t0, n: total };
  } finally {
    db.close();
  }
}

/**
 * Delete every job projection of the queue behind jobtrail's back (raw IndexedDB), as if they were
 * lost: the next rebuild then writes every one of them.
 */
export async function dropProjections(p: { queue: string }): Promise<void> {
  const db = await openExisting(`${PREFIX}:${p.queue}`);
  try {
    const tx = db.transaction('jobs', 'readwrite');
    tx.objectStore('jobs').clear();
    await committed(tx);
  } finally {
    db.close();
  }
}

export async function jobtrailRebuild(p: { queue: string; profile?: boolean }): Promise<Timed & { jobs: number }> {
  const queue = new Queue<BenchData, null>(p.queue, { prefix: PREFIX });
  try {
    await queue.getJobCounts();
    let jobs = 0;
    const timed = await measured(p.profile, async () => {
      const t0 = performance.now();
      const result = await queue.rebuild();
      jobs = result.jobs;
      return { ms: performance.now() - t0, n: result.events };
    });
    return { ...timed, jobs };
  } finally {
    await queue.close();
  }
}

export async function dropQueue(p: { queue: string }): Promise<void> {
  await deleteDb(`${PREFIX}:${p.queue}`);
}

// ---- 8: reads and memory with many jobs stored -----------------------------------------------

/** A fresh queue holding `jobs` completed jobs (added, active, completed each). */
export async function readsFixture(p: { jobs: number }): Promise<{ queue: string }> {
  const queue = freshName('reads');
  await storeCompletedJobs(PREFIX, queue, p.jobs, false);
  return { queue };
}

/** The same pseudo-random job ids for jobtrail and raw reads. */
function sampleIds(jobs: number, samples: number): string[] {
  let x = 12345;
  return Array.from({ length: samples }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return String((x % jobs) + 1);
  });
}

export async function jobtrailGetJob(p: { queue: string; jobs: number; samples: number }): Promise<Timed> {
  const queue = new Queue<BenchData, null>(p.queue, { prefix: PREFIX });
  try {
    await queue.getJobCounts();
    const ids = sampleIds(p.jobs, p.samples);
    const t0 = performance.now();
    for (const id of ids) if (!(await queue.getJob(id))) throw new Error(`job ${id} missing`);
    return { ms: performance.now() - t0, n: p.samples };
  } finally {
    await queue.close();
  }
}

export async function rawGetJob(p: { queue: string; jobs: number; samples: number }): Promise<Timed> {
  const db = await openExisting(`${PREFIX}:${p.queue}`);
  try {
    const ids = sampleIds(p.jobs, p.samples);
    const t0 = performance.now();
    for (const id of ids) {
      const tx = db.transaction('jobs', 'readonly');
      if (!(await request(tx.objectStore('jobs').get(id)))) throw new Error(`job ${id} missing`);
    }
    return { ms: performance.now() - t0, n: p.samples };
  } finally {
    db.close();
  }
}

export async function jobtrailGetJobCounts(p: { queue: string; samples: number }): Promise<Timed> {
  const queue = new Queue<BenchData, null>(p.queue, { prefix: PREFIX });
  try {
    await queue.getJobCounts();
    const t0 = performance.now();
    for (let i = 0; i < p.samples; i++) await queue.getJobCounts();
    return { ms: performance.now() - t0, n: p.samples };
  } finally {
    await queue.close();
  }
}

/** Raw: read the one record that holds the counts (what getJobCounts reads). */
export async function rawGetMeta(p: { queue: string; samples: number }): Promise<Timed> {
  const db = await openExisting(`${PREFIX}:${p.queue}`);
  try {
    const t0 = performance.now();
    for (let i = 0; i < p.samples; i++) {
      const tx = db.transaction('meta', 'readonly');
      await request(tx.objectStore('meta').get('queue'));
    }
    return { ms: performance.now() - t0, n: p.samples };
  } finally {
    db.close();
  }
}

/**
 * Open queue `queue` (empty or full) and use it the way an app does: counts, a job, the first
 * page of each list, a processor working through `jobs` new jobs. The queue stays open so the
 * runner can weigh the page's heap; `memoryProbeClose` ends it.
 */
export async function memoryProbe(p: { queue: string; jobs: number }): Promise<{ counts: Record<string, number> }> {
  const queue = new Queue<BenchData, null>(p.queue, { prefix: PREFIX });
  const done = completions(queue);
  await queue.getJob('1');
  await queue.getJobs(['waiting', 'completed'], 0, 9);
  await queue.process(4, async () => null);
  await addAll(queue, p.jobs);
  await done.until(p.jobs);
  await queue.getJobs('completed', 0, 9);
  open.set(`memory:${p.queue}`, { stamps: new Map(), close: () => queue.close() });
  return { counts: await queue.getJobCounts() };
}

export async function memoryProbeClose(p: { queue: string; drop: boolean }): Promise<void> {
  await closeSession(`memory:${p.queue}`);
  if (p.drop) await deleteDb(`${PREFIX}:${p.queue}`);
}

/** Nothing: lets the runner check the page works (and is cross-origin isolated). */
export async function hello(): Promise<{ crossOriginIsolated: boolean; userAgent: string; timerResolutionMs: number }> {
  let resolution = Infinity;
  for (let i = 0; i < 1000; i++) {
    const a = performance.now();
    let b = performance.now();
    while (b === a) b = performance.now();
    resolution = Math.min(resolution, b - a);
  }
  return { crossOriginIsolated: globalThis.crossOriginIsolated === true, userAgent: navigator.userAgent, timerResolutionMs: resolution };
}

/** Diagnostics: jobtrail's transaction shapes in plain IndexedDB (see tx-shapes.ts), ms per tx. */
export async function transactionShapes(p: { n: number }): Promise<ShapeTimes> {
  const raw = await rawSinglePut({ n: p.n });
  const bulk = await rawBatchedPut({ n: 10_000 });
  return {
    'raw: one put per transaction (the baseline)': raw.ms / raw.n,
    'raw: 10,000 puts in one transaction, per put (addBulk\'s baseline)': bulk.ms / bulk.n,
    ...(await txShapes({ prefix: PREFIX, n: p.n })),
  };
}

// ---- F: the fold ---------------------------------------------------------------------------------

/** µs per event folded through the fold's transition table and through xstate (fold-speed.ts). */
export async function foldSpeed(p: { jobs: number }): Promise<FoldSpeed> {
  return measureFoldSpeed(p.jobs);
}

// ---- W: side by side with workbox-background-sync, in the bench's service worker ---------------------

let benchWorker: Promise<ServiceWorker> | null = null;

function serviceWorker(): Promise<ServiceWorker> {
  benchWorker ??= (async () => {
    await navigator.serviceWorker.register('./bench-sw.js', { type: 'module' });
    const registration = await navigator.serviceWorker.ready;
    if (!registration.active) throw new Error('the bench service worker did not activate');
    return registration.active;
  })();
  return benchWorker;
}

/** Run measurement `name` of the bench's service worker (sw.ts) and return its answer. */
export async function inServiceWorker(p: { name: SwMeasureName; params: object }): Promise<SwTimed> {
  const worker = await serviceWorker();
  const { port1, port2 } = new MessageChannel();
  const answer = new Promise<SwTimed>((resolve, reject) => {
    port1.onmessage = (event: MessageEvent<{ ok: true; value: SwTimed } | { ok: false; error: string }>) => {
      port1.close();
      if (event.data.ok) resolve(event.data.value);
      else reject(new Error(`in the service worker: ${event.data.error}`));
    };
  });
  worker.postMessage({ name: p.name, params: p.params }, [port2]);
  return answer;
}
