// The projection: each job's current state and context, and where it sits among the jobs of its
// state. Pure; the store writes what `project` returns in the same transaction as the event.
import { applyEvent, startJob } from './fold.js';
import { JobtrailError } from './errors.js';
import type { JobEvent } from './job-events.js';
import type { JobContext } from './job-machine.js';
import type { JobState } from './types.js';

/**
 * A job's position among the jobs of its state, compared element by element like an IndexedDB key:
 * - waiting: `[priority, order]`; unprioritised jobs use 2^31 so they come after every priority;
 *   order is the seq that made the job waiting (negated for `lifo`); stalled jobs go first with `[0, seq]`.
 * - delayed: `[dueAt, seq]`; active: `[seq]`; completed / failed: `[finishedOn, seq]`.
 */
export type Rank = number[];

/** The stored projection of one job. */
export interface JobRecord {
  id: string;
  state: JobState;
  rank: Rank;
  /** The seq of the last event folded in: replaying from here is harmless. */
  seq: number;
  /** The seq of the job's `added` event: orders jobs by creation, newest first for the inspector. */
  created: number;
  job: JobContext;
}

export const UNPRIORITISED = 2 ** 31;

/** Fold `event` (with sequence number `seq`) into `prev`; throws if the machine refuses it. */
export function project(prev: JobRecord | undefined, jobId: string, event: JobEvent, seq: number): JobRecord {
  if (!prev) {
    if (event.type !== 'added') throw new JobtrailError('ERR_NOT_FOUND', `Job ${jobId} does not exist`);
    const born = startJob(jobId, event);
    return { id: jobId, state: born.state, rank: rankOf(born.state, born.job, event, seq), seq, created: seq, job: born.job };
  }
  if (event.type === 'added') throw new JobtrailError('ERR_REFUSED', `Job ${jobId} already exists`);
  const next = applyEvent(prev, event);
  // A job keeps its place while it stays in a state (progress must not reorder the waiting line).
  const rank = next.state === prev.state ? prev.rank : rankOf(next.state, next.job, event, seq);
  return { id: jobId, state: next.state, rank, seq, created: prev.created, job: next.job };
}

export function rankOf(state: JobState, job: JobContext, event: JobEvent, seq: number): Rank {
  switch (state) {
    case 'waiting':
      if (event.type === 'stalled') return [0, seq];
      return [job.opts.priority ?? UNPRIORITISED, job.opts.lifo ? -seq : seq];
    case 'delayed':
      return [job.dueAt ?? event.time, seq];
    case 'active':
      return [seq];
    case 'completed':
    case 'failed':
      return [job.finishedOn ?? event.time, seq];
  }
}

/** Compare two ranks the way IndexedDB compares the array keys that hold them. */
export function compareRank(a: Rank, b: Rank): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i]! !== b[i]!) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}
