// jobtrail: an event-sourced, Bull-style job queue for the browser. The public entry: everything a
// user, a tool (the inspector) or a plugin (jobtrail/sw) may use is exported here and only here.
export { Queue } from './api/queue.js';
export { Job, type JobQueueRef } from './api/job.js';
export { FlowProducer, type FlowJob, type FlowOpts, type FlowProducerOptions, type GetFlowOptions, type JobNode } from './api/flow-producer.js';
export type { DependenciesOptions, DependenciesPage, Dependency, Dependencies, DependencyLists } from './core/dependencies.js';
export { listQueues } from './api/list-queues.js';
export { watchJob, watchJobs, watchJobCounts, type JobSnapshot, type WatchJobsOptions } from './api/watch.js';
export type { Watcher } from './api/watcher.js';
export type { QueueEventMap, QueueEventName } from './api/queue-events.js';
export type { ProcessFunction, ProcessHandler, WorkerSource } from './api/process-args.js';
export type { Metrics } from './api/metrics.js';
export type { WorkerInfo } from './api/workers.js';
export type { JobSchedulerJson, JobSchedulerTemplate, RepeatableJob } from './api/schedulers.js';
export type { BackoffStrategy, QueueOptions, QueueSettings } from './api/types.js';
export {
  JobtrailError,
  InvalidOptionError,
  JobFailedError,
  UnrecoverableError,
  RetryLaterError,
  type ErrorCode,
  type ErrorData,
} from './core/errors.js';
export { HttpError, errorForStatus, jobFetch, parseRetryAfter } from './processing/http.js';
export { provideCron, type CronClass, type CronSource } from './processing/cron.js';
// The browser end of jobtrail/bridge: a processor that runs the job on BullMQ through the app's server.
export { forwardTo, type ForwardOptions, type ForwardedJob } from './bridge/forward-to.js';
// The lifecycle, for tools that replay or draw it (the inspector's time travel and machine view).
export { jobMachine, type JobContext } from './core/machine.js';
export { foldJob, foldSteps, type FoldedJob } from './core/fold.js';
export { jobJson, JOB_JSON_KEYS, type JobJson } from './core/job-json.js';
export { backoffDelay } from './core/backoff.js';
export { JOB_STATES } from './core/types.js';
export type { ChangeType, QueueChange } from './core/change.js';
export type {
  JobEvent, JobEventType, QueueEvent, SchedulerEvent, SchedulerEventType, StoredEvent, StoredJobEvent, StoredSchedulerEvent,
} from './core/events.js';
export type { Rank } from './core/rank.js';
export type { JobRecord } from './store/record.js';
export type { JobPage, JobQuery, PageStart } from './store/job-page.js';
export type {
  BackoffOptions,
  BulkJob,
  ChildFailureOption,
  DeduplicationOptions,
  CleanStatus,
  JobCounts,
  JobOptions,
  JobOpts,
  JobProgress,
  JobRef,
  JobState,
  KeepJobs,
  RateLimiter,
  Repeat,
  RepeatOptions,
} from './core/types.js';
