// The Queue: Bull's API over the store. Every change is one storage command in one transaction;
// after it commits, `#publish` tells this instance's listeners, its runner, its `finished()`
// callers, and posts a notice so the other tabs read the log (see catch-up.ts), which is how this
// instance learns of theirs. Jobs reach the queue through a JobHost, never through the class.
import { NoticeChannel } from '../channel/notice-channel.js';
import { changedNotice, NOTICE_VERSION, type Notice } from '../channel/messages.js';
import type { QueueChange } from '../core/change.js';
import { InvalidOptionError, JobtrailError } from '../core/errors.js';
import type { StoredJobEvent, StoredSchedulerEvent } from '../core/events.js';
import {
  checkBoolean, checkMetricType, checkState, integerAtLeast, nonNegativeNumber, resolveJobOptions, resolveQueueOptions, stateNames,
  type ResolvedQueueOptions, type StateName,
} from '../core/options.js';
import type { BulkJob, CleanStatus, JobCounts, JobOptions, JobState, RateLimiter, RepeatOptions } from '../core/types.js';
import { Runner, type CloseMode } from '../processing/runner.js';
import { addJobs, type NewJob } from '../store/add-jobs.js';
import { dbName } from '../store/db-name.js';
import { readLogSince } from '../store/log-since.js';
import { readJobPage, type JobPage, type JobQuery, type PageStart } from '../store/job-page.js';
import { obliterate } from '../store/obliterate.js';
import { openQueueDb, type QueueDB } from '../store/open-db.js';
import { readCounts, readHistory, readJob, readJobs, readMeta } from '../store/reads.js';
import { rebuildProjections } from '../store/rebuild.js';
import type { JobRecord } from '../store/record.js';
import { removeJob, removeJobsIn } from '../store/remove-jobs.js';
import { setPaused } from '../store/set-paused.js';
import { updateJob } from '../store/update-job.js';
import type { Prefetch, WriteBatch } from '../store/write-batch.js';
import { forgetMeta, write, type Committing, type Written } from '../store/write.js';
import { CatchUp } from './catch-up.js';
import { pickCounts, sumCounts } from './counts.js';
import { Emitter } from './emitter.js';
import { FinishedWatchers } from './finished.js';
import { FlowLinks } from './flow-links.js';
import { provideJobHost, type JobHost } from './job-host.js';
import { Job } from './job.js';
import { metricsOf, type Metrics } from './metrics.js';
import { readWorkers, type WorkerInfo } from './workers.js';
import { promoteJobs, removeJobs, retryJobs, type Write } from './many-jobs.js';
import { createProcessor, parseProcessArgs, type ProcessFunction, type ProcessHandler, type WorkerSource } from './process-args.js';
import type { QueueEventMap } from './queue-events.js';
import { relayGlobal, relayLocal } from './relay.js';
import * as schedulers from './schedulers.js';
import type { JobSchedulerJson, JobSchedulerTemplate, RepeatableJob, SchedulerHost } from './schedulers.js';
import type { QueueOptions, QueueSettings } from './types.js';

/** @internal For tests: stop as a crashed tab does — nothing written, nothing given back. */
export const simulateCrash = Symbol('jobtrail.simulateCrash');

/**
 * A named queue of jobs stored in IndexedDB and shared by every tab, worker and service worker of
 * the origin that opens the same name.
 *
 * @example
 * const uploads = new Queue<{ file: File }, string>('uploads');
 * await uploads.add('upload', { file }, { attempts: 5, backoff: { type: 'exponential', delay: 1000 } });
 * uploads.process('upload', 2, async (job, signal) => (await fetch('/upload', { method: 'POST', body: job.data.file, signal })).text());
 */
export class Queue<Data = unknown, Result = unknown> {
  readonly name: string;
  /** Namespace of the IndexedDB database; the database is named `${prefix}:${name}`. */
  readonly prefix: string;
  readonly settings: Readonly<QueueSettings>;
  readonly limiter: Readonly<RateLimiter> | null;
  /** This instance's id: the owner of the claims its processors hold. */
  readonly instanceId: string;

