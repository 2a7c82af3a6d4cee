// Writing a scheduler event: folded into the scheduler first (a refused event writes nothing),
// then event and projection go in together, in the transaction of the batch.
import type { SchedulerEvent } from '../core/events.js';
import { projectScheduler, type SchedulerRecord } from './scheduler-record.js';
import type { WriteBatch } from './write-batch.js';

export function readScheduler(batch: WriteBatch, id: string): Promise<SchedulerRecord | undefined> {
  return batch.tx.objectStore('schedulers').get(id);
}

/**
 * Append a scheduler event and write the scheduler it leaves (or delete it, once removed). A new
 * `iterationAdded` replaces the scheduler's previous one in the log: the iterations' own histories
 * are their jobs', and the log stays the size of the schedule, not of its age.
 */
export function appendSchedulerEvent(batch: WriteBatch, prev: SchedulerRecord | undefined, id: string, event: SchedulerEvent): SchedulerRecord | undefined {
  const seq = batch.meta.seq + 1;
  const next = projectScheduler(prev, id, event, seq);
  const events = batch.tx.objectStore('events');
  quiet(events.put({ ...event, seq, schedulerId: id }));
  batch.meta.seq = seq;
  if (event.type === 'iterationAdded' && prev?.iterationSeq != null) quiet(events.delete(prev.iterationSeq));
  const schedulers = batch.tx.objectStore('schedulers');
  quiet(next ? schedulers.put(next) : schedulers.delete(id));
  batch.changes.push({ seq, type: event.type, schedulerId: id });
  return next;
}

/** A request whose failure aborts the transaction: `tx.done` reports it. */
function quiet(request: Promise<unknown>): void {
  request.catch(() => {});
}
