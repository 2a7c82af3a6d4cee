// A processor running in a pool of module Web Workers, reached through comlink. The queue keeps all
// storage work: a worker receives the job, and sends back its result, progress and log lines, which
// the queue applies through the real Job. Each worker runs one attempt at a time; workers are
// started when first needed, up to the processor's concurrency.
//
// Comlink calls to a dead worker never settle (comlink #601), so every call here races the
// worker's death: its `error` event (an uncaught error, a script that fails to load), a message
// that cannot be read, or our own `terminate()` when the attempt's signal aborts (timeout, forced
// close, removal). A worker that died is dropped and the next attempt gets a fresh one. (A script
// that loads but never calls `exposeProcessor` cannot be told from a slow one: only the job's
// `timeout` ends that wait.)
import { proxy, wrap, type Remote } from 'comlink';
import type { DependenciesOptions, DependenciesPage } from '../core/dependencies.js';
import { fromErrorData, JobtrailError, returnValueHint, toErrorData, type ErrorData } from '../core/errors.js';
import type { JobJson } from '../core/job-json.js';
import type { JobProgress } from '../core/types.js';
import { WORKER_PROTOCOL, type AttemptHost, type CallResult, type WorkerApi, type WorkerReady } from './protocol.js';

/** A processor in a module Web Worker: its script's URL, or a factory the bundler can see. */
export type WorkerSource = URL | string | { worker: () => Worker };

/** What the pool needs of the job it runs: its JSON to send, and the calls the worker reports through. */
export interface PoolJob {
  readonly id: string;
  toJSON(): JobJson;
  updateProgress(progress: JobProgress): Promise<void>;
  log(line: string): Promise<number>;
  /** A parent's dependencies: every list, or a page of the lists `opts` names. */
  getDependencies(opts?: DependenciesOptions): Promise<DependenciesPage>;
}

/**
 * The queue end of the wire: runs attempts in up to `concurrency` workers. Shaped as the
 * processing layer's `Processor`, so the runner cannot tell it from an in-thread function.
 */
export class WorkerPool<Result> {
  private readonly workers = new Set<ProcessorWorker>();
  private readonly idle: ProcessorWorker[] = [];
  /** Attempts waiting for a worker (only when a caller runs more attempts than the concurrency). */
  private readonly waiting: { take: (worker: ProcessorWorker) => void; fail: (err: Error) => void }[] = [];
  private closed = false;

  constructor(
    readonly source: WorkerSource,
    readonly concurrency: number,
  ) {}

  async run(job: PoolJob, signal: AbortSignal): Promise<Result> {
    const worker = await this.acquire(signal);
    try {
      return (await worker.run(job, signal)) as Result;
    } finally {
      this.release(worker);
    }
  }

  /** Terminate every worker; attempts still running reject. */
  async close(): Promise<void> {
    this.closed = true;
    const err = new JobtrailError('ERR_QUEUE_CLOSED', 'The worker processor was closed');
    for (const waiter of this.waiting.splice(0)) waiter.fail(err);
    for (const worker of [...this.workers]) worker.kill(err);
  }

