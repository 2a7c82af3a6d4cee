import { afterEach, describe, expect, it } from 'vitest';
import { listQueueNames } from '../../../src/store/db-name.js';
import { prefixEnd, readJobPage, type JobQuery, type PageStart } from '../../../src/store/job-page.js';
import { openQueueDb, type QueueDB } from '../../../src/store/open-db.js';
import type { Queue } from '../../../src/api/queue.js';
import { makeQueue } from '../helpers.js';

const dbs: QueueDB[] = [];
afterEach(() => dbs.splice(0).forEach((db) => db.close()));

async function openDb(queue: Queue): Promise<QueueDB> {
  const db = await openQueueDb(queue.dbName, { onLost() {} });
  dbs.push(db);
  return db;
}

/** Every page of a query, as lists of job ids. */
async function allPages(db: QueueDB, query: JobQuery, size: number, budget?: number): Promise<string[][]> {
  const pages: string[][] = [];
  let start: PageStart = null;
  do {
    const page = await readJobPage(db, query, start, size, budget);
    pages.push(page.records.map((r) => r.id));
    start = page.next;
  } while (start !== null);
  return pages;
}

const range = (from: number, to: number) => Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => String(from > to ? from - i : from + i));

describe('readJobPage', () => {
  it('lists every job newest first, page after page, ending without an empty page', async () => {
    const queue = makeQueue();
    await queue.addBulk(Array.from({ length: 120 }, (_, i) => ({ name: 'n', data: i })));
    const db = await openDb(queue);
    expect(await allPages(db, {}, 50)).toEqual([range(120, 71), range(70, 21), range(20, 1)]);
  });

  it('continues where the previous page stopped even when newer jobs arrived meanwhile', async () => {
    const queue = makeQueue();
    await queue.addBulk(Array.from({ length: 10 }, (_, i) => ({ data: i })));
    const db = await openDb(queue);
    const first = await readJobPage(db, {}, null, 4);
    await queue.addBulk([{ data: 'new' }, { data: 'newer' }]);
    const second = await readJobPage(db, {}, first.next, 4);
    expect(first.records.map((r) => r.id)).toEqual(['10', '9', '8', '7']);
    expect(second.records.map((r) => r.id)).toEqual(['6', '5', '4', '3']);
    expect((await readJobPage(db, {}, null, 2)).records.map((r) => r.id)).toEqual(['12', '11']);
  });

  it('lists one state in its own order, reversed, through the state index', async () => {
    const queue = makeQueue();
    await queue.add('soon', 1, { delay: 1_000 });
    await queue.add('later', 2, { delay: 60_000 });
    await queue.add('now', 3);
    await queue.add('middle', 4, { delay: 30_000 });
    const db = await openDb(queue);
    // Delayed jobs are ordered by when they become due: the latest due first.
    expect(await allPages(db, { state: 'delayed' }, 2)).toEqual([['2', '4'], ['1']]);
    expect(await allPages(db, { state: 'waiting' }, 10)).toEqual([['3']]);
    expect(await allPages(db, { state: 'failed' }, 10)).toEqual([[]]);
  });

  it('lists finished jobs by when they finished, the most recent first', async () => {
    const queue = makeQueue<number>();
    await queue.addBulk([1, 2, 3, 4].map((n) => ({ name: 'n', data: n })));
    await queue.process(async (job) => {
      if (job.data % 2 === 0) throw new Error(`even ${job.data}`);
      return job.data;
    });
    await Promise.all(['1', '2', '3', '4'].map(async (id) => (await queue.getJob(id))!.finished().catch(() => {})));
    const db = await openDb(queue);
    expect(await allPages(db, { state: 'completed' }, 10)).toEqual([['3', '1']]);
    expect(await allPages(db, { state: 'failed' }, 1)).toEqual([['4'], ['2']]);
  });

  it('searches names by prefix: by name, newest first within a name', async () => {
    const queue = makeQueue();
    await queue.addBulk(['upload-a', 'resize', 'upload-b', 'upload-a', 'upload', 'uploaded?', 'UPLOAD'].map((name) => ({ name, data: null })));
    const db = await openDb(queue);
    expect(await allPages(db, { namePrefix: 'upload' }, 10)).toEqual([['6', '3', '4', '1', '5']]);
    expect(await allPages(db, { namePrefix: 'upload-' }, 2)).toEqual([['3', '4'], ['1']]);
    expect(await allPages(db, { namePrefix: 'resize' }, 10)).toEqual([['2']]);
    expect(await allPages(db, { namePrefix: 'zzz' }, 10)).toEqual([[]]);
  });

  it('combines a name prefix with a state, reading at most `budget` jobs for one page', async () => {
    const queue = makeQueue();
    // Jobs 1..20 are named `mail`; every fifth one is delayed, the rest wait.
    await queue.addBulk(Array.from({ length: 20 }, (_, i) => ({ name: 'mail', data: i, opts: (i + 1) % 5 === 0 ? { delay: 60_000 } : {} })));
    const db = await openDb(queue);
    const pages = await allPages(db, { namePrefix: 'mail', state: 'delayed' }, 10, 6);
    // A page stops after 6 jobs read, so it may come back short; following `next` finds them all.
    expect(pages.flat()).toEqual(['20', '15', '10', '5']);
    expect(pages.every((p) => p.length <= 2)).toBe(true);
    expect(pages.length).toBeGreaterThan(1);
  });
});

describe('prefixEnd', () => {
  it('is the next string after every string with the prefix', () => {
    expect(prefixEnd('up')).toBe('uq');
    expect(prefixEnd('a\uffff')).toBe('b');
    expect(prefixEnd('\uffff\uffff')).toBeNull();
  });

  it('finds names that continue with U+FFFF', async () => {
    const queue = makeQueue();
    await queue.addBulk([{ name: '\uffffa', data: 1 }, { name: '\uffff', data: 2 }, { name: 'z', data: 3 }]);
    const db = await openDb(queue);
    expect(await allPages(db, { namePrefix: '\uffff' }, 10)).toEqual([['1', '2']]);
  });
});

describe('listQueueNames', () => {
  it('lists the queues stored under a prefix, sorted', async () => {
    const queues = [makeQueue('uploads'), makeQueue('emails'), makeQueue('thumbs', { prefix: 'other' }), makeQueue('a:b')];
    await Promise.all(queues.map((q) => q.getJobCounts()));
    expect(await listQueueNames('jobtrail')).toEqual(['a:b', 'emails', 'uploads']);
    expect(await listQueueNames('other')).toEqual(['thumbs']);
    expect(await listQueueNames('none')).toEqual([]);
  });
});
