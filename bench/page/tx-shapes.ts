// Where a jobtrail transaction's time goes, measured with plain IndexedDB on a database of
// jobtrail's own schema and records: the writes alone, with the reads issued together, and as
// jobtrail's store issues them from remembered meta (the head's add, its nine-store scope). The
// records are made by the projection code itself, so sizes and index entries are jobtrail's.
import type { JobEvent } from '../../src/core/events.js';
import { project, type JobRecord } from '../../src/store/record.js';
import { dbName } from '../../src/store/db-name.js';
import { openQueueDb } from '../../src/store/open-db.js';
import { emptyMeta, stateRange } from '../../src/store/schema.js';
import { freshName, JOB_NAME, jobData } from './payload.js';
import { committed, deleteDb, openExisting, request } from './raw.js';

const STORES = ['meta', 'jobs', 'events', 'owners'];
/** The scope of every jobtrail write (store/write-batch.ts), used by the shapes labelled SCOPED. */
const JOBTRAIL_SCOPE = ['meta', 'jobs', 'events', 'owners', 'removals', 'schedulers', 'flows', 'outbox', 'head'];
const SCOPED = ", in jobtrail's scope";

/** Milliseconds per transaction, by shape. */
export type ShapeTimes = Record<string, number>;

interface Job {
  waiting: JobRecord;
  added: JobEvent & { seq: number; jobId: string };
}

function makeJobs(n: number): Job[] {
  const now = Date.now();
  return Array.from({ length: n }, (_, k) => {
    const id = String(k + 1);
    const added: JobEvent = { type: 'added', time: now, payload: { name: JOB_NAME, data: jobData(k + 1), opts: { attempts: 1, delay: 0 } } };
    return { waiting: project(undefined, id, added, k + 1), added: { ...added, seq: k + 1, jobId: id } };
  });
}

/** The writes of one processing transaction at concurrency 1: complete job i-1, claim job i. */
function processWrites(tx: IDBTransaction, jobs: Job[], i: number, n: number): void {
  const now = Date.now();
  const events = tx.objectStore('events');
  const store = tx.objectStore('jobs');
  const claim = (k: number, seq: number): JobRecord => {
    const active: JobEvent = { type: 'active', time: now, payload: { token: `t${k}`, owner: 'bench' } };
    return project(jobs[k]!.waiting, jobs[k]!.waiting.id, active, seq);
  };
  let seq = n + 2 * i;
  if (i > 0) {
    const completed: JobEvent = { type: 'completed', time: now, payload: { token: `t${i - 1}`, returnvalue: null } };
    const done = project(claim(i - 1, seq - 1), jobs[i - 1]!.waiting.id, completed, seq);
    events.put({ ...completed, seq, jobId: done.id });
    store.put(done);
  }
  seq++;
  const active = claim(i, seq);
  events.put({ type: 'active', time: now, payload: { token: `t${i}`, owner: 'bench' }, seq, jobId: active.id });
  store.put(active);
  tx.objectStore('meta').put({ ...emptyMeta(), seq, lastId: n });
}

/** Jobs per transaction in the batched shapes: what concurrency 16 puts in one (0.06 transactions per job). */
const BATCH = 16;
/** Jobs per transaction in the shape that says how far larger transactions could go. */
const BIG = 64;
const BIG_LABEL = `process ${BIG} jobs per transaction, the same writes, per ${BATCH} jobs${SCOPED}`;

/**
 * How a batched shape finishes a job: it stays (`keep`), or removeOnComplete deletes its events and
 * projection and records its removal — after writing its completed event and projection
 * (`write-then-delete`, the store before 2026-12-02) or without ever writing them (`at-once`, the
 * store now: WriteBatch.append's `removeIf`).
 */
type Finishing = 'keep' | 'write-then-delete' | 'at-once';

/**
 * The writes of one processing transaction at concurrency 16: finish the BATCH jobs claimed by the
 * transaction before, claim the next BATCH. Seqs: job k's added event is k + 1, its active and
 * completed events N + 2k + 1 and + 2, its removal 3N + k + 1 (N jobs in all).
 */
