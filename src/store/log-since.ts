// What the log says happened after a given seq: how an instance learns of the changes other tabs
// committed. A notice on the channel only says "look"; everything listeners are told, `finished()`
// settles with and the runner acts on comes from here.
import type { QueueChange } from '../core/change.js';
import type { StoredEvent, StoredJobEvent } from '../core/events.js';
import { STALLED_REASON } from '../core/machine.js';
import type { JobState } from '../core/types.js';
import type { QueueDB } from './open-db.js';
import { guard } from './reads.js';
import { emptyMeta, META_KEY, type RemovalRecord } from './schema.js';

export type LogEntry = StoredEvent | ({ kind: 'removal' } & RemovalRecord);

export interface LogSince {
  /** Events and removal records after the seq asked for, in seq order. */
  entries: LogEntry[];
  /** Every seq up to this one is in `entries` or gone for good. */
  through: number;
  /** The page was full: read again from `through`. */
  more: boolean;
  /** How many jobs were waiting, in the same snapshot. */
  waiting: number;
}

/** readLogSince — one readonly transaction: meta, at most `limit` events after `afterSeq`, and the removal records among them. */
export async function readLogSince(db: QueueDB, afterSeq: number, limit: number): Promise<LogSince> {
  return guard(db, 'reading the log', async () => {
    const tx = db.transaction(['meta', 'events', 'removals'], 'readonly');
    const after = IDBKeyRange.lowerBound(afterSeq, true);
    const [meta, events, removals] = await Promise.all([
      tx.objectStore('meta').get(META_KEY),
      tx.objectStore('events').getAll(after, limit),
      tx.objectStore('removals').getAll(after),
    ]);
    const { seq, counts } = meta ?? emptyMeta();
    const more = events.length === limit;
    const through = more ? events[events.length - 1]!.seq : seq;
    const entries: LogEntry[] = [...events];
    for (const removal of removals) if (removal.seq <= through) entries.push({ kind: 'removal', ...removal });
    entries.sort((a, b) => a.seq - b.seq);
    return { entries, through, more, waiting: counts.waiting };
  });
}

/**
 * The changes `entries` mean, in order. A removal record of a job whose last event the reader has
 * not seen (`seen` says; the event went with the job) also yields that outcome: a job removed as it
 * completed still completes for the reader, with its stored result.
 */
export function changesOf(entries: readonly LogEntry[], seen: (seq: number) => boolean): QueueChange[] {
  const changes: QueueChange[] = [];
  for (const entry of entries) {
    if ('kind' in entry) {
      const { seq, jobId, state, lastSeq } = entry;
      if (jobId === undefined) {
        changes.push({ seq, type: 'obliterated' });
        continue;
      }
      if (lastSeq !== undefined && !seen(lastSeq)) {
        if (state === 'completed') changes.push({ seq: lastSeq, jobId, type: 'completed', state, returnvalue: entry.returnvalue });
        if (state === 'failed') changes.push({ seq: lastSeq, jobId, type: 'failed', state, failedReason: entry.failedReason ?? 'failed' });
      }
      changes.push(state === undefined ? { seq, jobId, type: 'removed' } : { seq, jobId, type: 'removed', state });
    } else if (entry.schedulerId !== undefined) {
      changes.push({ seq: entry.seq, type: entry.type, schedulerId: entry.schedulerId });
    } else if (entry.jobId === undefined) {
      changes.push({ seq: entry.seq, type: entry.type });
    } else if (entry.state !== undefined) {
      // Only events from before the database's upgrade to version 2 lack their state, and no
      // instance reads those as news: it starts reading at the seq the log had when it opened.
      changes.push(changeOf(entry, entry.state));
    }
  }
  return changes;
}

function changeOf(event: StoredJobEvent, state: JobState): QueueChange {
  const change: QueueChange = { seq: event.seq, jobId: event.jobId, type: event.type, state };
  switch (event.type) {
    case 'active':
      change.owner = event.payload.owner;
      break;
    case 'progress':
      change.progress = event.payload.progress;
      break;
    case 'completed':
      change.returnvalue = event.payload.returnvalue;
      break;
    case 'failed':
      change.failedReason = event.payload.failedReason;
      break;
    case 'stalled':
      if (state === 'failed') change.failedReason = STALLED_REASON;
      break;
    case 'childFailed':
      // The child's failure failed its parent (failParentOnFailure): the machine's reason for it.
      if (state === 'failed') change.failedReason = `child ${event.payload.child} failed`;
      break;
  }
  return change;
}
