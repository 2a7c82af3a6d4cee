// jobtrail: an event-sourced, Bull-style job queue for the browser.
export { Queue } from './queue.js';
export { Job } from './job.js';
export {
  JobtrailError,
  InvalidOptionError,
  JobFailedError,
  UnrecoverableError,
  RetryLaterError,
  type ErrorCode,
  type ErrorData,
} from './errors.js';
export { HttpError, errorForStatus, jobFetch, parseRetryAfter } from './http.js';
export { jobMachine, type JobContext } from './job-machine.js';
export { foldJob, foldSteps, jobJson, type FoldedJob } from './fold.js';
export { backoffDelay } from './backoff.js';
export type { QueueChange, QueueEventMap, QueueEventName } from './queue-events.js';
export type { ProcessFunction, ProcessHandler, WorkerSource } from './processing/process-args.js';
export type { JobEvent, JobEventType, QueueEvent, StoredEvent, StoredJobEvent } from './job-events.js';
export type {
  BackoffOptions,
  BackoffStrategy,
  BulkJob,
  CleanStatus,
  JobCounts,
  JobJson,
  JobOptions,
  JobOpts,
  JobProgress,
  JobState,
  KeepJobs,
  QueueOptions,
  QueueSettings,
  RateLimiter,
} from './types.js';
