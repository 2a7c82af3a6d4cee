// BullMQ's and Bull's calls that change many jobs at once: retryJobs, promoteJobs, removeJobs.
// Each batch is one storage command in one transaction (all of the batch or none of it); the loops
// here repeat the command until a batch comes back short, as BullMQ repeats its scripts.
import { idPattern } from '../core/glob.js';
import { checkIdPattern, checkManyJobs, checkRetryJobs } from '../core/options.js';
import { promoteDelayedJobs } from '../store/promote-jobs.js';
import type { JobRecord } from '../store/record.js';
import { removeJobsMatching } from '../store/remove-jobs.js';
import { retryFailedJobs } from '../store/retry-jobs.js';
import type { WriteBatch } from '../store/write-batch.js';

/** One transaction of the queue, its changes published once it commits. */
export type Write = <T>(doing: string, body: (batch: WriteBatch) => Promise<T> | T) => Promise<T>;

/** `retryJobs({ state: 'failed', count, timestamp })`: see Queue#retryJobs. */
export async function retryJobs(write: Write, options: unknown): Promise<number> {
  const { count, timestamp } = checkRetryJobs(options);
  const before = timestamp ?? Date.now();
  let total = 0;
  for (;;) {
    const retried = await write('retrying failed jobs', (batch) => retryFailedJobs(batch, count, before, Date.now()));
    total += retried;
    if (retried < count) return total;
  }
}

/** `promoteJobs({ count })`: see Queue#promoteJobs. */
export async function promoteJobs(write: Write, options: unknown): Promise<number> {
  const { count } = checkManyJobs(options, 'promoteJobs', ['count']);
  // Jobs delayed after the first batch began are not this call's: the loop ends.
  let delayedBy: number | undefined;
  let total = 0;
  for (;;) {
    const promoted = await write('promoting delayed jobs', (batch) => {
      delayedBy ??= batch.meta.seq;
      return promoteDelayedJobs(batch, count, delayedBy, Date.now());
    });
    total += promoted;
    if (promoted < count) return total;
  }
}

/** `removeJobs(pattern)`: see Queue#removeJobs. */
export async function removeJobs(write: Write, pattern: unknown): Promise<JobRecord[]> {
  checkIdPattern(pattern);
  const matcher = idPattern(pattern);
  return write(`removing the jobs matching ${pattern}`, (batch) => removeJobsMatching(batch, matcher));
}
