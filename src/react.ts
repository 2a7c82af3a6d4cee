// jobtrail/react: React hooks over the core's watchers (watchJob, watchJobs, watchJobCounts), each a
// useSyncExternalStore, so that a concurrent render never shows two values of one store at once.
// React is an optional peer dependency: only this entry imports it, and it sees jobtrail only
// through the public entry, like any other binding would.
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import {
  watchJob, watchJobCounts, watchJobs, type JobCounts, type JobSnapshot, type Queue, type QueueEventMap, type WatchJobsOptions,
} from './index.js';

export type { JobSnapshot, WatchJobsOptions } from './index.js';

/** On the server (and while hydrating) nothing is read yet: IndexedDB is the browser's. */
const loading = (): undefined => undefined;

/**
 * The job `id` of `queue`, live across tabs: `undefined` while it is first read, `null` while there
 * is no such job, else `{ job, state }`, a new object only when the job changed.
 *
 * @example
 * function Progress({ id }: { id: string }) {
 *   const snapshot = useJob(uploads, id);
 *   if (snapshot === undefined) return 'loading…';
 *   return snapshot ? `${snapshot.state}: ${snapshot.job.progress}%` : 'gone';
 * }
 */
export function useJob<Data, Result>(queue: Queue<Data, Result>, id: string): JobSnapshot<Data, Result> | null | undefined {
  const watcher = useMemo(() => watchJob(queue, id), [queue, id]);
  return useSyncExternalStore(watcher.subscribe, watcher.getSnapshot, loading);
}

/**
 * The newest jobs of `queue` (at most `limit`, default 100; only those in `state`, or named `name`,
 * when given), live across tabs: `undefined` while first read, then an array of `{ job, state }`
 * that is a new array only when the list changed, where jobs that did not change keep their object
 * (so rows wrapped in `memo` render again only for their own job).
 *
 * @example
 * function Failed() {
 *   const failed = useJobs(uploads, { state: 'failed', limit: 10 });
 *   return failed?.map(({ job }) => job.failedReason).join(', ') ?? 'loading…';
 * }
 */
export function useJobs<Data, Result>(queue: Queue<Data, Result>, options: WatchJobsOptions = {}): JobSnapshot<Data, Result>[] | undefined {
  const { state, name, limit } = options;
  const watcher = useMemo(() => watchJobs(queue, { state, name, limit }), [queue, state, name, limit]);
  return useSyncExternalStore(watcher.subscribe, watcher.getSnapshot, loading);
}

/**
 * How many jobs of `queue` are in each state, live across tabs: `undefined` while first read, then
 * the same object until a count changes.
 *
 * @example
 * function Badge() {
 *   const counts = useJobCounts(uploads);
 *   return counts ? `${counts.waiting + counts.active} to upload` : '';
 * }
 */
export function useJobCounts(queue: Queue): JobCounts | undefined {
  const watcher = useMemo(() => watchJobCounts(queue), [queue]);
  return useSyncExternalStore(watcher.subscribe, watcher.getSnapshot, loading);
}

/**
 * Listen to an event of `queue` while the component is mounted: `global:` events come from every
 * tab. The latest `handler` is called, so it may be an inline function (changing it does not
 * subscribe again).
 *
 * @example
 * function Toasts() {
 *   useQueueEvent(uploads, 'global:failed', (jobId, reason) => console.warn(`upload ${jobId} failed: ${reason}`));
 *   return null;
 * }
 */
export function useQueueEvent<Data, Result, K extends keyof QueueEventMap<Data, Result>>(
  queue: Queue<Data, Result>,
  event: K,
  handler: QueueEventMap<Data, Result>[K],
): void {
  const latest = useRef(handler);
  // Before the effect below in commit order, so a listener added now already calls this handler.
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    const listener = ((...args: never[]) => (latest.current as (...args: never[]) => unknown)(...args)) as QueueEventMap<Data, Result>[K];
    queue.on(event, listener);
    return () => {
      queue.off(event, listener);
    };
  }, [queue, event]);
}