  private acquire(signal: AbortSignal): Promise<ProcessorWorker> {
    if (this.closed) return Promise.reject(new JobtrailError('ERR_QUEUE_CLOSED', 'The worker processor was closed'));
    if (signal.aborted) return Promise.reject(abortReason(signal));
    const idle = this.idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.workers.size < this.concurrency) {
      try {
        return Promise.resolve(this.spawn());
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(abortReason(signal));
      };
      const waiter = {
        take: (worker: ProcessorWorker) => {
          signal.removeEventListener('abort', onAbort);
          resolve(worker);
        },
        fail: (err: Error) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private release(worker: ProcessorWorker): void {
    if (!worker.dead) this.idle.push(worker);
    this.dispatch();
  }

  /** Hand free workers (or room for new ones) to waiting attempts. */
  private dispatch(): void {
    while (this.waiting.length > 0 && !this.closed) {
      let worker = this.idle.pop();
      if (!worker && this.workers.size < this.concurrency) {
        try {
          worker = this.spawn();
        } catch (err) {
          this.waiting.shift()!.fail(err as Error);
          continue;
        }
      }
      if (!worker) return;
      this.waiting.shift()!.take(worker);
    }
  }

  private spawn(): ProcessorWorker {
    let raw: Worker;
    try {
      raw = isFactory(this.source) ? this.source.worker() : new Worker(this.source, { type: 'module' });
    } catch (err) {
      throw new JobtrailError('ERR_WORKER', `Could not start the worker processor ${describeSource(this.source)}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    }
    const worker = new ProcessorWorker(raw, describeSource(this.source), (dead) => {
      this.workers.delete(dead);
      const i = this.idle.indexOf(dead);
      if (i >= 0) this.idle.splice(i, 1);
      this.dispatch();
    });
    this.workers.add(worker);
    return worker;
  }
}

/** One worker of the pool and the comlink proxy to it. */
class ProcessorWorker {
  dead = false;
  private readonly remote: Remote<WorkerApi>;
  /** Settles when `exposeProcessor` in the worker says it is ready. */
  private readonly ready: Promise<void>;
  /** Rejects when the worker dies, with why. Every call races it. */
  private readonly death: Promise<never>;
  private die!: (err: Error) => void;

  constructor(
    private readonly worker: Worker,
    private readonly label: string,
    private readonly onDeath: (worker: ProcessorWorker) => void,
  ) {
    this.death = new Promise<never>((_, reject) => (this.die = reject));
    this.death.catch(() => {});
    this.ready = new Promise<void>((resolve) => {
      const onMessage = (event: MessageEvent) => {
        const data = event.data as Partial<WorkerReady> | null;
        if (data?.jobtrail !== 'worker-ready') return;
        worker.removeEventListener('message', onMessage);
        if (data.protocol === WORKER_PROTOCOL) resolve();
        else this.kill(new JobtrailError('ERR_WORKER', `The worker processor ${label} speaks protocol ${String(data.protocol)}, this queue speaks ${WORKER_PROTOCOL}: rebuild it with the same jobtrail version`));
      };
      worker.addEventListener('message', onMessage);
    });
    worker.addEventListener('error', (event) => {
      // Handled here: the attempt fails with it, so the page need not report it as uncaught.
      event.preventDefault();
      this.kill(crashError(event, label));
    });
    worker.addEventListener('messageerror', () => {
      this.kill(new JobtrailError('ERR_WORKER', `A message from the worker processor ${label} could not be deserialized`));
    });
    this.remote = wrap<WorkerApi>(worker);
  }

  async run(job: PoolJob, signal: AbortSignal): Promise<unknown> {
    if (signal.aborted) throw abortReason(signal);
    const onAbort = () => {
      const reason = abortReason(signal);
      // Delivered only if the worker is between two tasks: terminate() follows at once.
      void this.remote.abort(toErrorData(reason)).catch(() => {});
      this.kill(reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    let ended = false;
    const apply = async <T>(update: () => Promise<T>): Promise<CallResult<T>> => {
      if (ended) return { ok: false, error: toErrorData(new JobtrailError('ERR_REFUSED', `Job ${job.id}'s attempt is over: its progress and logs can no longer change`)) };
      try {
        return { ok: true, value: await update() };
      } catch (err) {
        return { ok: false, error: toErrorData(err) };
      }
    };
    const host: AttemptHost = {
      progress: (value) => apply(() => job.updateProgress(value)),
      log: (line) => apply(() => job.log(line)),
      dependencies: (opts) => apply(() => job.getDependencies(opts)),
    };
    try {
      await Promise.race([this.ready, this.death]);
      let outcome: CallResult<unknown>;
      try {
        // The worker releases the host proxy when the attempt ends (see `exposeProcessor`).
        outcome = await Promise.race([this.remote.run(job.toJSON(), proxy(host) as unknown as Remote<AttemptHost>), this.death]);
      } catch (err) {
        throw this.dead ? err : callError(err, job.id, this.label);
      }
      if (!outcome.ok) throw errorFrom(outcome.error);
      return outcome.value;
    } finally {
      ended = true;
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Terminate the worker and fail whatever it was doing with `reason`. */
  kill(reason: Error): void {
    if (this.dead) return;
    this.dead = true;
    this.worker.terminate();
    this.die(reason);
    this.onDeath(this);
  }
}

function isFactory(source: WorkerSource): source is { worker: () => Worker } {
  return typeof source === 'object' && !(source instanceof URL);
}

function describeSource(source: WorkerSource): string {
  return isFactory(source) ? 'created by its worker() factory' : String(source);
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new JobtrailError('ERR_WORKER', `The attempt was aborted: ${String(reason)}`);
}

/** An uncaught error in the worker (an ErrorEvent), or a script that failed to load (a plain Event). */
function crashError(event: Event, label: string): Error {
  if (!(event instanceof ErrorEvent) || !event.message) {
    return new JobtrailError('ERR_WORKER', `The worker processor ${label} failed to load (is the script there, and a module?)`);
  }
  const err = new JobtrailError('ERR_WORKER', `The worker processor ${label} crashed: ${event.message}`);
  // The queue side's stack says nothing useful; point at the worker's line instead.
  err.stack = `${err.name}: ${err.message}\n    at ${event.filename || label}:${event.lineno}:${event.colno}`;
  return err;
}

/** A comlink call that failed by itself: the job could not be sent, or the result not returned. */
function callError(err: unknown, jobId: string, label: string): Error {
  const name = (err as { name?: string } | null)?.name;
  const message = (err as Error | null)?.message ?? String(err);
  if (name === 'DataCloneError') {
    return new JobtrailError('ERR_NOT_CLONEABLE', `Job ${jobId} cannot be sent to the worker processor ${label}: ${message}`, { cause: err });
  }
  if (message === 'Unserializable return value') {
    return new JobtrailError('ERR_NOT_CLONEABLE', `The worker processor ${label} returned a result for job ${jobId} that cannot be cloned back to the queue. ${returnValueHint()}`, { cause: err });
  }
  return new JobtrailError('ERR_WORKER', `Calling the worker processor ${label} failed: ${message}`, { cause: err });
}

/** Rebuild a thrown error from its data, without inventing a stack where the worker had none. */
function errorFrom(data: ErrorData): Error {
  const err = fromErrorData(data);
  if (data.stack === undefined) delete (err as { stack?: string }).stack;
  return err;
}
