// `queue.getWorkers()`: the processing instances of the queue alive now, in any tab, worker or
// service worker of the origin (BullMQ lists the Redis connections of its workers; here an
// instance is a Queue object that called `process()`).
import type { QueueDB } from '../store/open-db.js';
import { liveOwners } from '../processing/presence.js';
import type { OwnerKind } from '../store/schema.js';

/** One processing instance of a queue. */
export interface WorkerInfo {
  /** The instance's id: its Queue's `instanceId`, the owner of the jobs it claims. */
  id: string;
  /** The context it runs in: a window (tab), a dedicated or shared worker, the service worker, or other (Node). */
  kind: OwnerKind;
  /** How many jobs it may run at once: its handlers' concurrency together. */
  concurrency: number;
  /** Its handlers: the job names each takes (`'*'` for every name) and how many at once. */
  handlers: { name: string; concurrency: number }[];
  /** When it began processing, Unix ms. */
  startedAt: number;
  /** The page or worker script it runs in, where known. */
  url: string | null;
  /** It is paused locally (`pause(true)`) and claims nothing. */
  paused: boolean;
}

export async function readWorkers(db: QueueDB, dbName: string, now: number): Promise<WorkerInfo[]> {
  return (await liveOwners(db, dbName, now)).map((r) => {
    const handlers = r.handlers ?? [];
    return {
      id: r.owner,
      kind: r.kind ?? 'other',
      concurrency: handlers.reduce((sum, h) => sum + h.concurrency, 0),
      handlers,
      startedAt: r.startedAt!,
      url: r.url ?? null,
      paused: r.paused ?? false,
    };
  });
}
