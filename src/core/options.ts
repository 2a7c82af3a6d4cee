// Validation and normalisation of every option jobtrail accepts. One place, so the rules cannot drift.
import type { DependenciesOptions } from './dependencies.js';
import { InvalidOptionError } from './errors.js';
import { CHILD_FAILURE_OPTIONS, JOB_STATES, type JobOptions, type JobOpts, type JobRef, type JobState, type QueueSettings, type RateLimiter } from './types.js';

export const MAX_PRIORITY = 2 ** 31 - 1;

/**
 * The longest wait any option may ask for, in ms: 8.64e15, the span of JavaScript dates (100
 * million days). A longer one is certainly a mistake, and a job delayed by it could never be due on
 * any date. Waits beyond setTimeout's 2^31-1 ms are fine: the runner chains its timers.
 */
export const MAX_WAIT_MS = 8.64e15;

/**
 * jobtrail's default `settings.maxStalledCount` (Bull's is 1). A reload or a closed tab mid-job
 * gives the job back as `released`, but that write may not commit while the page goes away, and
 * the job then stalls: at 10, a job survives ten such reloads in a row before it fails.
 */
export const DEFAULT_MAX_STALLED_COUNT = 10;

const JOB_OPTION_KEYS = new Set<keyof JobOptions>([
  'priority', 'delay', 'attempts', 'backoff', 'lifo', 'timeout',
  'removeOnComplete', 'removeOnFail', 'jobId', 'stackTraceLimit', 'deduplication', ...CHILD_FAILURE_OPTIONS,
]);

export interface ResolvedQueueOptions<J = unknown> {
  prefix: string;
  defaultJobOptions: JobOptions;
  settings: QueueSettings<J>;
  limiter: RateLimiter | null;
}

/** Validate `new Queue(name, options)` and fill in the defaults. */
export function resolveQueueOptions<J = unknown>(name: unknown, options: unknown): ResolvedQueueOptions<J> {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidOptionError(`Queue name must be a non-empty string, got ${describe(name)}`);
  }
  const opts = plainObject(options ?? {}, 'Queue options');
  onlyKeys(opts, ['prefix', 'defaultJobOptions', 'settings', 'limiter'], 'queue option');
  const prefix = opts.prefix ?? 'jobtrail';
  if (typeof prefix !== 'string' || prefix.length === 0) {
    throw new InvalidOptionError(`Invalid queue option prefix: expected a non-empty string, got ${describe(prefix)}`);
  }
  const settingsIn = plainObject(opts.settings ?? {}, 'settings');
  onlyKeys(settingsIn, ['lockDuration', 'lockRenewTime', 'stalledInterval', 'maxStalledCount', 'backoffStrategies', 'holdWhileOffline'], 'setting');
  const lockDuration = settingsIn.lockDuration ?? 30_000;
  waitMs(lockDuration, 'settings.lockDuration', true);
  const lockRenewTime = settingsIn.lockRenewTime ?? lockDuration / 2;
  waitMs(lockRenewTime, 'settings.lockRenewTime', true);
  const stalledInterval = settingsIn.stalledInterval ?? 30_000;
  waitMs(stalledInterval, 'settings.stalledInterval', true);
  const maxStalledCount = settingsIn.maxStalledCount ?? DEFAULT_MAX_STALLED_COUNT;
  integerAtLeast(maxStalledCount, 0, 'settings.maxStalledCount');
  const backoffStrategies = plainObject(settingsIn.backoffStrategies ?? {}, 'settings.backoffStrategies');
  for (const [key, fn] of Object.entries(backoffStrategies)) {
    if (typeof fn !== 'function') {
      throw new InvalidOptionError(`Invalid setting backoffStrategies.${key}: expected a function, got ${describe(fn)}`);
    }
  }
  const holdWhileOffline = settingsIn.holdWhileOffline ?? false;
  if (typeof holdWhileOffline !== 'boolean') {
    throw new InvalidOptionError(`Invalid queue option settings.holdWhileOffline: expected a boolean, got ${describe(holdWhileOffline)}`);
  }
  const settings: QueueSettings<J> = {
    lockDuration, lockRenewTime, stalledInterval, maxStalledCount, holdWhileOffline,
    backoffStrategies: backoffStrategies as QueueSettings<J>['backoffStrategies'],
  };
  let limiter: RateLimiter | null = null;
  if (opts.limiter !== undefined) {
    const l = plainObject(opts.limiter, 'limiter');
    onlyKeys(l, ['max', 'duration', 'sliding'], 'limiter option');
    integerAtLeast(l.max, 1, 'limiter.max');
    waitMs(l.duration, 'limiter.duration', true);
    if (l.sliding !== undefined && typeof l.sliding !== 'boolean') {
      throw new InvalidOptionError(`Invalid queue option limiter.sliding: expected a boolean, got ${describe(l.sliding)}`);
    }
    limiter = { max: l.max as number, duration: l.duration as number, ...(l.sliding ? { sliding: true } : {}) };
  }
  const defaultJobOptions = opts.defaultJobOptions === undefined ? {} : checkJobOptions(opts.defaultJobOptions, settings, 'defaultJobOptions.');
  if (defaultJobOptions.jobId !== undefined) {
    throw new InvalidOptionError('Invalid queue option defaultJobOptions.jobId: a default job id would make every job a duplicate');
  }
  if (defaultJobOptions.deduplication !== undefined) {
    throw new InvalidOptionError('Invalid queue option defaultJobOptions.deduplication: a default deduplication id would make every job a duplicate');
  }
  for (const option of CHILD_FAILURE_OPTIONS) {
    if (defaultJobOptions[option] !== undefined) {
      throw new InvalidOptionError(`Invalid queue option defaultJobOptions.${option}: it is an option of a child in a flow; give it to the child in FlowProducer.add`);
    }
  }
  return { prefix, defaultJobOptions, settings, limiter };
}