function batchWrites(tx: IDBTransaction, jobs: Job[], i: number, finishing: Finishing, size = BATCH): void {
  const now = Date.now();
  const n = jobs.length;
  const events = tx.objectStore('events');
  const store = tx.objectStore('jobs');
  const activeOf = (k: number) => {
    const active: JobEvent = { type: 'active', time: now, payload: { token: `t${k}`, owner: 'bench' } };
    return { event: active, record: project(jobs[k]!.waiting, jobs[k]!.waiting.id, active, n + 2 * k + 1) };
  };
  for (let k = i * size; k < (i + 1) * size; k++) {
    const done = k - size;
    if (done >= 0) {
      const completed: JobEvent = { type: 'completed', time: now, payload: { token: `t${done}`, returnvalue: null } };
      const record = project(activeOf(done).record, jobs[done]!.waiting.id, completed, n + 2 * done + 2);
      if (finishing !== 'at-once') {
        events.put({ ...completed, seq: record.seq, jobId: record.id });
        store.put(record);
      }
      if (finishing !== 'keep') {
        const stored = finishing === 'at-once' ? record.seqs!.slice(0, -1) : record.seqs!;
        for (const seq of stored) events.delete(seq);
        store.delete(record.id);
        tx.objectStore('removals').put({ seq: 3 * n + done + 1, jobId: record.id, state: 'completed', lastSeq: record.seq, returnvalue: null });
      }
    }
    const { event, record } = activeOf(k);
    events.put({ ...event, seq: record.seq, jobId: record.id });
    store.put(record);
  }
  tx.objectStore('meta').put({ ...emptyMeta(), seq: 3 * n, lastId: n });
}

/** Jobs in the bulk shape's one transaction. */
const BULK = 10_000;
const BULK_LABEL = `addBulk: ${BULK.toLocaleString('en-US')} events + jobs + meta in one transaction, per job`;

/** addBulk()'s writes for `jobs` in one transaction of a fresh database of jobtrail's schema: ms per job. */
async function bulkAdd(prefix: string, jobs: Job[]): Promise<number> {
  const name = dbName(prefix, freshName('shapes'));
  (await openQueueDb(name, { onLost: () => {} })).close();
  const db = await openExisting(name);
  try {
    const t0 = performance.now();
    const tx = db.transaction(JOBTRAIL_SCOPE, 'readwrite');
    tx.objectStore('head').add({ v: 1 });
    for (const job of jobs) {
      tx.objectStore('events').put(job.added);
      tx.objectStore('jobs').put(job.waiting);
    }
    tx.objectStore('meta').put({ ...emptyMeta(), seq: jobs.length, lastId: jobs.length });
    tx.commit();
    await committed(tx);
    return (performance.now() - t0) / jobs.length;
  } finally {
    db.close();
    await deleteDb(name);
  }
}

/**
 * Add-like and process-like transactions, one per job, each shape on its own fresh database: the
 * writes alone, with the reads a transaction makes after another tab wrote (meta among them), and
 * as jobtrail makes them from remembered meta (no meta read; the head's add; its nine-store scope).
 */
