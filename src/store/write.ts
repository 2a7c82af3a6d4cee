// `write()`: one storage command in one readwrite transaction. The command runs on a WriteBatch;
// then the messages its changes send to jobs of flows are routed (those for this queue's jobs
// applied in this same transaction, the others put in the outbox), and it commits.
//
// Optimistic writes. Each connection remembers the meta record its last transaction committed and,
// when no other transaction of its own is in flight, starts the next one from it without reading:
// the transaction's only reads are then what the command itself needs (a job it finishes, the
// waiting line), issued together. What keeps that safe is the head (schema.ts, HeadRecord): meta's
// `version` counts committed transactions, and every transaction adds the version it commits,
// `version + 1`, to the head store with `add()`. Versions are consecutive, so if any transaction
// committed since the remembered one, it added that very key: the add fails, and the transaction
// aborts having written nothing. Then the command runs again, reading meta (which cannot conflict:
// it reads the version in its own transaction). Only the last HEADS_KEPT versions are kept, and a
// memory is used only within MEMORY_MS of its commit (by this context's monotonic clock), so a
// pruned key could pass a stale transaction only after HEADS_KEPT (100,000) commits in one second.
// (A single head record under a unique index makes the same check without pruning, but in Chromium
// its delete and indexed add cost more than the meta read they would save; an add of a fresh key
// costs almost nothing.)
//
// The same guard covers what the connection knows of the jobs (WriteBatch's Known): the job records
// its transactions wrote and the head of the waiting line it read last (a read of the line fetches
// LOOKAHEAD jobs more than the claim needs). A transaction from remembered meta takes them instead
// of reading, so a connection that processes one job at a time, undisturbed, reads nothing at all:
// it finishes the job it claimed (known: it wrote it) and claims the next of the known line. They
// hold at the version they were kept at, as meta does; a transaction that started from another
// version (anyone committed in between) starts knowing nothing, and a command that writes jobs
// behind WriteBatch's back (rebuild, obliterate) says so and leaves nothing known.
//
// Why every field of meta is safe, field by field: none needs an argument of its own. Every
// transaction that writes meta (only WriteBatch writes meta, jobs, events, removals, schedulers,
// flows, outbox) moves the head, so a transaction that commits from remembered meta saw exactly the
// stored meta — seq and lastId (ids, the event keys), counts, floors, paused, the limiter window, the
// metrics ring, removalsPrunedTo — and every decision the command took from it (a claim that finds
// the queue paused, obliterate refusing over active jobs, the limiter's budget) is one it would take
// reading. A command that fails from remembered meta runs again reading it, so a refusal made from
// stale meta is never reported. Schedulers, flow intents and the outbox are always read in the
// transaction itself; job records too, unless known (above). What is remembered is only ever a hint: the BroadcastChannel notices
// of other instances drop it early (saving a failed try), but correctness never depends on them.
import type { QueueChange } from '../core/change.js';
import { JobtrailError, storageError } from '../core/errors.js';
import type { Rank } from '../core/rank.js';
import { settleLinks } from './deliver.js';
import { lossBehind, lostError, type QueueDB } from './open-db.js';
import type { MetaRecord } from './schema.js';
import { WriteBatch, type Known, type Prefetch } from './write-batch.js';

/** What a transaction changes, known once its commit is requested. */
export interface Committing {
  changes: QueueChange[];
  /** The seqs this transaction took: (after, to]. Nobody else can have taken any of them. */
  seqs: { after: number; to: number };
  /** The outbox got messages for jobs of other queues: deliver them (see deliver.ts). */
  wroteOutbox: boolean;
}

export interface Written<T> extends Committing {
  result: T;
}

export interface WriteOptions {
  /** Read meta (no optimistic try): the transaction is then created before `write` returns, even on a retry. */
  read?: boolean;
  /**
   * Called when the commit is requested, before it completes: the time to tell other tabs. Any
   * transaction begun after this one, in any tab, runs after it (IndexedDB starts transactions
   * with overlapping scopes in the order they were created), so what they read includes these
   * changes; a notice sent now lets them begin while this one is still being written to disk
   * instead of a whole commit later. The commit may still fail (or a try from memory conflict and
   * run again, calling this again): a notice is only ever a hint to read the log.
   */
  committing?: (change: Committing) => void;
}

/** A remembered meta record older than this (ms) is not used: it is read instead (see above). */
const MEMORY_MS = 1000;

