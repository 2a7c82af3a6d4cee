// The IndexedDB layout: one database per queue, named `${prefix}:${queue}`. Type-only apart from
// the names; bump DB_VERSION (and teach open-db.ts the upgrade) whenever this changes.
import type { DBSchema } from 'idb';
import type { StoredEvent } from '../core/events.js';
import type { PlannedJob } from '../core/flow.js';
import type { LinkMessage } from '../core/links.js';
import type { LimiterState } from '../core/limiter.js';
import type { MetricType, MinuteCounts } from '../core/metrics.js';
import type { Rank } from '../core/rank.js';
import type { JobRecord } from './record.js';
import type { SchedulerRecord } from './scheduler-record.js';
import type { JobCounts, JobState } from '../core/types.js';

/**
 * 1: meta, jobs, events, owners. 2: jobs by deduplication id. 3: removals. 4: schedulers, events by
 * scheduler. 5: flows, outbox, byFlow, the waiting-children count. 6: head (optimistic writes).
 */
export const DB_VERSION = 6;
export const META_KEY = 'queue';

/** The queue's own record, read and written by every readwrite transaction (which serialises them). */
export interface MetaRecord {
  key: typeof META_KEY;
  /** The last event sequence number handed out. Events get `seq + 1`, `seq + 2`, ... */
  seq: number;
  /** The last automatic job id handed out. */
  lastId: number;
  paused: boolean;
  counts: JobCounts;
  /**
   * Per state, a rank no live job of that state is below. Scans start here instead of at the
   * start of the state, so they skip the tombstones that deleted index entries leave behind.
   */
  floors: Partial<Record<JobState, Rank>>;
  /** The rate limiter's current window (or, sliding, its last starts), shared by every tab. */
  limiter: LimiterState | null;
  /** Jobs completed / finally failed per minute over the last hour (absent in records written before it existed). */
  metrics?: Partial<Record<MetricType, MinuteCounts>>;
  /** Removal records up to this seq are pruned (see pruneRemovals). Absent before any pruning. */
  removalsPrunedTo?: number;
  /**
   * How many readwrite transactions have committed (absent: none since version 6). The `head`
   * store's last key is this number; see write.ts for how it guards writes made without reading this.
   */
  version?: number;
}

/**
 * A record of the `head` store: every transaction adds one, keyed by the `version` it commits
 * (meta's `version`), so adding version `v + 1` fails once any transaction committed it. Only the
 * last HEADS_KEPT are kept (see write.ts for why that is enough).
 */
export interface HeadRecord {
  v: number;
}

/**
 * What became of a job that was deleted, or of every job (obliterate, without `jobId`). A removal
 * deletes the job's events, so this record, with a seq of its own, is how an instance that catches
 * up with the log later learns of it — and, for a job deleted as it finished (removeOnComplete), of
 * its outcome. Kept for the last REMOVALS_KEPT seqs only.
 */
export interface RemovalRecord {
  seq: number;
  jobId?: string;
  /** The job's state when it was deleted. */
  state?: JobState;
  /** The seq of the job's last event: a reader that had not seen it learns the outcome here. */
  lastSeq?: number;
  /** A completed job's result. */
  returnvalue?: unknown;
  /** A failed job's reason. */
  failedReason?: string;
}

/**
 * A processing queue instance: its heartbeat, used to spot dead processors where Web Locks are
 * missing, what `getWorkers()` shows of it (written when it starts processing, removed when it
 * closes; a dead one's record is pruned by the next stall sweep), and the note it leaves on its way
 * out, when it may not live to give its jobs back itself.
 */
export interface OwnerRecord {
  owner: string;
  /** Unix ms after which the owner counts as dead (heartbeats only, where Web Locks are missing; 0 once it left). */
  expiresAt?: number;
  /** What runs it. */
  kind?: OwnerKind;
  /** Its handlers: the job names it takes (`'*'` for every name) and how many at once. */
  handlers?: { name: string; concurrency: number }[];
  /** When it began processing, Unix ms. */
  startedAt?: number;
  /** The page or worker script it runs in, where known. */
  url?: string | null;
  /** Paused locally (`pause(true)`): it claims nothing. */
  paused?: boolean;
  /** The owner went away in an orderly way: whoever requeues these claims writes `released`, not `stalled`. */
  left?: { at: number; reason: string; tokens: string[] };
}

