// jobtrail/worker: the entry for Web Worker processor scripts. Small on purpose: a worker bundle
// gets the worker end of the wire and the errors a processor throws, nothing of the queue.
export { exposeProcessor, type WorkerJob, type WorkerProcessFunction } from './workers/expose.js';
export { JobtrailError, RetryLaterError, UnrecoverableError } from './core/errors.js';
export type { JobJson } from './core/job-json.js';
export type { JobOpts, JobProgress } from './core/types.js';
