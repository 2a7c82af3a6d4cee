// The job lifecycle as an xstate v5 machine. Its context is the job's snapshot; folding a job's
// events through it (see fold.ts) gives the job's state. Pure: ids and times come from events.
import { assign, setup } from 'xstate';
import { failsFinally } from './decide.js';
import {
  afterChildEvent, dependenciesOf, failsParent, hasChildrenToWaitFor, releasesParent, reopenFailed, takesChildEvent, unprocessedCount, type Dependencies,
} from './dependencies.js';
import type { ChildEvent, JobAdded, JobDelayChanged, JobEvent, JobFailed, JobPostponed, JobPriorityChanged, JobStalled } from './events.js';
import type { JobJson } from './job-json.js';

/** The machine's context: the job as Bull shows it, plus what the lifecycle needs to decide. */
export interface JobContext extends JobJson {
  /** The claim of the processor running the job; only it may complete or fail it. */
  claim: { token: string; owner: string } | null;
  /** How many times the job stalled (its processor vanished). */
  stalledCount: number;
  /** `discard()` was called: the next failure is final. */
  discarded: boolean;
  /** When a delayed job becomes due, Unix ms. */
  dueAt: number | null;
  /** How many `log` lines the job has (the lines are in the log). */
  logCount: number;
  /** A parent's children (a job added by a FlowProducer with children); absent on other jobs. */
  dependencies?: Dependencies;
}

export interface JobMachineInput {
  id: string;
  added: JobAdded;
}

export const STALLED_REASON = 'job stalled more than allowable limit';

const ownsClaim = (context: JobContext, event: { payload: { token: string } }) =>
  context.claim !== null && context.claim.token === event.payload.token;

const afterFailure = (context: JobContext, event: JobEvent) => {
  const e = event as JobFailed;
  const trace = e.payload.stack ?? `Error: ${e.payload.failedReason}`;
  const limit = context.opts.stackTraceLimit;
  let stacktrace = [...(context.stacktrace ?? []), trace];
  if (limit !== undefined) stacktrace = limit === 0 ? [] : stacktrace.slice(-limit);
  return {
    attemptsMade: context.attemptsMade + 1,
    failedReason: e.payload.failedReason,
    stacktrace,
    claim: null,
  };
};

/** A guard of the machine, as a pure function: whether a transition takes `event`. */
export type JobGuard = (context: JobContext, event: JobEvent) => boolean;
/** An action of the machine, as a pure function: the context fields it changes (xstate's `assign`). */
export type JobUpdate = (context: JobContext, event: JobEvent) => Partial<JobContext>;

// The guards and actions are plain functions, named as the machine names them, so that the fold's
// transition table (fold.ts, derived from this machine) runs exactly the code the machine runs.
export const jobGuards = {
  isDelayed: (context) => context.dueAt !== null,
  ownsClaim: (context, event) => ownsClaim(context, event as JobFailed),
  failsFinally: (context, event) => ownsClaim(context, event as JobFailed) && failsFinally(context, (event as JobFailed).payload.retryDelay),
  retriesLater: (context, event) => ownsClaim(context, event as JobFailed) && ((event as JobFailed).payload.retryDelay ?? 0) > 0,
  postponesLater: (context, event) => ownsClaim(context, event as JobPostponed) && (event as JobPostponed).payload.delay > 0,
  stallsTooOften: (context, event) =>
    ownsClaim(context, event as JobStalled) && context.stalledCount + 1 > (event as JobStalled).payload.maxStalledCount,
  hasPendingChildren: (context) => unprocessedCount(context.dependencies) > 0,
  waitsForChildren: (context) => hasChildrenToWaitFor(context.dependencies),
  takesChild: (context, event) => takesChildEvent(context.dependencies, event as ChildEvent),
  lastChild: (context, event) => releasesParent(context.dependencies, event as ChildEvent),
  lastChildThenDelay: (context, event) => releasesParent(context.dependencies, event as ChildEvent) && context.opts.delay > 0,
  childFailsParent: (context, event) => failsParent(context.dependencies, event as ChildEvent),
} satisfies Record<string, JobGuard>;

