// When a repeatable job (Bull) or a job scheduler (BullMQ) runs: its options, checked and
// normalised, and Bull's key for a repeatable job. A cron pattern is checked by the cron library,
// which the caller loads and passes in (the core imports nothing but xstate).
import { InvalidOptionError } from './errors.js';
import { describe, resolveJobOptions, type ResolvedQueueOptions } from './options.js';
import type { CronNext } from './schedule.js';
import type { JobOptions, JobOpts, Repeat, RepeatOptions } from './types.js';

const REPEAT_KEYS = ['every', 'pattern', 'tz', 'startDate', 'endDate', 'limit', 'immediately', 'offset', 'catchUp'];

/**
 * Check repeat options and normalise them. `now` rules out an `endDate` in the past; `cron` checks
 * a pattern (required when there is one). Throws an `InvalidOptionError` naming the value at fault.
 */
export function checkRepeat(value: unknown, now: number, cron: CronNext | null): Repeat {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(`Repeat options must be an object ({ every } or { pattern, ... }), got ${describe(value)}`);
  }
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (key === 'cron') throw new InvalidOptionError('Unknown repeat option cron: jobtrail calls the cron pattern `pattern`, as BullMQ does');
    if (!REPEAT_KEYS.includes(key)) throw new InvalidOptionError(`Unknown repeat option ${key}`);
  }
  const repeat: Repeat = {};
  if (o.every !== undefined && o.pattern !== undefined) {
    throw new InvalidOptionError(`Invalid repeat options: both every (${describe(o.every)}) and pattern (${describe(o.pattern)}) are set; a schedule has one of them`);
  }
  if (o.every === undefined && o.pattern === undefined) {
    throw new InvalidOptionError('Invalid repeat options: set every (milliseconds) or pattern (a cron pattern)');
  }
  if (o.tz !== undefined) repeat.tz = checkTimeZone(o.tz);
  if (o.every !== undefined) {
    if (typeof o.every !== 'number' || !Number.isSafeInteger(o.every) || o.every < 1) {
      throw new InvalidOptionError(`Invalid repeat option every: expected an integer >= 1 (milliseconds), got ${describe(o.every)}`);
    }
    repeat.every = o.every;
  } else {
    if (typeof o.pattern !== 'string' || o.pattern.trim().length === 0) {
      throw new InvalidOptionError(`Invalid repeat option pattern: expected a cron pattern, got ${describe(o.pattern)}`);
    }
    if (!cron) throw new Error('checkRepeat: a cron pattern needs the cron parser');
    try {
      cron(o.pattern, repeat.tz, now);
    } catch (err) {
      throw new InvalidOptionError(`Invalid repeat option pattern: ${describe(o.pattern)} is not a cron pattern (${(err as Error).message})`);
    }
    repeat.pattern = o.pattern;
  }
  if (o.startDate !== undefined) repeat.startDate = checkDate(o.startDate, 'startDate');
  if (o.endDate !== undefined) {
    repeat.endDate = checkDate(o.endDate, 'endDate');
    if (repeat.startDate !== undefined && repeat.endDate < repeat.startDate) {
      throw new InvalidOptionError(`Invalid repeat option endDate: ${iso(repeat.endDate)} is before startDate ${iso(repeat.startDate)}`);
    }
    if (repeat.endDate <= now) throw new InvalidOptionError(`Invalid repeat option endDate: ${iso(repeat.endDate)} is in the past`);
  }
  if (o.limit !== undefined) {
    if (typeof o.limit !== 'number' || !Number.isSafeInteger(o.limit) || o.limit < 1) {
      throw new InvalidOptionError(`Invalid repeat option limit: expected an integer >= 1, got ${describe(o.limit)}`);
    }
    repeat.limit = o.limit;
  }
  if (o.immediately !== undefined) {
    if (typeof o.immediately !== 'boolean') throw new InvalidOptionError(`Invalid repeat option immediately: expected a boolean, got ${describe(o.immediately)}`);
    if (o.immediately && repeat.startDate !== undefined) {
      throw new InvalidOptionError('Invalid repeat options: immediately and startDate contradict each other; set one of them');
    }
    if (o.immediately) repeat.immediately = true;
  }
  if (o.offset !== undefined) {
    if (repeat.every === undefined) throw new InvalidOptionError('Invalid repeat option offset: it shifts the slots of every, and this schedule has a pattern');
    if (typeof o.offset !== 'number' || !Number.isSafeInteger(o.offset) || o.offset < 0) {
      throw new InvalidOptionError(`Invalid repeat option offset: expected an integer >= 0 (milliseconds), got ${describe(o.offset)}`);
    }
    if (o.offset > 0) repeat.offset = o.offset;
  }
  if (o.catchUp !== undefined) {
    if (o.catchUp !== 'once' && o.catchUp !== 'all') {
      throw new InvalidOptionError(`Invalid repeat option catchUp: expected 'once' or 'all', got ${describe(o.catchUp)}`);
    }
    if (o.catchUp === 'all') repeat.catchUp = 'all';
  }
  return repeat;
}

