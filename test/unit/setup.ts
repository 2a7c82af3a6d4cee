// Every unit test gets a fresh, empty IndexedDB (fake-indexeddb) and checks, after it ran, that
// every queue it opened still satisfies projection == fold(events).
import 'fake-indexeddb/auto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, beforeEach } from 'vitest';
import { provideCron } from '../../src/index.js';
import { assertConsistent, openedProducers, openedQueues } from './helpers.js';

// Cron patterns need the parser, which an app provides (see provideCron); every test here may use one.
provideCron(() => import('../../src/cron.js'));

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  globalThis.IDBKeyRange = IDBKeyRange;
});

afterEach(async () => {
  for (const producer of openedProducers.splice(0)) await producer.close();
  const queues = openedQueues.splice(0);
  for (const queue of queues) await queue.close({ force: true }).catch(() => {});
  for (const { name, prefix } of queues) await assertConsistent(name, prefix);
});
