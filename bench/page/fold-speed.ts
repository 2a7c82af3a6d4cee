// Fold speed: one job's events folded through the fold's transition table (what the store, rebuild
// and time travel run) and through xstate's own transition() (the machine it is read from), in
// µs per event. Plain code, no DOM: the bench page runs it in Chromium, `npm run bench:fold` in Node.
import type { JobEvent } from '../../src/core/events.js';
import { foldJob, foldThroughMachine, type FoldedJob } from '../../src/core/fold.js';
import { jobData, JOB_NAME } from './payload.js';

const T0 = 1_700_000_000_000;

/** Histories as a queue writes them: most jobs run once; one in four fails once and is retried. */
export function histories(jobs: number): JobEvent[][] {
  return Array.from({ length: jobs }, (_, i): JobEvent[] => {
    const added: JobEvent = { type: 'added', time: T0 + i, payload: { name: JOB_NAME, data: jobData(i), opts: { attempts: 2, delay: 0 } } };
    const active = (token: string, t: number): JobEvent => ({ type: 'active', time: T0 + i + t, payload: { token, owner: 'bench' } });
    const completed = (token: string, t: number): JobEvent => ({ type: 'completed', time: T0 + i + t, payload: { token, returnvalue: null } });
    if (i % 4 !== 3) return [added, active(`t${i}`, 1), { type: 'progress', time: T0 + i + 2, payload: { progress: 50 } }, completed(`t${i}`, 3)];
    return [
      added,
      active(`t${i}a`, 1),
      { type: 'failed', time: T0 + i + 2, payload: { token: `t${i}a`, failedReason: 'boom', stack: null, retryDelay: 0 } },
      active(`t${i}b`, 3),
      completed(`t${i}b`, 4),
    ];
  });
}

function foldByMachine(id: string, events: readonly JobEvent[]): FoldedJob {
  const [first, ...rest] = events;
  return rest.reduce(foldThroughMachine.applyEvent, foldThroughMachine.startJob(id, first as Extract<JobEvent, { type: 'added' }>));
}

export interface FoldSpeed {
  /** µs per event through the fold's table (foldJob). */
  tableUs: number;
  /** µs per event through xstate's transition(). */
  machineUs: number;
  events: number;
}

/** Fold `jobs` histories both ways, alternating, and time each. */
export function foldSpeed(jobs: number): FoldSpeed {
  const all = histories(jobs);
  const events = all.reduce((n, h) => n + h.length, 0);
  const time = (fold: (id: string, events: readonly JobEvent[]) => FoldedJob) => {
    const t0 = performance.now();
    for (let i = 0; i < all.length; i++) fold(String(i), all[i]!);
    return ((performance.now() - t0) * 1000) / events;
  };
  time(foldJob); // warm both paths up (JIT) before the timed passes
  time(foldByMachine);
  const machineUs = time(foldByMachine);
  const tableUs = time(foldJob);
  return { tableUs, machineUs, events };
}
