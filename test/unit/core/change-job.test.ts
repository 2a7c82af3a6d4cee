// job.changeDelay(ms) and job.changePriority({ priority, lifo }) (BullMQ's calls, issue 12): each is one
// event in the log, checked by the job machine; the job moves to its new place at once.
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../../src/index.js';
import { makeQueue, next } from '../helpers.js';
import { stored } from './probe.js';

const ids = (jobs: { id: string }[]) => jobs.map((j) => j.id);

describe('job.changeDelay', () => {
  it('moves a delayed job in the timeline: one delayChanged event, due `delay` ms from now', async () => {
    const queue = makeQueue();
    const a = await queue.add({}, { delay: 60_000 });
    const b = await queue.add({}, { delay: 120_000 });
    expect(ids(await queue.getDelayed())).toEqual([a.id, b.id]);
    const otherTab = makeQueue();
    const heard = next(otherTab, 'global:delayed');
    const before = Date.now();
    await b.changeDelay(1_000);
    expect(await heard).toEqual([b.id]);
    expect(b.delay).toBe(1_000);
    expect(ids(await queue.getDelayed())).toEqual([b.id, a.id]);
    const { events, jobs } = await stored(queue);
    expect(events.map((e) => e.type)).toEqual(['added', 'added', 'delayChanged']);
    const record = jobs.find((r) => r.id === b.id)!;
    expect(record.job.delay).toBe(1_000);
    expect(record.job.dueAt).toBeGreaterThanOrEqual(before + 1_000);
    expect(await queue.getNextDueAt()).toBe(record.job.dueAt);
  });

  it('to 0 lets a processor take the job now; the runner wakes for the new due time', async () => {
    const queue = makeQueue();
    await queue.process(async (job) => job.data);
    const job = await queue.add('later', 'now', { delay: 3_600_000 });
    const delayedAgain = next(queue, 'global:delayed');
    await job.changeDelay(0);
    await delayedAgain;
    expect(await job.finished()).toBe('now');
  });

  it('is refused for a job that is not delayed, and for a bad delay; nothing is written', async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    await expect(job.changeDelay(1000)).rejects.toMatchObject({ code: 'ERR_REFUSED', message: `Cannot change the delay of job ${job.id}: it is waiting, not delayed` });
    const delayed = await queue.add({}, { delay: 1000 });
    await expect(delayed.changeDelay(-1)).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(delayed.changeDelay(Number.NaN)).rejects.toThrow(/argument delay: expected a finite number >= 0, got NaN/);
    await expect(delayed.changeDelay('5s' as never)).rejects.toThrow(/got "5s"/);
    expect((await stored(queue)).events.map((e) => e.type)).toEqual(['added', 'added']);
  });
});

describe('job.changePriority', () => {
  it('moves a waiting job to its new place in line: one priorityChanged event', async () => {
    const queue = makeQueue();
    const jobs = await queue.addBulk([{ data: 1, opts: { priority: 3 } }, { data: 2, opts: { priority: 3 } }, { data: 3, opts: { priority: 2 } }, { data: 4 }]);
    expect(ids(await queue.getWaiting())).toEqual(['3', '1', '2', '4']);
    await jobs[3]!.changePriority({ priority: 1 });
    expect(jobs[3]!.opts.priority).toBe(1);
    expect(ids(await queue.getWaiting())).toEqual(['4', '3', '1', '2']);
    // Same priority, later: behind the others of that priority; with lifo, ahead of them.
    await jobs[2]!.changePriority({ priority: 3 });
    expect(ids(await queue.getWaiting())).toEqual(['4', '1', '2', '3']);
    await jobs[2]!.changePriority({ priority: 3, lifo: true });
    expect(ids(await queue.getWaiting())).toEqual(['4', '3', '1', '2']);
    // No priority: behind every prioritised job.
    await jobs[3]!.changePriority({});
    expect(ids(await queue.getWaiting())).toEqual(['3', '1', '2', '4']);
    expect((await queue.getJob('4'))!.opts).toEqual({ attempts: 1, delay: 0 });
    const { events } = await stored(queue);
    expect(events.filter((e) => e.type === 'priorityChanged')).toHaveLength(4);
  });

  it('the processor takes jobs in the new order', async () => {
    const queue = makeQueue();
    await queue.addBulk([{ data: 'a' }, { data: 'b' }, { data: 'c' }]);
    await (await queue.getJob('3'))!.changePriority({ priority: 1 });
    const ran: unknown[] = [];
    const drained = next(queue, 'drained');
    await queue.process(async (job) => {
      ran.push(job.data);
    });
    await drained;
    expect(ran).toEqual(['c', 'a', 'b']);
  });

  it('is kept by a delayed job for when it becomes waiting', async () => {
    const queue = makeQueue();
    const first = await queue.add('x', 'first', { priority: 5 });
    const later = await queue.add('x', 'later', { delay: 60_000 });
    await later.changePriority({ priority: 1 });
    expect(await later.getState()).toBe('delayed');
    await later.promote();
    expect(ids(await queue.getWaiting())).toEqual([later.id, first.id]);
  });

  it('refuses bad options, naming them; nothing is written', async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    await expect(job.changePriority({ priority: 0 })).rejects.toThrow(/changePriority option priority: expected an integer from 1 to 2147483647 \(or none, for no priority\), got 0/);
    await expect(job.changePriority({ priority: 1.5 })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(job.changePriority({ lifo: 'yes' } as never)).rejects.toThrow(/lifo: expected a boolean, got "yes"/);
    await expect(job.changePriority({ prio: 1 } as never)).rejects.toThrow(/Unknown changePriority option prio/);
    await expect(job.changePriority(2 as never)).rejects.toThrow(/changePriority options must be an object, got 2/);
    expect((await stored(queue)).events.map((e) => e.type)).toEqual(['added']);
  });
});