/** The kind of context a processing instance lives in. */
export type OwnerKind = 'window' | 'worker' | 'sharedworker' | 'serviceworker' | 'other';

/**
 * A flow being added across queues (FlowProducer): written in the transaction that adds the flow's
 * jobs of this queue, it holds every job still to add to the other queues, with its id fixed. Until
 * it is deleted (once every queue has its jobs), whoever finds it completes it: the tab that added
 * the flow, or any instance of this queue that opens it, or sees the adding tab's lock go.
 */
export interface FlowIntent {
  /** The flow's id (in each job's `added` event); the adding tab holds the Web Lock `jobtrail-flow:${id}` while it adds. */
  id: string;
  /** When the flow was added (the `added` events' time). */
  time: number;
  /** The jobs of the other queues, parents before their children. */
  jobs: PlannedJob[];
}

/**
 * A message to a job of another queue, written in the transaction whose change it reports (a child
 * finished or was removed, a parent was removed) and deleted once delivered (see deliver.ts).
 */
export type OutboxRecord = LinkMessage & { key?: number };

export interface QueueSchema extends DBSchema {
  meta: { key: string; value: MetaRecord };
  /** The projection: one record per job. */
  jobs: {
    key: string;
    value: JobRecord;
    /**
     * `byDedup` (version 2): jobs added with a deduplication id, by that id and creation.
     * `byFlow` (version 3): the jobs added in a flow, by the flow's id.
     */
    indexes: { byState: [JobState, Rank]; byCreated: number; byName: [string, number]; byDedup: [string, number]; byFlow: string };
  };
  /** The log. `byScheduler` (version 4): the events of each job scheduler. */
  events: { key: number; value: StoredEvent; indexes: { byJob: [string, number]; byScheduler: [string, number] } };
  owners: { key: string; value: OwnerRecord };
  removals: { key: number; value: RemovalRecord };
  /** The projection of job schedulers (version 4): one record per scheduler. */
  schedulers: { key: string; value: SchedulerRecord };
  flows: { key: string; value: FlowIntent };
  outbox: { key: number; value: OutboxRecord };
  /** Version 6: the version of the meta record, as a compare-and-swap guard (see HeadRecord). */
  head: { key: number; value: HeadRecord };
}

export type StoreName = 'meta' | 'jobs' | 'events' | 'owners' | 'removals' | 'schedulers' | 'flows' | 'outbox' | 'head';

export function emptyMeta(): MetaRecord {
  return {
    key: META_KEY,
    seq: 0,
    lastId: 0,
    paused: false,
    counts: { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0, 'waiting-children': 0 },
    floors: {},
    limiter: null,
    metrics: {},
  };
}

/** Every rank of a state, optionally starting at a floor (or just above it, with `aboveFloor`). */
export function stateRange(state: JobState, floor?: Rank, aboveFloor = false): IDBKeyRange {
  // An array sorts after every number, so `[[]]` is above every rank.
  return IDBKeyRange.bound(floor ? [state, floor] : [state], [state, [[]]], aboveFloor && floor !== undefined);
}

/** Every job added with deduplication id `id`, oldest first. */
export function dedupRange(id: string): IDBKeyRange {
  return IDBKeyRange.bound([id, -Infinity], [id, Infinity]);
}

export function schedulerEventsRange(schedulerId: string): IDBKeyRange {
  return IDBKeyRange.bound([schedulerId, -Infinity], [schedulerId, Infinity]);
}

export function jobEventsRange(jobId: string): IDBKeyRange {
  return IDBKeyRange.bound([jobId, -Infinity], [jobId, Infinity]);
}
