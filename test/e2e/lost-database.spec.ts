// The database goes away under a running queue: another tab deletes it, or a newer version of the
// app upgrades it. The queue says what happened (first, once), gives its active job back while the
// connection still takes a transaction, rejects every pending finished() with that error, and
// releases its Web Lock so another tab can requeue its jobs at once.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** In `page`: a queue processing job 1 (which never ends) with 39 more waiting, finished() on all 40. */
const busyQueue = (page: Page, name: string) =>
  page.evaluate(async (name) => {
    // Not openQueue: this test expects the queue's error event.
    const queue = new window.jobtrail.Queue(name);
    window.state.errors = [];
    queue.on('error', (err) => window.state.errors.push(`${(err as Error & { code?: string }).code}: ${err.message}`));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    await queue.process(async (_job, signal) => {
      window.state.signal = signal;
      started();
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    });
    const jobs = await queue.addBulk(Array.from({ length: 40 }, (_, n) => ({ data: { n } })));
    await running;
    window.state.outcomes = Promise.all(jobs.map((job) => job.finished().then(() => 'resolved', (err: Error) => err.message)));
    return queue.instanceId;
  }, name);

const outcome = (page: Page) =>
  page.evaluate(async () => ({
    outcomes: [...new Set(await window.state.outcomes)],
    errors: window.state.errors,
    aborted: window.state.signal.aborted,
  }));

/** In `page`: take the Web Lock of queue instance `owner` (granted once that instance let it go). */
const takeLock = (page: Page, dbName: string, owner: string) =>
  page.evaluate(([dbName, owner]) => navigator.locks.request(`jobtrail:${dbName}:owner:${owner}`, async () => 'granted'), [dbName, owner] as const);

test('a database deleted from another tab: every finished() rejects saying so, and the lock is released', async ({ openTab }) => {
  const [app, other] = [await openTab(), await openTab()];
  const owner = await busyQueue(app, 'lost-delete');
  await other.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.deleteDatabase('jobtrail:lost-delete');
        request.onsuccess = () => resolve();
        request.onerror = () => reject(request.error);
      }),
  );
  const message = "the database jobtrail:lost-delete was deleted (by another tab, or with the site's data); reload the page";
  expect(await outcome(app)).toEqual({ outcomes: [message], errors: [`ERR_DATABASE_LOST: ${message}`], aborted: true });
  expect(await takeLock(other, 'jobtrail:lost-delete', owner)).toBe('granted');
});

test('a database upgraded by a newer version: the job is given back first, every finished() rejects, the lock is released', async ({ openTab }) => {
  const [app, newer] = [await openTab(), await openTab()];
  const owner = await busyQueue(app, 'lost-upgrade');
  // The newer version of the app opens the database with a higher version number.
  const history = await newer.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('jobtrail:lost-upgrade', 99);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const events = await new Promise<{ type: string }[]>((resolve) => {
      const request = db.transaction('events').objectStore('events').index('byJob').getAll(IDBKeyRange.bound(['1', 0], ['1', Infinity]));
      request.onsuccess = () => resolve(request.result);
    });
    db.close();
    return events.map((e) => e.type);
  });
  expect(history).toEqual(['added', 'active', 'released']);
  const message = 'a newer version of the app upgraded the database jobtrail:lost-upgrade (to version 99); reload the page';
  expect(await outcome(app)).toEqual({ outcomes: [message], errors: [`ERR_DATABASE_LOST: ${message}`], aborted: true });
  expect(await takeLock(newer, 'jobtrail:lost-upgrade', owner)).toBe('granted');
});
