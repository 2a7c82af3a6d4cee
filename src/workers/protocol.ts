// The wire between a queue and its processor workers: what crosses the boundary, in one place,
// and its version. The queue end is pool.ts, the worker end expose.ts. Everything here is
// structured-cloned (job data keeps its Blobs and ArrayBuffers) and errors travel as plain
// `ErrorData`, never as Error objects (comlink would drop `code` and the rest).
import type { Remote } from 'comlink';
import type { DependenciesOptions, DependenciesPage } from '../core/dependencies.js';
import type { ErrorData } from '../core/errors.js';
import type { JobJson } from '../core/job-json.js';
import type { JobProgress } from '../core/types.js';

/** Bump when the messages below change: a worker built against another version is refused. 2: dependencies. */
export const WORKER_PROTOCOL = 2;
export type WorkerProtocolVersion = typeof WORKER_PROTOCOL;

/**
 * Posted once by `exposeProcessor` (outside comlink) when the worker is ready to take attempts.
 * The queue sends nothing before it: a call posted while the worker script is still loading
 * could be lost and never answered (comlink #665).
 */
export interface WorkerReady {
  jobtrail: 'worker-ready';
  protocol: WorkerProtocolVersion;
}

/** How a call ends, errors included: rejections do not cross comlink with their fields intact. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

/** What the worker exposes (`comlink.expose`), one attempt per worker at a time. */
export interface WorkerApi {
  /** Run one attempt. `host` is the queue side of this attempt; the worker releases it when done. */
  run(job: JobJson, host: Remote<AttemptHost>): Promise<CallResult<unknown>>;
  /** The queue is about to terminate the worker: abort the running attempt's signal. */
  abort(reason: ErrorData): void;
}

/**
 * The queue side of one attempt, passed to the worker with `comlink.proxy()`. Each call is
 * applied by the queue's own Job (`updateProgress`, `log`), so it becomes an event in the log.
 */
export interface AttemptHost {
  progress(value: JobProgress): Promise<CallResult<void>>;
  /** Resolves with the number of log lines the job has. */
  log(line: string): Promise<CallResult<number>>;
  /** A parent of a flow: its children by status, read from the store now (`job.getDependencies(opts)`). */
  dependencies(opts?: DependenciesOptions): Promise<CallResult<DependenciesPage>>;
}
