// The Job: Bull's job object over one projection record. Its methods append events through the
// JobHost its queue gave it; it never sees the Queue itself.
import { dependenciesPage, dependencyLists, type DependenciesOptions, type DependenciesPage, type DependencyLists } from '../core/dependencies.js';
import { InvalidOptionError } from '../core/errors.js';
import { checkDependenciesOptions, checkDependencyCountOptions, checkPriorityChange, nonNegativeNumber } from '../core/options.js';
import type { StoredJobEvent } from '../core/events.js';
import { jobJson, type JobJson } from '../core/job-json.js';
import type { JobContext } from '../core/machine.js';
import type { JobOpts, JobProgress, JobRef, JobState } from '../core/types.js';
import { jobHostOf, type JobHost } from './job-host.js';

/** What `Job.fromJSON` takes: a Queue (typed by the jobs it holds). */
export interface JobQueueRef<Data, Result> {
  readonly name: string;
  getJob(id: string): Promise<Job<Data, Result> | null>;
}

export class Job<Data = unknown, Result = unknown> {
  readonly id!: string;
  readonly name!: string;
  data!: Data;
  opts!: JobOpts;
  progress!: JobProgress;
  delay!: number;
  readonly timestamp!: number;
  attemptsMade!: number;
  failedReason!: string | null;
  stacktrace!: string[] | null;
  returnvalue!: Result | null;
  finishedOn!: number | null;
  processedOn!: number | null;
  /** The name of the queue the job belongs to. */
  readonly queueName: string;

  readonly #host: JobHost<Result>;
  /** The claim this job object runs under, when a processor of this instance holds it. */
  readonly #token: string | undefined;

  /** @internal Jobs come from `queue.add`, `queue.getJob` and friends, or `Job.fromJSON`. */
  constructor(host: JobHost<Result>, json: JobJson<Data, Result>, token?: string) {
    Object.assign(this, jobJson(json));
    this.queueName = host.queueName;
    this.#host = host;
    this.#token = token;
  }

  /** @internal */
  static fromContext<Data, Result>(host: JobHost<Result>, job: JobContext, token?: string): Job<Data, Result> {
    return new Job(host, jobJson<Data, Result>(job), token);
  }

  /** Rebuild a Job of `queue` from `toJSON()` output. */
  static fromJSON<Data, Result>(queue: JobQueueRef<Data, Result>, json: JobJson<Data, Result>): Job<Data, Result> {
    const host = jobHostOf<Result>(queue);
    if (!host) throw new InvalidOptionError('Job.fromJSON expects the Queue the job belongs to as its first argument');
    return new Job(host, json);
  }

  /** In a flow, the job's parent (`{ id, queueName }`); undefined for a job that is no child. */
  get parent(): JobRef | undefined {
    return this.opts.parent;
  }

  /** A plain object with Bull's keys in Bull's order; `JSON.stringify` always works on it for JSON data. */
  toJSON(): JobJson<Data, Result> {
    return jobJson<Data, Result>(this);
  }

  /** Report progress: a number (usually a percentage) or an object. Appends a `progress` event. */
  async updateProgress(progress: JobProgress): Promise<void> {
    if (typeof progress !== 'number' && (typeof progress !== 'object' || progress === null)) {
      throw new InvalidOptionError(`Progress must be a number or an object, got ${typeof progress}`);
    }
    if (typeof progress === 'number' && !Number.isFinite(progress)) {
      throw new InvalidOptionError(`Progress must be a finite number, got ${progress}`);
    }
    await this.#update({ type: 'progress', time: Date.now(), payload: { progress } });
    this.progress = progress;
  }

  /** Append a log line to the job's history. Resolves with the number of lines the job has. */
  async log(line: string): Promise<number> {
    if (typeof line !== 'string') throw new InvalidOptionError(`A log line must be a string, got ${typeof line}`);
    const job = await this.#update({ type: 'log', time: Date.now(), payload: { line } });
    return job.logCount;
  }

  /** Replace the job's data. */
  async update(data: Data): Promise<void> {
    await this.#update({ type: 'updated', time: Date.now(), payload: { data } });
    this.data = data;
  }