export const jobUpdates = {
  claim: (_context, event) => {
    const e = event as Extract<JobEvent, { type: 'active' }>;
    return { claim: { token: e.payload.token, owner: e.payload.owner }, processedOn: e.time };
  },
  complete: (_context, event) => {
    const e = event as Extract<JobEvent, { type: 'completed' }>;
    return { returnvalue: e.payload.returnvalue as JobJson['returnvalue'], finishedOn: e.time, claim: null };
  },
  failFinally: (context, event) => ({ ...afterFailure(context, event), finishedOn: event.time }),
  failAndRetryLater: (context, event) => ({
    ...afterFailure(context, event),
    dueAt: event.time + ((event as JobFailed).payload.retryDelay ?? 0),
  }),
  failAndRetryNow: (context, event) => afterFailure(context, event),
  postponeLater: (_context, event) => ({ claim: null, dueAt: event.time + (event as JobPostponed).payload.delay }),
  postponeNow: () => ({ claim: null }),
  stallAndRequeue: (context) => ({ stalledCount: context.stalledCount + 1, claim: null }),
  release: () => ({ claim: null }),
  stallAndFail: (context, event) => ({
    stalledCount: context.stalledCount + 1,
    claim: null,
    failedReason: STALLED_REASON,
    finishedOn: event.time,
  }),
  becomeDue: () => ({ dueAt: null }),
  retry: () => ({ finishedOn: null, discarded: false }),
  // A parent failed by a child waits for that child again.
  retryParent: (context) => ({ finishedOn: null, discarded: false, dependencies: reopenFailed(context.dependencies!) }),
  child: (context, event) => ({ dependencies: afterChildEvent(context.dependencies!, event as ChildEvent) }),
  failByChild: (_context, event) => ({ failedReason: `child ${(event as ChildEvent).payload.child} failed`, finishedOn: event.time }),
  // A parent's own delay runs from when its children are done.
  startDelay: (context, event) => ({ dueAt: event.time + context.opts.delay }),
  progress: (_context, event) => ({ progress: (event as Extract<JobEvent, { type: 'progress' }>).payload.progress }),
  log: (context) => ({ logCount: context.logCount + 1 }),
  update: (_context, event) => ({ data: (event as Extract<JobEvent, { type: 'updated' }>).payload.data }),
  discard: () => ({ discarded: true }),
  changeDelay: (_context, event) => {
    const { delay } = (event as JobDelayChanged).payload;
    return { delay, dueAt: event.time + delay };
  },
  changePriority: (context, event) => {
    const { priority, lifo } = (event as JobPriorityChanged).payload;
    const { priority: _priority, lifo: _lifo, ...opts } = context.opts;
    return { opts: { ...opts, ...(priority === null ? {} : { priority }), ...(lifo ? { lifo } : {}) } };
  },
} satisfies Record<string, JobUpdate>;

/** A job's context right after its `added` event (the machine's `context`, given its input). */
export function initialContext({ id, added }: JobMachineInput): JobContext {
  const { payload, time } = added;
  const hasChildren = payload.children !== undefined && payload.children.length > 0;
  return {
    id,
    name: payload.name,
    data: payload.data,
    opts: payload.opts,
    progress: 0,
    delay: payload.opts.delay,
    timestamp: time,
    attemptsMade: 0,
    failedReason: null,
    stacktrace: null,
    returnvalue: null,
    finishedOn: null,
    processedOn: null,
    claim: null,
    stalledCount: 0,
    discarded: false,
    dueAt: payload.opts.delay > 0 && !hasChildren ? time + payload.opts.delay : null,
    logCount: 0,
    ...(hasChildren ? { dependencies: dependenciesOf(payload.children!) } : {}),
  };
}

type Guards = typeof jobGuards;
type Updates = typeof jobUpdates;