export async function txShapes(p: { prefix: string; n: number }): Promise<ShapeTimes> {
  const jobs = makeJobs(p.n);
  const range = (i: number) => stateRange('waiting', jobs[i]!.waiting.rank);
  const addWrites = (tx: IDBTransaction, i: number) => {
    tx.objectStore('events').put(jobs[i]!.added);
    tx.objectStore('jobs').put(jobs[i]!.waiting);
    tx.objectStore('meta').put({ ...emptyMeta(), seq: i + 1, lastId: i + 1 });
  };
  const head = (tx: IDBTransaction, i: number) => tx.objectStore('head').add({ v: i + 1 });
  const jobReads = (tx: IDBTransaction, i: number) => [
    i > 0 ? request(tx.objectStore('jobs').get(jobs[i - 1]!.waiting.id)) : null,
    request(tx.objectStore('jobs').index('byState').getAll(range(i), 1)),
  ];
  const shapes: Record<string, (tx: IDBTransaction, i: number) => Promise<void>> = {
    'add: event + job + meta, no read': async (tx, i) => addWrites(tx, i),
    'add: read meta, then the same writes (jobtrail after another tab wrote)': async (tx, i) => {
      await request(tx.objectStore('meta').get('queue'));
      addWrites(tx, i);
    },
    [`add: the head + the same writes, no read${SCOPED} (jobtrail from memory)`]: async (tx, i) => {
      head(tx, i);
      addWrites(tx, i);
    },
    'process: complete + claim writes, no read': async (tx, i) => processWrites(tx, jobs, i, p.n),
    [`process: the head + the same writes, no read${SCOPED}`]: async (tx, i) => {
      head(tx, i);
      processWrites(tx, jobs, i, p.n);
    },
    'process: the 3 reads together, then the writes (jobtrail after another tab wrote)': async (tx, i) => {
      await Promise.all([request(tx.objectStore('meta').get('queue')), ...jobReads(tx, i)]);
      processWrites(tx, jobs, i, p.n);
    },
    [`process: the head, the 2 job reads together, the writes${SCOPED} (jobtrail from memory)`]: async (tx, i) => {
      head(tx, i);
      await Promise.all(jobReads(tx, i));
      processWrites(tx, jobs, i, p.n);
    },
  };
  // Concurrency 16, with and without removeOnComplete: what deleting a finished job costs IndexedDB.
  const batched = makeJobs(p.n * BATCH);
  const batchedShapes: Record<string, (tx: IDBTransaction, i: number) => Promise<void>> = {
    [`process ${BATCH} jobs: the head + their writes, no read${SCOPED}`]: async (tx, i) => {
      head(tx, i);
      batchWrites(tx, batched, i, 'keep');
    },
    [BIG_LABEL]: async (tx, i) => {
      head(tx, i);
      batchWrites(tx, batched, i, 'keep', BIG);
    },
    [`process ${BATCH} jobs, removeOnComplete: the same, then delete each one's events and projection + its removal record${SCOPED}`]: async (tx, i) => {
      head(tx, i);
      batchWrites(tx, batched, i, 'write-then-delete');
    },
    [`process ${BATCH} jobs, removeOnComplete, the last event and projection never written${SCOPED} (jobtrail)`]: async (tx, i) => {
      head(tx, i);
      batchWrites(tx, batched, i, 'at-once');
    },
  };
  const out: ShapeTimes = {};
  out[BULK_LABEL] = await bulkAdd(p.prefix, makeJobs(BULK));
  for (const [label, body] of [...Object.entries(shapes), ...Object.entries(batchedShapes)]) {
    const name = dbName(p.prefix, freshName('shapes'));
    (await openQueueDb(name, { onLost: () => {} })).close();
    const db = await openExisting(name);
    const scope = label.includes(SCOPED) ? JOBTRAIL_SCOPE : STORES;
    try {
      if (label.startsWith('process')) {
        // The jobs waiting, and their added events (a removal deletes them).
        const fill = db.transaction(['jobs', 'events'], 'readwrite');
        for (const job of label in batchedShapes ? batched : jobs) {
          fill.objectStore('jobs').put(job.waiting);
          fill.objectStore('events').put(job.added);
        }
        await committed(fill);
      }
      const t0 = performance.now();
      // The big shape does the jobs of BIG / BATCH batched transactions in each of its own.
      const transactions = label === BIG_LABEL ? Math.floor(p.n / (BIG / BATCH)) : p.n;
      for (let i = 0; i < transactions; i++) {
        const tx = db.transaction(scope, 'readwrite');
        await body(tx, i);
        tx.commit();
        await committed(tx);
      }
      out[label] = ((performance.now() - t0) / transactions) * (label === BIG_LABEL ? BATCH / BIG : 1);
    } finally {
      db.close();
      await deleteDb(name);
    }
  }
  return out;
}
