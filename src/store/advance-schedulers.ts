// Moving job schedulers on to their next iteration. The claim that takes a scheduler's current
// iteration adds the next one in the same transaction (as BullMQ does), so exactly one iteration
// per slot is ever added, whichever and however many tabs, workers and service workers process
// the queue, and iterations do not pile up while nobody processes.
import type { CronNext } from '../core/schedule.js';
import { addIteration } from './add-iteration.js';
import type { JobRecord } from './record.js';
import { readScheduler } from './scheduler-events.js';
import type { SchedulerRecord } from './scheduler-record.js';
import type { WriteBatch } from './write-batch.js';

export interface Advanced {
  /** When the earliest iteration added falls due, if any was added. */
  nextDueAt: number | null;
  /** Schedulers with a pattern that could not move on because the cron parser is not loaded: load it, then `reviveSchedulers`. */
  unadvanced: string[];
}

/**
 * advanceSchedulers — reads: the scheduler of each iteration just claimed. Appends: the next
 * iteration of every scheduler whose current iteration is among `claimed` (see addIteration).
 * Leaves alone a scheduler with a pattern when `cron` is null (reported in `unadvanced`).
 */
export async function advanceSchedulers(batch: WriteBatch, claimed: readonly JobRecord[], now: number, cron: CronNext | null): Promise<Advanced> {
  const out: Advanced = { nextDueAt: null, unadvanced: [] };
  for (const record of claimed) {
    const key = record.job.opts.repeatJobKey;
    if (key === undefined) continue;
    const scheduler = await readScheduler(batch, key);
    if (scheduler?.next?.jobId !== record.id) continue; // removed, changed, or moved on already
    await advance(batch, scheduler, scheduler.next.slot, now, cron, out);
  }
  return out;
}

/**
 * reviveSchedulers — reads: every scheduler and its next iteration. Appends: a next iteration for
 * each scheduler whose next one was taken without one following it (its claim had no cron
 * parser) or was removed (`remove()`, `empty()`, `removeJobs()`): a scheduler runs until it is
 * removed or ends.
 */
export async function reviveSchedulers(batch: WriteBatch, now: number, cron: CronNext | null): Promise<Advanced> {
  const out: Advanced = { nextDueAt: null, unadvanced: [] };
  const schedulers = await batch.tx.objectStore('schedulers').getAll();
  for (const scheduler of schedulers) {
    if (scheduler.ended !== null) continue;
    if (scheduler.next) {
      const current = await batch.read(scheduler.next.jobId);
      if (current && (current.state === 'waiting' || current.state === 'delayed')) continue;
    }
    await advance(batch, scheduler, scheduler.next?.slot ?? null, now, cron, out);
  }
  return out;
}

async function advance(batch: WriteBatch, scheduler: SchedulerRecord, after: number | null, now: number, cron: CronNext | null, out: Advanced): Promise<void> {
  if (scheduler.repeat.pattern !== undefined && !cron) {
    out.unadvanced.push(scheduler.id);
    return;
  }
  const { job } = await addIteration(batch, scheduler, after, now, cron);
  const dueAt = job?.job.dueAt ?? null;
  if (dueAt !== null && (out.nextDueAt === null || dueAt < out.nextDueAt)) out.nextDueAt = dueAt;
}
