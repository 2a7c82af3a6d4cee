// updateJob — reads: the job. Appends: one event (progress, log, updated, discarded, promoted,
// retried, delayChanged, priorityChanged). Refuses what the job machine refuses in the job's state
// (e.g. promoting a job that is not delayed, changing the delay of one that is not delayed), and a
// missing job.
import { JobtrailError } from '../core/errors.js';
import type { JobEvent } from '../core/events.js';
import type { JobRecord } from './record.js';
import type { WriteBatch } from './write-batch.js';

export type JobUpdate = Exclude<JobEvent, { type: 'added' | 'active' | 'completed' | 'failed' | 'postponed' | 'stalled' | 'released' }>;

export async function updateJob(batch: WriteBatch, jobId: string, event: JobUpdate): Promise<JobRecord> {
  const prev = await batch.read(jobId);
  if (!prev) throw new JobtrailError('ERR_NOT_FOUND', `Job ${jobId} does not exist (it may have been removed)`);
  return batch.append(prev, jobId, event);
}
