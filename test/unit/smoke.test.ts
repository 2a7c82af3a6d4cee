import { describe, expect, it } from 'vitest';
import { makeQueue } from './helpers.js';

describe('smoke', () => {
  it('adds, processes and completes', async () => {
    const q = makeQueue<{ n: number }, number>();
    const a = await q.add('double', { n: 2 });
    const b = await q.add({ n: 5 }, { priority: 1 });
    expect(a.id).toBe('1');
    expect(b.name).toBe('__default__');
    expect(await q.getJobCounts()).toMatchObject({ waiting: 2 });
    const order: string[] = [];
    await q.process('*', async (job) => { order.push(job.id); return job.data.n * 2; });
    expect(await a.finished()).toBe(4);
    expect(await b.finished()).toBe(10);
    expect(order).toEqual(['2', '1']);
    expect(await q.getJobCounts()).toMatchObject({ waiting: 0, completed: 2 });
    const h = await a.history();
    expect(h.map((e) => e.type)).toEqual(['added', 'active', 'completed']);
  });
});
