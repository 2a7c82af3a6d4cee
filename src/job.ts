// The Job: Bull's job object over one projection record. Its methods append events through its queue.
import { InvalidOptionError } from './errors.js';
import { jobJson } from './fold.js';
import type { StoredJobEvent } from './job-events.js';
import type { JobContext } from './job-machine.js';
import type { Queue } from './queue.js';
import type { JobJson, JobOpts, JobProgress, JobState } from './types.js';

export class Job<Data = any, Result = any> {
  readonly id: string;
  readonly name: string;
  data: Data;
  readonly opts: JobOpts;
  progress: JobProgress;
  readonly delay: number;
  readonly timestamp: number;
  attemptsMade: number;
  failedReason: string | null;
  stacktrace: string[] | null;
  returnvalue: Result | null;
  finishedOn: number | null;
  processedOn: number | null;

  /** The claim this job object runs under, when a processor of this instance holds it. */
  readonly #token: string | undefined;
  #discarded = false;

  /** @internal Jobs come from `queue.add`, `queue.getJob` and friends, or `Job.fromJSON`. */
  constructor(
    readonly queue: Queue<Data, Result>,
    json: JobJson<Data, Result>,
    token?: string,
  ) {
    this.id = json.id;
    this.name = json.name;
    this.data = json.data;
    this.opts = json.opts;
    this.progress = json.progress;
    this.delay = json.delay;
    this.timestamp = json.timestamp;
    this.attemptsMade = json.attemptsMade;
    this.failedReason = json.failedReason;
    this.stacktrace = json.stacktrace;
    this.returnvalue = json.returnvalue;
    this.finishedOn = json.finishedOn;
    this.processedOn = json.processedOn;
    this.#token = token;
  }

  /** @internal */
  static fromContext<Data, Result>(queue: Queue<Data, Result>, job: JobContext, token?: string): Job<Data, Result> {
    return new Job(queue, jobJson<Data, Result>(job), token);
  }

  /** Rebuild a Job from `toJSON()` output. */
  static fromJSON<Data, Result>(queue: Queue<Data, Result>, json: JobJson<Data, Result>): Job<Data, Result> {
    return new Job(queue, json);
  }

  /** A plain object with Bull's keys in Bull's order; `JSON.stringify` always works on it for JSON data. */
  toJSON(): JobJson<Data, Result> {
    return {
      id: this.id,
      name: this.name,
      data: this.data,
      opts: this.opts,
      progress: this.progress,
      delay: this.delay,
      timestamp: this.timestamp,
      attemptsMade: this.attemptsMade,
      failedReason: this.failedReason,
      stacktrace: this.stacktrace,
      returnvalue: this.returnvalue,
      finishedOn: this.finishedOn,
      processedOn: this.processedOn,
    };
  }

  /** Report progress: a number (usually a percentage) or an object. Appends a `progress` event. */
  async updateProgress(progress: JobProgress): Promise<void> {
    if (typeof progress !== 'number' && (typeof progress !== 'object' || progress === null)) {
      throw new InvalidOptionError(`Progress must be a number or an object, got ${typeof progress}`);
    }
    if (typeof progress === 'number' && !Number.isFinite(progress)) {
      throw new InvalidOptionError(`Progress must be a finite number, got ${progress}`);
    }
    await this.queue._update(this, { type: 'progress', time: Date.now(), payload: { progress } });
    this.progress = progress;
  }

  /** Append a log line to the job's history. Resolves with the number of lines the job has. */
  async log(line: string): Promise<number> {
    if (typeof line !== 'string') throw new InvalidOptionError(`A log line must be a string, got ${typeof line}`);
    const record = await this.queue._update(this, { type: 'log', time: Date.now(), payload: { line } });
    return record.job.logCount;
  }

  /** Replace the job's data. */
  async update(data: Data): Promise<void> {
    await this.queue._update(this, { type: 'updated', time: Date.now(), payload: { data } });
    this.data = data;
  }

  /** The job's current state, read from the store; `'unknown'` once it was removed. */
  async getState(): Promise<JobState | 'unknown'> {
    return (await this.queue._readState(this.id)) ?? 'unknown';
  }

  /** Delete the job and its history. Refused while it is active, except from the processor running it. */
  async remove(): Promise<void> {
    await this.queue._remove(this.id, this.#token);
  }

  /** Move a failed job back to waiting. */
  async retry(): Promise<void> {
    const record = await this.queue._update(this, { type: 'retried', time: Date.now(), payload: {} });
    this.finishedOn = record.job.finishedOn;
  }

  /** Move a delayed job to waiting now. */
  async promote(): Promise<void> {
    await this.queue._update(this, { type: 'promoted', time: Date.now(), payload: { due: false } });
  }

  /** No more retries: if the current attempt fails, the job fails for good. */
  async discard(): Promise<void> {
    await this.queue._update(this, { type: 'discarded', time: Date.now(), payload: {} });
    this.#discarded = true;
  }

  /**
   * Resolves with the return value once the job completes; rejects with a `JobFailedError` carrying
   * `failedReason` once it finally fails, or if it is removed. Works whichever tab runs the job.
   */
  finished(): Promise<Result> {
    return this.queue._finished(this.id);
  }

  /** The job's events, oldest first. */
  history(): Promise<StoredJobEvent[]> {
    return this.queue._history(this.id);
  }

  /** @internal */
  get _token(): string | undefined {
    return this.#token;
  }

  /** @internal */
  get _discarded(): boolean {
    return this.#discarded;
  }
}
