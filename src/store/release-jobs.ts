// releaseJobs — reads: each job given back, and the owner's note. Appends: `released` for each job
// still active under the claim given (a job finished, removed or claimed again meanwhile is left
// alone). Deletes: the owner's note (see leaveNote in owners.ts), which these events make moot.
import { JobtrailError } from '../core/errors.js';
import type { JobRecord } from './record.js';
import type { WriteBatch } from './write-batch.js';

export interface Claim {
  jobId: string;
  token: string;
}

export async function releaseJobs(batch: WriteBatch, owner: string, claims: readonly Claim[], reason: string, now: number): Promise<JobRecord[]> {
  const released: JobRecord[] = [];
  const records = await Promise.all(claims.map((c) => batch.read(c.jobId)));
  for (const [i, { jobId, token }] of claims.entries()) {
    const record = records[i];
    if (record?.state !== 'active' || record.job.claim?.token !== token) continue;
    try {
      released.push(batch.append(record, jobId, { type: 'released', time: now, payload: { token, reason } }));
    } catch (err) {
      if (!(err instanceof JobtrailError)) throw err;
    }
  }
  void batch.tx.objectStore('owners').delete(owner).catch(() => {});
  return released;
}
