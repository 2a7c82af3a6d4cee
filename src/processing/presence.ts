// Which processing instances of a queue are alive now, across the origin, and what they are: for
// `queue.getWorkers()` and the inspector. Each instance writes its owner record when it starts
// processing (store/owners.ts); whether it is alive is the same question liveness.ts asks: does it
// hold its Web Lock (or, where Web Locks are missing, is its heartbeat fresh)?
import type { QueueDB } from '../store/open-db.js';
import { readOwners } from '../store/owners.js';
import type { OwnerKind, OwnerRecord } from '../store/schema.js';
import { ownerLockName } from './liveness.js';

/** What kind of context this code runs in. */
export function contextKind(): OwnerKind {
  const scope = globalThis as Record<string, unknown>;
  const is = (name: string) => typeof scope[name] === 'function' && globalThis instanceof (scope[name] as abstract new () => unknown);
  if (is('ServiceWorkerGlobalScope')) return 'serviceworker';
  if (is('SharedWorkerGlobalScope')) return 'sharedworker';
  if (is('DedicatedWorkerGlobalScope')) return 'worker';
  if (typeof scope.window === 'object' && typeof scope.document === 'object') return 'window';
  return 'other';
}

/** Where this code runs (the page or the worker script), where known. */
export function contextUrl(): string | null {
  const location = (globalThis as { location?: { href?: unknown } }).location;
  return typeof location?.href === 'string' ? location.href : null;
}

/** The owner records of the instances alive now, oldest first. */
export async function liveOwners(db: QueueDB, dbName: string, now: number): Promise<OwnerRecord[]> {
  const records = (await readOwners(db)).filter((r) => r.startedAt !== undefined);
  const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  let alive: (r: OwnerRecord) => boolean;
  if (locks) {
    const { held = [] } = await locks.query();
    const names = new Set(held.map((lock) => lock.name));
    alive = (r) => names.has(ownerLockName(dbName, r.owner));
  } else {
    alive = (r) => r.expiresAt !== undefined && r.expiresAt > now;
  }
  return records.filter(alive).sort((a, b) => a.startedAt! - b.startedAt!);
}
