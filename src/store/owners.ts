// Heartbeats of processing instances, for runtimes without Web Locks (Node tests, old browsers).
// No event: liveness is not part of any job's history.
import { storageError } from '../core/errors.js';
import type { QueueDB } from './open-db.js';

/** beat — writes: `owner`'s heartbeat record, valid until `expiresAt` (Unix ms). */
export async function beat(db: QueueDB, owner: string, expiresAt: number): Promise<void> {
  try {
    await db.put('owners', { owner, expiresAt });
  } catch (err) {
    throw storageError(err, 'renewing the heartbeat');
  }
}

/** forgetOwner — deletes: `owner`'s heartbeat record, when the instance closes cleanly. */
export async function forgetOwner(db: QueueDB, owner: string): Promise<void> {
  await db.delete('owners', owner);
}
