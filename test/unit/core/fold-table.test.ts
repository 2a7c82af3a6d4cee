// The fold runs a transition table read off the job machine (fold.ts); xstate's own transition()
// is the reference. Given random histories, valid and not (every event type, stale and current
// claims, children known and unknown, retries, delays, priorities), both folds give the same
// state and context after every event, and refuse the same events with the same error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JobAdded, JobEvent } from '../../../src/core/events.js';
import { applyEvent, foldThroughMachine, startJob, type FoldedJob } from '../../../src/core/fold.js';
import { jobMachine } from '../../../src/core/machine.js';
import { CHILD_FAILURE_OPTIONS, type JobState } from '../../../src/core/types.js';

const T0 = 1_700_000_000_000;
const time = fc.integer({ min: T0, max: T0 + 1000 });
// Few tokens and children, so that events often match the job (and often do not).
const token = fc.constantFrom('a', 'b', 'c');
const child = fc.constantFrom('q:1', 'q:2', 'q:3', 'r:1');
const ev = <T extends JobEvent['type']>(type: T, payload: fc.Arbitrary<Extract<JobEvent, { type: T }>['payload']>) =>
  fc.record({ type: fc.constant(type), time, payload }) as fc.Arbitrary<JobEvent>;
const empty = fc.constant({} as Record<string, never>);

const added: fc.Arbitrary<JobAdded> = fc.record({
  type: fc.constant('added' as const),
  time,
  payload: fc.record(
    {
      name: fc.constantFrom('upload', '__default__'),
      data: fc.oneof(fc.constant(null), fc.record({ n: fc.nat(9) })),
      opts: fc.record(
        {
          attempts: fc.integer({ min: 1, max: 4 }),
          delay: fc.constantFrom(0, 0, 100),
          stackTraceLimit: fc.constantFrom(0, 1, 2),
          priority: fc.integer({ min: 1, max: 5 }),
          lifo: fc.constant(true),
        },
        { requiredKeys: ['attempts', 'delay'] },
      ),
      children: fc.uniqueArray(fc.record({ id: fc.constantFrom('1', '2', '3'), queueName: fc.constantFrom('q', 'r') }), {
        maxLength: 3,
        selector: (ref) => `${ref.queueName}:${ref.id}`,
      }),
      flow: fc.constant('flow-1'),
    },
    { requiredKeys: ['name', 'data', 'opts'] },
  ),
});

const event: fc.Arbitrary<JobEvent> = fc.oneof(
  added as fc.Arbitrary<JobEvent>,
  // The events that move a job along come more often, so histories get far.
  { arbitrary: ev('active', fc.record({ token, owner: fc.constantFrom('tab-1', 'tab-2') })), weight: 4 },
  ev('progress', fc.oneof(fc.record({ progress: fc.integer({ min: 0, max: 100 }) }), fc.record({ progress: fc.record({ step: fc.nat(5) }) }))),
  ev('log', fc.record({ line: fc.string({ maxLength: 5 }) })),
  ev('updated', fc.record({ data: fc.record({ n: fc.nat(9) }) })),
  ev('discarded', empty),
  ev('promoted', fc.record({ due: fc.boolean() })),
  { arbitrary: ev('completed', fc.record({ token, returnvalue: fc.oneof(fc.constant(null), fc.nat(9)) })), weight: 2 },
  {
    arbitrary: ev('failed', fc.record({
      token,
      failedReason: fc.constantFrom('boom', 'bang'),
      stack: fc.oneof(fc.constant(null), fc.constant('Error: boom\n    at x')),
      retryDelay: fc.constantFrom(null, -1, 0, 50),
    })),
    weight: 4,
  },
  ev('postponed', fc.record({ token, delay: fc.constantFrom(0, 100), reason: fc.constant('offline') })),
  { arbitrary: ev('stalled', fc.record({ token, maxStalledCount: fc.integer({ min: 0, max: 2 }) })), weight: 2 },
  ev('released', fc.record({ token, reason: fc.constantFrom('hidden', 'closed') })),
  ev('retried', empty),
  ev('delayChanged', fc.record({ delay: fc.constantFrom(0, 50, 200) })),
  ev('priorityChanged', fc.record({ priority: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 5 })), lifo: fc.boolean() })),
  ev('childCompleted', fc.record({ child, returnvalue: fc.oneof(fc.constant(null), fc.nat(9)) })),
  ev('childFailed', fc.record({
    child,
    failedReason: fc.constant('child broke'),
    option: fc.constantFrom(null, ...CHILD_FAILURE_OPTIONS),
    at: fc.integer({ min: 0, max: 6 }),
  })),
  ev('childRemoved', fc.record({ child })),
);

