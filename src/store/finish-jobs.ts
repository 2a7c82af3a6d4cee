// finishJobs — reads: each finished job; for keep-N / age options, the oldest finished jobs.
// Appends: `completed` or `failed` per job; to a parent of the same queue, its child's outcome.
// Deletes: the jobs that removeOnComplete / removeOnFail drop.
// A stale claim or a refused event skips that job alone; the rest of the batch goes on.
import type { AttemptOutcome } from '../core/decide.js';
import { JobtrailError } from '../core/errors.js';
import type { JobState } from '../core/types.js';
import type { JobRecord } from './record.js';
import { settleLinks } from './deliver.js';
import { applyKeep } from './remove-jobs.js';
import type { WriteBatch } from './write-batch.js';

export interface Finish {
  jobId: string;
  token: string;
  outcome: AttemptOutcome;
  /** The error the handler threw, handed to local `failed` listeners (not stored: the log keeps its message and stack). */
  error?: Error;
}

export interface Finished {
  /** The job after the event, or null when it was removed by removeOnComplete / removeOnFail. */
  record: JobRecord | null;
  /** Why the event was refused (stale claim, job removed meanwhile, ...). */
  error?: Error;
}

export async function finishJobs(batch: WriteBatch, finishes: readonly Finish[], now: number): Promise<Finished[]> {
  // Read the jobs all at once: one round trip to the database, not one per job. A job listed twice
  // is read again after its first finish; one removed by an earlier job's removeOnComplete is gone.
  const once = new Set(finishes.map((f) => f.jobId)).size === finishes.length;
  const prefetched = once ? await Promise.all(finishes.map((f) => batch.read(f.jobId))) : [];
  const results: Finished[] = [];
  for (const [i, finish] of finishes.entries()) {
    const removed = batch.changes.some((c) => c.type === 'removed' && c.jobId === finish.jobId);
    const prev = removed ? undefined : once ? prefetched[i] : await batch.read(finish.jobId);
    results.push(await finishOne(batch, finish, prev, now));
  }
  // Now, not at commit: a parent these children released is in the waiting line for a claim that
  // follows in this same transaction.
  await settleLinks(batch);
  return results;
}

async function finishOne(batch: WriteBatch, { jobId, token, outcome, error }: Finish, prev: JobRecord | undefined, now: number): Promise<Finished> {
  if (!prev) return { record: null, error: new JobtrailError('ERR_NOT_FOUND', `Job ${jobId} was removed while it ran`) };
  const { removeOnComplete, removeOnFail } = prev.job.opts;
  const keepOf = (state: JobState) => (state === 'completed' ? removeOnComplete : state === 'failed' ? removeOnFail : undefined);
  // A job removed as it finishes goes in the same append: its last event and projection are never written.
  const goesAtOnce = (next: JobRecord) => keepOf(next.state) === true;
  let record: JobRecord;
  try {
    if (outcome.type === 'completed') {
      try {
        record = batch.append(prev, jobId, { type: 'completed', time: now, payload: { token, returnvalue: outcome.returnvalue } }, goesAtOnce);
      } catch (err) {
        if ((err as JobtrailError).code !== 'ERR_NOT_CLONEABLE') throw err;
        // A result IndexedDB cannot store fails the attempt instead of losing the job.
        const payload = { token, failedReason: (err as Error).message, stack: (err as Error).stack ?? null, retryDelay: null };
        record = batch.append(prev, jobId, { type: 'failed', time: now, payload }, goesAtOnce);
      }
    } else if (outcome.type === 'postponed') {
      const payload = { token, delay: outcome.delay, reason: outcome.reason };
      record = batch.append(prev, jobId, { type: 'postponed', time: now, payload });
    } else {
      const { failedReason, stack, retryDelay } = outcome;
      record = batch.append(prev, jobId, { type: 'failed', time: now, payload: { token, failedReason, stack, retryDelay } }, goesAtOnce);
    }
  } catch (err) {
    if (err instanceof JobtrailError) return { record: null, error: err };
    throw err;
  }
  if (error && record.state !== 'completed') batch.changes[batch.changes.length - 1]!.error = error;
  if (batch.removed(jobId)) return { record: null };
  const removed = await applyKeep(batch, record, keepOf(record.state), now);
  return { record: removed.some((r) => r.id === record.id) ? null : record };
}
