// BullMQ's deduplication, decided once: whether the job holding a deduplication id still holds it.
import type { JobOpts, JobState } from './types.js';

/**
 * Without `ttl`, a job holds its deduplication id until it is finished (completed, or failed for
 * good); with `ttl`, for `ttl` ms after it was added, whatever its state (BullMQ's throttle mode).
 * A removed job holds nothing: it is gone.
 */
export function holdsDeduplication(state: JobState, job: { timestamp: number; opts: JobOpts }, now: number): boolean {
  const ttl = job.opts.deduplication?.ttl;
  if (ttl !== undefined) return now < job.timestamp + ttl;
  return state === 'waiting' || state === 'delayed' || state === 'active';
}
