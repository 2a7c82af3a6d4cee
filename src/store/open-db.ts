// Opening (and creating or upgrading) a queue's database, and losing it: another tab deletes it or
// upgrades it (a newer version of the app), or the browser closes the connection (site data
// cleared). From then on every error of this connection is the one that says what happened.
import { openDB, type IDBPDatabase } from 'idb';
import { JobtrailError, storageError } from '../core/errors.js';
import { DB_VERSION, META_KEY, type QueueSchema } from './schema.js';

export type QueueDB = IDBPDatabase<QueueSchema>;

/** How a connection was lost: the database deleted, upgraded by a newer version, or closed under us. */
export type Loss = 'deleted' | 'upgraded' | 'closed';

const queueNames = new WeakMap<QueueDB, string>();

/**
 * The name of the queue `db` holds, when it was opened with one: a write tells a job of its own
 * queue in the same transaction, and only a job of another queue through the outbox.
 */
export function queueNameOf(db: QueueDB): string | undefined {
  return queueNames.get(db);
}

export interface OpenHooks {
  /**
   * The connection is being lost. For `deleted` and `upgraded`, this runs before it closes: a
   * transaction begun here still commits. For `closed`, it is gone already.
   */
  onLost(loss: Loss, error: JobtrailError): void;
}

const lost = new WeakMap<QueueDB, JobtrailError>();

/** Why `db` can no longer be used, or undefined while it can. */
export function lostError(db: QueueDB): JobtrailError | undefined {
  return lost.get(db);
}

/**
 * Why `db` can no longer be used, for a request that just failed with `err`. A connection the
 * browser closes under us refuses requests at once (InvalidStateError) but says so — its `close`
 * event, where the loss is recorded — only once its running transactions have ended: for such a
 * failure, wait for that event (at most `ms`) before telling a storage error from the loss.
 */
export async function lossBehind(db: QueueDB, err: unknown, ms = 250): Promise<JobtrailError | undefined> {
  if (lost.has(db) || (err as { name?: unknown } | null)?.name !== 'InvalidStateError') return lost.get(db);
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      db.removeEventListener('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    db.addEventListener('close', done);
  });
  return lost.get(db);
}

function lossError(name: string, loss: Loss, newVersion: number | null): JobtrailError {
  const what = {
    deleted: `the database ${name} was deleted (by another tab, or with the site's data)`,
    upgraded: `a newer version of the app upgraded the database ${name} (to version ${newVersion})`,
    closed: `the browser closed the connection to the database ${name} (the site's data may have been cleared)`,
  }[loss];
  return new JobtrailError('ERR_DATABASE_LOST', `${what}; reload the page`);
}

/** Open database `name`, which holds queue `queue` (see db-name.ts). */
export async function openQueueDb(name: string, hooks: OpenHooks, queue?: string): Promise<QueueDB> {
  try {
    const db = await openDB<QueueSchema>(name, DB_VERSION, {
      upgrade(db, oldVersion, _newVersion, tx) {
        if (oldVersion < 1) {
          db.createObjectStore('meta', { keyPath: 'key' });
          const jobs = db.createObjectStore('jobs', { keyPath: 'id' });
          jobs.createIndex('byState', ['state', 'rank']);
          jobs.createIndex('byCreated', 'created');
          jobs.createIndex('byName', ['job.name', 'created']);
          const events = db.createObjectStore('events', { keyPath: 'seq' });
          events.createIndex('byJob', ['jobId', 'seq']);
          db.createObjectStore('owners', { keyPath: 'owner' });
        }
        if (oldVersion < 2) {
          // Deduplication (BullMQ's `deduplication: { id }`): the newest job holding an id, found in the add.
          tx.objectStore('jobs').createIndex('byDedup', ['job.opts.deduplication.id', 'created']);
        }
        if (oldVersion < 3) {
          db.createObjectStore('removals', { keyPath: 'seq' });
        }
        if (oldVersion < 4) {
          // Job schedulers: their projection, and their events in the log found by scheduler.
          db.createObjectStore('schedulers', { keyPath: 'id' });
          tx.objectStore('events').createIndex('byScheduler', ['schedulerId', 'seq']);
        }
        if (oldVersion < 5) {
          // Flows: intents of flows being added across queues, messages to other queues, the
          // jobs of flows, and a count of parents waiting for their children.
          db.createObjectStore('flows', { keyPath: 'id' });
          db.createObjectStore('outbox', { keyPath: 'key', autoIncrement: true });
          tx.objectStore('jobs').createIndex('byFlow', 'flow');
          const meta = tx.objectStore('meta');
          void meta.get(META_KEY).then((record) => {
            if (record && record.counts['waiting-children'] === undefined) return meta.put({ ...record, counts: { ...record.counts, 'waiting-children': 0 } });
          }).catch(() => {}); // a failure aborts the upgrade, and openDB reports it
        }
        if (oldVersion < 6) {
          // Optimistic writes: the versions transactions committed (see write.ts). A meta record
          // written before it has no version, which counts as 0.
          db.createObjectStore('head', { keyPath: 'v' });
        }
      },
      blocking(_currentVersion, newVersion) {
        // Another tab deletes the database (no new version) or upgrades it: step aside, after
        // the queue has begun what it still can (giving its jobs back).
        const loss = newVersion === null ? 'deleted' : 'upgraded';
        const error = lossError(name, loss, newVersion);
        lost.set(db, error);
        try {
          hooks.onLost(loss, error);
        } finally {
          db.close();
        }
      },
      terminated() {
        const error = lossError(name, 'closed', null);
        lost.set(db, error);
        hooks.onLost('closed', error);
      },
    });
    if (queue !== undefined) queueNames.set(db, queue);
    return db;
  } catch (err) {
    throw storageError(err, `opening the database ${name}`);
  }
}
