// A job scheduler (BullMQ) or repeatable job (Bull): its state, the fold of its events, and the
// decision of its next iteration. Pure: times arrive in events and as `now`.
import { JobtrailError } from './errors.js';
import type { SchedulerEvent } from './events.js';
import { firstSlot, iterationId, nextSlot, type CronNext } from './schedule.js';
import type { JobOpts, Repeat } from './types.js';

/** A scheduler as its events leave it. */
export interface SchedulerState {
  id: string;
  /** The name, data and options of its iterations. */
  name: string;
  data: unknown;
  opts: JobOpts;
  repeat: Repeat;
  /** Bull's `jobId` of a repeatable job (part of its key), or null. */
  jobId: string | null;
  /** How many iterations it has added. */
  iterationCount: number;
  /** Its next iteration: the job and the slot it stands for. Null before the first and once ended. */
  next: { jobId: string; slot: number } | null;
  /** Why it has no slot left, once it has none. */
  ended: 'limit' | 'endDate' | 'pattern' | null;
  /** When it was created and last changed, Unix ms. */
  createdAt: number;
  updatedAt: number;
}

/**
 * Apply one event to a scheduler (undefined: none exists). Returns the scheduler after it, or
 * undefined once removed. Throws `ERR_NOT_FOUND` for an event of a scheduler that does not exist.
 */
export function applySchedulerEvent(prev: SchedulerState | undefined, id: string, event: SchedulerEvent): SchedulerState | undefined {
  if (event.type === 'schedulerUpserted') {
    const { name, data, opts, repeat, jobId, withdrawn } = event.payload;
    const base = prev ?? { id, iterationCount: 0, next: null, createdAt: event.time };
    const kept = withdrawn !== null && base.next?.jobId === withdrawn ? { iterationCount: base.iterationCount - 1, next: null } : {};
    return { ...base, name, data, opts, repeat, jobId, ended: null, updatedAt: event.time, ...kept };
  }
  if (!prev) throw new JobtrailError('ERR_NOT_FOUND', `Job scheduler ${id} does not exist`);
  switch (event.type) {
    case 'iterationAdded':
      return { ...prev, iterationCount: event.payload.count, next: { jobId: event.payload.jobId, slot: event.payload.slot }, ended: null };
    case 'schedulerEnded':
      return { ...prev, next: null, ended: event.payload.reason };
    case 'schedulerRemoved':
      return undefined;
  }
}

/** What a scheduler does next: add the iteration of `slot` (job `jobId`), or end. */
export type Iteration = { slot: number; jobId: string; count: number } | { ended: 'limit' | 'endDate' | 'pattern' };

/**
 * The scheduler's next iteration: the first of a new schedule (`after` null), or the one after the
 * iteration of slot `after`, taken at `now`.
 */
export function decideIteration(s: SchedulerState, after: number | null, now: number, cron: CronNext | null): Iteration {
  if (s.repeat.limit !== undefined && s.iterationCount >= s.repeat.limit) return { ended: 'limit' };
  return iterationAt(s, after === null ? firstSlot(s.repeat, now, cron) : nextSlot(s.repeat, after, now, cron));
}

/**
 * The iteration of the slot after `slot`, whose job exists already (an iteration of an earlier
 * schedule under the same id, or one added by `immediately` before): the slot is skipped.
 */
export function skipTakenSlot(s: SchedulerState, slot: number, now: number, cron: CronNext | null): Iteration {
  return iterationAt(s, nextSlot({ ...s.repeat, catchUp: 'all' }, slot, now, cron));
}

function iterationAt(s: SchedulerState, slot: number | null): Iteration {
  if (slot === null) return { ended: s.repeat.pattern !== undefined && s.repeat.endDate === undefined ? 'pattern' : 'endDate' };
  return { slot, jobId: iterationId(s.id, slot), count: s.iterationCount + 1 };
}

/** What `upsertJobScheduler` (or `add` with `repeat`) sets: the template of the iterations and the schedule. */
export interface SchedulerDefinition {
  name: string;
  data: unknown;
  opts: JobOpts;
  repeat: Repeat;
  jobId: string | null;
}

/**
 * Whether `s` is defined by `def` already: then an upsert changes nothing (Bull: identical repeat
 * options add no second repeatable job). Data that is not plain (a Blob, a Date) never compares
 * equal: such an upsert is written as a change, which is harmless.
 */
export function sameDefinition(s: SchedulerState, def: SchedulerDefinition): boolean {
  return s.name === def.name && s.jobId === def.jobId && samePlain(s.repeat, def.repeat) && samePlain(s.opts, def.opts) && samePlain(s.data, def.data);
}

function samePlain(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => samePlain(x, b[i]));
  const plain = (o: object) => Object.getPrototypeOf(o) === Object.prototype || Object.getPrototypeOf(o) === null;
  if (Array.isArray(b) || !plain(a) || !plain(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && samePlain((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
