// Small tools shared by the processing tests: gates that hold a handler until the test lets it go,
// counting events, and reading the raw log the way a second tab would see it.
import { openDB } from 'idb';
import { foldSteps, type Queue, type StoredEvent, type StoredJobEvent } from '../../../src/index.js';
import type { JobState } from '../../../src/core/types.js';

export { deferred, type Deferred } from '../helpers.js';

/** Resolve with the arguments of the first `count` emissions of `event`. */
export function collect<Q extends Queue>(queue: Q, event: Parameters<Q['on']>[0], count: number): Promise<unknown[][]> {
  return new Promise((resolve) => {
    const seen: unknown[][] = [];
    const listener = (...args: unknown[]) => {
      seen.push(args);
      if (seen.length === count) {
        (queue.off as any)(event, listener);
        resolve(seen);
      }
    };
    (queue.on as any)(event, listener);
  });
}

/** Resolve with the arguments of the first emission of `event` that `match` accepts. */
export function when<Q extends Queue>(queue: Q, event: Parameters<Q['on']>[0], match: (...args: any[]) => boolean): Promise<unknown[]> {
  return new Promise((resolve) => {
    const listener = (...args: unknown[]) => {
      if (!match(...args)) return;
      (queue.off as any)(event, listener);
      resolve(args);
    };
    (queue.on as any)(event, listener);
  });
}

/** Every stored event of a queue's database, in log order. */
export async function readLog(name = 'test', prefix = 'jobtrail'): Promise<StoredEvent[]> {
  const db = await openDB(`${prefix}:${name}`);
  try {
    return (await db.getAll('events')) as StoredEvent[];
  } finally {
    db.close();
  }
}

/** The states a job went through, one per event of its history (the fold the store uses). */
export function statesOf(id: string, history: readonly StoredJobEvent[]): JobState[] {
  return foldSteps(id, history).map((step) => step.state);
}

/** A handler body that never settles on its own, only rejects when its signal aborts. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/**
 * Settings that make a dead processor's jobs stall within a few tens of milliseconds: a closed
 * instance deletes its heartbeat, so the next sweep (every 30 ms) finds it gone. The generous
 * lockDuration keeps a live but busy instance from looking dead on a loaded machine.
 */
export const fastStalls = { lockDuration: 1000, lockRenewTime: 50, stalledInterval: 30 };
