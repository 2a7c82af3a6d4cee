// A committed change: what every instance of a queue learns after a transaction commits, whether
// it made the change or read it in the log after another tab did. Type-only apart from the list of
// types and publicChange.
import type { JobEvent, QueueEvent, SchedulerEvent } from './events.js';
import type { JobContext } from './machine.js';
import type { JobProgress, JobState } from './types.js';

/** The kinds of change: an event type of the log, `removed` (a job deleted) or `obliterated` (all of them). */
export const CHANGE_TYPES = [
  'added', 'active', 'progress', 'log', 'updated', 'discarded', 'promoted', 'completed',
  'failed', 'postponed', 'stalled', 'released', 'retried', 'delayChanged', 'priorityChanged', 'childCompleted', 'childFailed',
  'childRemoved', 'removed', 'paused', 'resumed', 'obliterated',
  'schedulerUpserted', 'iterationAdded', 'schedulerEnded', 'schedulerRemoved',
] as const satisfies readonly (JobEvent['type'] | QueueEvent['type'] | SchedulerEvent['type'] | 'removed' | 'obliterated')[];

export type ChangeType = (typeof CHANGE_TYPES)[number];

/**
 * One committed change. Small: listeners that need more read the job from the store. `job` and
 * `error` exist only in the instance that made the change and never travel to other tabs.
 */
export interface QueueChange {
  /** The log's sequence number of the change. */
  seq: number;
  /** The job, or undefined for a change of the queue itself (pause, resume, obliterate) or of a scheduler. */
  jobId?: string;
  /** For the changes of a job scheduler: its id. */
  schedulerId?: string;
  type: ChangeType;
  /** The job's state after the change (before it, for `removed`). */
  state?: JobState;
  /** For `active`: the queue instance holding the claim. */
  owner?: string;
  /** For `progress`: the new progress. */
  progress?: JobProgress;
  /** For `failed`, and `stalled` into failed: why. */
  failedReason?: string;
  /** For `completed`: the job's result (stored data, so it clones). */
  returnvalue?: unknown;
  /**
   * The transaction of this change also left messages for jobs of other queues (a flow's child
   * finished, say): instances of this queue deliver them (see api/flow-links.ts).
   */
  outbox?: true;
  /** Local only: the job's context after the change (before it, for `removed`). */
  job?: JobContext;
  /** Local only, for `failed`: the error the handler threw. */
  error?: Error;
}

/** The change as `global:changed` listeners get it: without the fields that stay local. */
export function publicChange({ job: _job, error: _error, ...change }: QueueChange): QueueChange {
  return change;
}