/**
 * Bull's key of a repeatable job: `name:jobId:endDate:tz:pattern`, or `name:jobId:endDate:every`
 * (empty fields stay empty). The same name, `jobId`, end date, time zone and pattern or interval
 * give the same key, so adding them again adds no second repeatable job.
 */
export function repeatKey(name: string, repeat: unknown, jobId?: string | null): string {
  if (typeof repeat !== 'object' || repeat === null) throw new InvalidOptionError(`Repeat options must be an object, got ${describe(repeat)}`);
  const { every, pattern, tz, endDate } = repeat as RepeatOptions;
  if (every === undefined && pattern === undefined) throw new InvalidOptionError('Invalid repeat options: set every (milliseconds) or pattern (a cron pattern)');
  if (jobId !== undefined && jobId !== null && typeof jobId !== 'string') throw new InvalidOptionError(`Invalid jobId: expected a string, got ${describe(jobId)}`);
  const end = endDate === undefined ? '' : String(checkDate(endDate, 'endDate'));
  const head = `${name}:${jobId ?? ''}:${end}:`;
  return pattern !== undefined ? `${head}${tz ?? ''}:${pattern}` : `${head}${every}`;
}

/** A job scheduler's id: a non-empty string. */
export function checkSchedulerId(id: unknown, caller: string): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) throw new InvalidOptionError(`${caller}: the job scheduler id must be a non-empty string, got ${describe(id)}`);
}

/**
 * The options of a scheduler's iterations: checked and merged over the queue's defaults, like an
 * add's. Refused: `jobId` (each iteration's id is its slot's), `delay` (slots say when; use
 * `startDate` or `offset`) and `deduplication` (one iteration per slot already).
 */
export function resolveTemplateOptions<J>(opts: unknown, queue: ResolvedQueueOptions<J>, where: string): JobOpts {
  if (typeof opts === 'object' && opts !== null) {
    for (const key of ['jobId', 'delay', 'deduplication'] as const) {
      if ((opts as JobOptions)[key] !== undefined) {
        throw new InvalidOptionError(`Invalid job option ${key} ${where}: each iteration's id and time come from its slot${key === 'delay' ? ' (use startDate or offset)' : ''}, so a scheduler's iterations take no ${key}`);
      }
    }
  }
  return resolveJobOptions(opts, queue);
}

function checkTimeZone(tz: unknown): string {
  if (typeof tz !== 'string' || tz.length === 0) throw new InvalidOptionError(`Invalid repeat option tz: expected an IANA time zone name, got ${describe(tz)}`);
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new InvalidOptionError(`Invalid repeat option tz: ${describe(tz)} is not a time zone this browser knows (expected an IANA name such as "Europe/Berlin")`);
  }
  return tz;
}

function checkDate(value: unknown, name: string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) {
    throw new InvalidOptionError(`Invalid repeat option ${name}: expected a Date, an ISO date string or Unix ms, got ${value instanceof Date ? 'an invalid Date' : describe(value)}`);
  }
  return Math.trunc(ms);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
