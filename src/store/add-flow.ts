// Adding the jobs of a flow (see core/flow.ts), one queue's jobs per transaction. The first
// transaction, in the queue of the flow's first job, also writes the intent: every job still to add
// to the other queues. Each other queue's jobs are then added in one transaction there, and the
// intent is deleted. Whoever completes an intent (the adding tab, or any instance of that queue
// later) runs the same steps: a job already added by an earlier try is skipped, so a step may run
// twice without adding anything twice.
import { childKey } from '../core/dependencies.js';
import { storageError } from '../core/errors.js';
import type { PlannedJob } from '../core/flow.js';
import type { JobRecord } from './record.js';
import type { QueueDB } from './open-db.js';
import type { FlowIntent } from './schema.js';
import type { WriteBatch } from './write-batch.js';

export interface AddedFlowJobs {
  /** The jobs of the plan, as stored (added now, or by an earlier try). */
  records: JobRecord[];
  /** Jobs whose id another job holds: not added. */
  taken: PlannedJob[];
}

/**
 * addFlowJobs — reads: each planned job's id. Appends: `added` (at `flow.time`, marked with
 * `flow.id`) for each planned job whose id is free. A job found there already is kept if an
 * earlier try of this flow added it; any other holds the id, and the planned job is returned as
 * taken. Refuses nothing: the caller decides what a taken id means.
 */
export async function addFlowJobs(batch: WriteBatch, jobs: readonly PlannedJob[], flow: { id: string; time: number }): Promise<AddedFlowJobs> {
  const found = await Promise.all(jobs.map((job) => batch.read(job.id)));
  const out: AddedFlowJobs = { records: [], taken: [] };
  for (const [i, job] of jobs.entries()) {
    const existing = found[i];
    if (existing) {
      if (existing.flow === flow.id) out.records.push(existing);
      else out.taken.push(job);
      continue;
    }
    const payload = { name: job.name, data: job.data, opts: job.opts, ...(job.children ? { children: job.children } : {}), flow: flow.id };
    out.records.push(batch.append(undefined, job.id, { type: 'added', time: flow.time, payload }));
  }
  return out;
}

/**
 * A planned child that cannot be added (its id was taken by another add in the meantime) will
 * never report to its parent: the parent hears of it as removed, so it does not wait for it.
 */
export function dropTaken(batch: WriteBatch, taken: readonly PlannedJob[], time: number): void {
  for (const job of taken) {
    const parent = job.opts.parent;
    if (!parent) continue;
    batch.messages.push({ kind: 'child', to: parent, event: { type: 'childRemoved', time, payload: { child: childKey(job) } } });
  }
}

/** putIntent — writes: the flow's intent (in the transaction that adds its first queue's jobs). */
export function putIntent(batch: WriteBatch, intent: FlowIntent): void {
  void batch.tx.objectStore('flows').put(intent).catch(() => {});
}

/** deleteIntent — deletes: the flow's intent, once every queue has its jobs. */
export function deleteIntent(batch: WriteBatch, id: string): void {
  void batch.tx.objectStore('flows').delete(id).catch(() => {});
}

/** readIntents — one readonly transaction: the flows of this queue not yet added whole. */
export async function readIntents(db: QueueDB): Promise<FlowIntent[]> {
  try {
    return await db.getAll('flows');
  } catch (err) {
    throw storageError(err, 'reading the flows being added');
  }
}

/** readIntent — one readonly transaction: flow `id`'s intent, while it is not added whole. */
export async function readIntent(db: QueueDB, id: string): Promise<FlowIntent | undefined> {
  try {
    return await db.get('flows', id);
  } catch (err) {
    throw storageError(err, 'reading a flow being added');
  }
}
