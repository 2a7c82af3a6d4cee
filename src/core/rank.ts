// Where a job stands among the jobs of its state. The store keys its state index by this rank, so
// the waiting line, the delayed timeline and the finished lists are index ranges.
import type { JobEvent } from './events.js';
import type { JobContext } from './machine.js';
import type { JobState } from './types.js';

/**
 * A job's position among the jobs of its state, compared element by element like an IndexedDB key:
 * - waiting: `[priority, order]`; unprioritised jobs use 2^31 so they come after every priority;
 *   order is the seq that made the job waiting (negated for `lifo`); stalled and released jobs go
 *   first with `[0, seq]` (they were already running).
 * - delayed: `[dueAt, seq]`; active and waiting-children: `[seq]`; completed / failed: `[finishedOn, seq]`.
 */
export type Rank = number[];

export const UNPRIORITISED = 2 ** 31;

/** The rank of a job that entered `state` by `event`, the log's `seq`-th event. */
export function rankOf(state: JobState, job: JobContext, event: JobEvent, seq: number): Rank {
  switch (state) {
    case 'waiting':
      if (event.type === 'stalled' || event.type === 'released') return [0, seq];
      return [job.opts.priority ?? UNPRIORITISED, job.opts.lifo ? -seq : seq];
    case 'delayed':
      return [job.dueAt ?? event.time, seq];
    case 'active':
    case 'waiting-children':
      return [seq];
    case 'completed':
    case 'failed':
      return [job.finishedOn ?? event.time, seq];
  }
}

/**
 * Whether `event` moves a job that stays in `state` to a new place: a new priority in the waiting
 * line, a new due time in the delayed timeline. Every other event keeps a job where it is.
 */
export function reranks(state: JobState, event: JobEvent): boolean {
  return (state === 'waiting' && event.type === 'priorityChanged') || (state === 'delayed' && event.type === 'delayChanged');
}

/** Compare two ranks the way IndexedDB compares the array keys that hold them. */
export function compareRank(a: Rank, b: Rank): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i]! !== b[i]!) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}
