// stallJobs — reads: the active jobs, and the owners' heartbeats. Appends: `stalled` for each active
// job whose owner is gone and that was claimed before `claimedBefore` (a claim made after the
// liveness check began may belong to an owner the check did not see yet). Deletes: a job that
// thereby failed for good, as its `removeOnFail` says.
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
  const heartbeats = new Map<string, number | undefined>();
  const stalled: JobRecord[] = [];
  for (const record of active) {
    const claim = record.job.claim;
    if (!claim || (record.job.processedOn ?? 0) >= check.claimedBefore) continue;
    if (!heartbeats.has(claim.owner)) {
      heartbeats.set(claim.owner, (await batch.tx.objectStore('owners').get(claim.owner))?.expiresAt);
    }
    if (check.isAlive(claim.owner, heartbeats.get(claim.owner))) {
      liveOwners.add(claim.owner);
      continue;
    }
    const payload = { token: claim.token, maxStalledCount: check.maxStalledCount };
    const next = batch.append(record, record.id, { type: 'stalled', time: check.now, payload });
    stalled.push(next);
    if (next.state === 'failed') await applyKeep(batch, next, next.job.opts.removeOnFail, check.now);
  }
  return { stalled, liveOwners };
}