/**
 * Validate one job's options, merge them over the queue's defaults and fill in Bull's defaults.
 * `parent`: the job is a child in a flow (FlowProducer), the only kind of job a child's failure
 * option is for.
 */
export function resolveJobOptions<J>(options: unknown, queue: ResolvedQueueOptions<J>, parent?: JobRef): JobOpts {
  const own = options === undefined ? {} : checkJobOptions(options, queue.settings, '');
  const childOptions = CHILD_FAILURE_OPTIONS.filter((option) => own[option] !== undefined);
  if (!parent && childOptions.length > 0) {
    throw new InvalidOptionError(`Invalid job option ${childOptions[0]}: only a child in a flow has a parent to tell (add it with a FlowProducer, as a child)`);
  }
  const merged: JobOptions = { ...queue.defaultJobOptions, ...own };
  const { backoff, repeat: _repeat, ...rest } = merged; // checkJobOptions refuses repeat
  const opts: JobOpts = { ...rest, attempts: merged.attempts ?? 1, delay: merged.delay ?? 0 };
  if (backoff !== undefined) opts.backoff = typeof backoff === 'number' ? { type: 'fixed', delay: backoff } : { ...backoff };
  if (parent) opts.parent = { id: parent.id, queueName: parent.queueName };
  return opts;
}

