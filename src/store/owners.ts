// The records of processing instances: heartbeats, for runtimes without Web Locks (Node tests, old
// browsers), what `getWorkers()` shows of each instance, and the note one leaves on its way out. No
// event: liveness is not part of any job's history.
import { storageError } from '../core/errors.js';
import { lostError, type QueueDB } from './open-db.js';
import type { OwnerRecord } from './schema.js';
import type { WriteBatch } from './write-batch.js';

/** beat — reads and writes: `owner`'s record, its heartbeat now valid until `expiresAt` (Unix ms). */
export async function beat(db: QueueDB, owner: string, expiresAt: number): Promise<void> {
  try {
    await merge(db, owner, { expiresAt });
  } catch (err) {
    throw lostError(db) ?? storageError(err, 'renewing the heartbeat');
  }
}

/** announceOwner — reads and writes: `owner`'s record, with what `getWorkers()` shows of it (the heartbeat kept). */
export async function announceOwner(db: QueueDB, owner: string, presence: Omit<OwnerRecord, 'owner' | 'expiresAt'>): Promise<void> {
  try {
    await merge(db, owner, presence);
  } catch (err) {
    throw storageError(err, 'recording the processing instance');
  }
}

/** readOwners — reads: every owner record. */
export async function readOwners(db: QueueDB): Promise<OwnerRecord[]> {
  try {
    return await db.getAll('owners');
  } catch (err) {
    throw storageError(err, 'listing the processing instances');
  }
}

/**
 * pruneOwners — reads: every owner record. Deletes: those of instances found dead that started
 * before `before` (a record written after the liveness check may belong to an instance it missed).
 */
export async function pruneOwners(batch: WriteBatch, isAlive: (owner: string, expiresAt: number | undefined) => boolean, before: number): Promise<void> {
  const store = batch.tx.objectStore('owners');
  for (const record of await store.getAll()) {
    if ((record.startedAt ?? 0) < before && !isAlive(record.owner, record.expiresAt)) void store.delete(record.owner).catch(() => {});
  }
}

async function merge(db: QueueDB, owner: string, fields: Partial<OwnerRecord>): Promise<void> {
  const tx = db.transaction('owners', 'readwrite');
  tx.done.catch(() => {}); // observed below
  const previous = await tx.store.get(owner);
  void tx.store.put({ ...previous, ...fields, owner }).catch(() => {});
  await tx.done;
}

/** forgetOwner — deletes: `owner`'s heartbeat record, when the instance closes cleanly. */
export async function forgetOwner(db: QueueDB, owner: string): Promise<void> {
  await db.delete('owners', owner);
}

/**
 * leaveNote — writes: `owner`'s record, saying it left and gives back the claims `tokens`. Reads
 * nothing, so it can commit in the last moments of a page (a transaction that must wait for a read
 * is cut off when the page goes): the request is issued before this returns. Whoever requeues the
 * owner's jobs (see stallJobs) then writes `released` instead of `stalled` for them.
 */
export function leaveNote(db: QueueDB, owner: string, tokens: string[], reason: string, now: number): Promise<void> {
  try {
    const tx = db.transaction('owners', 'readwrite');
    void tx.store.put({ owner, expiresAt: 0, left: { at: now, reason, tokens } }).catch(() => {});
    tx.commit?.();
    return tx.done.catch((err: unknown) => {
      throw lostError(db) ?? storageError(err, 'leaving a note for the jobs given back');
    });
  } catch (err) {
    return Promise.reject(lostError(db) ?? storageError(err, 'leaving a note for the jobs given back'));
  }
}
