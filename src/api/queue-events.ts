// The events a Queue emits, typed so `queue.on('completed', (job, result) => ...)` infers its arguments.
import type { QueueChange } from '../core/change.js';
import type { JobProgress, JobState } from '../core/types.js';
import type { Job } from './job.js';

/**
 * Local events concern work done by this Queue instance; `global:` events report changes made by
 * any instance of the same queue (this one, other tabs, workers, the service worker) and pass ids.
 */
export interface QueueEventMap<Data = unknown, Result = unknown> {
  waiting(job: Job<Data, Result>): void;
  /** A parent of a flow began to wait for its children (BullMQ's `waiting-children`). */
  'waiting-children'(job: Job<Data, Result>): void;
  delayed(job: Job<Data, Result>): void;
  active(job: Job<Data, Result>): void;
  progress(job: Job<Data, Result>, progress: JobProgress): void;
  completed(job: Job<Data, Result>, result: Result): void;
  /** On every failed attempt, retried or not. */
  failed(job: Job<Data, Result>, err: Error): void;
  stalled(job: Job<Data, Result>): void;
  removed(job: Job<Data, Result>): void;
  duplicated(jobId: string): void;
  /** An add found its deduplication id held by job `jobId` (BullMQ's `deduplicated`): nothing was added. */
  deduplicated(jobId: string, deduplicationId: string): void;
  /** This instance's processors found no waiting job left. */
  drained(): void;
  paused(): void;
  resumed(): void;
  cleaned(jobs: Job<Data, Result>[], status: JobState): void;
  /** Errors of this instance's own background work (storage failures, listener errors). */
  error(err: Error): void;

  'global:waiting'(jobId: string): void;
  'global:waiting-children'(jobId: string): void;
  'global:delayed'(jobId: string): void;
  'global:active'(jobId: string): void;
  'global:progress'(jobId: string, progress: JobProgress): void;
  'global:completed'(jobId: string, result: Result): void;
  'global:failed'(jobId: string, failedReason: string): void;
  'global:stalled'(jobId: string): void;
  'global:removed'(jobId: string): void;
  'global:drained'(): void;
  'global:paused'(): void;
  'global:resumed'(): void;
  /**
   * Every committed change, from any instance: the job (none for queue-wide changes), the event
   * type (`removed` and `obliterated` for deletions), the state after it and the log's seq.
   * For tools that mirror the queue, such as the inspector. Never carries the job's context.
   */
  'global:changed'(change: QueueChange): void;
}

export type QueueEventName = keyof QueueEventMap;
