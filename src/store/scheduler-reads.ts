// Read-only queries of job schedulers: one readonly transaction each, over the projection or the log.
import { JobtrailError, storageError } from '../core/errors.js';
import type { StoredSchedulerEvent } from '../core/events.js';
import type { QueueDB } from './open-db.js';
import type { SchedulerRecord } from './scheduler-record.js';
import { schedulerEventsRange } from './schema.js';

/** Every scheduler (a queue has few: they are read whole). */
export function readSchedulers(db: QueueDB): Promise<SchedulerRecord[]> {
  return guard('reading the job schedulers', () => db.getAll('schedulers'));
}

export function readSchedulerRecord(db: QueueDB, id: string): Promise<SchedulerRecord | undefined> {
  return guard(`reading job scheduler ${id}`, () => db.get('schedulers', id));
}

/** A scheduler's events, in order: every change of its definition, its newest iteration, its end or removal. */
export async function readSchedulerHistory(db: QueueDB, id: string): Promise<StoredSchedulerEvent[]> {
  return guard(`reading job scheduler ${id}'s history`, async () => {
    const events = await db.getAllFromIndex('events', 'byScheduler', schedulerEventsRange(id));
    return events as StoredSchedulerEvent[];
  });
}

async function guard<T>(doing: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw err instanceof JobtrailError ? err : storageError(err, doing);
  }
}
