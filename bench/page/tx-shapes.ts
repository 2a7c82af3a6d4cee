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
  const out: ShapeTimes = {};
  for (const [label, body] of Object.entries(shapes)) {
    const name = dbName(p.prefix, freshName('shapes'));
    (await openQueueDb(name, { onLost: () => {} })).close();
    const db = await openExisting(name);
    const scope = label.includes(SCOPED) ? JOBTRAIL_SCOPE : STORES;
    try {
      if (label.startsWith('process')) {
        const fill = db.transaction(['jobs'], 'readwrite');
        for (const job of jobs) fill.objectStore('jobs').put(job.waiting);
        await committed(fill);
      }
      const t0 = performance.now();
      for (let i = 0; i < p.n; i++) {
        const tx = db.transaction(scope, 'readwrite');
        await body(tx, i);
        tx.commit();
        await committed(tx);
      }
      out[label] = (performance.now() - t0) / p.n;
    } finally {
      db.close();
      await deleteDb(name);
    }
  }
  return out;
}
