// Folding events through the job machine: the only way a job's state is ever computed.
// The store uses it to check and apply one event; rebuild and time travel fold whole histories.
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { JobtrailError } from './errors.js';
import type { JobAdded, JobEvent } from './events.js';
import { jobMachine, type JobContext } from './machine.js';
import type { JobState } from './types.js';

export type JobSnapshot = SnapshotFrom<typeof jobMachine>;

/** A job as the fold sees it: its state and its context. This is what the projection stores. */
export interface FoldedJob {
  state: JobState;
  job: JobContext;
}

/** The job right after its `added` event. */
export function startJob(id: string, added: JobAdded): FoldedJob {
  const [snapshot] = initialTransition(jobMachine, { id, added });
  return toFolded(snapshot);
}

/**
 * Apply one event to a job. Throws a `JobtrailError` (`ERR_REFUSED` or `ERR_STALE_CLAIM`) when the
 * machine does not accept the event in the job's current state; the caller then writes nothing.
 */
export function applyEvent(current: FoldedJob, event: JobEvent): FoldedJob {
  const snapshot = jobMachine.resolveState({ value: current.state, context: current.job });
  const [next] = transition(jobMachine, snapshot, event);
  // xstate returns the very same snapshot when no transition accepts the event.
  if (next === snapshot) {
    throw refusal(current, event);
  }
  return toFolded(next);
}

/** Fold a whole history (in order, starting with `added`). */
export function foldJob(id: string, events: readonly JobEvent[]): FoldedJob {
  const [first, ...rest] = events;
  if (!first || first.type !== 'added') {
    throw new JobtrailError('ERR_REFUSED', `Job ${id}'s history must start with an added event`);
  }
  return rest.reduce(applyEvent, startJob(id, first));
}

/** Every intermediate job of a history: `result[k]` is the job after the first k+1 events. */
export function foldSteps(id: string, events: readonly JobEvent[]): FoldedJob[] {
  const steps: FoldedJob[] = [];
  // Same check as foldJob: xstate would swallow the error and return an empty `added` job.
  if (events.length > 0 && events[0]!.type !== 'added') {
    throw new JobtrailError('ERR_REFUSED', `Job ${id}'s history must start with an added event`);
  }
  events.forEach((event, k) => {
    steps.push(k === 0 ? startJob(id, event as JobAdded) : applyEvent(steps[k - 1]!, event));
  });
  return steps;
}

function toFolded(snapshot: JobSnapshot): FoldedJob {
  return { state: snapshot.value as JobState, job: snapshot.context };
}

const VERBS: Partial<Record<JobEvent['type'], string>> = {
  active: 'start',
  completed: 'complete',
  failed: 'fail',
  stalled: 'stall',
  released: 'release',
  postponed: 'postpone',
  promoted: 'promote',
  retried: 'retry',
  discarded: 'discard',
  delayChanged: 'change the delay of',
};

const NEEDS: Partial<Record<JobEvent['type'], JobState>> = {
  active: 'waiting',
  completed: 'active',
  failed: 'active',
  stalled: 'active',
  released: 'active',
  postponed: 'active',
  promoted: 'delayed',
  retried: 'failed',
  delayChanged: 'delayed',
};

function refusal(current: FoldedJob, event: JobEvent): JobtrailError {
  const id = current.job.id;
  const verb = VERBS[event.type] ?? `apply ${event.type} to`;
  const token = (event.payload as { token?: string }).token;
  // An `active` event brings a new claim rather than showing one: claiming an active job is a double claim.
  if (current.state === 'active' && event.type !== 'active' && token !== undefined && current.job.claim?.token !== token) {
    return new JobtrailError('ERR_STALE_CLAIM', `Cannot ${verb} job ${id}: the claim ${token} is stale (the job was claimed again since)`);
  }
  const needs = NEEDS[event.type];
  const expected = needs ? `, not ${needs}` : '';
  return new JobtrailError('ERR_REFUSED', `Cannot ${verb} job ${id}: it is ${current.state}${expected}`);
}
