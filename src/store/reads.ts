// Read-only queries. Each is one readonly transaction over the projection or the log: no replay.
import { JobtrailError, storageError } from '../core/errors.js';
import type { StoredJobEvent } from '../core/events.js';
import type { JobRecord } from './record.js';
import type { JobCounts, JobState } from '../core/types.js';
import { lossBehind, type QueueDB } from './open-db.js';
import { emptyMeta, jobEventsRange, META_KEY, stateRange, type MetaRecord } from './schema.js';

export async function readMeta(db: QueueDB): Promise<MetaRecord> {
  return guard(db, 'reading the queue', async () => (await db.get('meta', META_KEY)) ?? emptyMeta());
}

export async function readJob(db: QueueDB, jobId: string): Promise<JobRecord | undefined> {
  return guard(db, `reading job ${jobId}`, () => db.get('jobs', jobId));
}

export async function readCounts(db: QueueDB): Promise<JobCounts> {
  return (await readMeta(db)).counts;
}

/**
 * The jobs of the given states, state after state, each state in rank order (`asc`) or reversed,
 * from position `start` to `end` inclusive **within each state** (`end` -1 means to its last), as
 * Bull applies the range to each type.
 */
export async function readJobs(db: QueueDB, states: readonly JobState[], start: number, end: number, asc: boolean): Promise<JobRecord[]> {
  return guard(db, 'listing jobs', async () => {
    const tx = db.transaction(['meta', 'jobs'], 'readonly');
    const meta = (await tx.objectStore('meta').get(META_KEY)) ?? emptyMeta();
    const index = tx.objectStore('jobs').index('byState');
    const wanted = end < 0 ? Infinity : end + 1 - start;
    const out: JobRecord[] = [];
    if (wanted <= 0) return out;
    for (const state of states) {
      if (start >= meta.counts[state]) continue;
      // Ascending scans start at the floor to skip the tombstones of jobs that left the state.
      let cursor = await index.openCursor(stateRange(state, asc ? meta.floors[state] : undefined), asc ? 'next' : 'prev');
      if (cursor && start > 0) cursor = await cursor.advance(start);
      for (let taken = 0; cursor && taken < wanted; taken++) {
        out.push(cursor.value);
        cursor = await cursor.continue();
      }
    }
    return out;
  });
}

/** One job's events, in order. */
export async function readHistory(db: QueueDB, jobId: string): Promise<StoredJobEvent[]> {
  return guard(db, `reading job ${jobId}'s history`, async () => {
    const events = await db.getAllFromIndex('events', 'byJob', jobEventsRange(jobId));
    return events as StoredJobEvent[];
  });
}

/**
 * Run a read; whatever IndexedDB throws becomes an error that says what was being done — or, once
 * the connection is lost, what happened to it.
 */
export async function guard<T>(db: QueueDB, doing: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw (await lossBehind(db, err)) ?? (err instanceof JobtrailError ? err : storageError(err, doing));
  }
}