type Outcome = { ok: true; folded: FoldedJob } | { ok: false; error: { name: string; code: unknown; message: string; class: string } };

function outcome(step: () => FoldedJob): Outcome {
  try {
    return { ok: true, folded: step() };
  } catch (err) {
    const e = err as Error & { code?: unknown };
    return { ok: false, error: { name: e.name, code: e.code, message: e.message, class: e.constructor.name } };
  }
}

function expectSame(fast: Outcome, machine: Outcome): void {
  expect(fast).toStrictEqual(machine);
  // The same keys in the same order too: a projection is stored and shown as it is.
  if (fast.ok && machine.ok) expect(Object.keys(fast.folded.job)).toEqual(Object.keys(machine.folded.job));
}

describe('the fold table agrees with the job machine', () => {
  it('on random histories: the same job after every event, the same refusals', { timeout: 60_000 }, () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.constantFrom('1', '42'), added, fc.array(event, { minLength: 5, maxLength: 30, size: 'max' }), (id, first, rest) => {
        const start = outcome(() => startJob(id, first));
        expectSame(start, outcome(() => foldThroughMachine.startJob(id, first)));
        if (!start.ok) return;
        let job = start.folded;
        for (const e of rest) {
          const fast = outcome(() => applyEvent(job, e));
          expectSame(fast, outcome(() => foldThroughMachine.applyEvent(job, e)));
          // A refused event changes nothing, as in the store (which then writes nothing).
          seen.add(`${job.state} ${e.type} ${fast.ok ? fast.folded.state : 'refused'}`);
          if (fast.ok && fast.folded.state === job.state) seen.add(`* ${e.type} *`);
          if (fast.ok) job = fast.folded;
        }
      }),
      { numRuns: 1000 },
    );
    // Every transition of the machine was taken at least once (its target, or staying put).
    const missing = machineEdges().filter((edge) => !seen.has(edge));
    expect(missing).toEqual([]);
  });

  it('agrees on a parent released by its last child into its own delay', () => {
    const parent: JobAdded = {
      type: 'added',
      time: T0,
      payload: { name: 'p', data: null, opts: { attempts: 1, delay: 100 }, children: [{ id: '1', queueName: 'q' }] },
    };
    const done: JobEvent = { type: 'childCompleted', time: T0 + 5, payload: { child: 'q:1', returnvalue: 1 } };
    const fast = applyEvent(startJob('p', parent), done);
    expect(fast).toStrictEqual(foldThroughMachine.applyEvent(foldThroughMachine.startJob('p', parent), done));
    expect(fast).toMatchObject({ state: 'delayed', job: { dueAt: T0 + 105 } });
  });
});

/**
 * `state type target` for every transition a state defines (target = state for targetless ones),
 * and `* type *` for the root's (taken in whichever state can take them: a child's outcome, say,
 * reaches only a parent that still has children to hear from).
 */
function machineEdges(): string[] {
  const edges = new Set<string>();
  const root = jobMachine.root;
  for (const [state, node] of Object.entries(root.states)) {
    for (const [type, transitions] of node.transitions) {
      for (const t of transitions) edges.add(`${state} ${type} ${(t.target?.[0]?.key as JobState | undefined) ?? state}`);
    }
  }
  for (const type of root.transitions.keys()) edges.add(`* ${type} *`);
  return [...edges];
}
