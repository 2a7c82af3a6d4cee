// The projection record: each job's current state and context, and where it sits among the jobs of
// its state. `project` is pure; the store writes what it returns in the same transaction as the event.
import { JobtrailError } from '../core/errors.js';
import type { JobEvent } from '../core/events.js';
import { applyEvent, startJob } from '../core/fold.js';
import type { JobContext } from '../core/machine.js';
import { rankOf, reranks, type Rank } from '../core/rank.js';
import type { JobState } from '../core/types.js';

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
  /** The id of the flow the job was added in (FlowProducer; indexed by `byFlow`); absent otherwise. */
  flow?: string;
  /**
   * The seqs of the job's events, oldest first, so a removal deletes them by key without reading
   * the log. Absent in records written before it existed and once a job has more than SEQS_KEPT
   * events (the record stays small: every put clones it); a removal then reads them by index.
   */
  seqs?: number[];
}

/** A job with more events than this keeps no list of their seqs (see JobRecord.seqs). */
export const SEQS_KEPT = 32;

/** Fold `event` (with sequence number `seq`) into `prev`; throws if the machine refuses it. */
export function project(prev: JobRecord | undefined, jobId: string, event: JobEvent, seq: number): JobRecord {
  if (!prev) {
    if (event.type !== 'added') throw new JobtrailError('ERR_NOT_FOUND', `Job ${jobId} does not exist`);
    const born = startJob(jobId, event);
    const record: JobRecord = { id: jobId, state: born.state, rank: rankOf(born.state, born.job, event, seq), seq, created: seq, job: born.job, seqs: [seq] };
    if (event.payload.flow !== undefined) record.flow = event.payload.flow;
    return record;
  }
  if (event.type === 'added') throw new JobtrailError('ERR_REFUSED', `Job ${jobId} already exists`);
  const next = applyEvent(prev, event);
  // A job keeps its place while it stays in a state (progress must not reorder the waiting line),
  // unless the event is about its place (a new priority, a new delay).
  const rank = next.state === prev.state && !reranks(next.state, event) ? prev.rank : rankOf(next.state, next.job, event, seq);
  const record: JobRecord = { ...prev, state: next.state, rank, seq, job: next.job };
  if (prev.seqs && prev.seqs.length < SEQS_KEPT) record.seqs = [...prev.seqs, seq];
  else delete record.seqs;
  return record;
}
