// Concurrency N: at most N jobs of a handler active at once in one queue instance, and N reached
// when there is enough work. Each handler has its own slots; a busy handler does not block others.
import { describe, expect, it } from 'vitest';
import { makeQueue, sleep } from '../helpers.js';
import { collect, deferred } from './support.js';

/** Counts the jobs inside a handler right now and the most there ever were. */
function gauge() {
  let now = 0;
  let peak = 0;
  return {
    enter: () => {
      now++;
      peak = Math.max(peak, now);
    },
    leave: () => {
      now--;
    },
    get peak() {
      return peak;
    },
  };
}

describe('concurrency', () => {
  it('never has more than N jobs active, and reaches N', async () => {
    const q = makeQueue<number>();
    const g = gauge();
    await q.addBulk(Array.from({ length: 30 }, (_, i) => ({ data: i })));
    const done = collect(q, 'completed', 30);
    await q.process(4, async (job) => {
      g.enter();
      // Uneven durations, so jobs finish out of order and slots free up one by one.
      await sleep((job.data * 7) % 5);
      g.leave();
      return job.data;
    });
    await done;
    expect(g.peak).toBe(4);
  });

  it('counts each handler’s slots separately', async () => {
    const q = makeQueue();
    const images = gauge();
    const mails = gauge();
    const done = collect(q, 'completed', 16);
    // Both handlers first: an instance takes every job it sees, and fails those it cannot handle.
    await q.process('image', 3, async () => {
      images.enter();
      await sleep(3);
      images.leave();
    });
    await q.process('mail', 1, async () => {
      mails.enter();
      await sleep(1);
      mails.leave();
    });
    await q.addBulk([
      ...Array.from({ length: 8 }, () => ({ name: 'image', data: null })),
      ...Array.from({ length: 8 }, () => ({ name: 'mail', data: null })),
    ]);
    await done;
    expect(images.peak).toBe(3);
    expect(mails.peak).toBe(1);
  });

  it('a busy handler does not hold up jobs of another name queued behind its own', async () => {
    const q = makeQueue();
    const release = deferred();
    const slowStarted = deferred();
    await q.process('slow', async () => {
      slowStarted.resolve();
      await release.promise;
    });
    await q.process('fast', async () => 'fast done');
    await q.add('slow', {});
    await slowStarted.promise;
    // Ahead of the fast job in the waiting line, but its handler has no free slot.
    await q.add('slow', {}, { priority: 1 });
    const fast = await q.add('fast', {});
    expect(await fast.finished()).toBe('fast done');
    expect(await q.getJobCounts()).toMatchObject({ active: 1, waiting: 1 });
    release.resolve();
  });

  it('is per instance: two instances each keep to their own limit', async () => {
    const a = makeQueue<number>();
    const b = makeQueue<number>();
    const ga = gauge();
    const gb = gauge();
    const all = gauge();
    await a.addBulk(Array.from({ length: 24 }, (_, i) => ({ data: i })));
    const done = collect(a, 'global:completed', 24);
    const handler = (g: ReturnType<typeof gauge>) => async () => {
      g.enter();
      all.enter();
      await sleep(10);
      all.leave();
      g.leave();
    };
    await Promise.all([a.process(2, handler(ga)), b.process(2, handler(gb))]);
    await done;
    expect(ga.peak).toBe(2);
    expect(gb.peak).toBe(2);
    expect(all.peak).toBeLessThanOrEqual(4);
    expect(all.peak).toBeGreaterThan(2);
  });
});
