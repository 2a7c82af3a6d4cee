// rebuildProjections — reads: the whole log, page by page. Writes: every job's and every job
// scheduler's projection folded afresh from its events, and meta's counts, floors and paused flag.
// Deletes projections of jobs and schedulers that have no events. Refuses a log the machine
// refuses, or whose events say a state the fold does not give. One transaction: readers see the
// old projections or the new ones.
import { JobtrailError } from '../core/errors.js';
import type { StoredEvent } from '../core/events.js';
import { project, type JobRecord } from './record.js';
import { projectScheduler, type SchedulerRecord } from './scheduler-record.js';
import { JOB_STATES } from '../core/types.js';
import type { QueueDB } from './open-db.js';
import { write } from './write.js';

const PAGE = 5000;

export async function rebuildProjections(db: QueueDB): Promise<{ jobs: number; schedulers: number; events: number }> {
  const { result } = await write(db, 'rebuilding the projections', async (batch) => {
    const { tx, meta } = batch;
    batch.untracked(); // projections are rewritten directly, not through append
    const events = tx.objectStore('events');
    const jobs = new Map<string, JobRecord>();
    const schedulers = new Map<string, SchedulerRecord | undefined>();
    let paused = false;
    let lastSeq = 0;
    let total = 0;
    for (;;) {
      const page: StoredEvent[] = await events.getAll(IDBKeyRange.lowerBound(lastSeq, true), PAGE);
      for (const event of page) {
        if (event.schedulerId !== undefined) {
          try {
            schedulers.set(event.schedulerId, projectScheduler(schedulers.get(event.schedulerId), event.schedulerId, event, event.seq));
          } catch (err) {
            throw new JobtrailError('ERR_REFUSED', `The log is inconsistent at event ${event.seq}: ${(err as Error).message}`);
          }
        } else if (event.jobId === undefined) paused = event.type === 'paused';
        else {
          let next: JobRecord;
          try {
            next = project(jobs.get(event.jobId), event.jobId, event, event.seq);
          } catch (err) {
            throw new JobtrailError('ERR_REFUSED', `The log is inconsistent at event ${event.seq}: ${(err as Error).message}`);
          }
          if (event.state !== undefined && event.state !== next.state) {
            throw new JobtrailError('ERR_REFUSED', `The log is inconsistent at event ${event.seq}: it says job ${event.jobId} became ${event.state}, its history folds to ${next.state}`);
          }
          jobs.set(event.jobId, next);
        }
      }
      total += page.length;
      if (page.length < PAGE) break;
      lastSeq = page[page.length - 1]!.seq;
    }
    const store = tx.objectStore('jobs');
    await store.clear();
    for (const state of JOB_STATES) meta.counts[state] = 0;
    meta.floors = {};
    for (const record of jobs.values()) {
      void store.put(record).catch(() => {});
      meta.counts[record.state]++;
      const numeric = Number(record.id);
      if (Number.isSafeInteger(numeric) && numeric > meta.lastId) meta.lastId = numeric;
    }
    const schedulerStore = tx.objectStore('schedulers');
    await schedulerStore.clear();
    for (const record of schedulers.values()) if (record) void schedulerStore.put(record).catch(() => {});
    meta.seq = Math.max(meta.seq, lastSeq);
    meta.paused = paused;
    return { jobs: jobs.size, schedulers: [...schedulers.values()].filter(Boolean).length, events: total };
  });
  return result;
}