  readonly #options: ResolvedQueueOptions<Job>;
  /** The connection, as opened. */
  readonly #db: Promise<QueueDB>;
  /** The connection once the flows left half-added in this queue are complete: what every call uses. */
  readonly #ready: Promise<QueueDB>;
  /** Writes to the other queues of this prefix, for flows: deliveries, flows to complete. */
  readonly #links: FlowLinks;
  readonly #events: Emitter<QueueEventMap<Data, Result>>;
  readonly #channel: NoticeChannel;
  /** The door every Job of this queue writes and reads through. */
  readonly #host: JobHost<Result>;
  readonly #finished: FinishedWatchers<Result>;
  /** What this instance has seen of the log, and how it reads what other instances committed. */
  readonly #catchUp: CatchUp;
  /**
   * Typed by the plain Job, not Job<Data, Result>: the runner only passes jobs through, and a
   * field that mentions Data in a parameter position would stop a Queue<D, R> from being a Queue.
   */
  #runner: Runner<Job, unknown> | null = null;
  /** The connection once open (for what must not wait for it). */
  #connection: QueueDB | null = null;
  /** Set when `close()` starts: the public API refuses new calls from then on. */
  #closing: Promise<void> | null = null;
  /** Set when `close()` is done: even jobs still running can no longer write. */
  #closed = false;
  /** Set when the database went away under the queue (deleted, upgraded, closed): every call fails with it. */
  #lost: JobtrailError | null = null;
  /** `pause(true)`: this instance claims nothing. Stored nowhere. */
  #pausedHere = false;
  /** What the job scheduler calls need of this queue. */
  readonly #schedulers: SchedulerHost;

