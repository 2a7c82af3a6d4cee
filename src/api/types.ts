// The public types that mention the Job class: the core's shapes, with the job a custom backoff
// strategy receives filled in. (The core cannot name Job: it sits below the api layer.)
import type {
  BackoffStrategy as CoreBackoffStrategy,
  QueueOptions as CoreQueueOptions,
  QueueSettings as CoreQueueSettings,
} from '../core/types.js';
import type { Job } from './job.js';

/**
 * A custom backoff: milliseconds to wait before the next attempt, `0` to retry now, `-1` to stop
 * retrying (the job fails now). May be async.
 */
export type BackoffStrategy = CoreBackoffStrategy<Job>;

/** Tuning for processing; defaults follow Bull. */
export type QueueSettings = CoreQueueSettings<Job>;

/** `new Queue(name, options)`. */
export type QueueOptions = CoreQueueOptions<Job>;
