// Test helpers: queues that are closed and checked after each test, and the consistency check.
import { openDB } from 'idb';
import { expect, vi } from 'vitest';
import { FlowProducer, Queue, foldJob, foldSteps, type FlowProducerOptions, type JobEvent, type QueueOptions, type StoredEvent, type StoredJobEvent } from '../../src/index.js';
import { simulateCrash } from '../../src/api/queue.js';
import { compareRank } from '../../src/core/rank.js';
import type { JobRecord } from '../../src/store/record.js';
import { projectScheduler, type SchedulerRecord } from '../../src/store/scheduler-record.js';
import { JOB_STATES } from '../../src/core/types.js';

export const openedQueues: Queue[] = [];
export const openedProducers: FlowProducer[] = [];

/** A FlowProducer that the test setup closes after the test (open its queues with makeQueue to have them checked). */
export function makeFlowProducer(options?: FlowProducerOptions): FlowProducer {
  const producer = new FlowProducer(options);
  openedProducers.push(producer);
  return producer;
}

/** A queue that the test setup closes and checks for consistency after the test. */
export function makeQueue<Data = any, Result = any>(name = 'test', options?: QueueOptions): Queue<Data, Result> {
  const queue = new Queue<Data, Result>(name, options);
  openedQueues.push(queue as Queue);
  return queue;
}

/**
 * Stop `queue` as a crashed tab stops: its handlers are cut off, nothing is written, nothing given
 * back, and its liveness goes (its heartbeat is dropped, as a dead tab's Web Lock is), so another
 * instance requeues its jobs as stalled. (`close({ force: true })` would give them back instead.)
 */
export function crash(queue: Queue): Promise<void> {
  return queue[simulateCrash]();
}

/**
 * projection == fold(events) for every job and every job scheduler, and each stored job event's
 * state is the fold's state after it; counts and floors agree with the projection.
 */
export async function assertConsistent(name: string, prefix = 'jobtrail'): Promise<void> {
  const db = await openDB(`${prefix}:${name}`);
  try {
    if (!db.objectStoreNames.contains('jobs')) return;
    const events = (await db.getAll('events')) as StoredEvent[];
    const records = (await db.getAll('jobs')) as JobRecord[];
    const meta = await db.get('meta', 'queue');
    const byJob = new Map<string, JobEvent[]>();
    const schedulers = new Map<string, SchedulerRecord | undefined>();
    for (const e of events) {
      if (e.schedulerId !== undefined) schedulers.set(e.schedulerId, projectScheduler(schedulers.get(e.schedulerId), e.schedulerId, e, e.seq));
      if (e.jobId === undefined) continue;
      const list = byJob.get(e.jobId) ?? [];
      list.push(e);
      byJob.set(e.jobId, list);
    }
    expect(new Set(records.map((r) => r.id))).toEqual(new Set(byJob.keys()));
    for (const record of records) {
      const jobEvents = byJob.get(record.id)!;
      const folded = foldJob(record.id, jobEvents);
      expect(record.state, `state of job ${record.id}`).toBe(folded.state);
      expect(record.job, `context of job ${record.id}`).toEqual(folded.job);
      expect(record.seq).toBe((jobEvents.at(-1) as StoredEvent).seq);
      // The seqs a record keeps (for removals that delete without reading) are exactly its events'.
      if (record.seqs) expect(record.seqs, `seqs of job ${record.id}`).toEqual(jobEvents.map((e) => (e as StoredEvent).seq));
      // Events from before version 2 of the database carry no state.
      const steps = foldSteps(record.id, jobEvents).map((step, k) => ((jobEvents[k] as StoredJobEvent).state === undefined ? undefined : step.state));
      expect((jobEvents as StoredJobEvent[]).map((e) => e.state), `states in job ${record.id}'s events`).toEqual(steps);
    }
    if (db.objectStoreNames.contains('schedulers')) {
      const stored = (await db.getAll('schedulers')) as SchedulerRecord[];
      const folded = [...schedulers.values()].filter((r) => r !== undefined);
      expect(stored, 'job schedulers').toEqual(folded.sort((a, b) => (a.id < b.id ? -1 : 1)));
    }
    if (meta) {
      for (const state of JOB_STATES) {
        const inState = records.filter((r) => r.state === state);
        expect(meta.counts[state], `count of ${state}`).toBe(inState.length);
        const floor = meta.floors[state];
        if (floor) for (const r of inState) expect(compareRank(r.rank, floor)).toBeGreaterThanOrEqual(0);
      }
      expect(meta.seq).toBeGreaterThanOrEqual(events.at(-1)?.seq ?? 0);
    }
  } finally {
    db.close();
  }
}

/** Resolve on the next `event` of `queue`. */
export function next<Q extends Queue>(queue: Q, event: Parameters<Q['once']>[0]): Promise<unknown[]> {
  return new Promise((resolve) => (queue.once as any)(event, (...args: unknown[]) => resolve(args)));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A promise with its resolve and reject: a gate a test opens when it wants. */
export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A queue from a second copy of the library (a fresh module graph), sharing only the database with
 * the queues of this one: as another tab's, with no memory, notice channel or runner in common.
 * Not tracked: the test closes it.
 */
export async function queueInAnotherTab(name: string): Promise<Queue> {
  vi.resetModules();
  const { Queue: OtherQueue } = await import('../../src/index.js');
  return new OtherQueue(name);
}
