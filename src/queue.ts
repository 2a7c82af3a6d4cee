// The Queue: Bull's API over the store. Every change is one storage command in one transaction;
// after it commits, `#publish` tells this instance's listeners, its processors and the other tabs.
import { NoticeChannel } from './channel/notice-channel.js';
import type { Notice, WireChange } from './channel/messages.js';
import { Emitter } from './emitter.js';
import { InvalidOptionError, JobFailedError, JobtrailError } from './errors.js';
import { Job } from './job.js';
import type { StoredJobEvent } from './job-events.js';
import { integerAtLeast, nonNegativeNumber, resolveJobOptions, resolveQueueOptions, type ResolvedQueueOptions } from './options.js';
import type { JobRecord } from './projection.js';
import { parseProcessArgs, type ProcessHandler } from './processing/process-args.js';
import { Runner } from './processing/runner.js';
import type { QueueEventMap } from './queue-events.js';
import { addJobs, type NewJob } from './store/add-jobs.js';
import { dbName, openQueueDb, type QueueDB } from './store/open-db.js';
import { readCounts, readHistory, readJob, readJobs, readMeta } from './store/reads.js';
import { rebuildProjections } from './store/rebuild.js';
import { obliterate } from './store/obliterate.js';
import { removeJob, removeJobsIn } from './store/remove-jobs.js';
import { setPaused } from './store/set-paused.js';
import { updateJob, type JobUpdate } from './store/update-job.js';
import { write, type Change, type WriteBatch } from './store/write-batch.js';
import {
  JOB_STATES,
  type BulkJob,
  type CleanStatus,
  type JobCounts,
  type JobOptions,
  type JobProgress,
  type JobState,
  type QueueOptions,
  type QueueSettings,
  type RateLimiter,
} from './types.js';

/**
 * A named queue of jobs stored in IndexedDB and shared by every tab, worker and service worker of
 * the origin that opens the same name.
 *
 * @example
 * const uploads = new Queue<{ file: File }, string>('uploads');
 * await uploads.add('upload', { file }, { attempts: 5, backoff: { type: 'exponential', delay: 1000 } });
 * uploads.process('upload', 2, async (job, signal) => (await fetch('/upload', { method: 'POST', body: job.data.file, signal })).text());
 */
export class Queue<Data = any, Result = any> {
  readonly name: string;
  /** Namespace of the IndexedDB database; the database is named `${prefix}:${name}`. */
  readonly prefix: string;
  readonly settings: Readonly<QueueSettings>;
  readonly limiter: Readonly<RateLimiter> | null;
  /** This instance's id: the owner of the claims its processors hold. */
  readonly instanceId: string;

  readonly #options: ResolvedQueueOptions;
  readonly #db: Promise<QueueDB>;
  readonly #events: Emitter<QueueEventMap<Data, Result>>;
  readonly #channel: NoticeChannel;
  #runner: Runner<Data, Result> | null = null;
  /** Set when `close()` starts: the public API refuses new calls from then on. */
  #closing: Promise<void> | null = null;
  /** Set when `close()` is done: even jobs still running can no longer write. */
  #closed = false;
  /** `finished()` callers, by job id, woken by any change to their job. */
  readonly #watchers = new Map<string, Set<(change?: WireChange) => void>>();

