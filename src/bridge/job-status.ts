// A BullMQ job as the browser sees it (JobStatus), read from Redis.
import type { Job, Queue } from 'bullmq';
import type { JobStatus, ServerJobState } from './protocol.js';

/** The job and its state, or null when there is no such job. */
export interface ServerJob {
  job: Job;
  state: ServerJobState;
}

/**
 * The state first, then the job: a state that says finished was read before the job, so the job
 * read after it has its return value or failed reason.
 */
export async function readServerJob(queue: Queue, jobId: string): Promise<ServerJob | null> {
  const state = (await queue.getJobState(jobId)) as ServerJobState;
  if (state === 'unknown') return null;
  const job = await queue.getJob(jobId);
  return job ? { job, state } : null;
}

export function isFinished(state: ServerJobState): state is 'completed' | 'failed' {
  return state === 'completed' || state === 'failed';
}

/** The browser's names for the job (its queue and id), and the server's facts about it. */
export function jobStatus({ job, state }: ServerJob, browser: { queue: string; id: string }, logCount: number): JobStatus {
  return {
    queue: browser.queue,
    id: browser.id,
    name: job.name,
    state,
    progress: job.progress,
    attemptsMade: job.attemptsMade,
    returnvalue: state === 'completed' ? (job.returnvalue ?? null) : null,
    failedReason: job.failedReason || null,
    logCount,
    timestamp: job.timestamp,
    processedOn: job.processedOn ?? null,
    finishedOn: job.finishedOn ?? null,
  };
}
