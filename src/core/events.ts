// The events of the log: the stored format that must stay readable by every later version.
// Type-only. Times are Unix milliseconds, taken once when the event is made, so folds are pure.
import type { ChildFailureOption, JobOpts, JobProgress, JobRef, JobState, Repeat } from './types.js';

interface EventOf<Type extends string, Payload> {
  type: Type;
  /** When the change happened, Unix milliseconds. */
  time: number;
  payload: Payload;
}

/**
 * The first event of every job: its birth. Decides `waiting`, `delayed`, or — for a parent of a
 * flow, whose `children` are listed — `waiting-children`. `flow`: the id of the flow it was added
 * in (FlowProducer), which tells a job added by an earlier try of the same flow from another job.
 */
export type JobAdded = EventOf<'added', { name: string; data: unknown; opts: JobOpts; children?: JobRef[]; flow?: string }>;
/** A processor claimed the job; `token` identifies this claim, `owner` the queue instance holding it. */
export type JobActivated = EventOf<'active', { token: string; owner: string }>;
export type JobProgressed = EventOf<'progress', { progress: JobProgress }>;
export type JobLogged = EventOf<'log', { line: string }>;
export type JobUpdated = EventOf<'updated', { data: unknown }>;
/** No more retries: the next failure is final. */
export type JobDiscarded = EventOf<'discarded', Record<string, never>>;
/** delayed -> waiting, because the delay ran out (`due`) or `promote()` was called. */
export type JobPromoted = EventOf<'promoted', { due: boolean }>;
export type JobCompleted = EventOf<'completed', { token: string; returnvalue: unknown }>;
/**
 * An attempt failed. `retryDelay` is the backoff the processor computed: milliseconds before the
 * next attempt, or `null` when it must not retry (a strategy said -1, or no attempts are left).
 * The machine decides the next state from it, the attempts left and `discarded`.
 */
export type JobFailed = EventOf<'failed', { token: string; failedReason: string; stack: string | null; retryDelay: number | null }>;
/**
 * The processor gave the job back without using up an attempt ("network unavailable, try later"):
 * waiting again, or delayed by `delay` ms.
 */
export type JobPostponed = EventOf<'postponed', { token: string; delay: number; reason: string }>;
/** The processor holding the claim vanished. */
export type JobStalled = EventOf<'stalled', { token: string; maxStalledCount: number }>;
/**
 * The queue instance holding the claim gave the job back on its way out (its page was hidden for
 * good, `close({ force: true })`, its database connection was lost): waiting again, first in line,
 * no attempt used and not a stall. Written by that instance, or by the one that finds the note it
 * left when it could not write more. `reason` says which way out.
 */
export type JobReleased = EventOf<'released', { token: string; reason: string }>;
/** failed -> waiting, by `retry()`. */
export type JobRetried = EventOf<'retried', Record<string, never>>;
/** A delayed job's delay changed (`changeDelay`): it is now due `delay` ms after this event. */
export type JobDelayChanged = EventOf<'delayChanged', { delay: number }>;
/**
 * The job's priority and lifo changed (`changePriority`): `priority` null is no priority. A waiting
 * job takes its new place in line, as if it had just been added with these options.
 */
export type JobPriorityChanged = EventOf<'priorityChanged', { priority: number | null; lifo: boolean }>;

/**
 * Events in a parent's log, one per child outcome (the child's key is `${queueName}:${id}`): it
 * completed with `returnvalue`; it failed for good, and `option` is the child's failure option
 * that applied (null: none, the parent keeps waiting for it; `at` is the child's log seq of the
 * failure, so a second delivery of it is refused); or it was removed before it completed.
 */
export type ChildCompleted = EventOf<'childCompleted', { child: string; returnvalue: unknown }>;
export type ChildFailed = EventOf<'childFailed', { child: string; failedReason: string; option: ChildFailureOption | null; at: number }>;
export type ChildRemoved = EventOf<'childRemoved', { child: string }>;

/** What a child's outcome becomes in its parent's log. */
export type ChildEvent = ChildCompleted | ChildFailed | ChildRemoved;

export type JobEvent =
  | JobAdded
  | JobActivated
  | JobProgressed
  | JobLogged
  | JobUpdated
  | JobDiscarded
  | JobPromoted
  | JobCompleted
  | JobFailed
  | JobPostponed
  | JobStalled
  | JobReleased
  | JobRetried
  | JobDelayChanged
  | JobPriorityChanged
  | ChildCompleted
  | ChildFailed
  | ChildRemoved;

export type JobEventType = JobEvent['type'];

/** Changes of the queue itself (not of one job). Stored without a job id. */
export type QueueEvent = EventOf<'paused', Record<string, never>> | EventOf<'resumed', Record<string, never>>;

/**
 * A job event as stored: a global sequence number, the job, and the job's state after the event
 * (the fold of the job's history up to it, written with it so a reader of the log — another tab
 * catching up — needs no fold; logs written before it existed lack it).
 */
export type StoredJobEvent = JobEvent & { seq: number; jobId: string; state?: JobState; schedulerId?: undefined };

/**
 * A job scheduler was created or changed (`upsertJobScheduler`, or `add` with `repeat`): the
 * template of its iterations and when they run. `jobId` is Bull's `jobId` of a repeatable job (part
 * of its key), `withdrawn` the scheduler's next iteration, removed because the schedule changed.
 */
export type SchedulerUpserted = EventOf<'schedulerUpserted', {
  name: string;
  data: unknown;
  opts: JobOpts;
  repeat: Repeat;
  jobId: string | null;
  withdrawn: string | null;
}>;
/**
 * The scheduler's next iteration was added: job `jobId`, for the slot at `slot` (Unix ms), its
 * `count`-th iteration. Only a scheduler's newest `iterationAdded` is kept in the log (it replaces
 * the one before): the iterations' own histories are their jobs'.
 */
export type IterationAdded = EventOf<'iterationAdded', { jobId: string; slot: number; count: number }>;
/** No slot is left: `limit` iterations were added, the next slot is past `endDate`, or the pattern never matches again. */
export type SchedulerEnded = EventOf<'schedulerEnded', { reason: 'limit' | 'endDate' | 'pattern' }>;
/** The scheduler was removed, and with it its next iteration (`withdrawn`) if that had not started. */
export type SchedulerRemoved = EventOf<'schedulerRemoved', { withdrawn: string | null }>;

export type SchedulerEvent = SchedulerUpserted | IterationAdded | SchedulerEnded | SchedulerRemoved;

export type SchedulerEventType = SchedulerEvent['type'];

/** A scheduler event as stored: no job id, the scheduler's id instead. */
export type StoredSchedulerEvent = SchedulerEvent & { seq: number; schedulerId: string; jobId?: undefined };

/** An event as stored: a global sequence number, and the job it belongs to (none for queue and scheduler events). */
export type StoredEvent = StoredJobEvent | (QueueEvent & { seq: number; jobId?: undefined; schedulerId?: undefined }) | StoredSchedulerEvent;
