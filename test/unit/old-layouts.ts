// The database layouts earlier versions of jobtrail created, frozen here (not derived from
// open-db.ts, whose upgrade steps they test): each upgrade test writes records into one of these
// as a tab of that version did, then opens it with today's code.
import { openDB, type IDBPDatabase } from 'idb';

/** Open `name` at `version` (1 to 5) with the stores and indexes that version created. */
export function openOldLayout(name: string, version: 1 | 2 | 3 | 4 | 5): Promise<IDBPDatabase> {
  return openDB(name, version, {
    upgrade(db) {
      db.createObjectStore('meta', { keyPath: 'key' });
      const jobs = db.createObjectStore('jobs', { keyPath: 'id' });
      jobs.createIndex('byState', ['state', 'rank']);
      jobs.createIndex('byCreated', 'created');
      jobs.createIndex('byName', ['job.name', 'created']);
      const events = db.createObjectStore('events', { keyPath: 'seq' });
      events.createIndex('byJob', ['jobId', 'seq']);
      db.createObjectStore('owners', { keyPath: 'owner' });
      if (version >= 2) jobs.createIndex('byDedup', ['job.opts.deduplication.id', 'created']);
      if (version >= 3) db.createObjectStore('removals', { keyPath: 'seq' });
      if (version >= 4) {
        db.createObjectStore('schedulers', { keyPath: 'id' });
        events.createIndex('byScheduler', ['schedulerId', 'seq']);
      }
      if (version >= 5) {
        db.createObjectStore('flows', { keyPath: 'id' });
        db.createObjectStore('outbox', { keyPath: 'key', autoIncrement: true });
        jobs.createIndex('byFlow', 'flow');
      }
    },
  });
}
