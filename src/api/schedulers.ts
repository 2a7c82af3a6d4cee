// Repeatable jobs (Bull) and job schedulers (BullMQ): two spellings of one mechanism. A scheduler
// is stored (its events in the log, its projection in the schedulers store) and only its next
// iteration exists as a job, delayed until its slot; the claim that takes it adds the one after.
// Options are checked (and the cron parser loaded, for a pattern) before any transaction begins.
import type { StoredSchedulerEvent } from '../core/events.js';
import { InvalidOptionError } from '../core/errors.js';
import { describe, integerAtLeast, type ResolvedQueueOptions } from '../core/options.js';
import { checkRepeat, checkSchedulerId, repeatKey, resolveTemplateOptions } from '../core/repeat-options.js';
import type { SchedulerDefinition } from '../core/scheduler.js';
import type { CronNext } from '../core/schedule.js';
import type { JobOptions, JobOpts, Repeat, RepeatOptions } from '../core/types.js';
import { cronParser, loadCronParser } from '../processing/cron.js';
import type { QueueDB } from '../store/open-db.js';
import type { JobRecord } from '../store/record.js';
import { removeScheduler } from '../store/remove-scheduler.js';
import { readSchedulerHistory, readSchedulerRecord, readSchedulers } from '../store/scheduler-reads.js';
import type { SchedulerRecord } from '../store/scheduler-record.js';
import { upsertScheduler } from '../store/upsert-scheduler.js';
import type { Write } from './many-jobs.js';

/** A job scheduler as `getJobSchedulers()` and `getJobScheduler(id)` show it (BullMQ's shape). */
export interface JobSchedulerJson<Data = unknown> {
  /** The scheduler's id (for a repeatable job added with `add`, its Bull key). */
  key: string;
  id: string;
  /** The name of its iterations. */
  name: string;
  every?: number;
  pattern?: string;
  tz?: string;
  startDate?: number;
  endDate?: number;
  limit?: number;
  offset?: number;
  immediately?: boolean;
  catchUp?: 'once' | 'all';
  /** How many iterations it has added. */
  iterationCount: number;
  /** When its next iteration is due (Unix ms); absent once it ended. */
  next?: number;
  /** Why it has no next iteration: `limit` reached, past `endDate`, or a pattern that never matches again. */
  ended?: 'limit' | 'endDate' | 'pattern';
  /** The data and options of its iterations. */
  template: { data: Data; opts: JobOpts };
}

/** A repeatable job as Bull's `getRepeatableJobs()` shows it. */
export interface RepeatableJob {
  key: string;
  name: string;
  /** The `jobId` it was added with (part of the key), or null. */
  id: string | null;
  endDate: number | null;
  tz: string | null;
  pattern: string | null;
  every: number | null;
  /** When its next iteration is due (Unix ms), or null once it ended. */
  next: number | null;
}

/** What `upsertJobScheduler` takes for the iterations: BullMQ's job template. */
export interface JobSchedulerTemplate<Data = unknown> {
  /** Default: the scheduler's id. */
  name?: string;
  data?: Data;
  /** Job options of every iteration, except `jobId`, `delay` and `deduplication`. */
  opts?: Omit<JobOptions, 'jobId' | 'delay' | 'deduplication' | 'repeat'>;
}

/** What the scheduler calls need of their queue. */
export interface SchedulerHost {
  readonly options: ResolvedQueueOptions<unknown>;
  write: Write;
  db(): Promise<QueueDB>;
}

/** `upsertJobScheduler(id, repeat, template)`: the scheduler's next iteration, or null when it has none. */
export async function upsertJobScheduler(host: SchedulerHost, id: unknown, repeatOpts: unknown, template: unknown): Promise<JobRecord | null> {
  checkSchedulerId(id, 'upsertJobScheduler');
  if (template !== undefined && (typeof template !== 'object' || template === null || Array.isArray(template))) {
    throw new InvalidOptionError(`upsertJobScheduler: the job template must be an object ({ name?, data?, opts? }), got ${describe(template)}`);
  }
  const t = (template ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(t)) if (!['name', 'data', 'opts'].includes(key)) throw new InvalidOptionError(`Unknown job template field ${key}`);
  const name = t.name ?? id;
  if (typeof name !== 'string' || name.length === 0) throw new InvalidOptionError(`Job name must be a non-empty string, got ${describe(name)}`);
  const opts = resolveTemplateOptions(t.opts, host.options, `in the template of job scheduler ${id}`);
  const cron = await cronFor(repeatOpts);
  const repeat = checkRepeat(repeatOpts, Date.now(), cron);
  return upsert(host, id, { name, data: 'data' in t ? t.data : {}, opts, repeat, jobId: null }, cron);
}

/** Bull's `add(name, data, { repeat, jobId, ...opts })`: the repeatable job's next iteration, or null. */
export async function addRepeatable(host: SchedulerHost, name: string, data: unknown, options: Record<string, unknown>): Promise<JobRecord | null> {
  const { repeat, jobId, ...rest } = options;
  if (jobId !== undefined && (typeof jobId !== 'string' || jobId.length === 0)) {
    throw new InvalidOptionError(`Invalid job option jobId: expected a non-empty string, got ${describe(jobId)}`);
  }
  const opts = resolveTemplateOptions(rest, host.options, 'of a repeatable job');
  const cron = await cronFor(repeat);
  const checked = checkRepeat(repeat, Date.now(), cron);
  // The key is Bull's: it names the schedule, so the same options give the same repeatable job.
  const key = repeatKey(name, checked, jobId as string | undefined);
  return upsert(host, key, { name, data, opts, repeat: checked, jobId: (jobId as string | undefined) ?? null }, cron);
}

