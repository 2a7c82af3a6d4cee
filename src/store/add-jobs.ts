// addJobs — reads: meta (the id counter), the stored job of each caller-chosen `jobId`.
// Appends: one `added` event per new job. A duplicate `jobId` appends nothing and returns the stored job.
import type { JobRecord } from './record.js';
import type { JobOpts } from '../core/types.js';
import type { WriteBatch } from './write-batch.js';

export interface NewJob {
  name: string;
  data: unknown;
  opts: JobOpts;
}

export interface AddedJob {
  record: JobRecord;
  /** The id existed already: nothing was added, `record` is the stored job. */
  duplicate: boolean;
}

export async function addJobs(batch: WriteBatch, jobs: readonly NewJob[], now: number): Promise<AddedJob[]> {
  const added: AddedJob[] = [];
  for (const { name, data, opts } of jobs) {
    let id: string;
    if (opts.jobId !== undefined) {
      id = opts.jobId;
      const existing = await batch.read(id);
      if (existing) {
        added.push({ record: existing, duplicate: true });
        continue;
      }
    } else {
      // The counter is saved only if the transaction commits, so a rejected add consumes no id.
      id = String(++batch.meta.lastId);
    }
    const record = batch.append(undefined, id, { type: 'added', time: now, payload: { name, data, opts } });
    added.push({ record, duplicate: false });
  }
  return added;
}
