// Time travel: a job as it was after each of its events. The steps come from `foldSteps`, the fold
// the store itself uses, so what the inspector replays is exactly what the projection holds.
import { foldSteps, jobJson, type JobContext, type JobJson, type JobState, type StoredJobEvent } from '../index.js';

/** The job right after one event of its history. */
export interface TravelStep {
  /** Position of the event in the history, from 0. */
  index: number;
  event: StoredJobEvent;
  /** The state before the event; null for the `added` event that created the job. */
  from: JobState | null;
  state: JobState;
  /** What `toJSON()` returned at that moment. */
  json: JobJson;
  /** The machine's whole context (claim, stalledCount, dueAt... beyond the JSON). */
  context: JobContext;
}

/**
 * Every step of a job's history, oldest first.
 *
 * @example
 * const steps = travelSteps(job.id, await job.history());
 * steps[0].state; // 'waiting' (or 'delayed'), right after `added`
 */
export function travelSteps(jobId: string, events: readonly StoredJobEvent[]): TravelStep[] {
  const folded = foldSteps(jobId, events);
  return folded.map((step, index) => ({
    index,
    event: events[index]!,
    from: index === 0 ? null : folded[index - 1]!.state,
    state: step.state,
    json: jobJson(step.job),
    context: step.job,
  }));
}
