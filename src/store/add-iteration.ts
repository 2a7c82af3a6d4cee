// addIteration — reads: the jobs of the slots it considers. Appends: the scheduler's next
// iteration (an `added` job event, id `repeat:<scheduler>:<slot>`, delayed until its slot) and
// `iterationAdded`, or `schedulerEnded` when no slot is left. A slot whose job exists already is
// skipped, so no slot is ever added twice. The caller passes the cron parser for a pattern.
import { JobtrailError } from '../core/errors.js';
import type { CronNext } from '../core/schedule.js';
import { decideIteration, skipTakenSlot } from '../core/scheduler.js';
import type { JobOpts } from '../core/types.js';
import type { JobRecord } from './record.js';
import { appendSchedulerEvent } from './scheduler-events.js';
import type { SchedulerRecord } from './scheduler-record.js';
import type { WriteBatch } from './write-batch.js';

/** How many taken slots in a row an iteration walks past before it gives up. */
const MAX_TAKEN_SLOTS = 32;

export interface AddedIteration {
  scheduler: SchedulerRecord;
  /** The iteration added, or null when the scheduler ended. */
  job: JobRecord | null;
}

/** Add the iteration after the one of slot `after` (null: the first of a new schedule). */
export async function addIteration(batch: WriteBatch, scheduler: SchedulerRecord, after: number | null, now: number, cron: CronNext | null): Promise<AddedIteration> {
  let next = decideIteration(scheduler, after, now, cron);
  for (let taken = 0; 'slot' in next && (await batch.read(next.jobId)); taken++) {
    if (taken >= MAX_TAKEN_SLOTS) {
      throw new JobtrailError('ERR_REFUSED', `Job scheduler ${scheduler.id}: the jobs of its next ${MAX_TAKEN_SLOTS} slots exist already (up to ${next.jobId})`);
    }
    next = skipTakenSlot(scheduler, next.slot, now, cron);
  }
  if (!('slot' in next)) {
    return { scheduler: appendSchedulerEvent(batch, scheduler, scheduler.id, { type: 'schedulerEnded', time: now, payload: { reason: next.ended } })!, job: null };
  }
  const opts: JobOpts = {
    ...scheduler.opts,
    jobId: next.jobId,
    delay: Math.max(0, next.slot - now),
    repeat: { ...scheduler.repeat, count: next.count },
    repeatJobKey: scheduler.id,
  };
  const job = batch.append(undefined, next.jobId, { type: 'added', time: now, payload: { name: scheduler.name, data: scheduler.data, opts } });
  const event = { type: 'iterationAdded' as const, time: now, payload: { jobId: next.jobId, slot: next.slot, count: next.count } };
  return { scheduler: appendSchedulerEvent(batch, scheduler, scheduler.id, event)!, job };
}