/** What a connection remembers of its last committed transaction. */
interface Memory {
  meta: MetaRecord | null;
  /** When it committed, by `performance.now()`. */
  at: number;
  waitingFloor: Rank | undefined;
  /** Its database's `commits` in this context just after that transaction. */
  commitsSeen: number;
  /** The job records and the head of the waiting line as of `knownAt` (see WriteBatch's Known). */
  known: Known | null;
  /** The meta version `known` holds at: the version this connection's last transaction committed. */
  knownAt: number;
}

/** Job records a connection keeps (the latest written): enough for the jobs a processing instance has running. */
const KNOWN_JOBS = 256;

/**
 * Every connection to a database in this JavaScript context (the queues of a page, a flow
 * producer's connections): what they have begun and committed. A hint that saves them failed tries
 * against each other; the head alone keeps writes correct, here as across tabs.
 */
interface Neighbours {
  /** Transactions begun and not settled: a new one would run after them, so it reads meta. */
  inFlight: number;
  commits: number;
}

const memories = new WeakMap<QueueDB, Memory>();
const neighbourhoods = new Map<string, Neighbours>();

function memoryOf(db: QueueDB): Memory {
  let memory = memories.get(db);
  if (!memory) memories.set(db, (memory = { meta: null, at: 0, waitingFloor: undefined, commitsSeen: 0, known: null, knownAt: -1 }));
  return memory;
}

function neighboursOf(db: QueueDB): Neighbours {
  let neighbours = neighbourhoods.get(db.name);
  if (!neighbours) neighbourhoods.set(db.name, (neighbours = { inFlight: 0, commits: 0 }));
  return neighbours;
}

/** Another instance committed (a notice said so): the next transaction reads meta instead of trying from memory. */
export function forgetMeta(db: QueueDB): void {
  const memory = memories.get(db);
  if (memory) memory.meta = null;
}

/**
 * Run `body` in one readwrite transaction and commit it. `body` may await only IndexedDB requests
 * (anything else lets the transaction commit early), and may run twice (see above): it must not
 * change anything outside the batch. If it throws, nothing is written.
 */
export async function write<T>(
  db: QueueDB,
  doing: string,
  body: (batch: WriteBatch) => Promise<T> | T,
  prefetch: Prefetch = {},
  options: WriteOptions = {},
): Promise<Written<T>> {
  const memory = memoryOf(db);
  const neighbours = neighboursOf(db);
  const fresh = neighbours.inFlight === 0 && neighbours.commits === memory.commitsSeen && performance.now() - memory.at < MEMORY_MS;
  const remembered = !options.read && fresh ? memory.meta : null;
  neighbours.inFlight++;
  try {
    if (remembered) {
      try {
        return await attempt(db, memory, neighbours, body, prefetch, remembered, options.committing);
      } catch (err) {
        memory.meta = null;
        if (lostError(db) || (err as JobtrailError | null)?.code === 'ERR_DATABASE_LOST') throw err;
        // A conflict (or a decision made from stale meta): again, reading meta.
      }
    }
    return await attempt(db, memory, neighbours, body, prefetch, null, options.committing).catch(async (err: unknown) => {
      throw (await lossBehind(db, err)) ?? (err instanceof JobtrailError ? err : storageError(err, doing));
    });
  } finally {
    neighbours.inFlight--;
  }
}

async function attempt<T>(
  db: QueueDB,
  memory: Memory,
  neighbours: Neighbours,
  body: (batch: WriteBatch) => Promise<T> | T,
  prefetch: Prefetch,
  meta: MetaRecord | null,
  committing: WriteOptions['committing'],
): Promise<Written<T>> {
  let batch: WriteBatch | undefined;
  try {
    // `known` is used only with remembered meta, and then holds at its version (both are set below).
    batch = await WriteBatch.begin(db, prefetch, { meta, waitingFloor: memory.waitingFloor, known: memory.known ?? undefined });
    const result = await body(batch);
    await settleLinks(batch);
    const committed = batch.commit();
    const change: Committing = { changes: batch.changes, seqs: { after: batch.firstSeq, to: batch.meta.seq }, wroteOutbox: batch.wroteOutbox };
    committing?.(change);
    await committed;
    // Remember what was committed (transactions on a database commit in the order they began).
    memory.meta = batch.meta;
    memory.at = performance.now();
    memory.commitsSeen = ++neighbours.commits;
    memory.waitingFloor = batch.meta.floors.waiting;
    // What this connection knew still holds only if this transaction started from the version it
    // knew it at: nobody committed in between.
    memory.known = batch.knownAfter(batch.version === memory.knownAt ? memory.known : null, KNOWN_JOBS);
    memory.knownAt = batch.meta.version!;
    return { result, ...change };
  } catch (err) {
    batch?.abort();
    throw err;
  }
}