export const jobMachine = setup({
  types: {
    context: {} as JobContext,
    events: {} as JobEvent,
    input: {} as JobMachineInput,
  },
  guards: Object.fromEntries(
    Object.entries(jobGuards).map(([name, guard]: [string, JobGuard]) => [name, ({ context, event }: { context: JobContext; event: JobEvent }) => guard(context, event)]),
  ) as { [K in keyof Guards]: (args: { context: JobContext; event: JobEvent }) => boolean },
  actions: Object.fromEntries(
    Object.entries(jobUpdates).map(([name, update]: [string, JobUpdate]) => [name, assign(({ context, event }: { context: JobContext; event: JobEvent }) => update(context, event))]),
  ) as unknown as { [K in keyof Updates]: ReturnType<typeof assign<JobContext, JobEvent, undefined, JobEvent, never>> },
}).createMachine({
  id: 'job',
  // xstate's pure transition() builds a throwaway actor that computes the initial state with no
  // input: without this guard every fold step throws (and xstate catches) a TypeError, which costs
  // more than the transition itself.
  context: ({ input }) => (input === undefined ? ({} as JobContext) : initialContext(input)),
  initial: 'added',
  // Updates that are valid in every state.
  on: {
    progress: { actions: 'progress' },
    log: { actions: 'log' },
    updated: { actions: 'update' },
    priorityChanged: { actions: 'changePriority' },
    // A child's outcome reaching a parent that is not waiting for its children (failed by another
    // child, say) still updates its dependencies, for a retry.
    childCompleted: { guard: 'takesChild', actions: 'child' },
    childFailed: { guard: 'takesChild', actions: 'child' },
    childRemoved: { guard: 'takesChild', actions: 'child' },
  },
  states: {
    added: {
      always: [{ target: 'waiting-children', guard: 'hasPendingChildren' }, { target: 'delayed', guard: 'isDelayed' }, { target: 'waiting' }],
    },
    'waiting-children': {
      on: {
        childCompleted: [
          { target: 'delayed', guard: 'lastChildThenDelay', actions: ['child', 'startDelay'] },
          { target: 'waiting', guard: 'lastChild', actions: 'child' },
        ],
        childFailed: [
          { target: 'failed', guard: 'childFailsParent', actions: ['child', 'failByChild'] },
          { target: 'delayed', guard: 'lastChildThenDelay', actions: ['child', 'startDelay'] },
          { target: 'waiting', guard: 'lastChild', actions: 'child' },
        ],
        childRemoved: [
          { target: 'delayed', guard: 'lastChildThenDelay', actions: ['child', 'startDelay'] },
          { target: 'waiting', guard: 'lastChild', actions: 'child' },
        ],
        discarded: { actions: 'discard' },
      },
    },
    waiting: {
      on: {
        active: { target: 'active', actions: 'claim' },
        discarded: { actions: 'discard' },
      },
    },
    delayed: {
      on: {
        promoted: { target: 'waiting', actions: 'becomeDue' },
        delayChanged: { actions: 'changeDelay' },
        discarded: { actions: 'discard' },
      },
    },
    active: {
      on: {
        completed: { target: 'completed', guard: 'ownsClaim', actions: 'complete' },
        failed: [
          { target: 'failed', guard: 'failsFinally', actions: 'failFinally' },
          { target: 'delayed', guard: 'retriesLater', actions: 'failAndRetryLater' },
          { target: 'waiting', guard: 'ownsClaim', actions: 'failAndRetryNow' },
        ],
        postponed: [
          { target: 'delayed', guard: 'postponesLater', actions: 'postponeLater' },
          { target: 'waiting', guard: 'ownsClaim', actions: 'postponeNow' },
        ],
        stalled: [
          { target: 'failed', guard: 'stallsTooOften', actions: 'stallAndFail' },
          { target: 'waiting', guard: 'ownsClaim', actions: 'stallAndRequeue' },
        ],
        released: { target: 'waiting', guard: 'ownsClaim', actions: 'release' },
        discarded: { actions: 'discard' },
      },
    },
    completed: {},
    failed: {
      on: {
        // A parent failed by a child goes back to waiting for the children it still has.
        retried: [
          { target: 'waiting-children', guard: 'waitsForChildren', actions: 'retryParent' },
          { target: 'waiting', actions: 'retry' },
        ],
      },
    },
  },
});

export type JobMachine = typeof jobMachine;
