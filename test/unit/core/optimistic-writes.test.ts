// Optimistic writes (store/write.ts): a transaction starts from the meta record this connection
// committed last, without reading it, and the head guards it. Here two queue instances that know
// nothing of each other (two module graphs: as two tabs, sharing only the database) interleave
// writes, so transactions from stale meta are refused by the head and run again reading it.
import { describe, expect, it, vi } from 'vitest';
import { assertConsistent, makeQueue, queueInAnotherTab } from '../helpers.js';

/** Count the head's refusals: each is a transaction that started from stale meta and wrote nothing. */
function countConflicts(): { count: () => number; restore: () => void } {
  const proto = globalThis.IDBObjectStore.prototype;
  const add = proto.add;
  let conflicts = 0;
  proto.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
    const request = add.apply(this, args);
    if (this.name === 'head') request.addEventListener('error', () => request.error?.name === 'ConstraintError' && conflicts++);
    return request;
  };
  return { count: () => conflicts, restore: () => void (proto.add = add) };
}

describe('optimistic writes', () => {
  it('a decision made from stale meta is not reported: pause in one instance, add and claim in the other', async () => {
    const a = makeQueue('stale');
    const b = await queueInAnotherTab('stale');
    await a.add('x', {}); // a remembers meta: not paused
    await b.pause(); // b pauses; a's memory is stale now (a notice may drop it, or the head refuses)
    const started: string[] = [];
    await a.process(async (job) => void started.push(job.id!));
    await new Promise((r) => setTimeout(r, 50));
    expect(started).toEqual([]);
    expect(await a.isPaused()).toBe(true);
    await b.resume();
    await b.close();
    await vi.waitFor(() => expect(started).toEqual(['1']));
  });

  it('two instances interleaving adds and processing: conflicts are retried, nothing is lost or duplicated, projection == fold(log)', async () => {
    const conflicts = countConflicts();
    // Without notices neither drops its memory early: every write after the other's is a conflict.
    // (Last in this file: Node's BroadcastChannel does not come back from the stub for later tests.)
    const channel = vi.spyOn(globalThis.BroadcastChannel.prototype, 'postMessage').mockImplementation(() => {});
    try {
      const a = makeQueue<{ i: number }>('race');
      const b = await queueInAnotherTab('race');
      for (let i = 0; i < 10; i++) {
        await a.add('warm-up', { i: -1 }, { removeOnComplete: true });
        await b.add('warm-up', { i: -1 }, { removeOnComplete: true });
      }
      expect(conflicts.count()).toBeGreaterThanOrEqual(18);
      const ran: string[] = [];
      const total = 120 + 20;
      const done = new Promise<void>((resolve) => {
        const handler = async (job: { id?: string }) => {
          ran.push(job.id!);
          if (ran.length === total) resolve();
          return job.id;
        };
        void a.process(4, handler);
        void b.process(4, handler);
      });
      for (let i = 0; i < 60; i++) {
        const opts = i % 3 === 0 ? { removeOnComplete: true } : {};
        await Promise.all([a.add('x', { i }, opts), b.add('x', { i }, opts)]);
      }
      await done;
      expect(ran.length).toBe(total);
      expect(new Set(ran).size).toBe(total);
      expect([...ran].map(Number).sort((x, y) => x - y)).toEqual(Array.from({ length: total }, (_, k) => k + 1));
      await b.close();
      expect(await a.getJobCounts()).toMatchObject({ waiting: 0, active: 0, completed: 120 - 40 });
      await assertConsistent('race');
    } finally {
      conflicts.restore();
    }
  });
});
