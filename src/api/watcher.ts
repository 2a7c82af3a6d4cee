// A watcher: something read from the queue's store, kept while anyone listens, and read again after
// each burst of committed changes that may alter it — made in this tab or another (`global:changed`
// reports both). A change is only a hint: what a snapshot holds always comes from a read. The
// shape is the one `useSyncExternalStore` takes (and Svelte, Vue or Solid wrap in a few lines).
import type { QueueChange } from '../core/change.js';
import type { Queue } from './queue.js';

/**
 * A value of the queue's store that stays current: `getSnapshot()` returns the same object until
 * the value changes, and `subscribe(onChange)` calls `onChange` (with no argument) after each
 * change, across tabs. The first subscriber starts the watch (one read, then one per burst of
 * changes), the last one to unsubscribe stops it.
 */
export interface Watcher<T> {
  /** Call `onChange` after each change of the snapshot; returns the function that stops it. */
  subscribe(onChange: () => void): () => void;
  /** The value now: the same object until it changes; `undefined` until the first read. */
  getSnapshot(): T;
}

/** What a watcher reads, and when. */
export interface WatchSource<T> {
  read(): Promise<T>;
  /** Whether `change` may alter the value `current` (a false positive costs one read, a false negative a stale view). */
  affects(change: QueueChange, current: T | undefined): boolean;
  /** `previous` when `next` holds the same, else `next` (reusing what did not change inside it). */
  keep(previous: T | undefined, next: T): T;
}

/** The queue's side of a watch. Every Queue<Data, Result> is one. */
type WatchedQueue = Pick<Queue, 'on' | 'off' | 'reportError' | 'closed'>;

// One watcher per queue and key, so that every component watching the same thing shares one read
// and one snapshot (a second read could land in between and show two values at once). A watcher is
// cached from its creation — the render that creates it subscribes only after it commits — and
// dropped once its last subscriber leaves; subscribing to it again caches it again. (One that is
// never subscribed to, from a render React threw away, stays: it holds no listener and no data.)
const cache = new WeakMap<object, Map<string, Watcher<unknown>>>();

/** The watcher of `queue` for `key`, made from `source()` if there is none. */
export function watcherFor<T>(queue: WatchedQueue, key: string, source: () => WatchSource<T>): Watcher<T | undefined> {
  const watchers = cache.get(queue) ?? new Map<string, Watcher<unknown>>();
  cache.set(queue, watchers);
  const found = watchers.get(key) as Watcher<T | undefined> | undefined;
  if (found) return found;
  const made = createWatcher(queue, source(), {
    active: () => {
      if (!watchers.has(key)) watchers.set(key, made);
    },
    idle: () => {
      if (watchers.get(key) === made) watchers.delete(key);
    },
  });
  watchers.set(key, made);
  return made;
}

function createWatcher<T>(queue: WatchedQueue, source: WatchSource<T>, lifecycle: { active(): void; idle(): void }): Watcher<T | undefined> {
  let snapshot: T | undefined;
  /** One entry per subscription: subscribing the same function twice needs two unsubscribes. */
  const subscribers = new Set<{ onChange: () => void }>();
  let reading: Promise<void> | null = null;
  let again = false;

  const onChange = (change: QueueChange) => {
    if (source.affects(change, snapshot)) wake();
  };

  /** Read soon: every wake until the read starts, and every one during it, makes one read more. */
  const wake = () => {
    if (reading) {
      again = true;
      return;
    }
    // Started in a microtask, so that a burst of changes announced together (one catch-up read of
    // the log reports a whole batch) costs one read.
    reading = Promise.resolve()
      .then(readUntilCurrent)
      .finally(() => (reading = null));
  };

  const readUntilCurrent = async () => {
    do {
      again = false;
      let next: T;
      try {
        next = await source.read();
      } catch (err) {
        if (!queue.closed) queue.reportError(err);
        return;
      }
      const kept = source.keep(snapshot, next);
      if (kept === snapshot) continue;
      snapshot = kept;
      for (const subscriber of [...subscribers]) subscriber.onChange();
    } while (again && subscribers.size > 0);
  };

  return {
    subscribe(callback) {
      const subscriber = { onChange: callback };
      subscribers.add(subscriber);
      if (subscribers.size === 1) {
        lifecycle.active();
        queue.on('global:changed', onChange);
        // What was read before the watch (re)started may be stale.
        wake();
      }
      return () => {
        if (!subscribers.delete(subscriber) || subscribers.size > 0) return;
        queue.off('global:changed', onChange);
        lifecycle.idle();
      };
    },
    getSnapshot: () => snapshot,
  };
}
