// promoteJobs — reads: meta, the delayed jobs in due order from the state's floor. Appends:
// `promoted` (not due: moved on purpose) for each of at most `count` delayed jobs that were delayed
// by the log's event `delayedBy` or earlier, earliest due first. Jobs delayed later are left alone,
// so a caller that repeats the command until it promotes less than `count` always ends.
import type { JobRecord } from './record.js';
import type { WriteBatch } from './write-batch.js';

/** How many delayed jobs one batch moved to waiting. */
export async function promoteDelayedJobs(batch: WriteBatch, count: number, delayedBy: number, now: number): Promise<number> {
  const chosen: JobRecord[] = [];
  // A delayed job's rank is [dueAt, seq of the event that delayed it].
  await batch.scan('delayed', (record) => {
    if (record.rank[1]! <= delayedBy) chosen.push(record);
    return chosen.length < count;
  }, Infinity, count);
  for (const record of chosen) batch.append(record, record.id, { type: 'promoted', time: now, payload: { due: false } });
  return chosen.length;
}