function checkJobOptions(options: unknown, settings: { backoffStrategies: object }, path: string): JobOptions {
  const o = plainObject(options, 'Job options');
  for (const key of Object.keys(o)) {
    if (key === 'repeat') {
      throw new InvalidOptionError(`Job option ${path}repeat is taken by add() alone, where it registers a repeatable job: use add(name, data, { repeat }) or upsertJobScheduler()`);
    }
    if (key === 'parent') {
      throw new InvalidOptionError(`Invalid job option ${path}parent: a job gets its parent by being added as a child of a flow, with a FlowProducer`);
    }
    if (!JOB_OPTION_KEYS.has(key as keyof JobOptions)) {
      throw new InvalidOptionError(`Unknown job option ${path}${key}`);
    }
  }
  const name = (key: string) => path + key;
  if (o.priority !== undefined) {
    integerAtLeast(o.priority, 1, name('priority'));
    if ((o.priority as number) > MAX_PRIORITY) {
      throw new InvalidOptionError(`Invalid job option ${name('priority')}: expected an integer from 1 to ${MAX_PRIORITY}, got ${describe(o.priority)}`);
    }
  }
  if (o.delay !== undefined) waitMs(o.delay, name('delay'));
  if (o.attempts !== undefined) integerAtLeast(o.attempts, 1, name('attempts'));
  if (o.backoff !== undefined) checkBackoff(o.backoff, settings, name('backoff'));
  if (o.lifo !== undefined && typeof o.lifo !== 'boolean') {
    throw new InvalidOptionError(`Invalid job option ${name('lifo')}: expected a boolean, got ${describe(o.lifo)}`);
  }
  if (o.timeout !== undefined) waitMs(o.timeout, name('timeout'), true);
  if (o.removeOnComplete !== undefined) checkKeepJobs(o.removeOnComplete, name('removeOnComplete'));
  if (o.removeOnFail !== undefined) checkKeepJobs(o.removeOnFail, name('removeOnFail'));
  if (o.jobId !== undefined) checkJobId(o.jobId, name('jobId'));
  if (o.stackTraceLimit !== undefined) integerAtLeast(o.stackTraceLimit, 0, name('stackTraceLimit'));
  if (o.deduplication !== undefined) checkDeduplication(o.deduplication, name('deduplication'));
  const failureOptions = CHILD_FAILURE_OPTIONS.filter((option) => o[option] !== undefined);
  for (const option of failureOptions) {
    if (typeof o[option] !== 'boolean') throw new InvalidOptionError(`Invalid job option ${name(option)}: expected a boolean, got ${describe(o[option])}`);
  }
  if (failureOptions.filter((option) => o[option] === true).length > 1) {
    throw new InvalidOptionError(`Invalid job options ${failureOptions.map(name).join(' and ')}: a child's failure can do one of these things only`);
  }
  return o as JobOptions;
}

function checkDeduplication(value: unknown, name: string): void {
  const d = plainObject(value, `Job option ${name}`);
  for (const key of ['extend', 'replace']) {
    if (key in d) throw new InvalidOptionError(`Unsupported job option ${name}.${key}: jobtrail supports BullMQ's deduplication with id and ttl only`);
  }
  onlyKeys(d, ['id', 'ttl'], `job option ${name}.`);
  if (typeof d.id !== 'string' || d.id.length === 0) {
    throw new InvalidOptionError(`Invalid job option ${name}.id: expected a non-empty string, got ${describe(d.id)}`);
  }
  if (d.ttl !== undefined) positiveNumber(d.ttl, `${name}.ttl`);
}

function checkBackoff(value: unknown, settings: { backoffStrategies: object }, name: string): void {
  if (typeof value === 'number') return waitMs(value, name);
  const b = plainObject(value, `Job option ${name}`);
  onlyKeys(b, ['type', 'delay', 'jitter'], `job option ${name}.`);
  const type = b.type;
  if (typeof type !== 'string' || type.length === 0) {
    throw new InvalidOptionError(`Invalid job option ${name}.type: expected 'fixed', 'exponential' or a custom strategy name, got ${describe(type)}`);
  }
  if (type !== 'fixed' && type !== 'exponential' && !Object.hasOwn(settings.backoffStrategies, type)) {
    throw new InvalidOptionError(`Invalid job option ${name}.type: unknown backoff strategy ${describe(type)} (add it to settings.backoffStrategies)`);
  }
  if (b.delay !== undefined) waitMs(b.delay, `${name}.delay`);
  if (b.jitter !== undefined) {
    nonNegativeNumber(b.jitter, `${name}.jitter`);
    if ((b.jitter as number) > 1) {
      throw new InvalidOptionError(`Invalid job option ${name}.jitter: expected a number from 0 to 1, got ${describe(b.jitter)}`);
    }
  }
}

function checkKeepJobs(value: unknown, name: string): void {
  if (typeof value === 'boolean') return;
  if (typeof value === 'number') return integerAtLeast(value, 0, name);
  const k = plainObject(value, `Job option ${name}`);
  onlyKeys(k, ['age', 'count'], `job option ${name}.`);
  if (k.age === undefined && k.count === undefined) {
    throw new InvalidOptionError(`Invalid job option ${name}: expected true, false, a count or { age?, count? } with at least one of them, got {}`);
  }
  if (k.age !== undefined) nonNegativeNumber(k.age, `${name}.age`);
  if (k.count !== undefined) integerAtLeast(k.count, 0, `${name}.count`);
}

