// rebuildProjections — reads: the whole log, page by page, then the stored job projections, page
// by page. Writes: each job's projection folded afresh from its events where it differs from the one
// stored (so a rebuild over sound projections writes no job: a put costs four writes, the record and
// its three index entries, and rewriting them all took four times as long as reading the log), every
// job scheduler's projection, and meta's counts, floors and paused flag. Deletes projections of jobs
// and schedulers that have no events. Refuses a log the machine refuses, or whose events say a state
// the fold does not give. One transaction: readers see the old projections or the new ones.
import { unwrap } from 'idb';
import { JobtrailError } from '../core/errors.js';
import type { StoredEvent } from '../core/events.js';
import { surelyEqual } from '../core/surely-equal.js';
import { project, type JobRecord } from './record.js';
import { projectScheduler, type SchedulerRecord } from './scheduler-record.js';
import { JOB_STATES } from '../core/types.js';
import type { QueueDB } from './open-db.js';
import type { WriteBatch } from './write-batch.js';
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
    for await (const page of pages<StoredEvent>(events, (event) => event.seq)) {
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
      lastSeq = page.at(-1)?.seq ?? lastSeq;
    }
    for (const state of JOB_STATES) meta.counts[state] = 0;
    meta.floors = {};
    for (const record of jobs.values()) {
      meta.counts[record.state]++;
      const numeric = Number(record.id);
      if (Number.isSafeInteger(numeric) && numeric > meta.lastId) meta.lastId = numeric;
    }
    await writeChanged(tx, jobs);
    const schedulerStore = tx.objectStore('schedulers');
    await schedulerStore.clear();
    for (const record of schedulers.values()) if (record) void schedulerStore.put(record).catch(() => {});
    meta.seq = Math.max(meta.seq, lastSeq);
    meta.paused = paused;
    return { jobs: jobs.size, schedulers: [...schedulers.values()].filter(Boolean).length, events: total };
  });
  return result;
}

/**
 * Make the jobs store hold exactly `jobs`: walk the stored projections in key order, deleting those
 * of jobs without events and putting the folded record where the stored one differs, then put the
 * folded records that had none. Writes go on the raw transaction: nothing reads their results (a
 * failed one aborts the transaction, which `write` reports).
 */
async function writeChanged(tx: WriteBatch['tx'], jobs: Map<string, JobRecord>): Promise<void> {
  const raw = (unwrap(tx) as IDBTransaction).objectStore('jobs');
  const unmatched = new Map(jobs);
  for await (const page of pages<JobRecord>(tx.objectStore('jobs'), (record) => record.id)) {
    for (const stored of page) {
      const folded = unmatched.get(stored.id);
      if (!folded) raw.delete(stored.id);
      else {
        unmatched.delete(stored.id);
        if (!surelyEqual(stored, folded)) raw.put(folded);
      }
    }
  }
  for (const record of unmatched.values()) raw.put(record);
}

/** A store's records in key order, PAGE at a time: one getAll each, from the key of the last one read. */
async function* pages<T>(store: { getAll(range?: IDBKeyRange, count?: number): Promise<unknown[]> }, keyOf: (record: T) => IDBValidKey): AsyncGenerator<T[]> {
  let range: IDBKeyRange | undefined;
  for (;;) {
    const page = (await store.getAll(range, PAGE)) as T[];
    yield page;
    if (page.length < PAGE) return;
    range = IDBKeyRange.lowerBound(keyOf(page[page.length - 1]!), true);
  }
}
