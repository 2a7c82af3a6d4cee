// One readwrite transaction, seen as a batch of appended events. Every storage command runs inside
// `write()` (write.ts): the meta record is read once (or taken from memory, guarded by the head:
// see write.ts), each event is folded into its job's projection before anything is written (a
// refused event writes nothing), and event + projection go in together. What the jobs of a flow
// must tell each other is collected as messages (core/links.ts).
import { unwrap, type IDBPTransaction } from 'idb';
import type { QueueChange } from '../core/change.js';
import { JobtrailError, returnValueHint } from '../core/errors.js';
import type { JobEvent, QueueEvent } from '../core/events.js';
import { outcomeMessage, removalMessages, type LinkMessage } from '../core/links.js';
import { countFinished } from '../core/metrics.js';
import { compareRank, type Rank } from '../core/rank.js';
import type { JobState } from '../core/types.js';
import { project, type JobRecord } from './record.js';
import { queueNameOf, type QueueDB } from './open-db.js';
import { emptyMeta, jobEventsRange, META_KEY, stateRange, type MetaRecord, type QueueSchema, type RemovalRecord } from './schema.js';

/** What a command will read, requested together with the meta record: one round trip, not several. */
export interface Prefetch {
  /** Jobs it reads (the runner knows the jobs it finishes). */
  jobs?: readonly string[];
  /** It scans the waiting line for this many jobs (a claim). */
  waiting?: number;
}

/** What a transaction may start from without reading: the meta record it expects, and where to scan. */
export interface Expected {
  /** The meta record as the last transaction here committed it, or null to read it. */
  meta: MetaRecord | null;
  /** The floor of the waiting line this instance saw last (a guess when `meta` is null). */
  waitingFloor: Rank | undefined;
  /** With `meta`: what the same connection knows of the jobs at that version, used instead of reading. */
  known?: Known;
}

/**
 * What a connection knows of the jobs store as its last committed transaction left it (write.ts
 * keeps it): the job records it wrote, and the head of the waiting line. A transaction that starts
 * from remembered meta uses them instead of reading, under the same guard: if anyone committed in
 * between, the head refuses the transaction and it runs again, reading.
 */
export interface Known {
  /** Updated in place as transactions commit; oldest first. */
  jobs: Map<string, JobRecord>;
  line: WaitingLine | null;
}

/** The first jobs of the waiting line, in order; `complete`: there are no others. */
export interface WaitingLine {
  records: readonly JobRecord[];
  complete: boolean;
}

/** Removal records are kept for this many seqs (every change takes one), then pruned. */
export const REMOVALS_KEPT = 10_000;
/** Prune removal records this many seqs at a time, in one range delete (and head records, versions). */
const PRUNE_STEP = 1000;
/** The head keeps the last this many versions (see write.ts: a memory older than this is never used). */
export const HEADS_KEPT = 100_000;
/**
 * A read of the waiting line fetches this many jobs beyond those the claim asked for: they become
 * the known head of the line, so the next claims of an undisturbed connection read nothing.
 */
const LOOKAHEAD = 32;

interface EarlyScan {
  floor: Rank | undefined;
  count: number;
  records: Promise<JobRecord[]>;
}

type WriteStores = ('meta' | 'jobs' | 'events' | 'owners' | 'removals' | 'schedulers' | 'flows' | 'outbox' | 'head')[];
const WRITE_STORES: WriteStores = ['meta', 'jobs', 'events', 'owners', 'removals', 'schedulers', 'flows', 'outbox', 'head'];
export type WriteTx = IDBPTransaction<QueueSchema, WriteStores, 'readwrite'>;

export class WriteBatch {
  /** What this transaction changes, for listeners in this tab and notices to the others. */
  readonly changes: QueueChange[] = [];
  /**
   * Messages to jobs of flows that this transaction's changes send (a child finished or went, a
   * parent went). `write()` applies those for jobs of this queue before it commits and puts the
   * others in the outbox.
   */
  readonly messages: LinkMessage[] = [];
  /** The outbox got a message: the queue instance delivers it once this commits. */
  wroteOutbox = false;