function checkJobId(value: unknown, name: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidOptionError(`Invalid job option ${name}: expected a non-empty string, got ${describe(value)}`);
  }
  // Auto ids are '1', '2', ...: an all-digit custom id would collide with a future auto id.
  if (/^\d+$/.test(value)) {
    throw new InvalidOptionError(`Invalid job option ${name}: ${describe(value)} is all digits, which is reserved for automatic ids`);
  }
  // Iterations of job schedulers are `repeat:<scheduler>:<slot>`: one id per slot, nobody else's.
  if (value.startsWith('repeat:')) {
    throw new InvalidOptionError(`Invalid job option ${name}: ${describe(value)} starts with "repeat:", which is reserved for the iterations of job schedulers`);
  }
}

export function integerAtLeast(value: unknown, min: number, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidOptionError(`Invalid ${label(name)}: expected an integer >= ${min}, got ${describe(value)}`);
  }
}

export function nonNegativeNumber(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidOptionError(`Invalid ${label(name)}: expected a finite number >= 0, got ${describe(value)}`);
  }
}

/** A wait in ms: a finite number >= 0 (> 0 when `positive`), at most MAX_WAIT_MS. */
function waitMs(value: unknown, name: string, positive = false): asserts value is number {
  if (positive) positiveNumber(value, name);
  else nonNegativeNumber(value, name);
  if (value > MAX_WAIT_MS) {
    throw new InvalidOptionError(`Invalid ${label(name)}: expected at most ${MAX_WAIT_MS} ms (100 million days, the span of JavaScript dates), got ${describe(value)}`);
  }
}

function positiveNumber(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionError(`Invalid ${label(name)}: expected a finite number > 0, got ${describe(value)}`);
  }
}

function label(name: string): string {
  if (name.includes(' ')) return name;
  if (name.startsWith('settings.') || name.startsWith('limiter.')) return `queue option ${name}`;
  return `job option ${name}`;
}

function plainObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(`${what} must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

function onlyKeys(o: Record<string, unknown>, allowed: string[], what: string): void {
  for (const key of Object.keys(o)) {
    // `what` ending in a dot is a path prefix (`job option backoff.`): the key continues it.
    if (!allowed.includes(key)) throw new InvalidOptionError(`Unknown ${what}${what.endsWith('.') ? '' : ' '}${key}`);
  }
}

/** A short, safe rendering of a bad value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value == null) return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  if (Array.isArray(value)) return 'an array';
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** `job.changePriority(opts)`, checked: `{ priority?, lifo? }`; a missing priority means none (as BullMQ). */
export function checkPriorityChange(options: unknown): { priority: number | null; lifo: boolean } {
  const o = plainObject(options, 'changePriority options');
  onlyKeys(o, ['priority', 'lifo'], 'changePriority option');
  if (o.priority !== undefined && (typeof o.priority !== 'number' || !Number.isInteger(o.priority) || o.priority < 1 || o.priority > MAX_PRIORITY)) {
    throw new InvalidOptionError(`Invalid changePriority option priority: expected an integer from 1 to ${MAX_PRIORITY} (or none, for no priority), got ${describe(o.priority)}`);
  }
  if (o.lifo !== undefined && typeof o.lifo !== 'boolean') {
    throw new InvalidOptionError(`Invalid changePriority option lifo: expected a boolean, got ${describe(o.lifo)}`);
  }
  return { priority: (o.priority as number | undefined) ?? null, lifo: (o.lifo as boolean | undefined) ?? false };
}

/** The options of the calls that move many jobs (`retryJobs`, `promoteJobs`), checked: `count` per batch, default 1000. */
export function checkManyJobs(options: unknown, caller: string, allowed: string[]): { count: number; timestamp: number | undefined } {
  const o = plainObject(options ?? {}, `${caller} options`);
  onlyKeys(o, allowed, `${caller} option`);
  const count = o.count ?? 1000;
  integerAtLeast(count, 1, `${caller} option count`);
  if (o.timestamp !== undefined) nonNegativeNumber(o.timestamp, `${caller} option timestamp`);
  return { count, timestamp: o.timestamp as number | undefined };
}

/** `retryJobs({ state, count, timestamp })`, checked: only failed jobs are retried. */
export function checkRetryJobs(options: unknown): { count: number; timestamp: number | undefined } {
  const checked = checkManyJobs(options, 'retryJobs', ['state', 'count', 'timestamp']);
  const state = (options as { state?: unknown } | undefined)?.state ?? 'failed';
  if (state !== 'failed') {
    throw new InvalidOptionError(`retryJobs: state must be 'failed', got ${describe(state)} (a completed job cannot run again in jobtrail; add a new one)`);
  }
  return checked;
}

/** `job.getDependencies(opts)`: per list, `{ cursor?, count? }`. */
export function checkDependenciesOptions(options: unknown): DependenciesOptions {
  const o = plainObject(options ?? {}, 'getDependencies options');
  onlyKeys(o, ['processed', 'unprocessed', 'ignored', 'failed'], 'getDependencies option');
  for (const [type, page] of Object.entries(o)) {
    if (page === undefined) continue;
    const p = plainObject(page, `getDependencies option ${type}`);
    onlyKeys(p, ['cursor', 'count'], `getDependencies option ${type}.`);
    if (p.cursor !== undefined) integerAtLeast(p.cursor, 0, `getDependencies option ${type}.cursor`);
    if (p.count !== undefined) integerAtLeast(p.count, 1, `getDependencies option ${type}.count`);
  }
  return o as DependenciesOptions;
}

/** `job.getDependenciesCount(opts)`: which counts, as booleans. */
export function checkDependencyCountOptions(options: unknown): Partial<Record<'processed' | 'unprocessed' | 'ignored' | 'failed', boolean>> {
  const o = plainObject(options ?? {}, 'getDependenciesCount options');
  onlyKeys(o, ['processed', 'unprocessed', 'ignored', 'failed'], 'getDependenciesCount option');
  for (const [type, value] of Object.entries(o)) {
    if (value !== undefined && typeof value !== 'boolean') throw new InvalidOptionError(`Invalid getDependenciesCount option ${type}: expected a boolean, got ${describe(value)}`);
  }
  return o as Partial<Record<'processed' | 'unprocessed' | 'ignored' | 'failed', boolean>>;
}

/** A boolean argument of a call (Bull's positional flags), checked. */
export function checkBoolean(value: unknown, caller: string, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidOptionError(`${caller}: argument ${name} must be a boolean, got ${describe(value)}`);
  }
}

/** A state as callers may name it: Bull's `'wait'` is `'waiting'`. */
export type StateName = JobState | 'wait';

/**
 * The states named by `args`, as named: each argument a state, an array of them, or a
 * comma-separated list. Bull's getters and counters name states this way (its parseTypeArg):
 * `getJobCounts('waiting', 'failed')`, `getJobCounts(['waiting', 'failed'])`,
 * `getJobCountByTypes('completed,failed')`.
 */
export function stateNames(args: readonly unknown[], caller: string): StateName[] {
  const names: string[] = [];
  for (const arg of args.flat()) {
    if (typeof arg !== 'string') throw new InvalidOptionError(`${caller}: a job state must be a string, got ${describe(arg)}`);
    names.push(...arg.split(/\s*,\s*/).filter((name) => name.length > 0));
  }
  for (const name of names) {
    if (name === 'paused') {
      throw new InvalidOptionError(`${caller}: "paused" is not a job state in jobtrail: pause is a flag of the queue (isPaused()), and paused jobs are counted as waiting`);
    }
    checkState(name, caller);
  }
  return names as StateName[];
}

/** `getMetrics(type)`: which finished jobs are counted. */
export function checkMetricType(type: unknown): asserts type is 'completed' | 'failed' {
  if (type !== 'completed' && type !== 'failed') {
    throw new InvalidOptionError(`getMetrics: type must be 'completed' or 'failed', got ${describe(type)}`);
  }
}

/** `removeJobs(pattern)`: a glob over job ids. */
export function checkIdPattern(pattern: unknown): asserts pattern is string {
  if (typeof pattern !== 'string' || pattern.length === 0) {
    throw new InvalidOptionError(`removeJobs: the pattern must be a non-empty string (a glob over job ids, like 'upload-*'), got ${describe(pattern)}`);
  }
}

/** A job state argument (`wait` is Bull's alias of `waiting`), checked. */
export function checkState(status: unknown, caller: string): JobState {
  const state = status === 'wait' ? 'waiting' : status;
  if (!JOB_STATES.includes(state as JobState)) {
    throw new InvalidOptionError(`${caller}: unknown job state ${describe(status)} (expected one of ${JOB_STATES.join(', ')})`);
  }
  return state as JobState;
}