/** Bull's `removeRepeatable(name, repeat, jobId?)`: remove the repeatable job these options name. */
export function removeRepeatable(host: SchedulerHost, name: string, repeat: unknown, jobId?: string): Promise<boolean> {
  return removeJobScheduler(host, repeatKey(name, repeat, jobId));
}

/** `removeJobScheduler(id)` (and Bull's `removeRepeatableByKey(key)`): whether one was removed. */
export async function removeJobScheduler(host: SchedulerHost, id: unknown): Promise<boolean> {
  checkSchedulerId(id, 'removeJobScheduler');
  return host.write(`removing job scheduler ${id}`, (batch) => removeScheduler(batch, id, Date.now()));
}

export async function getJobScheduler<Data>(host: SchedulerHost, id: unknown): Promise<JobSchedulerJson<Data> | undefined> {
  checkSchedulerId(id, 'getJobScheduler');
  const record = await readSchedulerRecord(await host.db(), id);
  return record ? schedulerJson<Data>(record) : undefined;
}

/** `getJobSchedulers(start, end, asc)`: by the time of their next iteration (ended ones last), latest first unless `asc`. */
export async function getJobSchedulers<Data>(host: SchedulerHost, start: number, end: number, asc: boolean): Promise<JobSchedulerJson<Data>[]> {
  return (await ranged(host, start, end, asc)).map((r) => schedulerJson<Data>(r));
}

/** Bull's `getRepeatableJobs(start, end, asc)`. */
export async function getRepeatableJobs(host: SchedulerHost, start: number, end: number, asc: boolean): Promise<RepeatableJob[]> {
  return (await ranged(host, start, end, asc)).map((r) => ({
    key: r.id,
    name: r.name,
    id: r.jobId,
    endDate: r.repeat.endDate ?? null,
    tz: r.repeat.tz ?? null,
    pattern: r.repeat.pattern ?? null,
    every: r.repeat.every ?? null,
    next: r.next?.slot ?? null,
  }));
}

export async function countJobSchedulers(host: SchedulerHost): Promise<number> {
  return (await readSchedulers(await host.db())).length;
}

export async function getJobSchedulerHistory(host: SchedulerHost, id: unknown): Promise<StoredSchedulerEvent[]> {
  checkSchedulerId(id, 'getJobSchedulerHistory');
  return readSchedulerHistory(await host.db(), id);
}

async function upsert(host: SchedulerHost, id: string, def: SchedulerDefinition, cron: CronNext | null): Promise<JobRecord | null> {
  const { job } = await host.write(`upserting job scheduler ${id}`, (batch) => upsertScheduler(batch, id, def, Date.now(), cron));
  return job;
}

/** The cron parser when the options have a pattern (loaded now if need be), else whatever is loaded. */
async function cronFor(repeat: unknown): Promise<CronNext | null> {
  const pattern = typeof repeat === 'object' && repeat !== null ? (repeat as RepeatOptions).pattern : undefined;
  return pattern === undefined ? cronParser() : loadCronParser();
}

async function ranged(host: SchedulerHost, start: number, end: number, asc: boolean): Promise<SchedulerRecord[]> {
  integerAtLeast(start, 0, 'argument start');
  integerAtLeast(end, -1, 'argument end');
  const all = await readSchedulers(await host.db());
  const at = (r: SchedulerRecord) => r.next?.slot ?? Infinity;
  all.sort((a, b) => (at(a) === at(b) ? a.id.localeCompare(b.id) : at(a) < at(b) ? -1 : 1));
  if (!asc) {
    // Latest first, as BullMQ lists them; ended ones stay at the end.
    const ended = all.filter((r) => r.next === null);
    all.splice(0, all.length, ...all.filter((r) => r.next !== null).reverse(), ...ended);
  }
  return all.slice(start, end < 0 ? undefined : end + 1);
}

function schedulerJson<Data>(r: SchedulerRecord): JobSchedulerJson<Data> {
  const { repeat } = r;
  const json: JobSchedulerJson<Data> = { key: r.id, id: r.id, name: r.name, iterationCount: r.iterationCount, template: { data: r.data as Data, opts: r.opts } };
  if (repeat.every !== undefined) json.every = repeat.every;
  if (repeat.pattern !== undefined) json.pattern = repeat.pattern;
  if (repeat.tz !== undefined) json.tz = repeat.tz;
  if (repeat.startDate !== undefined) json.startDate = repeat.startDate;
  if (repeat.endDate !== undefined) json.endDate = repeat.endDate;
  if (repeat.limit !== undefined) json.limit = repeat.limit;
  if (repeat.offset !== undefined) json.offset = repeat.offset;
  if (repeat.immediately) json.immediately = true;
  json.catchUp = repeat.catchUp ?? 'once';
  if (r.next) json.next = r.next.slot;
  if (r.ended) json.ended = r.ended;
  return json;
}
