// retryJobs — reads: meta, the oldest failed jobs from the state's floor. Appends: `retried` for
// each of at most `count` failed jobs that finished at or before `finishedBefore`, oldest first.
// Refuses nothing (a job the machine refuses is not failed, so the scan never meets one).
import type { JobRecord } from './record.js';
import type { WriteBatch } from './write-batch.js';

/** How many failed jobs one batch moved back to waiting. */
export async function retryFailedJobs(batch: WriteBatch, count: number, finishedBefore: number, now: number): Promise<number> {
  const chosen: JobRecord[] = [];
  // Failed jobs are ranked by finish time: the scan stops at the first one too young.
  await batch.scan('failed', (record) => {
    if (record.rank[0]! > finishedBefore) return false;
    chosen.push(record);
    return chosen.length < count;
  }, count, count);
  for (const record of chosen) batch.append(record, record.id, { type: 'retried', time: now, payload: {} });
  return chosen.length;
}
