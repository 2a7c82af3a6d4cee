// stallJobs — reads: the active jobs, and the owners' records (heartbeats, notes). Appends:
// `stalled` for each active job whose owner is gone and that was claimed before `claimedBefore` (a
// claim made after the liveness check began may belong to an owner the check did not see yet) —
// or `released`, when the owner left a note giving that claim back. Deletes: a job that thereby
// failed for good, as its `removeOnFail` says; the notes of owners whose jobs it requeued.
import type { OwnerRecord } from './schema.js';
import type { JobRecord } from './record.js';
import { applyKeep } from './remove-jobs.js';
import type { WriteBatch } from './write-batch.js';

export interface StallCheck {
  /** Whether the queue instance `owner` is still alive (Web Lock held, or heartbeat fresh). */
  isAlive: (owner: string, heartbeatExpiresAt: number | undefined) => boolean;
  claimedBefore: number;
  maxStalledCount: number;
  now: number;
}

export interface StallResult {
  /** The jobs requeued (or failed): stalled, or released by their owner's note. */
  stalled: JobRecord[];
  /** Owners found alive holding active jobs: worth watching. */
  liveOwners: Set<string>;
}

export async function stallJobs(batch: WriteBatch, check: StallCheck): Promise<StallResult> {
  const liveOwners = new Set<string>();
  if (batch.meta.counts.active === 0) return { stalled: [], liveOwners };
  const active: JobRecord[] = [];
  await batch.scan('active', (record) => {
    active.push(record);
    return true;
  });
  const owners = new Map<string, OwnerRecord | undefined>();
  const stalled: JobRecord[] = [];
  for (const record of active) {
    const claim = record.job.claim;
    if (!claim || (record.job.processedOn ?? 0) >= check.claimedBefore) continue;
    if (!owners.has(claim.owner)) owners.set(claim.owner, await batch.tx.objectStore('owners').get(claim.owner));
    const owner = owners.get(claim.owner);
    if (check.isAlive(claim.owner, owner?.expiresAt)) {
      liveOwners.add(claim.owner);
      continue;
    }
    let next: JobRecord;
    if (owner?.left?.tokens.includes(claim.token)) {
      next = batch.append(record, record.id, { type: 'released', time: check.now, payload: { token: claim.token, reason: owner.left.reason } });
    } else {
      const payload = { token: claim.token, maxStalledCount: check.maxStalledCount };
      next = batch.append(record, record.id, { type: 'stalled', time: check.now, payload });
      if (next.state === 'failed') await applyKeep(batch, next, next.job.opts.removeOnFail, check.now);
    }
    stalled.push(next);
  }
  for (const [id, owner] of owners) {
    if (owner?.left && !liveOwners.has(id)) void batch.tx.objectStore('owners').delete(id).catch(() => {});
  }
  return { stalled, liveOwners };
}
