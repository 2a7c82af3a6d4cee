// `write()`: one storage command in one readwrite transaction. The command runs on a WriteBatch;
// then the messages its changes send to jobs of flows are routed (those for this queue's jobs
// applied in this same transaction, the others put in the outbox), and it commits.
import type { QueueChange } from '../core/change.js';
import { JobtrailError, storageError } from '../core/errors.js';
import { settleLinks } from './deliver.js';
import { lossBehind, type QueueDB } from './open-db.js';
import { WriteBatch } from './write-batch.js';

export interface Written<T> {
  result: T;
  changes: QueueChange[];
  /** The seqs this transaction took: (after, to]. Nobody else can have taken any of them. */
  seqs: { after: number; to: number };
  /** The outbox got messages for jobs of other queues: deliver them (see deliver.ts). */
  wroteOutbox: boolean;
}

/**
 * Run `body` in one readwrite transaction and commit it. `body` may await only IndexedDB requests
 * (anything else lets the transaction commit early). If it throws, nothing is written.
 */
export async function write<T>(
  db: QueueDB,
  doing: string,
  body: (batch: WriteBatch) => Promise<T> | T,
  prefetch: readonly string[] = [],
): Promise<Written<T>> {
  let batch: WriteBatch | undefined;
  try {
    batch = await WriteBatch.begin(db, prefetch);
    const result = await body(batch);
    await settleLinks(batch);
    await batch.commit();
    return { result, changes: batch.changes, seqs: { after: batch.firstSeq, to: batch.meta.seq }, wroteOutbox: batch.wroteOutbox };
  } catch (err) {
    batch?.abort();
    throw (await lossBehind(db, err)) ?? (err instanceof JobtrailError ? err : storageError(err, doing));
  }
}
