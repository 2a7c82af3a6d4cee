// What a connection knows (store/write.ts, WriteBatch's Known): a transaction from remembered meta
// takes the job records this connection wrote and the head of the waiting line it read last from
// memory instead of reading them, under the head's guard. Here: that it does read less, and that
// another instance's changes (a second module graph, as another tab, with notices cut so nothing
// tells this one early) are never missed: the head refuses the stale transaction and it runs again,
// reading.
import { describe, expect, it, vi } from 'vitest';
import type { Queue } from '../../../src/index.js';
import { assertConsistent, deferred, makeQueue, queueInAnotherTab } from '../helpers.js';

/** Count the reads of job records and of the waiting line (get and getAll on the jobs store and its indexes). */
function countJobReads(): { count: () => number; restore: () => void } {
  const store = globalThis.IDBObjectStore.prototype;
  const index = globalThis.IDBIndex.prototype;
  const get = store.get;
  const getAll = index.getAll;
  let reads = 0;
  store.get = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['get']>) {
    if (this.name === 'jobs') reads++;
    return get.apply(this, args);
  };
  index.getAll = function (this: IDBIndex, ...args: Parameters<IDBIndex['getAll']>) {
    if (this.objectStore.name === 'jobs') reads++;
    return getAll.apply(this, args);
  };
  return {
    count: () => reads,
    restore: () => {
      store.get = get;
      index.getAll = getAll;
    },
  };
}

describe('known records', () => {
  it('processing one job at a time reads the jobs it finishes and the waiting line from memory, not the database', async () => {
    const q = makeQueue<{ i: number }>('known');
    await q.addBulk(Array.from({ length: 200 }, (_, i) => ({ name: 'x', data: { i } })));
    const reads = countJobReads();
    try {
      const done = deferred();
      let ran = 0;
      await q.process(1, async () => {
        if (++ran === 200) done.resolve();
      });
      await done.promise;
      await vi.waitFor(async () => expect(await q.getJobCounts('completed')).toEqual({ completed: 200 }));
      // One read of the line per LOOKAHEAD + 1 claims at most (plus the first), against two reads per job without.
      expect(reads.count()).toBeLessThan(40);
    } finally {
      reads.restore();
    }
    await assertConsistent('known');
  });

  /**
   * `a` processes 40 jobs one at a time; while it runs job 3 (holding jobs 4.. as the head of the
   * line in memory), `meddle` runs (with `b`, another instance, or `a` itself). Returns the ids and data of the `total` jobs `a` ran, in order.
   */
  async function meddleWhileHeld(name: string, total: number, meddle: (b: Queue, a: Queue) => Promise<void>): Promise<[string, unknown][]> {
    // Without notices `a` keeps its memory: only the head tells it that `b` wrote.
    const channel = vi.spyOn(globalThis.BroadcastChannel.prototype, 'postMessage').mockImplementation(() => {});
    try {
      const a = makeQueue<{ i: number | string }>(name);
      const b = await queueInAnotherTab(name);
      await a.addBulk(Array.from({ length: 40 }, (_, i) => ({ name: 'x', data: { i } })));
      const gate = deferred();
      const third = deferred();
      const all = deferred();
      const seen: [string, unknown][] = [];
      await a.process(1, async (job) => {
        seen.push([job.id!, job.data.i]);
        if (job.id === '3') {
          third.resolve();
          await gate.promise;
        }
        if (seen.length === total) all.resolve();
      });
      await third.promise;
      await meddle(b, a as Queue);
      gate.resolve();
      await all.promise;
      await b.close();
      await assertConsistent(name);
      return seen;
    } finally {
      channel.mockRestore();
    }
  }

  it('a job another instance removed or changed while this one held it in memory is not run, or runs with its new data', async () => {
    const seen = await meddleWhileHeld('stale-line', 40, async (b) => {
      await (await b.getJob('4'))!.remove();
      await (await b.getJob('5'))!.update({ i: 'changed' });
      await b.add('x', { i: 40 });
    });
    const ids = seen.map(([id]) => id);
    expect(ids).not.toContain('4');
    expect(new Set(ids).size).toBe(40);
    expect(ids.slice(0, 5)).toEqual(['1', '2', '3', '5', '6']);
    expect(seen.find(([id]) => id === '5')![1]).toBe('changed');
  });

  it('the same instance removing or changing a job of the line it holds in memory: that line is not used', async () => {
    const seen = await meddleWhileHeld('own-line', 39, async (_b, a) => {
      await (await a.getJob('4'))!.remove();
      await (await a.getJob('5'))!.update({ i: 'changed' });
    });
    const ids = seen.map(([id]) => id);
    expect(ids.slice(0, 5)).toEqual(['1', '2', '3', '5', '6']);
    expect(seen.find(([id]) => id === '5')![1]).toBe('changed');
    expect(new Set(ids).size).toBe(39);
  });

  it('a job another instance puts at the head of the line while this one holds the line in memory runs next', async () => {
    let urgent = '';
    const seen = await meddleWhileHeld('jumped-line', 41, async (b) => {
      urgent = (await b.add('x', { i: 'urgent' }, { lifo: true })).id!;
    });
    const ids = seen.map(([id]) => id);
    expect(ids.slice(0, 5)).toEqual(['1', '2', '3', urgent, '4']);
    expect(new Set(ids).size).toBe(41);
  });
});
