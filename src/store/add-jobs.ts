// addJobs — reads: meta (the id counter), the stored job of each caller-chosen `jobId`, the newest
// job of each deduplication id. Appends: one `added` event per new job. A duplicate `jobId`, or a
// deduplication id still held by another job, appends nothing and returns the stored job.
import { holdsDeduplication } from '../core/deduplication.js';
import type { JobRecord } from './record.js';
import type { JobOpts } from '../core/types.js';
import { dedupRange } from './schema.js';
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
  /** The deduplication id `record` holds: nothing was added. */
  deduplicated?: string;
}

export async function addJobs(batch: WriteBatch, jobs: readonly NewJob[], now: number): Promise<AddedJob[]> {
  const added: AddedJob[] = [];
  for (const { name, data, opts } of jobs) {
    if (opts.jobId !== undefined) {
      const existing = await batch.read(opts.jobId);
      if (existing) {
        added.push({ record: existing, duplicate: true });
        continue;
      }
    }
    if (opts.deduplication) {
      const holder = await newestWithDedup(batch, opts.deduplication.id);
      if (holder && holdsDeduplication(holder.state, holder.job, now)) {
        added.push({ record: holder, duplicate: false, deduplicated: opts.deduplication.id });
        continue;
      }
    }
    // The counter is saved only if the transaction commits, so a rejected add consumes no id.
    const id = opts.jobId ?? String(++batch.meta.lastId);
    const record = batch.append(undefined, id, { type: 'added', time: now, payload: { name, data, opts } });
    added.push({ record, duplicate: false });
  }
  return added;
}

/** The job added last with deduplication id `id` (only it can hold the id: it was added because none did). */
async function newestWithDedup(batch: WriteBatch, id: string): Promise<JobRecord | undefined> {
  const cursor = await batch.tx.objectStore('jobs').index('byDedup').openCursor(dedupRange(id), 'prev');
  return cursor?.value;
}
