// What a Job needs of its queue: a small door, not the Queue class (as BullMQ's Job holds a
// MinimalQueue). The Queue makes one host and hands it to every Job it builds; `Job.fromJSON`
// finds it through `jobHostOf`.
import type { StoredJobEvent } from '../core/events.js';
import type { JobState } from '../core/types.js';
import type { JobRecord } from '../store/record.js';
import type { JobUpdate } from '../store/update-job.js';

export interface JobHost<Result> {
  /** The queue's name. */
  readonly queueName: string;
  /** Append one event to the job; resolves with the job after the commit. */
  update(jobId: string, event: JobUpdate): Promise<JobRecord>;
  /** The job's stored state, or undefined once it is gone. */
  readState(jobId: string): Promise<JobState | undefined>;
  /** The job's stored projection, or undefined once it is gone. */
  read(jobId: string): Promise<JobRecord | undefined>;
  /** Delete the job; `token` is the claim of the processor running it, if it asks. */
  remove(jobId: string, token: string | undefined): Promise<void>;
  history(jobId: string): Promise<StoredJobEvent[]>;
  /** Settles when the job completes or finally fails, whichever tab runs it. */
  finished(jobId: string): Promise<Result>;
}

const hosts = new WeakMap<object, JobHost<unknown>>();

/** Called by a Queue for itself. */
export function provideJobHost(queue: object, host: JobHost<unknown>): void {
  hosts.set(queue, host);
}

/** The host of a Queue, or undefined for anything that is not one. */
export function jobHostOf<Result>(queue: object): JobHost<Result> | undefined {
  return hosts.get(queue) as JobHost<Result> | undefined;
}
