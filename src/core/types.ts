// The job's public shapes: states, options and settings. Type-only apart from the lists of states
// and of a child's failure options.
// Nothing here knows the Job class: what a custom backoff strategy receives is a type parameter,
// which the api layer fills in with its Job.

/**
 * The states a job can be in. `waiting-children` is a parent's state while it waits for the
 * children of its flow (see FlowProducer). `stalled` is an event, not a state; paused is a queue flag.
 */
export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed' | 'waiting-children';

export const JOB_STATES: readonly JobState[] = ['waiting', 'delayed', 'active', 'completed', 'failed', 'waiting-children'];

/** A child's options for its final failure, in BullMQ's names (at most one per child). */
export const CHILD_FAILURE_OPTIONS = ['failParentOnFailure', 'ignoreDependencyOnFailure', 'removeDependencyOnFailure'] as const;
export type ChildFailureOption = (typeof CHILD_FAILURE_OPTIONS)[number];

/** A job of a queue: a child's parent, a parent's child. Every queue of a flow shares one prefix. */
export interface JobRef {
  id: string;
  queueName: string;
}

/** What `updateProgress()` accepts: a percentage or any cloneable object. */
export type JobProgress = number | object;

/** Which finished jobs to keep: those younger than `age` **seconds**, at most `count` of them. */
export interface KeepJobs {
  /** Keep finished jobs at most this many seconds old. */
  age?: number;
  /** Keep at most this many finished jobs (the newest). */
  count?: number;
}

/** How long to wait before a retry. */
export interface BackoffOptions {
  /** `fixed`, `exponential`, or the name of a strategy in `settings.backoffStrategies`. */
  type: 'fixed' | 'exponential' | (string & {});
  /** Base delay in **milliseconds**. */
  delay?: number;
  /** 0..1: randomise each wait down to `(1 - jitter)` of its nominal value. */
  jitter?: number;
}

/**
 * BullMQ's deduplication: while the job holding `id` is waiting, delayed or active (without `ttl`),
 * or for `ttl` ms after it was added (with one), adding another job with the same `id` adds nothing
 * and returns the job holding it.
 */
export interface DeduplicationOptions {
  /** The deduplication id, e.g. `autosave:${documentId}`. */
  id: string;
  /** Milliseconds after the add during which the id holds, whatever the job's state (BullMQ's throttle mode). */
  ttl?: number;
}

/**
 * When a job repeats: every `every` ms, or on the slots of a cron `pattern`. Bull's `repeat` job
 * option and BullMQ's `upsertJobScheduler` take these.
 */
export interface RepeatOptions {
  /** Repeat every this many **milliseconds**; slots fall on multiples of it (plus `offset`). */
  every?: number;
  /** A cron pattern: 5 fields, or 6 with leading seconds (`'*\/10 * * * * *'` is every 10 s). */
  pattern?: string;
  /** The IANA time zone the pattern is read in (`'Europe/Berlin'`). Default: the browser's. */
  tz?: string;
  /** No slot before this time (a Date, an ISO string or Unix ms). */
  startDate?: Date | string | number;
  /** No slot after this time (a Date, an ISO string or Unix ms). */
  endDate?: Date | string | number;
  /** At most this many iterations. */
  limit?: number;
  /** The first iteration runs now (for `every`: the slot that began before now) instead of at the next slot. */
  immediately?: boolean;
  /** With `every`: slots fall this many ms after the multiples of `every`. */
  offset?: number;
  /**
   * When slots were missed (the browser was closed): `'once'` (default, Bull's behaviour) runs one
   * iteration for all of them and then goes on from now; `'all'` runs one iteration per missed slot.
   */
  catchUp?: 'once' | 'all';
}

/** Repeat options as stored: checked, dates as Unix ms, defaults left out. */
export interface Repeat {
  every?: number;
  pattern?: string;
  tz?: string;
  startDate?: number;
  endDate?: number;
  limit?: number;
  immediately?: true;
  offset?: number;
  catchUp?: 'all';
}

