// Heartbeats of processing instances, for runtimes without Web Locks (Node tests, old browsers).
// No event: liveness is not part of any job's history.
import { storageError } from '../core/errors.js';
import { lostError, type QueueDB } from './open-db.js';

/** beat — writes: `owner`'s heartbeat record, valid until `expiresAt` (Unix ms). */
export async function beat(db: QueueDB, owner: string, expiresAt: number): Promise<void> {
  try {
    await db.put('owners', { owner, expiresAt });
  } catch (err) {
    throw lostError(db) ?? storageError(err, 'renewing the heartbeat');
  }
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