  constructor(name: string, options?: QueueOptions) {
    this.#options = resolveQueueOptions(name, options);
    this.name = name;
    this.prefix = this.#options.prefix;
    this.settings = this.#options.settings;
    this.limiter = this.#options.limiter;
    this.instanceId = randomId();
    this.#events = new Emitter((err, event) => {
      if (event === 'error') console.error('jobtrail: an error listener threw', err);
      else this.#emitError(err);
    });
    this.#db = openQueueDb(this.dbName, {
      onLost: (reason) => this.#emitError(new JobtrailError('ERR_STORAGE', `Queue ${name}: ${reason}`)),
    });
    this.#db.catch(() => {}); // reported by the first call that needs the database
    this.#channel = new NoticeChannel(this.dbName, (notice) => this.#onNotice(notice), (err) => this.#emitError(err));
  }

  /** The IndexedDB database holding this queue. */
  get dbName(): string {
    return dbName(this.prefix, this.name);
  }

  /** Options merged under every job's own. */
  get defaultJobOptions(): Readonly<JobOptions> {
    return this.#options.defaultJobOptions;
  }

  // ---- Adding jobs ------------------------------------------------------------------------

  /** Add a job named `name` (or `'__default__'` with the data-first form). */
  add(name: string, data: Data, opts?: JobOptions): Promise<Job<Data, Result>>;
  add(data: Data, opts?: JobOptions): Promise<Job<Data, Result>>;
  async add(...args: unknown[]): Promise<Job<Data, Result>> {
    const [job] = typeof args[0] === 'string'
      ? await this.addBulk([{ name: args[0], data: args[1] as Data, opts: args[2] as JobOptions }])
      : await this.addBulk([{ data: args[0] as Data, opts: args[1] as JobOptions }]);
    return job!;
  }

  /** Add many jobs in one transaction: all of them are stored, or none. */
  async addBulk(jobs: readonly BulkJob<Data>[]): Promise<Job<Data, Result>[]> {
    this.#assertOpen();
    if (!Array.isArray(jobs)) throw new InvalidOptionError('addBulk expects an array of { name?, data, opts? }');
    const specs: NewJob[] = jobs.map((job, i) => {
      if (typeof job !== 'object' || job === null) throw new InvalidOptionError(`addBulk: job ${i} must be an object, got ${job}`);
      const name = job.name ?? '__default__';
      if (typeof name !== 'string' || name.length === 0) throw new InvalidOptionError(`Job name must be a non-empty string, got ${String(name)}`);
      return { name, data: job.data, opts: resolveJobOptions(job.opts, this.#options) };
    });
    const added = await this.#write('adding jobs', (batch) => addJobs(batch, specs, Date.now()));
    return added.map(({ record, duplicate }) => {
      if (duplicate) this.#events.emit('duplicated', record.id);
      return this.#job(record);
    });
  }

  // ---- Reading ----------------------------------------------------------------------------

  /** The job with this id, or null. */
  async getJob(id: string | number): Promise<Job<Data, Result> | null> {
    const record = await readJob(await this.#open(), String(id));
    return record ? this.#job(record) : null;
  }

  /**
   * Jobs in the given states, state after state. Within a state, `asc` lists them in queue order
   * (next to run first; oldest finished first), the default lists the newest first.
   * `start` and `end` are positions in that list, `end` inclusive, -1 for the last.
   */
  async getJobs(types: JobState | 'wait' | readonly (JobState | 'wait')[], start = 0, end = -1, asc = false): Promise<Job<Data, Result>[]> {
    const states = (Array.isArray(types) ? types : [types]).map((t) => checkState(t as CleanStatus, 'getJobs'));
    integerAtLeast(start, 0, 'argument start');
    integerAtLeast(end, -1, 'argument end');
    const records = await readJobs(await this.#open(), [...new Set(states)], start, end, asc);
    return records.map((r) => this.#job(r));
  }

  getWaiting(start = 0, end = -1): Promise<Job<Data, Result>[]> {
    return this.getJobs('waiting', start, end, true);
  }
  getActive(start = 0, end = -1): Promise<Job<Data, Result>[]> {
    return this.getJobs('active', start, end, true);
  }
  getDelayed(start = 0, end = -1): Promise<Job<Data, Result>[]> {
    return this.getJobs('delayed', start, end, true);
  }
  getCompleted(start = 0, end = -1): Promise<Job<Data, Result>[]> {
    return this.getJobs('completed', start, end, false);
  }
  getFailed(start = 0, end = -1): Promise<Job<Data, Result>[]> {
    return this.getJobs('failed', start, end, false);
  }

  /** How many jobs are in each state: one read, kept up to date by every transaction. */
  async getJobCounts(): Promise<JobCounts> {
    return readCounts(await this.#open());
  }

  /** The log lines of a job, oldest first. */
  async getJobLogs(id: string | number): Promise<{ logs: string[]; count: number }> {
    const logs = (await this._history(String(id))).flatMap((e) => (e.type === 'log' ? [e.payload.line] : []));
    return { logs, count: logs.length };
  }

  // ---- Queue state ------------------------------------------------------------------------

  /** Stop claiming jobs, in every tab, until `resume()`; active jobs finish. Stored: survives reloads. */
  async pause(): Promise<void> {
    await this.#write('pausing the queue', (batch) => setPaused(batch, true, Date.now()));
  }

  async resume(): Promise<void> {
    await this.#write('resuming the queue', (batch) => setPaused(batch, false, Date.now()));
  }

  async isPaused(): Promise<boolean> {
    return (await readMeta(await this.#open())).paused;
  }

  /**
   * Remove jobs of `status` older than `grace` ms (finished time, else processed, else created), at
   * most `limit`. Emits `cleaned` and resolves with the removed jobs.
   */
  async clean(grace: number, status: CleanStatus = 'completed', limit?: number): Promise<Job<Data, Result>[]> {
    nonNegativeNumber(grace, 'argument grace');
    const state = checkState(status, 'clean');
    if (limit !== undefined) integerAtLeast(limit, 1, 'argument limit');
    const filter = limit === undefined ? { before: Date.now() - grace } : { before: Date.now() - grace, limit };
    const removed = await this.#write(`cleaning ${state} jobs`, (batch) => removeJobsIn(batch, state, filter));
    const jobs = removed.map((r) => this.#job(r));
    this.#events.emit('cleaned', jobs, state);
    return jobs;
  }

  /** Remove every waiting and delayed job. */
  async empty(): Promise<void> {
    await this.#write('emptying the queue', async (batch) => {
      await removeJobsIn(batch, 'waiting', {});
      await removeJobsIn(batch, 'delayed', {});
    });
  }

  /**
   * Remove every job and the whole log. Refuses while jobs are active unless `force`; with `force`
   * their processors' signals abort.
   */
  async obliterate(opts: { force?: boolean } = {}): Promise<void> {
    await this.#write('obliterating the queue', (batch) => obliterate(batch, this.name, opts.force ?? false));
  }

  /** Recompute every job's projection from the log. The log is the truth; this proves it. */
  async rebuild(): Promise<{ jobs: number; events: number }> {
    this.#assertOpen();
    return rebuildProjections(await this.#open());
  }

  // ---- Processing -------------------------------------------------------------------------

  /**
   * Run jobs: `process(handler)`, `process(concurrency, handler)`, `process(name, handler)`,
   * `process(name, concurrency, handler)`. `'*'` handles every name. The handler gets the job and an
   * `AbortSignal` (aborted on timeout, forced close, or removal) and returns the job's result.
   * Resolves once this instance is ready to claim jobs.
   */
  process(handler: ProcessHandler<Data, Result>): Promise<void>;
  process(concurrency: number, handler: ProcessHandler<Data, Result>): Promise<void>;
  process(name: string, handler: ProcessHandler<Data, Result>): Promise<void>;
  process(name: string, concurrency: number, handler: ProcessHandler<Data, Result>): Promise<void>;
  async process(...args: unknown[]): Promise<void> {
    this.#assertOpen();
    const spec = parseProcessArgs<Data, Result>(args);
    const db = await this.#open();
    // close() may have begun while the database opened; it would never stop a runner made now.
    this.#assertOpen();
    this.#runner ??= new Runner<Data, Result>(this, db, {
      write: (doing, body, prefetch) => this.#write(doing, body, true, prefetch),
      emitError: (err) => this.#emitError(err),
      drained: () => {
        this.#events.emit('drained');
        this.#events.emit('global:drained');
        this.#channel.post({ v: 1, kind: 'drained', from: this.instanceId });
      },
    });
    await this.#runner.register(spec);
  }

  // ---- Events -----------------------------------------------------------------------------

  on<K extends keyof QueueEventMap<Data, Result>>(event: K, listener: QueueEventMap<Data, Result>[K]): this {
    this.#events.on(event, listener);
    return this;
  }
  off<K extends keyof QueueEventMap<Data, Result>>(event: K, listener: QueueEventMap<Data, Result>[K]): this {
    this.#events.off(event, listener);
    return this;
  }
  once<K extends keyof QueueEventMap<Data, Result>>(event: K, listener: QueueEventMap<Data, Result>[K]): this {
    this.#events.once(event, listener);
    return this;
  }

  // ---- Closing ----------------------------------------------------------------------------

  /**
   * Stop claiming, wait for active jobs to finish (or abort them with `force`; they are then
   * requeued as stalled by whichever instance notices), and release the database and channel.
   * Later calls reject with `ERR_QUEUE_CLOSED`.
   */
  close(opts: { force?: boolean } = {}): Promise<void> {
    this.#closing ??= (async () => {
      await this.#runner?.close(opts.force ?? false);
      this.#channel.close();
      this.#closed = true;
      for (const wake of [...this.#watchers.values()].flatMap((s) => [...s])) wake();
      try {
        (await this.#db).close();
      } catch {
        // never opened
      }
    })();
    return this.#closing;
  }

  get closed(): boolean {
    return this.#closing !== null;
  }

  // ---- Internal: used by Job and the processing runner ------------------------------------

  /** @internal Append one event to a job and refresh the Job object's fields from the result. */
  async _update(job: Job<Data, Result>, event: JobUpdate): Promise<JobRecord> {
    const record = await this.#write(`updating job ${job.id}`, (batch) => updateJob(batch, job.id, event), true);
    job.attemptsMade = record.job.attemptsMade;
    return record;
  }

  /** @internal */
  async _readState(id: string): Promise<JobState | undefined> {
    return (await readJob(await this.#open(true), id))?.state;
  }

  /** @internal */
  async _remove(id: string, token?: string): Promise<void> {
    await this.#write(`removing job ${id}`, (batch) => removeJob(batch, id, token), true);
  }

  /** @internal */
  async _history(id: string): Promise<StoredJobEvent[]> {
    return readHistory(await this.#open(true), id);
  }

  /** @internal Settles when the job completes, finally fails or disappears, whichever tab does it. */
  _finished(id: string): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      let checking = false;
      let again = false;
      const stop = () => {
        const set = this.#watchers.get(id);
        set?.delete(check);
        if (set?.size === 0) this.#watchers.delete(id);
      };
      const check = async (change?: WireChange): Promise<void> => {
        // The notice itself tells how the job ended: a job removed on completion
        // (removeOnComplete) cannot be read back afterwards.
        if (change?.type === 'completed' && change.state === 'completed') {
          stop();
          return resolve(change.returnvalue as Result);
        }
        if (change?.state === 'failed') {
          stop();
          return reject(new JobFailedError(id, change.failedReason ?? 'failed'));
        }
        if (checking) {
          again = true;
          return;
        }
        checking = true;
        try {
          do {
            again = false;
            if (this.#closed) {
              stop();
              return reject(new JobtrailError('ERR_QUEUE_CLOSED', `Queue ${this.name} closed before job ${id} finished`));
            }
            const record = await readJob(await this.#open(true), id);
            if (!record) {
              stop();
              return reject(new JobtrailError('ERR_NOT_FOUND', `Job ${id} was removed before it finished`));
            }
            if (record.state === 'completed') {
              stop();
              return resolve(record.job.returnvalue as Result);
            }
            if (record.state === 'failed') {
              stop();
              return reject(new JobFailedError(id, record.job.failedReason ?? 'failed', record.job.stacktrace ?? []));
            }
          } while (again);
        } catch (err) {
          stop();
          // A read cut short by close() is the close, not a storage failure.
          reject(this.#closing ? new JobtrailError('ERR_QUEUE_CLOSED', `Queue ${this.name} closed before job ${id} finished`, { cause: err }) : err);
        } finally {
          checking = false;
        }
      };
      // Watch first, then read: a change between the two is not missed.
      let set = this.#watchers.get(id);
      if (!set) this.#watchers.set(id, (set = new Set()));
      set.add(check);
      void check();
    });
  }

  /** @internal When the earliest delayed job falls due (Unix ms), or null when none is delayed. */
  async _nextDueAt(): Promise<number | null> {
    const [first] = await readJobs(await this.#open(true), ['delayed'], 0, 0, true);
    return first ? first.rank[0]! : null;
  }

  /** @internal */
  _emit<K extends keyof QueueEventMap<Data, Result>>(event: K, ...args: Parameters<QueueEventMap<Data, Result>[K]>): void {
    this.#events.emit(event, ...args);
  }

  /** @internal */
  _jobFromRecord(record: JobRecord, token?: string): Job<Data, Result> {
    return Job.fromContext<Data, Result>(this, record.job, token);
  }

  // ---- Private ----------------------------------------------------------------------------

  #job(record: JobRecord): Job<Data, Result> {
    return Job.fromContext<Data, Result>(this, record.job);
  }

  #assertOpen(): void {
    if (this.#closing) throw new JobtrailError('ERR_QUEUE_CLOSED', `Queue ${this.name} is closed`);
  }

  /**
   * The database. Public calls (`internal` false) are refused once `close()` started; the work of
   * jobs still running while a graceful close waits for them (`internal`) only once it is done.
   */
  async #open(internal = false): Promise<QueueDB> {
    if (internal ? this.#closed : this.#closing) throw new JobtrailError('ERR_QUEUE_CLOSED', `Queue ${this.name} is closed`);
    return this.#db;
  }

  async #write<T>(doing: string, body: (batch: WriteBatch) => Promise<T> | T, internal = false, prefetch: readonly string[] = []): Promise<T> {
    const { result, changes } = await write(await this.#open(internal), doing, body, prefetch);
    if (changes.length > 0) this.#publish(changes);
    return result;
  }

  #emitError(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    if (this.#events.has('error')) this.#events.emit('error', error);
    else console.error(`jobtrail: queue ${this.name}:`, error);
  }

  /** After a commit: local events, global events, processors, `finished()` callers, other tabs. */
  #publish(changes: Change[]): void {
    const wire: WireChange[] = [];
    for (const change of changes) {
      this.#emitLocal(change);
      const w = toWire(change);
      wire.push(w);
      this.#react(w);
    }
    this.#channel.post({ v: 1, kind: 'changes', from: this.instanceId, changes: wire });
  }

  #onNotice(notice: Notice): void {
    if (this.#closing) return;
    if (notice.kind === 'drained') return this.#events.emit('global:drained');
    for (const change of notice.changes) this.#react(change);
  }

  #emitLocal(change: Change): void {
    const { record } = change;
    if (change.type === 'paused' || change.type === 'resumed') return this.#events.emit(change.type);
    if (!record) return;
    const job = () => this.#job(record);
    switch (change.type) {
      case 'active':
        return this.#events.emitWith('active', () => [job()]);
      case 'progress':
        return this.#events.emitWith('progress', () => [job(), record.job.progress]);
      case 'completed':
        return this.#events.emitWith('completed', () => [job(), record.job.returnvalue as Result]);
      case 'failed':
        this.#events.emitWith('failed', () => [job(), change.error ?? failure(record)]);
        break;
      case 'removed':
        return this.#events.emitWith('removed', () => [job()]);
      case 'stalled':
        this.#events.emitWith('stalled', () => [job()]);
        if (record.state === 'failed') this.#events.emitWith('failed', () => [job(), failure(record)]);
        break;
    }
    if (!entersQueue(change.type) && change.type !== 'failed' && change.type !== 'stalled') return;
    if (record.state === 'waiting') this.#events.emitWith('waiting', () => [job()]);
    else if (record.state === 'delayed') this.#events.emitWith('delayed', () => [job()]);
  }

  /** Global events and reactions, for changes made here and elsewhere alike. */
  #react(change: WireChange): void {
    const id = change.jobId;
    this.#runner?.notice(change);
    if (this.#events.has('global:changed')) {
      const { seq, type, state } = change;
      this.#events.emit('global:changed', id === undefined ? { seq, type, state } : { seq, jobId: id, type, state });
    }
    if (id === undefined) {
      if (change.type === 'paused') this.#events.emit('global:paused');
      if (change.type === 'resumed') this.#events.emit('global:resumed');
      // Every job is gone: let each `finished()` caller find out.
      if (change.type === 'obliterated') for (const wake of [...this.#watchers.values()].flatMap((s) => [...s])) void wake();
      return;
    }
    if (entersQueue(change.type) || change.type === 'failed' || change.type === 'stalled') {
      if (change.state === 'waiting') this.#events.emit('global:waiting', id);
      if (change.state === 'delayed') this.#events.emit('global:delayed', id);
    }
    switch (change.type) {
      case 'active':
        this.#events.emit('global:active', id);
        break;
      case 'progress':
        if (change.progress !== undefined) this.#events.emit('global:progress', id, change.progress);
        break;
      case 'completed':
        this.#events.emit('global:completed', id, change.returnvalue as Result);
        break;
      case 'failed':
        this.#events.emit('global:failed', id, change.failedReason ?? 'failed');
        break;
      case 'stalled':
        this.#events.emit('global:stalled', id);
        if (change.state === 'failed') this.#events.emit('global:failed', id, change.failedReason ?? 'failed');
        break;
      case 'removed':
        this.#events.emit('global:removed', id);
        break;
    }
    const watchers = this.#watchers.get(id);
    if (watchers) for (const wake of [...watchers]) void wake(change);
  }
}

export type { ProcessHandler };

/** Event types after which a job may have (re-)entered the waiting line. */
function entersQueue(type: Change['type'] | WireChange['type']): boolean {
  return type === 'added' || type === 'promoted' || type === 'retried' || type === 'postponed';
}

function toWire(change: Change): WireChange {
  const w: WireChange = { seq: change.seq, type: change.type };
  if (change.jobId !== undefined) w.jobId = change.jobId;
  if (change.state !== undefined) w.state = change.state;
  if (change.owner !== undefined) w.owner = change.owner;
  const job = change.record?.job;
  if (change.type === 'progress' && job) w.progress = job.progress as JobProgress;
  if (change.type === 'completed' && job) w.returnvalue = job.returnvalue;
  if ((change.type === 'failed' || change.type === 'stalled') && job?.failedReason) w.failedReason = job.failedReason;
  return w;
}

function failure(record: JobRecord): Error {
  const stack = record.job.stacktrace?.at(-1);
  const err = new JobFailedError(record.id, record.job.failedReason ?? 'failed', record.job.stacktrace ?? []);
  if (stack) err.stack = stack;
  return err;
}

function checkState(status: CleanStatus, caller: string): JobState {
  const state = status === 'wait' ? 'waiting' : status;
  if (!JOB_STATES.includes(state)) {
    throw new InvalidOptionError(`${caller}: unknown job state ${JSON.stringify(status)} (expected one of ${JOB_STATES.join(', ')})`);
  }
  return state;
}

function randomId(): string {
  return globalThis.crypto.randomUUID();
}
