// The order in which jobs are claimed: priority 1 first, unprioritised last, FIFO within a priority
// unless `lifo`. Checked both in the waiting line (getWaiting) and in the order handlers run.
import { describe, expect, it } from 'vitest';
import type { JobOptions } from '../../../src/index.js';
import { makeQueue } from '../helpers.js';
import { collect, deferred } from './support.js';

/** Add jobs named by their label, then process them one at a time; the order they ran in. */
async function runOrder(jobs: [label: string, opts?: JobOptions][]): Promise<{ waiting: string[]; ran: string[] }> {
  const q = makeQueue();
  for (const [label, opts] of jobs) await q.add(label, null, opts);
  const waiting = (await q.getWaiting()).map((j) => j.name);
  const ran: string[] = [];
  const done = collect(q, 'completed', jobs.length);
  await q.process(async (job) => {
    ran.push(job.name);
  });
  await done;
  return { waiting, ran };
}

describe('claim order', () => {
  it("Bull's test: priorities 3, 3, 2, 1 on jobs 1..4 run as 4, 3, 1, 2", async () => {
    const q = makeQueue();
    for (const priority of [3, 3, 2, 1]) await q.add({}, { priority });
    expect((await q.getWaiting()).map((j) => j.id)).toEqual(['4', '3', '1', '2']);
    const ran: string[] = [];
    const done = collect(q, 'completed', 4);
    await q.process(async (job) => {
      ran.push(job.id);
    });
    await done;
    expect(ran).toEqual(['4', '3', '1', '2']);
  });

  it('runs jobs without a priority after every prioritised job, FIFO among themselves', async () => {
    const order = await runOrder([['plain-1'], ['low', { priority: 1000 }], ['plain-2'], ['high', { priority: 1 }], ['plain-3']]);
    expect(order.waiting).toEqual(['high', 'low', 'plain-1', 'plain-2', 'plain-3']);
    expect(order.ran).toEqual(order.waiting);
  });

  it('runs lifo jobs first within their priority, newest first', async () => {
    const order = await runOrder([['fifo-1'], ['fifo-2'], ['lifo-1', { lifo: true }], ['lifo-2', { lifo: true }]]);
    expect(order.waiting).toEqual(['lifo-2', 'lifo-1', 'fifo-1', 'fifo-2']);
    expect(order.ran).toEqual(order.waiting);
  });

  it('lifo reorders only within a priority, never across priorities', async () => {
    const order = await runOrder([
      ['p2-fifo', { priority: 2 }],
      ['p1-fifo', { priority: 1 }],
      ['p1-lifo', { priority: 1, lifo: true }],
      ['plain-lifo', { lifo: true }],
      ['p2-lifo', { priority: 2, lifo: true }],
    ]);
    expect(order.waiting).toEqual(['p1-lifo', 'p1-fifo', 'p2-lifo', 'p2-fifo', 'plain-lifo']);
    expect(order.ran).toEqual(order.waiting);
  });

  it('each claim takes the best job waiting at that moment, including jobs added meanwhile', async () => {
    const q = makeQueue();
    const gate = deferred();
    const ran: string[] = [];
    const firstStarted = deferred();
    await q.add('first', null);
    await q.process(async (job) => {
      ran.push(job.name);
      if (job.name === 'first') {
        firstStarted.resolve();
        await gate.promise;
      }
    });
    await firstStarted.promise;
    const done = collect(q, 'completed', 4);
    await q.add('plain', null);
    await q.add('urgent', null, { priority: 1 });
    await q.add('normal', null, { priority: 5 });
    gate.resolve();
    await done;
    expect(ran).toEqual(['first', 'urgent', 'normal', 'plain']);
  });

  it('a job retried at once goes to the back of its priority', async () => {
    const q = makeQueue();
    const ran: string[] = [];
    await q.add('flaky', null, { attempts: 2 });
    await q.add('steady', null);
    const done = collect(q, 'completed', 2);
    await q.process(async (job) => {
      ran.push(job.name);
      if (job.name === 'flaky' && job.attemptsMade === 0) throw new Error('first try fails');
    });
    await done;
    expect(ran).toEqual(['flaky', 'steady', 'flaky']);
  });
});
