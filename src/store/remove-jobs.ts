// Deleting jobs. A deleted job takes its whole history with it: projection and events go together.
import { JobtrailError } from '../core/errors.js';
import type { IdPattern } from '../core/glob.js';
import { prefixEnd } from './job-page.js';
import type { JobRecord } from './record.js';
import type { JobState, KeepJobs } from '../core/types.js';
import type { WriteBatch } from './write-batch.js';

/**
 * removeJob — reads: the job. Deletes: it and its events. Refuses an active job unless `token` is
 * the claim holding it (only the processor running a job may remove it). Returns the removed job.
 */
export async function removeJob(batch: WriteBatch, jobId: string, token?: string): Promise<JobRecord | null> {
  const record = await batch.read(jobId);
  if (!record) return null;
  if (record.state === 'active' && (token === undefined || record.job.claim?.token !== token)) {
    throw new JobtrailError('ERR_REFUSED', `Cannot remove job ${jobId}: it is active, and only the processor running it may remove it`);
  }
  await batch.remove(record);
  return record;
}

export interface RemoveFilter {
  /** Remove only jobs that finished (or, unfinished, were processed or created) before this time. */
  before?: number;
  /** Keep this many of the newest jobs of the state. */
  keepNewest?: number;
  /** Remove at most this many. */
  limit?: number;
}

/**
 * removeJobsIn — reads: the jobs of one state, oldest first, from the state's floor. Deletes: those
 * the filter selects, with their events. Returns the removed jobs.
 */
export async function removeJobsIn(batch: WriteBatch, state: JobState, filter: RemoveFilter): Promise<JobRecord[]> {
  // An active job belongs to the processor running it (see removeJob); a dead processor's jobs are
  // requeued as stalled, so there is never an active job for cleanup to take.
  if (state === 'active') return [];
  let limit = filter.limit ?? Infinity;
  if (filter.keepNewest !== undefined) limit = Math.min(limit, batch.meta.counts[state] - filter.keepNewest);
  if (limit <= 0) return [];
  // Finished jobs are ranked by finish time, so the scan can stop at the first one young enough.
  const byTime = state === 'completed' || state === 'failed';
  const chosen: JobRecord[] = [];
  await batch.scan(state, (record) => {
    if (filter.before !== undefined && ageOf(record) >= filter.before) return !byTime;
    chosen.push(record);
    return chosen.length < limit;
  });
  for (const record of chosen) await batch.remove(record);
  return chosen;
}

/** Apply a job's `removeOnComplete` / `removeOnFail` after it finished in `state`. */
export async function applyKeep(batch: WriteBatch, record: JobRecord, keep: boolean | number | KeepJobs | undefined, now: number): Promise<JobRecord[]> {
  if (keep === undefined || keep === false) return [];
  if (keep === true) {
    await batch.remove(record);
    return [record];
  }
  const state = record.state;
  if (typeof keep === 'number') return removeJobsIn(batch, state, { keepNewest: keep });
  const removed: JobRecord[] = [];
  if (keep.age !== undefined) removed.push(...(await removeJobsIn(batch, state, { before: now - keep.age * 1000 })));
  if (keep.count !== undefined) removed.push(...(await removeJobsIn(batch, state, { keepNewest: keep.count })));
  return removed;
}

/** Bull's age of a job for cleaning: when it finished, else when it was processed, else created. */
function ageOf(record: JobRecord): number {
  return record.job.finishedOn ?? record.job.processedOn ?? record.job.timestamp;
}

/**
 * removeJobsMatching — reads: the ids of the jobs (only those after the pattern's literal prefix),
 * then each matching job. Deletes: every matching job that is not active, with its events (as
 * Bull, which skips locked jobs). Returns the removed jobs.
 */
export async function removeJobsMatching(batch: WriteBatch, pattern: IdPattern): Promise<JobRecord[]> {
  const end = pattern.prefix === '' ? null : prefixEnd(pattern.prefix);
  const range = pattern.prefix === '' ? undefined : end === null ? IDBKeyRange.lowerBound(pattern.prefix) : IDBKeyRange.bound(pattern.prefix, end, false, true);
  const ids = (await batch.tx.objectStore('jobs').getAllKeys(range)).filter((id) => pattern.test(id));
  const records = await Promise.all(ids.map((id) => batch.read(id)));
  const removed: JobRecord[] = [];
  for (const record of records) {
    if (!record || record.state === 'active') continue;
    await batch.remove(record);
    removed.push(record);
  }
  return removed;
}