  /** The job's current state, read from the store; `'unknown'` once it was removed. */
  async getState(): Promise<JobState | 'unknown'> {
    return (await this.#host.readState(this.id)) ?? 'unknown';
  }

  /** Whether the job is completed now (read from the store, like every `is...()`). */
  async isCompleted(): Promise<boolean> {
    return (await this.getState()) === 'completed';
  }
  /** Whether the job finally failed (a job waiting for a retry is delayed or waiting, not failed). */
  async isFailed(): Promise<boolean> {
    return (await this.getState()) === 'failed';
  }
  async isDelayed(): Promise<boolean> {
    return (await this.getState()) === 'delayed';
  }
  async isActive(): Promise<boolean> {
    return (await this.getState()) === 'active';
  }
  /** Whether the job waits for a processor (also while the queue is paused: paused is a flag). */
  async isWaiting(): Promise<boolean> {
    return (await this.getState()) === 'waiting';
  }
  /** Whether the job is a parent waiting for the children of its flow. */
  async isWaitingChildren(): Promise<boolean> {
    return (await this.getState()) === 'waiting-children';
  }

  // ---- A parent of a flow ----------------------------------------------------------------

  /**
   * The return values of this parent's children that completed, keyed by child key,
   * `${queueName}:${id}` (BullMQ's keys start with its prefix too). Read from the store: call it in
   * the parent's processor, once every child is done.
   *
   * @example
   * const parts = await job.getChildrenValues<{ etag: string }>(); // { 'parts:4f0c…': { etag: '…' }, … }
   */
  async getChildrenValues<ChildResult = unknown>(): Promise<Record<string, ChildResult>> {
    return (await this.#lists()).processed as Record<string, ChildResult>;
  }

  /** The failures of children added with `ignoreDependencyOnFailure`: their failedReason, by child key. */
  async getIgnoredChildrenFailures(): Promise<Record<string, string>> {
    return (await this.#lists()).ignored;
  }

  /**
   * This parent's children by status (BullMQ's shape): `processed` (child key -> return value),
   * `unprocessed` (the keys still awaited), `ignored` (key -> failedReason) and `failed` (the keys
   * whose failure failed the parent). With options, only the lists named, a page of each:
   * `{ processed: { cursor: 0, count: 10 } }` gives the first 10 and `nextProcessedCursor`.
   */
  async getDependencies(opts?: DependenciesOptions): Promise<DependenciesPage> {
    return dependenciesPage(await this.#lists(), checkDependenciesOptions(opts));
  }

  /** How many children this parent has of each status, or of the statuses named (`{ unprocessed: true }`). */
  async getDependenciesCount(opts?: { processed?: boolean; unprocessed?: boolean; ignored?: boolean; failed?: boolean }): Promise<{ processed?: number; unprocessed?: number; ignored?: number; failed?: number }> {
    const asked = checkDependencyCountOptions(opts);
    const lists = await this.#lists();
    const all = { processed: Object.keys(lists.processed).length, unprocessed: lists.unprocessed.length, ignored: Object.keys(lists.ignored).length, failed: lists.failed.length };
    const named = (Object.keys(all) as (keyof typeof all)[]).filter((type) => asked[type]);
    return named.length === 0 ? all : Object.fromEntries(named.map((type) => [type, all[type]]));
  }

  async #lists(): Promise<DependencyLists> {
    return dependencyLists((await this.#host.read(this.id))?.job.dependencies);
  }

  /** Delete the job and its history. Refused while it is active, except from the processor running it. */
  async remove(): Promise<void> {
    await this.#host.remove(this.id, this.#token);
  }

  /** Move a failed job back to waiting. */
  async retry(): Promise<void> {
    const job = await this.#update({ type: 'retried', time: Date.now(), payload: {} });
    this.finishedOn = job.finishedOn;
  }

  /** Move a delayed job to waiting now. */
  async promote(): Promise<void> {
    await this.#update({ type: 'promoted', time: Date.now(), payload: { due: false } });
  }

  /**
   * Run a delayed job `delay` ms from now instead (as BullMQ): one `delayChanged` event. Refused
   * unless the job is delayed.
   *
   * @example
   * await job.changeDelay(60_000); // not before a minute from now
   */
  async changeDelay(delay: number): Promise<void> {
    nonNegativeNumber(delay, 'argument delay');
    const job = await this.#update({ type: 'delayChanged', time: Date.now(), payload: { delay } });
    this.delay = job.delay;
  }

  /**
   * Give the job a new priority (none when `priority` is left out) and `lifo`, as BullMQ: one
   * `priorityChanged` event. A waiting job takes its new place in line at once, as if just added.
   *
   * @example
   * await job.changePriority({ priority: 1 }); // ahead of every job of a lower priority
   */
  async changePriority(opts: { priority?: number; lifo?: boolean }): Promise<void> {
    const { priority, lifo } = checkPriorityChange(opts);
    const job = await this.#update({ type: 'priorityChanged', time: Date.now(), payload: { priority, lifo } });
    this.opts = job.opts;
  }

  /** No more retries: if the current attempt fails, the job fails for good. */
  async discard(): Promise<void> {
    await this.#update({ type: 'discarded', time: Date.now(), payload: {} });
  }

  /**
   * Resolves with the return value once the job completes; rejects with a `JobFailedError` carrying
   * `failedReason` once it finally fails, or if it is removed. Works whichever tab runs the job.
   */
  finished(): Promise<Result> {
    return this.#host.finished(this.id);
  }

  /** The job's events, oldest first. */
  history(): Promise<StoredJobEvent[]> {
    return this.#host.history(this.id);
  }

  /** Append one event and refresh `attemptsMade` from the result; resolves with the job's context. */
  async #update(event: Parameters<JobHost<Result>['update']>[1]): Promise<JobContext> {
    const record = await this.#host.update(this.id, event);
    this.attemptsMade = record.job.attemptsMade;
    return record.job;
  }
}
