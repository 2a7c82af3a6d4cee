// The projection of a job scheduler: its state as its events leave it. `projectScheduler` is pure;
// scheduler-events.ts writes what it returns in the same transaction as the event.
import type { SchedulerEvent } from '../core/events.js';
import { applySchedulerEvent, type SchedulerState } from '../core/scheduler.js';

/** The stored projection of one scheduler. */
export interface SchedulerRecord extends SchedulerState {
  /** The seq of the last event folded in. */
  seq: number;
  /** The seq of its `iterationAdded` event in the log (only the newest is kept), if any. */
  iterationSeq: number | null;
}

/** Fold `event` (the log's `seq`-th) into `prev`; undefined once the scheduler is removed. */
export function projectScheduler(prev: SchedulerRecord | undefined, id: string, event: SchedulerEvent, seq: number): SchedulerRecord | undefined {
  const next = applySchedulerEvent(prev, id, event);
  if (!next) return undefined;
  const iterationSeq = event.type === 'iterationAdded' ? seq : (prev?.iterationSeq ?? null);
  return { ...next, seq, iterationSeq };
}