/** Options accepted by `add()`, `addBulk()` and `defaultJobOptions`. All are validated. */
export interface JobOptions {
  /** 1 (highest) .. 2^31-1. Jobs without a priority run after every prioritised job. */
  priority?: number;
  /** Milliseconds to wait before the job may start. */
  delay?: number;
  /** How many times the job may run in total (integer >= 1). Default 1. */
  attempts?: number;
  /** A number is a fixed backoff in milliseconds. */
  backoff?: number | BackoffOptions;
  /** Run before the other waiting jobs of the same priority. */
  lifo?: boolean;
  /** Milliseconds an attempt may run before it fails and its `AbortSignal` fires. */
  timeout?: number;
  /** `true` deletes the job (and its events) when it completes; a number keeps the newest N. */
  removeOnComplete?: boolean | number | KeepJobs;
  /** `true` deletes the job (and its events) when it finally fails; a number keeps the newest N. */
  removeOnFail?: boolean | number | KeepJobs;
  /** A caller-chosen id. Adding an id that exists adds nothing and returns the stored job. */
  jobId?: string;
  /** How many stack traces to keep (the newest). */
  stackTraceLimit?: number;
  /** Add nothing while another job holds this deduplication id (BullMQ's `deduplication`). */
  deduplication?: DeduplicationOptions;
  /**
   * `add()` only: make this a repeatable job (Bull's form of a job scheduler). `add` then
   * registers the schedule and resolves with its next iteration.
   */
  repeat?: RepeatOptions;
  /** A child of a flow whose final failure fails its parent (which otherwise keeps waiting). */
  failParentOnFailure?: boolean;
  /**
   * A child of a flow whose final failure lets its parent go on as if it had completed; the parent
   * reads the failure with `getIgnoredChildrenFailures()`.
   */
  ignoreDependencyOnFailure?: boolean;
  /** A child of a flow whose final failure drops it from its parent's dependencies. */
  removeDependencyOnFailure?: boolean;
}

/** Job options as stored: given options plus the defaults `attempts: 1`, `delay: 0`, backoff normalised. */
export interface JobOpts extends Omit<JobOptions, 'backoff' | 'repeat'> {
  attempts: number;
  delay: number;
  backoff?: BackoffOptions;
  /** An iteration of a job scheduler: its schedule, and which iteration it is (`count`, from 1). */
  repeat?: Repeat & { count: number };
  /** An iteration of a job scheduler: the scheduler's id (BullMQ's name for it). */
  repeatJobKey?: string;
  /** The parent this job is a child of, in a flow (set by FlowProducer, never by hand). */
  parent?: JobRef;
}

/**
 * A custom backoff: milliseconds to wait before the next attempt, `0` to retry now,
 * `-1` to stop retrying (the job fails now).
 */
export type BackoffStrategy<J = unknown> = (attemptsMade: number, err: Error, job: J) => number | Promise<number>;

/** Tuning for processing; defaults follow Bull. `J` is the job a backoff strategy receives. */
export interface QueueSettings<J = unknown> {
  /** Milliseconds a processor's heartbeat stays valid where Web Locks are missing. Default 30000. */
  lockDuration: number;
  /** Milliseconds between heartbeats. Default `lockDuration / 2`. */
  lockRenewTime: number;
  /** Milliseconds between sweeps for stalled jobs. Default 30000. */
  stalledInterval: number;
  /**
   * How many times a job may stall (its processor vanished without giving it back) before it fails.
   * Default 10 (Bull: 1), so that reloads in a row mid-job do not fail it.
   */
  maxStalledCount: number;
  /** Custom backoff strategies, by the name used in `backoff.type`. */
  backoffStrategies: Record<string, BackoffStrategy<J>>;
  /**
   * Claim no jobs while this context is offline (`navigator.onLine` false), so attempts are not
   * burnt on a network that is not there; claiming resumes on the `online` event. Default false.
   */
  holdWhileOffline: boolean;
}

/**
 * At most `max` jobs start per `duration` milliseconds, counted across every tab. The window is
 * fixed by default, as in Bull: it opens at the first start after the previous one closed, so up
 * to 2·max jobs can start within one sliding `duration`. With `sliding: true`, no `duration`-long
 * stretch of time ever sees more than `max` starts.
 */
export interface RateLimiter {
  max: number;
  /** Window length in milliseconds. */
  duration: number;
  /** Count starts over a sliding window instead of Bull's fixed one. Default false. */
  sliding?: boolean;
}

export interface QueueOptions<J = unknown> {
  /** Namespace of the IndexedDB database (`${prefix}:${name}`). Default `'jobtrail'`. */
  prefix?: string;
  /** Options merged under every job's own options. */
  defaultJobOptions?: JobOptions;
  settings?: Partial<QueueSettings<J>>;
  limiter?: RateLimiter;
}

/** How many jobs are in each state. */
export type JobCounts = Record<JobState, number>;

/** `add` input for `addBulk`. */
export interface BulkJob<Data> {
  name?: string;
  data: Data;
  opts?: JobOptions;
}

/** Statuses accepted by `clean()`. `wait` is Bull's alias of `waiting`. */
export type CleanStatus = JobState | 'wait';
