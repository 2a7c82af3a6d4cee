// upsertScheduler — reads: the scheduler, its next iteration, the jobs of the slots considered.
// Appends: `schedulerUpserted` — withdrawing the scheduler's next iteration (it is removed) if it
// has not started — then the first iteration of the new schedule (see addIteration). Appends
// nothing when the scheduler exists with the very same definition: returns its next iteration.
import type { CronNext } from '../core/schedule.js';
import { sameDefinition, type SchedulerDefinition } from '../core/scheduler.js';
import { addIteration } from './add-iteration.js';
import type { JobRecord } from './record.js';
import { appendSchedulerEvent, readScheduler } from './scheduler-events.js';
import type { SchedulerRecord } from './scheduler-record.js';
import type { WriteBatch } from './write-batch.js';

export interface Upserted {
  scheduler: SchedulerRecord;
  /** The scheduler's next iteration, or null when it has none (it ended). */
  job: JobRecord | null;
  /** Nothing was written: the scheduler had this definition already. */
  unchanged: boolean;
}

export async function upsertScheduler(batch: WriteBatch, id: string, def: SchedulerDefinition, now: number, cron: CronNext | null): Promise<Upserted> {
  const prev = await readScheduler(batch, id);
  if (prev && sameDefinition(prev, def)) {
    const job = prev.next ? ((await batch.read(prev.next.jobId)) ?? null) : null;
    return { scheduler: prev, job, unchanged: true };
  }
  const withdrawn = prev ? await withdrawNext(batch, prev) : null;
  const upserted = appendSchedulerEvent(batch, prev, id, { type: 'schedulerUpserted', time: now, payload: { ...def, withdrawn } })!;
  const { scheduler, job } = await addIteration(batch, upserted, null, now, cron);
  return { scheduler, job, unchanged: false };
}

/** Remove the scheduler's next iteration if it has not started; its id, or null. */
export async function withdrawNext(batch: WriteBatch, scheduler: SchedulerRecord): Promise<string | null> {
  if (!scheduler.next) return null;
  const next = await batch.read(scheduler.next.jobId);
  if (!next || (next.state !== 'waiting' && next.state !== 'delayed')) return null;
  await batch.remove(next);
  return next.id;
}
