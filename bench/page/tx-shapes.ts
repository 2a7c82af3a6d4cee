// Where a jobtrail transaction's time goes, measured with plain IndexedDB on a database of
// jobtrail's own schema and records: the same writes with no reads, with the reads awaited one
// after another (what the store does today), and with the reads issued together. The records are
// made by the projection code itself, so sizes and index entries are jobtrail's.
import type { JobEvent } from '../../src/core/events.js';
import { project, type JobRecord } from '../../src/store/record.js';
import { dbName } from '../../src/store/db-name.js';
import { openQueueDb } from '../../src/store/open-db.js';
import { emptyMeta, stateRange } from '../../src/store/schema.js';
import { freshName, JOB_NAME, jobData } from './payload.js';
import { committed, deleteDb, openExisting, request } from './raw.js';

const STORES = ['meta', 'jobs', 'events', 'owners'];

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
 * Process-like transactions over `n` waiting jobs, one per job, in four shapes; and add-like ones
 * (event + job + meta). Each shape on its own fresh database.
 */
export async function txShapes(p: { prefix: string; n: number }): Promise<ShapeTimes> {
  const jobs = makeJobs(p.n);
  const range = (i: number) => stateRange('waiting', jobs[i]!.waiting.rank);
  const shapes: Record<string, (tx: IDBTransaction, i: number) => Promise<void>> = {
    'add: event + job + meta, no read': async (tx, i) => {
      tx.objectStore('events').put(jobs[i]!.added);
      tx.objectStore('jobs').put(jobs[i]!.waiting);
      tx.objectStore('meta').put({ ...emptyMeta(), seq: i + 1, lastId: i + 1 });
    },
    'add: read meta, then the same writes (jobtrail today)': async (tx, i) => {
      await request(tx.objectStore('meta').get('queue'));
      await shapes['add: event + job + meta, no read']!(tx, i);
    },
    'process: complete + claim writes, no read': async (tx, i) => processWrites(tx, jobs, i, p.n),
    'process: 3 reads one after another, then the writes (jobtrail today)': async (tx, i) => {
      await request(tx.objectStore('meta').get('queue'));
      if (i > 0) await request(tx.objectStore('jobs').get(jobs[i - 1]!.waiting.id));
      await request(tx.objectStore('jobs').index('byState').getAll(range(i), 1));
      processWrites(tx, jobs, i, p.n);
    },
    'process: the 3 reads together, then the writes': async (tx, i) => {
      await Promise.all([
        request(tx.objectStore('meta').get('queue')),
        i > 0 ? request(tx.objectStore('jobs').get(jobs[i - 1]!.waiting.id)) : null,
        request(tx.objectStore('jobs').index('byState').getAll(range(i), 1)),
      ]);
      processWrites(tx, jobs, i, p.n);
    },
  };
  const out: ShapeTimes = {};
  for (const [label, body] of Object.entries(shapes)) {
    const name = dbName(p.prefix, freshName('shapes'));
    (await openQueueDb(name, { onLost: () => {} })).close();
    const db = await openExisting(name);
    try {
      if (label.startsWith('process')) {
        const fill = db.transaction(['jobs'], 'readwrite');
        for (const job of jobs) fill.objectStore('jobs').put(job.waiting);
        await committed(fill);
      }
      const t0 = performance.now();
      for (let i = 0; i < p.n; i++) {
        const tx = db.transaction(STORES, 'readwrite');
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
