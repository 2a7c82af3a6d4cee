// Helpers for the core tests: look at what is stored over a second connection (never through the
// code under test), and drive jobs to a finished state with a second, short-lived queue instance.
import { openDB } from 'idb';
import type { Job, Queue, StoredEvent } from '../../../src/index.js';
import type { ProcessFunction } from '../../../src/api/process-args.js';
import type { JobRecord } from '../../../src/store/record.js';
import type { MetaRecord } from '../../../src/store/schema.js';
import { makeQueue } from '../helpers.js';

export interface Stored {
  events: StoredEvent[];
  jobs: JobRecord[];
  meta: MetaRecord | undefined;
}

/** Everything stored for `queue`: the log, the projection and the meta record. */
export async function stored(queue: Queue): Promise<Stored> {
  const db = await openDB(queue.dbName);
  try {
    return {
      events: (await db.getAll('events')) as StoredEvent[],
      jobs: (await db.getAll('jobs')) as JobRecord[],
      meta: (await db.get('meta', 'queue')) as MetaRecord | undefined,
    };
  } finally {
    db.close();
  }
}

/** How many events the log holds. */
export async function eventCount(queue: Queue): Promise<number> {
  return (await stored(queue)).events.length;
}

/**
 * Process the queue with `handler` in a second instance until `jobs` completed (or finally failed),
 * then close that instance, so the caller's instance holds no processor and states stay put.
 * Every job that is waiting meanwhile may run too: add the others afterwards.
 */
export async function runJobs<D, R>(queue: Queue<D, R>, jobs: Job<D, R>[], handler: ProcessFunction<D, R>): Promise<void> {
  const worker = makeQueue<D, R>(queue.name, { prefix: queue.prefix });
  const settled = jobs.map(async (job) => (await worker.getJob(job.id))!.finished().catch(() => undefined));
  await worker.process('*', handler);
  await Promise.all(settled);
  await worker.close();
}

/** A handler that fails every attempt with `message`. */
export const failWith = (message: string) => () => {
  throw new Error(message);
};

/** A handler that waits until `release()` is called; `started` resolves when it begins. */
export function gate<R>(result: R) {
  let release!: () => void;
  let started!: (signal: AbortSignal) => void;
  const opened = new Promise<void>((r) => (release = r));
  const running = new Promise<AbortSignal>((r) => (started = r));
  const handler = async (_job: Job, signal: AbortSignal): Promise<R> => {
    started(signal);
    await opened;
    return result;
  };
  return { handler, release, running };
}
