// The worker end of the wire: `exposeProcessor`, run inside a Web Worker. It never touches storage:
// the queue that started the worker claims the job, sends it here, and writes the outcome,
// progress and logs.
import { expose, releaseProxy, type Remote } from 'comlink';
import { bullProcessorProblem, explainBullHabit, secondParameterName } from '../core/bull-habits.js';
import type { DependenciesOptions, DependenciesPage, DependencyLists } from '../core/dependencies.js';
import { fromErrorData, InvalidOptionError, toErrorData } from '../core/errors.js';
import type { JobJson } from '../core/job-json.js';
import type { JobOpts, JobProgress, JobRef } from '../core/types.js';
import { WORKER_PROTOCOL, type AttemptHost, type CallResult, type WorkerApi, type WorkerReady } from './protocol.js';

/** The job as a worker processor sees it: the job's fields, and the calls that report back. */
export interface WorkerJob<Data = unknown, Result = unknown> {
  readonly id: string;
  readonly name: string;
  /** Structured-cloned from the store: Blobs, Files and ArrayBuffers arrive as such. */
  readonly data: Data;
  readonly opts: JobOpts;
  readonly attemptsMade: number;
  /** When the job was added, Unix ms. */
  readonly timestamp: number;
  readonly progress: JobProgress;
  /** Report progress; resolves once the queue has written it to the log. */
  updateProgress(progress: JobProgress): Promise<void>;
  /** Append a log line; resolves with the number of lines the job has. */
  log(line: string): Promise<number>;
  toJSON(): JobJson<Data, Result>;
  /** In a flow, the job's parent; undefined for a job that is no child. */
  readonly parent: JobRef | undefined;
  /** A parent's children's return values by child key (`${queueName}:${id}`), as `Job#getChildrenValues`. */
  getChildrenValues<ChildResult = unknown>(): Promise<Record<string, ChildResult>>;
  /** The failures of children added with `ignoreDependencyOnFailure`, by child key. */
  getIgnoredChildrenFailures(): Promise<Record<string, string>>;
  /** A parent's children by status, as `Job#getDependencies`. */
  getDependencies(opts?: DependenciesOptions): Promise<DependenciesPage>;
}

/**
 * A processor in a worker. `signal` aborts just before the queue terminates this worker (timeout,
 * forced close, removal): code after an `await` will not run then, but handlers shared with
 * in-thread processors can pass it on as usual (`fetch(url, { signal })`).
 */
export type WorkerProcessFunction<Data = unknown, Result = unknown> = (job: WorkerJob<Data, Result>, signal: AbortSignal) => Promise<Result> | Result;

/**
 * Serve `processor` to the queue that started this worker. Call it once, at the top of the worker
 * script; attempts arrive one at a time. A thrown error fails the attempt with its message, stack
 * and `code` (throw `UnrecoverableError` to stop retries, `RetryLaterError` to give the job back).
 *
 * @example
 * // upload.worker.ts
 * import { exposeProcessor } from 'jobtrail/worker';
 * exposeProcessor<{ file: File }, string>(async (job, signal) => {
 *   await job.log(`uploading ${job.data.file.name}`);
 *   const response = await fetch('/upload', { method: 'POST', body: job.data.file, signal });
 *   await job.updateProgress(100);
 *   return response.text();
 * });
 */
export function exposeProcessor<Data = unknown, Result = unknown>(processor: WorkerProcessFunction<Data, Result>): void {
  if (typeof processor !== 'function') throw new InvalidOptionError(`exposeProcessor expects a function, got ${typeof processor}`);
  const problem = bullProcessorProblem(processor, 'exposeProcessor()');
  if (problem) throw new InvalidOptionError(problem);
  const secondParam = secondParameterName(processor);
  const scope = globalThis as unknown as { postMessage?: (message: unknown) => void; WorkerGlobalScope?: unknown };
  if (scope.WorkerGlobalScope === undefined || typeof scope.postMessage !== 'function') {
    throw new TypeError('exposeProcessor must be called inside a Web Worker started by queue.process()');
  }
  const running = new Set<AbortController>();
  const api: WorkerApi = {
    async run(json, host) {
      const controller = new AbortController();
      running.add(controller);
      const job = new AttemptJob<Data, Result>(json as JobJson<Data, Result>, host);
      try {
        const value = await processor(job, controller.signal);
        return { ok: true, value };
      } catch (err) {
        return { ok: false, error: toErrorData(explainBullHabit(err, secondParam)) };
      } finally {
        running.delete(controller);
        // Progress and logs sent without being awaited still reach the log before the outcome.
        await job.end();
        host[releaseProxy]();
      }
    },
    abort(reason) {
      const err = fromErrorData(reason);
      for (const controller of running) controller.abort(err);
    },
  };
  expose(api);
  const ready: WorkerReady = { jobtrail: 'worker-ready', protocol: WORKER_PROTOCOL };
  scope.postMessage(ready);
}

class AttemptJob<Data, Result> implements WorkerJob<Data, Result> {
  readonly id: string;
  readonly name: string;
  readonly data: Data;
  readonly opts: JobOpts;
  readonly attemptsMade: number;
  readonly timestamp: number;
  progress: JobProgress;
  readonly #json: JobJson<Data, Result>;
  readonly #host: Remote<AttemptHost>;
  readonly #inFlight = new Set<Promise<unknown>>();
  #ended = false;

  constructor(json: JobJson<Data, Result>, host: Remote<AttemptHost>) {
    this.id = json.id;
    this.name = json.name;
    this.data = json.data;
    this.opts = json.opts;
    this.attemptsMade = json.attemptsMade;
    this.timestamp = json.timestamp;
    this.progress = json.progress;
    this.#json = json;
    this.#host = host;
  }

  async updateProgress(progress: JobProgress): Promise<void> {
    await this.#call(() => this.#host.progress(progress));
    this.progress = progress;
  }

  log(line: string): Promise<number> {
    return this.#call(() => this.#host.log(line));
  }

  toJSON(): JobJson<Data, Result> {
    return { ...this.#json, progress: this.progress };
  }

  get parent(): JobRef | undefined {
    return this.opts.parent;
  }

  async getChildrenValues<ChildResult = unknown>(): Promise<Record<string, ChildResult>> {
    return (await this.#lists()).processed as Record<string, ChildResult>;
  }

  async getIgnoredChildrenFailures(): Promise<Record<string, string>> {
    return (await this.#lists()).ignored;
  }

  /** Checked and paged by the queue, as `Job#getDependencies`. */
  getDependencies(opts?: DependenciesOptions): Promise<DependenciesPage> {
    return this.#call(() => this.#host.dependencies(opts));
  }

  async #lists(): Promise<DependencyLists> {
    return (await this.getDependencies()) as DependencyLists;
  }

  /** No more calls; wait for those still on their way. */
  async end(): Promise<void> {
    this.#ended = true;
    await Promise.allSettled(this.#inFlight);
  }

  async #call<T>(send: () => Promise<CallResult<T>>): Promise<T> {
    if (this.#ended) throw new TypeError(`Job ${this.id}'s attempt is over: its progress and logs can no longer change`);
    const call = send();
    this.#inFlight.add(call);
    try {
      const outcome = await call;
      if (!outcome.ok) throw fromErrorData(outcome.error);
      return outcome.value;
    } finally {
      this.#inFlight.delete(call);
    }
  }
}