  /** The log's last seq before this transaction: it appends `firstSeq + 1` to `meta.seq`. */
  readonly firstSeq: number;
  /** The meta record's version this transaction starts from; it commits `version + 1`. */
  readonly version: number;
  /** A job was removed: removal records may need pruning at commit. */
  #removed = false;
  /** The scan of the waiting line issued with the first reads, if any. */
  #earlyWaiting: EarlyScan | null = null;
  /** The job records this transaction wrote (null: deleted), for what the connection knows next (write.ts). */
  readonly #written = new Map<string, JobRecord | null>();
  /** The first page of the waiting line this transaction scanned, and how many line edits preceded it. */
  #linePage: (WaitingLine & { edits: number }) | null = null;
  /** Jobs that joined the waiting line or moved in it: the line known before is no longer its head. */
  #lineEdits = 0;
  /** Jobs that left the waiting line in this transaction. */
  readonly #lineLeft = new Set<string>();
  /** The command wrote jobs without `append`/`remove` (rebuild, obliterate): nothing of it is known. */
  #untracked = false;
  /**
   * The transaction without idb's wrapper, for writes: their results are never read (a failed write
   * aborts the transaction, which `commit` reports), and a wrapped request costs a promise and two
   * listeners — a tenth of the main thread's time when processing (bench --profile).
   */
  readonly #raw: IDBTransaction;

  private constructor(
    readonly tx: WriteTx,
    readonly meta: MetaRecord,
    /** The queue this database holds (undefined for a database opened without its name). */
    readonly queueName: string | undefined,
  ) {
    this.firstSeq = meta.seq;
    this.version = meta.version ?? 0;
    this.#raw = unwrap(tx) as IDBTransaction;
    // The guard of optimistic writes (see HeadRecord, write.ts): issued before any other write. If
    // another transaction committed this version, the add fails and the transaction aborts.
    this.#raw.objectStore('head').add({ v: this.version + 1 });
  }

  /**
   * Begin a transaction. With `expected.meta`, nothing is read before the command runs (the head
   * guards it); otherwise the meta record is read, together with the `prefetch` reads: one round
   * trip to the database either way.
   */
  static async begin(db: QueueDB, prefetch: Prefetch = {}, expected: Expected = { meta: null, waitingFloor: undefined }): Promise<WriteBatch> {
    const tx = db.transaction(WRITE_STORES, 'readwrite') as WriteTx;
    tx.done.catch(() => {}); // observed in commit()
    const metaRead = expected.meta ? null : tx.objectStore('meta').get(META_KEY);
    // Known records only with remembered meta: both hold at the same version, or the head refuses.
    const known = expected.meta ? expected.known : undefined;
    const early = new Map((prefetch.jobs ?? []).map((id) => {
      const record = known?.jobs.get(id);
      return [id, record ? Promise.resolve(structuredClone(record)) : tx.objectStore('jobs').get(id)] as const;
    }));
    for (const read of early.values()) read.catch(() => {}); // a failure aborts the transaction
    let earlyWaiting: EarlyScan | null = null;
    if (prefetch.waiting) {
      const floor = expected.meta ? expected.meta.floors.waiting : expected.waitingFloor;
      const line = known?.line;
      if (line && (line.complete || line.records.length >= prefetch.waiting)) {
        // A complete line counts one more than it holds, so the scan knows there is nothing after it.
        // Not copied (unlike known job records, which reads hand to any command): a claim's scan hands
        // the line's records only to append() as the previous state, which never changes it, and a
        // job that leaves the line or changes in it drops out of what is known.
        const count = line.complete ? line.records.length + 1 : line.records.length;
        earlyWaiting = { floor, count, records: Promise.resolve([...line.records]) };
      } else {
        const count = prefetch.waiting + LOOKAHEAD;
        const records = tx.objectStore('jobs').index('byState').getAll(stateRange('waiting', floor), count);
        records.catch(() => {});
        earlyWaiting = { floor, count, records };
      }
    }
    const meta = expected.meta ? structuredClone(expected.meta) : ((await metaRead) ?? emptyMeta());
    const batch = new WriteBatch(tx, meta, queueNameOf(db));
    batch.#early = early;
    batch.#earlyWaiting = earlyWaiting;
    return batch;
  }

