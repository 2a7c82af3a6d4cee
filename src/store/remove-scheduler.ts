// removeScheduler — reads: the scheduler, its next iteration. Appends: `schedulerRemoved`, and
// removes the next iteration if it has not started (one that runs finishes; none follows it).
// Appends nothing and returns false when no scheduler has that id.
import { appendSchedulerEvent, readScheduler } from './scheduler-events.js';
import { withdrawNext } from './upsert-scheduler.js';
import type { WriteBatch } from './write-batch.js';

export async function removeScheduler(batch: WriteBatch, id: string, now: number): Promise<boolean> {
  const scheduler = await readScheduler(batch, id);
  if (!scheduler) return false;
  const withdrawn = await withdrawNext(batch, scheduler);
  appendSchedulerEvent(batch, scheduler, id, { type: 'schedulerRemoved', time: now, payload: { withdrawn } });
  return true;
}
