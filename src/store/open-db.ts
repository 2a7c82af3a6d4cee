// Opening (and creating or upgrading) a queue's database.
import { openDB, type IDBPDatabase } from 'idb';
import { storageError } from '../core/errors.js';
import { DB_VERSION, type QueueSchema } from './schema.js';

export type QueueDB = IDBPDatabase<QueueSchema>;

export interface OpenHooks {
  /** Another context wants to upgrade the database, or deleted it: the connection was closed. */
  onLost(reason: string): void;
}

export async function openQueueDb(name: string, hooks: OpenHooks): Promise<QueueDB> {
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
      },
      blocking() {
        // A newer version (another tab after an update) waits for us: step aside.
        db.close();
        hooks.onLost('the database is being upgraded by a newer version of the page');
      },
      terminated() {
        hooks.onLost('the browser closed the database connection');
      },
    });
    return db;
  } catch (err) {
    throw storageError(err, `opening the database ${name}`);
  }
}