  /** Job reads issued by `begin`, each handed out once (and dropped once the job is written). */
  #early = new Map<string, Promise<JobRecord | undefined>>();

  read(jobId: string): Promise<JobRecord | undefined> {
    const early = this.#early.get(jobId);
    if (early) {
      this.#early.delete(jobId);
      return early;
    }
    return this.tx.objectStore('jobs').get(jobId);
  }

  /**
   * Fold `event` into the job and write event and projection. Throws when the machine refuses the
   * event; nothing is written then, and the rest of the batch may go on.
   *
   * `removeIf`: the job goes at once if the folded record says so (removeOnComplete: true). Then
   * neither the event nor the projection is written, only the removal: writing them to delete them
   * in the same transaction was, with the deletes, most of what removeOnComplete cost IndexedDB
   * (BENCHMARKS.md's transaction shapes), and nobody could ever have read them. The event still
   * takes its seq, and everything else happens as if it had been written: counts, metrics, the
   * messages of a flow, the changes. Only for a record that lists its events' seqs (else `remove`
   * must read them, which append cannot: it is synchronous); check `removed` afterwards.
   */
  append(prev: JobRecord | undefined, jobId: string, event: JobEvent, removeIf?: (next: JobRecord) => boolean): JobRecord {
    const seq = this.meta.seq + 1;
    const next = project(prev, jobId, event, seq);
    const goes = prev?.seqs !== undefined && removeIf?.(next) === true;
    try {
      // put() clones synchronously: uncloneable data throws here, before anything is written. (The
      // removal record holds the job's outcome, so it clones what the event would.)
      if (goes) this.#raw.objectStore('removals').put(removalOf(next, seq + 1));
      else this.#raw.objectStore('events').put({ ...event, seq, jobId, state: next.state });
    } catch (err) {
      throw notCloneable(err, jobId, event);
    }
    this.meta.seq = seq;
    this.#early.delete(jobId); // an early read of this job is stale now
    if (!goes) this.#raw.objectStore('jobs').put(next);
    this.#written.set(jobId, next);
    // Any change to a waiting job (joining, moving, new data) edits the line; leaving it only shortens it.
    if (next.state === 'waiting') this.#lineEdits++;
    else if (prev?.state === 'waiting') this.#lineLeft.add(jobId);
    if (prev?.state !== next.state) {
      if (prev) this.meta.counts[prev.state]--;
      this.meta.counts[next.state]++;
      if (next.state === 'completed' || next.state === 'failed') {
        this.meta.metrics = { ...this.meta.metrics, [next.state]: countFinished(this.meta.metrics?.[next.state], event.time) };
      }
    }
    if (prev?.state !== next.state || prev.rank !== next.rank) this.lowerFloor(next.state, next.rank);
    if (next.job.opts.parent && prev?.state !== next.state) {
      const message = outcomeMessage(this.#ownQueue(), next.job, next.state, seq, event.time);
      if (message) this.messages.push(message);
    }
    const change: QueueChange = { seq, jobId, type: event.type, state: next.state, job: next.job };
    if (event.type === 'active') change.owner = event.payload.owner;
    else if (event.type === 'progress') change.progress = next.job.progress;
    else if (event.type === 'completed') change.returnvalue = next.job.returnvalue;
    const failing = event.type === 'failed' || event.type === 'stalled' || (event.type === 'childFailed' && next.state === 'failed');
    if (failing && next.job.failedReason) change.failedReason = next.job.failedReason;
    this.changes.push(change);
    // Its removal record is written already; the events stored before this one go now.
    if (goes) this.#removeStored(next, prev.seqs!);
    return next;
  }

  /** The job was removed in this transaction (by `remove`, or by `append`'s `removeIf`). */
  removed(jobId: string): boolean {
    return this.#written.get(jobId) === null;
  }

  appendQueueEvent(event: QueueEvent): void {
    const seq = ++this.meta.seq;
    this.#raw.objectStore('events').put({ ...event, seq });
    this.changes.push({ seq, type: event.type });
  }

  /**
   * Delete a job's projection and every event of its history, and record the removal (with a seq
   * of its own, and the job's outcome if it had finished) for instances that catch up later. In a
   * flow, its parent hears of it (unless it completed), and the children it still waited for go too.
   */
  async remove(record: JobRecord): Promise<void> {
    // The seqs the record keeps need no read; an older record's (or a long history's) are looked up.
    const keys = record.seqs ?? (await this.tx.objectStore('events').index('byJob').getAllKeys(jobEventsRange(record.id)));
    this.#raw.objectStore('removals').put(removalOf(record, this.meta.seq + 1));
    this.#removeStored(record, keys);
  }

  /** The rest of a removal whose removal record (at seq + 1) is written: delete `keys` and the projection, then count. */
  #removeStored(record: JobRecord, keys: readonly IDBValidKey[]): void {
    if (record.flow) this.messages.push(...removalMessages(this.#ownQueue(), record.job, record.state, Date.now()));
    const events = this.#raw.objectStore('events');
    for (const key of keys) events.delete(key);
    this.#raw.objectStore('jobs').delete(record.id);
    this.#written.set(record.id, null);
    this.#early.delete(record.id);
    if (record.state === 'waiting') this.#lineLeft.add(record.id);
    this.meta.counts[record.state]--;
    const seq = ++this.meta.seq;
    this.#removed = true;
    this.changes.push({ seq, jobId: record.id, type: 'removed', state: record.state, job: record.job });
  }

  /** Record that every job went (obliterate); returns its seq. */
  recordObliterated(): number {
    const seq = ++this.meta.seq;
    this.#raw.objectStore('removals').put({ seq });
    this.#removed = true;
    return seq;
  }

  /**
   * Walk the jobs of a state in rank order, starting at the state's floor, until `visit` returns
   * false or `limit` jobs were seen. Moves the floor up to the first job seen. `firstPage`: how many
   * jobs the first read fetches (a caller that knows it wants N says N).
   */
  async scan(state: JobState, visit: (record: JobRecord) => boolean, limit = Infinity, firstPage = 1): Promise<void> {
    const index = this.tx.objectStore('jobs').index('byState');
    let range = stateRange(state, this.meta.floors[state]);
    let page = firstPage;
    let seen = 0;
    const early = state === 'waiting' ? this.#usableEarlyWaiting() : null;
    // Pages of records (getAll), not a cursor: one round trip per page instead of one per record.
    // Pages double, so a caller that stops early reads little and a long walk takes few trips.
    for (;;) {
      let count = Math.min(page, limit - seen);
      let records: JobRecord[];
      if (early && seen === 0) {
        count = early.count;
        records = await early.records;
      } else records = await index.getAll(range, count);
      if (seen === 0 && records.length > 0) this.meta.floors[state] = records[0]!.rank;
      if (state === 'waiting' && seen === 0 && !this.#linePage) this.#linePage = { records, complete: records.length < count, edits: this.#lineEdits };
      for (const record of records) {
        if (!visit(record) || ++seen >= limit) return;
      }
      if (records.length < count) return;
      range = stateRange(state, records[records.length - 1]!.rank, true);
      page *= 2;
    }
  }

  /**
   * The early scan of the waiting line, once, if it still shows what a scan now would: nothing in
   * this transaction changed the line before, and it started at or below the floor meta has (a
   * floor only ever lowers a scan's start; one above meta's could have missed jobs).
   */
  #usableEarlyWaiting(): { count: number; records: Promise<JobRecord[]> } | null {
    const early = this.#earlyWaiting;
    this.#earlyWaiting = null;
    // A job joined, moved in or left the line in this transaction: the early scan is stale.
    if (!early || this.#lineEdits > 0 || this.#lineLeft.size > 0) return null;
    const floor = this.meta.floors.waiting;
    if (early.floor !== undefined && (floor === undefined || compareRank(early.floor, floor) > 0)) return null;
    return early;
  }

  /** The command writes jobs directly, not through `append`/`remove`: what it leaves is read, not known. */
  untracked(): void {
    this.#untracked = true;
  }

  /**
   * What the connection knows once this transaction commits: `before`, what it knew at the version
   * this transaction started from (null if nothing, or if others committed since), updated in place
   * with what this transaction wrote and scanned, keeping the `limit` latest job records. Null when
   * the command wrote jobs untracked.
   */
  knownAfter(before: Known | null, limit: number): Known | null {
    if (this.#untracked) return null;
    const jobs = before?.jobs ?? new Map<string, JobRecord>();
    for (const [id, record] of this.#written) {
      jobs.delete(id);
      // A copy: the caller may hand the record on (a Job's data is the record's), and it must not change.
      if (record) jobs.set(id, structuredClone(record));
    }
    for (const id of jobs.keys()) {
      if (jobs.size <= limit) break;
      jobs.delete(id);
    }
    return { jobs, line: this.#lineAfter(before?.line ?? null) };
  }

  /** The head of the waiting line after this transaction, if it is known: scanned or known before, and not edited since. */
  #lineAfter(before: WaitingLine | null): WaitingLine | null {
    const page = this.#linePage;
    const base = page ? (page.edits === this.#lineEdits ? page : null) : this.#lineEdits === 0 ? before : null;
    if (!base) return null;
    return { records: base.records.filter((r) => !this.#lineLeft.has(r.id)), complete: base.complete };
  }

  /** Keep `message` for a job of another queue until it is delivered (see deliver.ts). */
  toOutbox(message: LinkMessage): void {
    this.#raw.objectStore('outbox').add(message);
    this.wroteOutbox = true;
  }

  /**
   * Write meta and request the commit, before returning (throwing at once if the transaction is
   * over already); the promise settles once committed.
   */
  commit(): Promise<void> {
    if (this.#removed) this.pruneRemovals();
    this.meta.version = this.version + 1;
    // Keep the last HEADS_KEPT versions, dropping older ones PRUNE_STEP at a time (one range delete).
    if (this.meta.version % PRUNE_STEP === 0 && this.meta.version > HEADS_KEPT) {
      this.#raw.objectStore('head').delete(IDBKeyRange.upperBound(this.meta.version - HEADS_KEPT));
    }
    this.#raw.objectStore('meta').put(this.meta);
    this.tx.commit?.();
    return this.tx.done;
  }

  abort(): void {
    try {
      this.tx.abort();
    } catch {
      // already finished or aborted
    }
  }

  /**
   * Drop the removal records older than the last REMOVALS_KEPT seqs, PRUNE_STEP seqs at a time: one
   * range delete over records not deleted before, so it never walks over old tombstones.
   */
  private pruneRemovals(): void {
    const from = this.meta.removalsPrunedTo ?? 0;
    const to = this.meta.seq - REMOVALS_KEPT;
    if (to - from < PRUNE_STEP) return;
    this.#raw.objectStore('removals').delete(IDBKeyRange.bound(from, to, true, false));
    this.meta.removalsPrunedTo = to;
  }

  #ownQueue(): string {
    if (this.queueName === undefined) throw new JobtrailError('ERR_STORAGE', 'A job of a flow changed in a database opened without its queue name');
    return this.queueName;
  }

  private lowerFloor(state: JobState, rank: Rank): void {
    const floor = this.meta.floors[state];
    if (floor && compareRank(rank, floor) < 0) this.meta.floors[state] = rank;
  }
}

/** The record of a job's removal at `seq`, with its outcome if it had finished (for instances catching up). */
function removalOf(record: JobRecord, seq: number): RemovalRecord {
  const removal: RemovalRecord = { seq, jobId: record.id, state: record.state, lastSeq: record.seq };
  if (record.state === 'completed') removal.returnvalue = record.job.returnvalue;
  if (record.state === 'failed') removal.failedReason = record.job.failedReason ?? 'failed';
  return removal;
}

const CLONED: Partial<Record<JobEvent['type'], string>> = {
  added: 'data',
  updated: 'data',
  completed: 'return value',
  progress: 'progress',
};

function notCloneable(err: unknown, jobId: string, event: JobEvent): unknown {
  if ((err as { name?: string } | null)?.name !== 'DataCloneError') return err;
  const what = CLONED[event.type] ?? `${event.type} event`;
  const hint = event.type === 'completed' ? ` ${returnValueHint(event.payload.returnvalue)}` : '';
  return new JobtrailError('ERR_NOT_CLONEABLE', `Job ${jobId}'s ${what} is not cloneable, so IndexedDB cannot store it (${(err as Error).message}); nothing was written.${hint}`, { cause: err });
}