  constructor(name: string, options?: QueueOptions) {
    this.#options = resolveQueueOptions<Job>(name, options);
    this.name = name;
    this.prefix = this.#options.prefix;
    this.settings = this.#options.settings;
    this.limiter = this.#options.limiter;
    this.instanceId = randomId();
    this.#events = new Emitter((err, event) => {
      if (event === 'error') console.error('jobtrail: an error listener threw', err);
      else this.#emitError(err);
    });
    this.#catchUp = new CatchUp({
      read: async (afterSeq) => readLogSince(await this.#open(true), afterSeq, CATCH_UP_PAGE),
      react: (change) => this.#react(change),
      drained: () => this.#events.emit('global:drained'),
      error: (err) => this.#emitError(err),
    });
    this.#db = openQueueDb(this.dbName, { onLost: (_loss, error) => this.#lose(error) }, name).then(async (db) => {
      // What is in the log now is history; news is what comes after.
      this.#catchUp.start((await readMeta(db)).seq);
      this.#connection = db;
      return db;
    });
    this.#db.catch(() => {}); // reported by the first call that needs the database
    this.#links = new FlowLinks(this.prefix, {
      name,
      // On the connection itself, not #open(): completing flows is part of opening.
      write: async (doing, body) => this.#committed(await write(await this.#db, doing, body, {}, { committing: this.#announce })),
      db: this.#db,
    }, (err) => this.#emitError(err));
    this.#ready = this.#db.then(async (db) => {
      // Before anything else: the flows another tab began adding here and could not finish.
      await this.#links.settleIntents(name).catch((err: unknown) => this.#closing || this.#emitError(err));
      // And the messages to other queues a tab wrote here and could not deliver.
      void this.#links.drain(name);
      return db;
    });
    this.#ready.catch(() => {});
    this.#channel = new NoticeChannel(this.dbName, (notice) => this.#onNotice(notice), (err) => this.#emitError(err));
    this.#host = {
      queueName: name,
      update: (jobId, event) => this.#write(`updating job ${jobId}`, (batch) => updateJob(batch, jobId, event), true),
      readState: async (jobId) => (await readJob(await this.#open(true), jobId))?.state,
      read: async (jobId) => readJob(await this.#open(true), jobId),
      remove: async (jobId, token) => {
        await this.#write(`removing job ${jobId}`, (batch) => removeJob(batch, jobId, token), true);
      },
      history: async (jobId) => readHistory(await this.#open(true), jobId),
      finished: (jobId) => this.#finished.watch(jobId),
    };
    provideJobHost(this, this.#host as JobHost<unknown>);
    this.#schedulers = {
      options: this.#options as ResolvedQueueOptions<unknown>,
      write: (doing, body) => this.#write(doing, body),
      db: () => this.#open(),
    };
    this.#finished = new FinishedWatchers<Result>({
      queueName: name,
      read: async (jobId) => readJob(await this.#open(true), jobId),
      lifecycle: () => (this.#closed ? 'closed' : this.#closing ? 'closing' : 'open'),
      lost: () => this.#lost,
    });
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

  /**
   * Add a job named `name` (or `'__default__'` with the data-first form). With `repeat`, Bull's
   * repeatable job: the schedule is registered (the same name, `jobId` and schedule register
   * nothing new) and `add` resolves with its next iteration, or undefined once it has none.
   */
  add(name: string, data: Data, opts: JobOptions & { repeat: RepeatOptions }): Promise<Job<Data, Result> | undefined>;
  add(data: Data, opts: JobOptions & { repeat: RepeatOptions }): Promise<Job<Data, Result> | undefined>;
  add(name: string, data: Data, opts?: JobOptions): Promise<Job<Data, Result>>;
  add(data: Data, opts?: JobOptions): Promise<Job<Data, Result>>;
  async add(...args: unknown[]): Promise<Job<Data, Result> | undefined> {
    const [name, data, opts] = typeof args[0] === 'string' ? [args[0], args[1] as Data, args[2]] : ['__default__', args[0] as Data, args[1]];
    if (typeof opts === 'object' && opts !== null && (opts as JobOptions).repeat !== undefined) {
      this.#assertOpen();
      const record = await schedulers.addRepeatable(this.#schedulers, name, data, opts as Record<string, unknown>);
      return record ? this.#job(record) : undefined;
    }
    const [job] = await this.addBulk([{ name, data, opts: opts as JobOptions }]);
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
    return added.map(({ record, duplicate, deduplicated }) => {
      if (duplicate) this.#events.emit('duplicated', record.id);
      if (deduplicated !== undefined) this.#events.emit('deduplicated', record.id, deduplicated);
      return this.#job(record);
    });
  }

  // ---- Repeatable jobs and job schedulers -------------------------------------------------

  /**
   * Create the job scheduler `id`, or change it in place (BullMQ's `upsertJobScheduler`): its
   * iterations are jobs named `template.name` (default: the id) with its data and options, one per
   * slot of `repeat` — `{ every }` ms, or a cron `pattern` (5 fields, or 6 with seconds) with
   * `tz`, and `startDate`, `endDate`, `limit`, `immediately`, `offset`, `catchUp`. Only the next
   * iteration is stored (delayed until its slot, id `repeat:<id>:<slot ms>`); the claim that takes
   * it adds the one after. Upserting the same definition again changes nothing. Resolves with the
   * next iteration, or undefined when the schedule has no slot left.
   *
   * @example
   * await drafts.upsertJobScheduler('sync-drafts', { every: 5 * 60_000 }, { name: 'sync', opts: { attempts: 3 } });
   */
  async upsertJobScheduler(id: string, repeat: RepeatOptions, template?: JobSchedulerTemplate<Data>): Promise<Job<Data, Result> | undefined> {
    this.#assertOpen();
    const record = await schedulers.upsertJobScheduler(this.#schedulers, id, repeat, template);
    return record ? this.#job(record) : undefined;
  }

  /** The job scheduler `id` (BullMQ's shape), or undefined. */
  getJobScheduler(id: string): Promise<JobSchedulerJson<Data> | undefined> {
    return schedulers.getJobScheduler<Data>(this.#schedulers, id);
  }

  /**
   * The job schedulers, repeatable jobs added with `add` included, by the time of their next
   * iteration: latest first, or earliest first with `asc` (ended ones last); `start`..`end` inclusive.
   */
  getJobSchedulers(start = 0, end = -1, asc = false): Promise<JobSchedulerJson<Data>[]> {
    return schedulers.getJobSchedulers<Data>(this.#schedulers, start, end, asc);
  }

  getJobSchedulersCount(): Promise<number> {
    return schedulers.countJobSchedulers(this.#schedulers);
  }

  /**
   * Remove the job scheduler `id` and its next iteration if that has not started (one that runs
   * finishes, and none follows it), in every tab. Resolves with whether it existed.
   */
  removeJobScheduler(id: string): Promise<boolean> {
    return schedulers.removeJobScheduler(this.#schedulers, id);
  }

  /** Bull's list of repeatable jobs: `{ key, name, id, endDate, tz, pattern, every, next }` (job schedulers included). */
  getRepeatableJobs(start = 0, end = -1, asc = false): Promise<RepeatableJob[]> {
    return schedulers.getRepeatableJobs(this.#schedulers, start, end, asc);
  }

  getRepeatableCount(): Promise<number> {
    return schedulers.countJobSchedulers(this.#schedulers);
  }

  /**
   * Remove the repeatable job added with this name, repeat options and `jobId` (Bull's
   * `removeRepeatable`; the name defaults to `'__default__'`). Resolves with whether it existed.
   */
  removeRepeatable(name: string, repeat: RepeatOptions, jobId?: string): Promise<boolean>;
  removeRepeatable(repeat: RepeatOptions, jobId?: string): Promise<boolean>;
  async removeRepeatable(...args: unknown[]): Promise<boolean> {
    const [name, repeat, jobId] = typeof args[0] === 'string' ? args : ['__default__', ...args];
    return schedulers.removeRepeatable(this.#schedulers, name as string, repeat, jobId as string | undefined);
  }

  /** Remove the repeatable job (or job scheduler) with this key, as `getRepeatableJobs()` lists it. */
  removeRepeatableByKey(key: string): Promise<boolean> {
    return schedulers.removeJobScheduler(this.#schedulers, key);
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
   * `start` and `end` are positions within **each** state's list (as in Bull), `end` inclusive, -1
   * for the last: `getJobs(['waiting', 'delayed'], 0, 9)` gives up to 10 of each.
   *
   * @example
   * const next = await queue.getJobs(['waiting', 'delayed'], 0, 9, true); // the next 10 of each
   */
  async getJobs(types: StateName | readonly StateName[], start = 0, end = -1, asc = false): Promise<Job<Data, Result>[]> {
    const states = stateNames([types], 'getJobs').map((t) => checkState(t, 'getJobs'));
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
  /** Parents waiting for the children of their flows, in the order they began to wait. */
  getWaitingChildren(start = 0, end = -1): Promise<Job<Data, Result>[]> {
    return this.getJobs('waiting-children', start, end, true);
  }

  /**
   * How many jobs are in each state, or in the states named (keyed as named, as in Bull and
   * BullMQ): one read of the counts every transaction keeps up to date.
   *
   * @example
   * const { waiting, failed } = await queue.getJobCounts('waiting', 'failed');
   */
  getJobCounts(): Promise<JobCounts>;
  getJobCounts<T extends StateName>(...types: (T | readonly T[])[]): Promise<Record<T, number>>;
  async getJobCounts(...types: unknown[]): Promise<Record<string, number>> {
    const names = stateNames(types, 'getJobCounts');
    return pickCounts(await readCounts(await this.#open()), names);
  }

  /** How many jobs the named states hold together (every state when none is named). */
  async getJobCountByTypes(...types: (StateName | readonly StateName[])[]): Promise<number> {
    const names = stateNames(types, 'getJobCountByTypes');
    return sumCounts(await readCounts(await this.#open()), names);
  }

  /**
   * How many jobs are still to run: waiting, delayed, or waiting for their children (Bull's and
   * BullMQ's `count()`).
   */
  count(): Promise<number> {
    return this.getJobCountByTypes('waiting', 'delayed', 'waiting-children');
  }
  getWaitingCount(): Promise<number> {
    return this.getJobCountByTypes('waiting');
  }
  getActiveCount(): Promise<number> {
    return this.getJobCountByTypes('active');
  }
  getDelayedCount(): Promise<number> {
    return this.getJobCountByTypes('delayed');
  }
  getCompletedCount(): Promise<number> {
    return this.getJobCountByTypes('completed');
  }
  getFailedCount(): Promise<number> {
    return this.getJobCountByTypes('failed');
  }
  getWaitingChildrenCount(): Promise<number> {
    return this.getJobCountByTypes('waiting-children');
  }

  /**
   * How many jobs completed (or finally failed) in each minute of the last hour, newest first, as
   * Bull's and BullMQ's `getMetrics`: `data[start..end]`, with the total in `meta.count`. Counted by
   * the transactions that finish jobs, in every tab, at no extra cost.
   *
   * @example
   * const { data } = await queue.getMetrics('completed', 0, 4); // the last five minutes
   */
  async getMetrics(type: 'completed' | 'failed', start = 0, end = -1): Promise<Metrics> {
    checkMetricType(type);
    integerAtLeast(start, 0, 'argument start');
    integerAtLeast(end, -1, 'argument end');
    return metricsOf(await readMeta(await this.#open()), type, start, end, Date.now());
  }

  /**
   * A job's log lines from position `start` to `end` (inclusive, -1 for the last), oldest first, or
   * newest first with `asc` false; `count` is how many lines the job has in all.
   *
   * @example
   * const { logs, count } = await queue.getJobLogs(job.id, 0, 9); // the first 10 lines, and the total
   */
  async getJobLogs(id: string | number, start = 0, end = -1, asc = true): Promise<{ logs: string[]; count: number }> {
    integerAtLeast(start, 0, 'argument start');
    integerAtLeast(end, -1, 'argument end');
    checkBoolean(asc, 'getJobLogs', 'asc');
    const all = (await this.#host.history(String(id))).flatMap((e) => (e.type === 'log' ? [e.payload.line] : []));
    const ordered = asc ? all : all.reverse();
    return { logs: ordered.slice(start, end < 0 ? undefined : end + 1), count: all.length };
  }

  // ---- Queue state ------------------------------------------------------------------------

  /**
   * Stop claiming jobs; active jobs finish. `pause()` pauses the queue in every tab, worker and
   * service worker until `resume()`, and is stored (it survives reloads). `pause(true)` is Bull's
   * local pause: only this instance stops claiming, nothing is stored and other instances go on;
   * it resolves once this instance's active jobs have finished (at once with `doNotWaitActive`).
   *
   * @example
   * addEventListener('pagehide', () => void uploads.pause(true)); // this tab takes no new job
   */
  async pause(isLocal = false, doNotWaitActive = false): Promise<void> {
    checkBoolean(isLocal, 'pause', 'isLocal');
    checkBoolean(doNotWaitActive, 'pause', 'doNotWaitActive');
    if (!isLocal) {
      await this.#write('pausing the queue', (batch) => setPaused(batch, true, Date.now()));
      return;
    }
    this.#assertOpen();
    this.#pausedHere = true;
    this.#runner?.pauseHere(true);
    if (!doNotWaitActive) await this.whenCurrentJobsFinished();
    this.#events.emit('paused');
  }

  /** Undo `pause()` (everywhere), or with `isLocal` undo this instance's `pause(true)`. */
  async resume(isLocal = false): Promise<void> {
    checkBoolean(isLocal, 'resume', 'isLocal');
    if (!isLocal) {
      await this.#write('resuming the queue', (batch) => setPaused(batch, false, Date.now()));
      return;
    }
    this.#assertOpen();
    this.#pausedHere = false;
    this.#runner?.pauseHere(false);
    this.#events.emit('resumed');
  }

  /** Whether the queue is paused (stored, for everyone), or with `isLocal` whether this instance is. */
  async isPaused(isLocal = false): Promise<boolean> {
    checkBoolean(isLocal, 'isPaused', 'isLocal');
    if (isLocal) return this.#pausedHere;
    return (await readMeta(await this.#open())).paused;
  }

  /**
   * Resolves once the jobs this instance is running now have finished and their outcomes are
   * written; claiming goes on (pair it with `pause(true)` to stop taking new ones).
   */
  async whenCurrentJobsFinished(): Promise<void> {
    await this.#runner?.whenCurrentJobsFinished();
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

  /**
   * Move failed jobs back to waiting (BullMQ's `retryJobs`): every job that failed before now (or
   * before `timestamp`, Unix ms), oldest first, `count` per transaction (default 1000). Resolves
   * with how many were retried.
   *
   * @example
   * addEventListener('online', () => void uploads.retryJobs()); // every failed upload, once back online
   */
  retryJobs(opts: { state?: 'failed'; count?: number; timestamp?: number } = {}): Promise<number> {
    return retryJobs(this.#writer, opts);
  }

  /**
   * Move every delayed job to waiting now (BullMQ's `promoteJobs`), earliest due first, `count`
   * per transaction (default 1000). Resolves with how many were promoted.
   */
  promoteJobs(opts: { count?: number } = {}): Promise<number> {
    return promoteJobs(this.#writer, opts);
  }

  /**
   * Remove every job whose id matches `pattern` (Bull's `removeJobs`), a glob as in Redis: `*`,
   * `?`, `[abc]`, `\` to escape. Active jobs are skipped, as Bull skips locked ones. One
   * transaction; emits `removed` for each job and resolves with how many were removed.
   *
   * @example
   * await queue.removeJobs('upload-*');
   */
  async removeJobs(pattern: string): Promise<number> {
    return (await removeJobs(this.#writer, pattern)).length;
  }

  /** Recompute every job's projection from the log. The log is the truth; this proves it. */
  async rebuild(): Promise<{ jobs: number; schedulers: number; events: number }> {
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
  // A lone string is refused (a forgotten handler, not a worker URL): `process('upload')` does not compile.
  process(handler: ProcessFunction<Data, Result> | Exclude<WorkerSource, string>): Promise<void>;
  process(concurrency: number, handler: ProcessHandler<Data, Result>): Promise<void>;
  process(name: string, handler: ProcessHandler<Data, Result>): Promise<void>;
  process(name: string, concurrency: number, handler: ProcessHandler<Data, Result>): Promise<void>;
  async process(...args: unknown[]): Promise<void> {
    this.#assertOpen();
    const spec = parseProcessArgs<Data, Result>(args);
    const db = await this.#open();
    // close() may have begun while the database opened; it would never stop a runner made now.
    this.#assertOpen();
    this.#runner ??= new Runner<Job, unknown>(db, {
      instanceId: this.instanceId,
      dbName: this.dbName,
      settings: this.settings,
      limiter: this.limiter,
      write: (doing, body, prefetch) => this.#write(doing, body, true, prefetch),
      writeNow: (doing, body) => this.#writeNow(db, doing, body),
      makeJob: (record, token) => Job.fromContext<Data, Result>(this.#host, record.job, token),
      emitError: (err) => this.#emitError(err),
      drained: () => {
        this.#events.emit('drained');
        this.#events.emit('global:drained');
        this.#notifyDrained();
      },
    });
    if (this.#pausedHere) this.#runner.pauseHere(true);
    // A page that goes away gives its active jobs back (as `released`, not stalled).
    globalThis.addEventListener?.('pagehide', this.#onPageHide);
    await this.#runner.register(createProcessor(spec));
  }

  /**
   * The processing instances of this queue alive now, across the origin: every tab, worker and
   * service worker whose queue called `process()`, with its kind, handlers and concurrency (each
   * holds its Web Lock, or where Web Locks are missing renews its heartbeat).
   *
   * @example
   * for (const w of await queue.getWorkers()) console.log(w.kind, w.concurrency, w.url);
   */
  async getWorkers(): Promise<WorkerInfo[]> {
    return readWorkers(await this.#open(), this.dbName, Date.now());
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
   * Stop claiming, wait for active jobs to finish (or, with `force`, abort them and give them back:
   * waiting again, no attempt used), and release the database and channel. Later calls reject with
   * `ERR_QUEUE_CLOSED`. `close(true)` is Bull's form of `{ force: true }`. A page that goes away
   * (`pagehide`) closes its queues as with `force`.
   */
  close(opts: { force?: boolean } | boolean = {}): Promise<void> {
    const force = typeof opts === 'boolean' ? opts : (opts?.force ?? false);
    try {
      checkBoolean(force, 'close', 'force');
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#shutdown(force ? 'release' : 'wait');
  }

  /** @internal */
  [simulateCrash](): Promise<void> {
    return this.#shutdown('abandon');
  }

  #shutdown(mode: CloseMode, reason?: Error): Promise<void> {
    // Also when a graceful close is already waiting: the jobs it waits for are given back.
    if (this.#closing && mode !== 'wait') void this.#runner?.close(mode, reason);
    this.#closing ??= (async () => {
      await this.#runner?.close(mode, reason);
      globalThis.removeEventListener?.('pagehide', this.#onPageHide);
      this.#catchUp.stop();
      this.#links.close();
      this.#channel.close();
      this.#closed = true;
      this.#finished.wakeAll();
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

  // ---- For tools (the inspector, the service worker helpers) ------------------------------

  /** The stored projection of a job (its state, its machine context, the last seq folded in), or null. */
  async getJobRecord(id: string | number): Promise<JobRecord | null> {
    return (await readJob(await this.#open(), String(id))) ?? null;
  }

  /**
   * One page of job records, newest first: every job by creation, one state in its own order, or
   * by name or name prefix (then at most `budget` records are read past to fill the page). Pass `page.next`
   * to get the following page; it is null on the last one.
   */
  async getJobRecordPage(query: JobQuery, start: PageStart, size: number, budget?: number): Promise<JobPage> {
    integerAtLeast(size, 1, 'argument size');
    return readJobPage(await this.#open(), query, start, size, budget);
  }

  /** A job's events, oldest first (empty once the job is removed). */
  async getJobHistory(id: string | number): Promise<StoredJobEvent[]> {
    return readHistory(await this.#open(), String(id));
  }

  /** A job scheduler's events, oldest first: every change of its definition, its newest iteration, its end or removal. */
  getJobSchedulerHistory(id: string): Promise<StoredSchedulerEvent[]> {
    return schedulers.getJobSchedulerHistory(this.#schedulers, id);
  }

  /** When the earliest delayed job falls due (Unix ms), or null when none is delayed. */
  async getNextDueAt(): Promise<number | null> {
    const [first] = await readJobs(await this.#open(), ['delayed'], 0, 0, true);
    return first ? first.rank[0]! : null;
  }

  /**
   * Report an error of work done on this queue's behalf (a plugin, a helper) to its `error`
   * listeners, or to the console when there are none.
   */
  reportError(err: unknown): void {
    this.#emitError(err);
  }

  // ---- Private ----------------------------------------------------------------------------

  #job(record: JobRecord): Job<Data, Result> {
    return Job.fromContext<Data, Result>(this.#host, record.job);
  }

  #assertOpen(): void {
    if (this.#lost) throw this.#lost;
    if (this.#closing) throw new JobtrailError('ERR_QUEUE_CLOSED', `Queue ${this.name} is closed`);
  }

  /**
   * The database. Public calls (`internal` false) are refused once `close()` started; the work of
   * jobs still running while a graceful close waits for them (`internal`) only once it is done.
   */
  async #open(internal = false): Promise<QueueDB> {
    if (this.#lost) throw this.#lost;
    if (internal ? this.#closed : this.#closing) throw new JobtrailError('ERR_QUEUE_CLOSED', `Queue ${this.name} is closed`);
    return this.#ready;
  }

  /** `#write` for the helpers that work on many jobs. */
  readonly #writer: Write = (doing, body) => this.#write(doing, body);

  async #write<T>(doing: string, body: (batch: WriteBatch) => Promise<T> | T, internal = false, prefetch: Prefetch = {}): Promise<T> {
    return this.#committed(await write(await this.#open(internal), doing, body, prefetch, { committing: this.#announce }));
  }

  /**
   * A commit here was requested: tell the other instances now, while it is written (see
   * WriteOptions.committing): their reads run after it, and a notice is a hint either way.
   */
  readonly #announce = ({ changes, seqs, wroteOutbox }: Committing): void => {
    this.#channel.post(changedNotice(this.instanceId, changes, seqs, wroteOutbox));
  };

  /** After a commit here: what this instance has seen of the log, its listeners, the outbox. */
  #committed<T>({ result, changes, seqs, wroteOutbox }: Written<T>): T {
    this.#catchUp.committed(seqs.after, seqs.to);
    if (changes.length > 0) this.#publish(changes);
    if (wroteOutbox) void this.#links.drain(this.name);
    return result;
  }

  /** #write for the runner's last moments: the transaction is created before this returns. */
  #writeNow<T>(db: QueueDB, doing: string, body: (batch: WriteBatch) => Promise<T> | T): Promise<T> {
    if (this.#closed) return Promise.reject(new JobtrailError('ERR_QUEUE_CLOSED', `Queue ${this.name} is closed`));
    return write(db, doing, body, {}, { read: true, committing: this.#announce }).then((written) => this.#committed(written));
  }

  /** `pagehide`, unless the page may come back (back/forward cache): give the active jobs back. */
  readonly #onPageHide = (event: Event): void => {
    if ((event as Event & { persisted?: boolean }).persisted) return;
    void this.#shutdown('release', new JobtrailError('ERR_QUEUE_CLOSED', 'The page was closed or reloaded'));
  };

  /**
   * The database went away under the queue. Say so first; then, while the connection still takes a
   * transaction (it is closing after this returns, unless the browser closed it already), give the
   * active jobs back and release the Web Lock so other tabs requeue at once; every `finished()`
   * and every later call fails with this error.
   */
  #lose(error: JobtrailError): void {
    if (this.#lost) return;
    this.#emitError(error);
    this.#lost = error;
    void this.#shutdown('release', error);
    this.#finished.wakeAll();
  }

  #emitError(err: unknown): void {
    // Once the database is lost, errors that only echo the loss were said already.
    if (this.#lost && (err === this.#lost || (err as { cause?: unknown } | null)?.cause === this.#lost)) return;
    const error = err instanceof Error ? err : new Error(String(err));
    if (this.#events.has('error')) this.#events.emit('error', error);
    else console.error(`jobtrail: queue ${this.name}:`, error);
  }

  /** After a commit: local events, then what every instance does for every change. */
  #publish(changes: QueueChange[]): void {
    for (const change of changes) {
      relayLocal(this.#events, change, (job) => Job.fromContext<Data, Result>(this.#host, job));
      this.#react(change);
    }
  }

  /** Tell the other instances that a processor here found no job waiting. */
  #notifyDrained(): void {
    this.#channel.post({ v: NOTICE_VERSION, kind: 'drained', from: this.instanceId, seq: this.#catchUp.frontier ?? 0 });
  }

  /** Any message on the channel, understood (`notice`) or not (null): read the log. */
  #onNotice(notice: Notice | null): void {
    if (this.#closing) return;
    // Another instance committed: what this one remembers of meta is stale (see store/write.ts).
    if (this.#connection) forgetMeta(this.#connection);
    // Processors need not wait for the read to look for work; what they find is in the log anyway.
    if (notice?.work) this.#runner?.hint();
    // The tab that wrote messages for other queues may be gone before it delivers them.
    if (notice?.outbox) void this.#links.drain(this.name);
    this.#catchUp.wake(notice);
  }

  /** For every change, made here or read in the log: the runner, global events, `finished()` callers. */
  #react(change: QueueChange): void {
    this.#runner?.notice(change);
    relayGlobal(this.#events, change);
    this.#finished.notify(change);
    // A flow being added across queues: watch the tab adding it, and complete it if that tab goes.
    if (change.type === 'added' && change.state === 'waiting-children') {
      this.#ready.then(() => this.#links.settleIntents(this.name)).catch((err: unknown) => this.#closing || this.#emitError(err));
    }
  }
}

export type { ProcessHandler };

/** How many events one catch-up reads at most; more are read in the next one. */
const CATCH_UP_PAGE = 500;

function randomId(): string {
  return globalThis.crypto.randomUUID();
}
