// obliterate — reads: meta, the active jobs, the jobs of flows. Deletes: every job, every job
// scheduler, the whole log and the removal records (store clears, not job by job, so it stays fast
// for large queues), and resets meta (ids start again at 1; the paused flag and limiter window go).
// Writes: a removal record for each active job (so the processors running them abort, in every
// tab) and one for the whole queue. Sends: what removing each job of a flow tells the jobs of other
// queues (its parent, its children). Refuses while jobs are active, unless forced.
import { JobtrailError } from '../core/errors.js';
import { removalMessages } from '../core/links.js';
import type { JobRecord } from './record.js';
import { emptyMeta } from './schema.js';
import type { WriteBatch } from './write-batch.js';

export async function obliterate(batch: WriteBatch, queueName: string, force: boolean): Promise<void> {
  const { meta, tx } = batch;
  if (meta.counts.active > 0 && !force) {
    throw new JobtrailError('ERR_REFUSED', `Cannot obliterate queue ${queueName}: ${meta.counts.active} job(s) are active (pass { force: true })`);
  }
  const active: JobRecord[] = [];
  await batch.scan('active', (record) => {
    active.push(record);
    return true;
  });
  const linked = await tx.objectStore('jobs').index('byFlow').getAll();
  // (Active ones tell theirs as they are removed below.)
  for (const record of linked) if (record.state !== 'active') batch.messages.push(...removalMessages(queueName, record.job, record.state, Date.now()));
  batch.untracked(); // the clears below bypass append/remove
  await tx.objectStore('jobs').clear();
  await tx.objectStore('events').clear();
  await tx.objectStore('removals').clear();
  await tx.objectStore('schedulers').clear();
  // Sequence numbers keep growing: a change from before the wipe can never pass for a newer one.
  Object.assign(meta, emptyMeta(), { seq: meta.seq });
  // Active jobs are announced one by one, so the processors running them abort; everyone else
  // (finished() callers, inspectors) learns from the queue-level record.
  meta.counts.active = active.length; // remove() counts each one out again
  for (const record of active) await batch.remove({ ...record, state: 'active' });
  batch.changes.push({ seq: batch.recordObliterated(), type: 'obliterated' });
}
