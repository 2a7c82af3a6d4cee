// Folding events through the job machine: the only way a job's state is ever computed.
// The store uses it to check and apply one event; rebuild and time travel fold whole histories.
//
// xstate's `transition()` costs ~15 µs a step (it resolves a snapshot and builds a throwaway
// actor scope each call), too much for a store that folds every event it writes and a rebuild that
// folds the whole log. So the fold runs a transition table read off the machine when this module
// loads: for each state and event type, the machine's candidate transitions in xstate's order
// (the state's own, then the root's), each with the machine's own guard and action functions
// (`jobGuards`, `jobUpdates`). The machine stays the one definition: anything it holds that the
// table cannot express makes this module throw at load, and test/unit/core/fold-table.test.ts
// checks table and machine against each other over random event sequences.
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { JobtrailError } from './errors.js';
import type { JobAdded, JobEvent } from './events.js';
import { initialContext, jobGuards, jobMachine, jobUpdates, type JobContext, type JobGuard, type JobUpdate } from './machine.js';
import type { JobState } from './types.js';

export type JobSnapshot = SnapshotFrom<typeof jobMachine>;

/** A job as the fold sees it: its state and its context. This is what the projection stores. */
export interface FoldedJob {
  state: JobState;
  job: JobContext;
}

/** The job right after its `added` event. */
export function startJob(id: string, added: JobAdded): FoldedJob {
  return settle(TABLE.initial, initialContext({ id, added }), added);
}

/**
 * Apply one event to a job. Throws a `JobtrailError` (`ERR_REFUSED` or `ERR_STALE_CLAIM`) when the
 * machine does not accept the event in the job's current state; the caller then writes nothing.
 */
export function applyEvent(current: FoldedJob, event: JobEvent): FoldedJob {
  const candidates = TABLE.on[current.state]?.[event.type];
  if (candidates !== undefined) {
    const context = current.job;
    for (const t of candidates) {
      if (t.guard !== null && !t.guard(context, event)) continue;
      let next = context;
      for (const update of t.updates) next = Object.assign({}, next, update(next, event));
      return settle(t.target ?? current.state, next, event);
    }
  }
  throw refusal(current, event);
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

/**
 * The same fold through xstate itself (`initialTransition` / `transition`), step by step: what the
 * table must agree with. For the tests and the benchmarks; ~50 times slower.
 */
export const foldThroughMachine = {
  startJob(id: string, added: JobAdded): FoldedJob {
    const [snapshot] = initialTransition(jobMachine, { id, added });
    return toFolded(snapshot);
  },
  applyEvent(current: FoldedJob, event: JobEvent): FoldedJob {
    const snapshot = jobMachine.resolveState({ value: current.state, context: current.job });
    const [next] = transition(jobMachine, snapshot, event);
    // xstate returns the very same snapshot when no transition accepts the event.
    if (next === snapshot) throw refusal(current, event);
    return toFolded(next);
  },
};

function toFolded(snapshot: JobSnapshot): FoldedJob {
  return { state: snapshot.value as JobState, job: snapshot.context };
}

// ---- the transition table, read off the machine -------------------------------------------------

interface Transition {
  /** Null: the job stays in its state. */
  target: JobState | null;
  guard: JobGuard | null;
  updates: JobUpdate[];
}

interface Table {
  initial: JobState;
  /** By state, then event type: the candidates in the order xstate tries them. */
  on: Partial<Record<JobState, Partial<Record<JobEvent['type'], Transition[]>>>>;
  /** Eventless (`always`) transitions, taken on entering a state. */
  always: Partial<Record<JobState, Transition[]>>;
}

/** Follow the eventless transitions of `state` (xstate takes them right after entering it). */
function settle(state: JobState, job: JobContext, event: JobEvent): FoldedJob {
  for (;;) {
    const always = TABLE.always[state];
    const t = always?.find((c) => c.guard === null || c.guard(job, event));
    if (t === undefined) return { state, job };
    for (const update of t.updates) job = Object.assign({}, job, update(job, event));
    state = t.target ?? state;
  }
}

type AnyNode = (typeof jobMachine)['root'];
type AnyDefinition = AnyNode['always'] extends (infer D)[] | undefined ? D : never;

const TABLE: Table = readTable();

function readTable(): Table {
  const unsupported = (what: string) => new Error(`fold.ts cannot read the job machine's transitions: ${what}`);
  const named = <F>(kind: string, impls: Record<string, F>, ref: unknown): F => {
    const name = typeof ref === 'string' ? ref : (ref as { type?: unknown; params?: unknown } | null)?.type;
    if (typeof name !== 'string' || (typeof ref === 'object' && (ref as { params?: unknown }).params !== undefined) || !(name in impls)) {
      throw unsupported(`${kind} ${JSON.stringify(ref) ?? String(ref)} is not one of machine.ts's named ${kind}s`);
    }
    return impls[name]!;
  };
  const read = (d: AnyDefinition, where: string): Transition => {
    if ((d.target?.length ?? 0) > 1) throw unsupported(`${where} has several targets`);
    const target = d.target?.[0];
    if (target && target.parent !== jobMachine.root) throw unsupported(`${where} targets nested state ${target.id}`);
    return {
      target: (target?.key as JobState | undefined) ?? null,
      guard: d.guard === undefined ? null : named<JobGuard>('guard', jobGuards, d.guard),
      updates: d.actions.map((a) => named<JobUpdate>('action', jobUpdates, a)),
    };
  };
  const root = jobMachine.root;
  const plain = (node: AnyNode, name: string) => {
    if (node.entry.length > 0 || node.exit.length > 0) throw unsupported(`${name} has entry or exit actions`);
    if (node.invoke.length > 0) throw unsupported(`${name} invokes actors`);
    if (node.type !== 'atomic' && node !== root) throw unsupported(`${name} is a ${node.type} state`);
  };
  plain(root, 'the root');
  if ((root.always?.length ?? 0) > 0) throw unsupported('the root has eventless transitions');
  const initial = root.initial.target[0];
  if (!initial || root.initial.actions.length > 0) throw unsupported('the initial transition');
  const table: Table = { initial: initial.key as JobState, on: {}, always: {} };
  for (const [name, node] of Object.entries(root.states) as [JobState, AnyNode][]) {
    plain(node, `state ${name}`);
    const types = new Set([...node.transitions.keys(), ...root.transitions.keys()]);
    const on: Partial<Record<JobEvent['type'], Transition[]>> = {};
    for (const type of types) {
      if (type.startsWith('xstate.') || type.includes('*')) throw unsupported(`event ${type} in state ${name}`);
      // The state's own transitions first; when none of their guards passes, the root's.
      on[type as JobEvent['type']] = [
        ...(node.transitions.get(type) ?? []).map((d) => read(d, `${name} on ${type}`)),
        ...(root.transitions.get(type) ?? []).map((d) => read(d, `the root on ${type}`)),
      ];
    }
    table.on[name] = on;
    if (node.always?.length) table.always[name] = node.always.map((d) => read(d, `${name} always`));
  }
  return table;
}

// ---- refusals ------------------------------------------------------------------------------------

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
