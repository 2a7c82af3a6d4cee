// Job schedulers (BullMQ) and repeatable jobs (Bull), issue 13: one mechanism, event-sourced. A
// scheduler's creation, change and removal are events in the log; only its next iteration exists,
// as a delayed job with an id of its slot; the claim that takes it adds the next one.
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Job, Queue, QueueChange, StoredEvent } from '../../../src/index.js';
import { loadCronParser } from '../../../src/processing/cron.js';
import { reviveSchedulers } from '../../../src/store/advance-schedulers.js';
import { claimJobs } from '../../../src/store/claim-jobs.js';
import { openQueueDb } from '../../../src/store/open-db.js';
import { project } from '../../../src/store/record.js';
import { emptyMeta } from '../../../src/store/schema.js';
import { write } from '../../../src/store/write.js';
import { makeQueue } from '../helpers.js';
import { collect, readLog, when } from '../processing/support.js';
import { openOldLayout } from '../old-layouts.js';

afterEach(() => {
  vi.useRealTimers();
});

const MINUTE = 60_000;
/** A time on a minute boundary, so every: MINUTE slots are easy to name. */
const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

function schedulerEvents(log: StoredEvent[]) {
  return log.filter((e) => e.schedulerId !== undefined).map((e) => [e.type, e.schedulerId, e.payload]);
}

/** Resolve on the next committed change of `type`, from this instance or any other. */
function changeOf(queue: Queue, type: QueueChange['type']) {
  return when(queue, 'global:changed', (change: QueueChange) => change.type === type);
}

describe('upsertJobScheduler', () => {
  it('stores the scheduler and adds its first iteration, delayed until the next slot, with an id of its slot', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0 + 1000);
    const q = makeQueue();
    const job = (await q.upsertJobScheduler('sync', { every: MINUTE }, { name: 'sync-drafts', data: { all: true }, opts: { attempts: 3 } }))!;
    expect(job.id).toBe(`repeat:sync:${T0 + MINUTE}`);
    expect(job.name).toBe('sync-drafts');
    expect(job.data).toEqual({ all: true });
    expect(job.opts).toMatchObject({ attempts: 3, delay: MINUTE - 1000, repeatJobKey: 'sync', repeat: { every: MINUTE, count: 1 } });
    expect(await job.getState()).toBe('delayed');
    expect(await q.getJobScheduler('sync')).toEqual({
      key: 'sync', id: 'sync', name: 'sync-drafts', every: MINUTE, catchUp: 'once', iterationCount: 1, next: T0 + MINUTE,
      template: { data: { all: true }, opts: { attempts: 3, delay: 0 } },
    });
    expect(schedulerEvents(await readLog())).toEqual([
      ['schedulerUpserted', 'sync', { name: 'sync-drafts', data: { all: true }, opts: { attempts: 3, delay: 0 }, repeat: { every: MINUTE }, jobId: null, withdrawn: null }],
      ['iterationAdded', 'sync', { jobId: job.id, slot: T0 + MINUTE, count: 1 }],
    ]);
  });

  it('names iterations after the scheduler when the template has no name', async () => {
    const q = makeQueue();
    const job = (await q.upsertJobScheduler('cleanup', { pattern: '0 3 * * *' }))!;
    expect(job.name).toBe('cleanup');
    expect(job.data).toEqual({});
  });

  it('upserting the same definition again writes nothing and returns the same next iteration', async () => {
    const q = makeQueue();
    const first = (await q.upsertJobScheduler('sync', { every: MINUTE }, { data: { n: 1 } }))!;
    const before = (await readLog()).length;
    const again = (await q.upsertJobScheduler('sync', { every: MINUTE }, { data: { n: 1 } }))!;
    expect(again.id).toBe(first.id);
    expect((await readLog()).length).toBe(before);
    expect(await q.getJobSchedulersCount()).toBe(1);
  });

  it('changes the schedule in place: the pending iteration is withdrawn, the new schedule takes over', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0 + 1000);
    const q = makeQueue();
    const first = (await q.upsertJobScheduler('sync', { every: MINUTE }))!;
    const second = (await q.upsertJobScheduler('sync', { every: 2 * MINUTE }, { data: { v: 2 } }))!;
    expect(second.id).toBe(`repeat:sync:${T0 + 2 * MINUTE}`);
    expect(await q.getJob(first.id)).toBeNull();
    expect(await q.getJobCounts()).toMatchObject({ delayed: 1 });
    expect(await q.getJobSchedulers()).toMatchObject([{ id: 'sync', every: 2 * MINUTE, iterationCount: 1, next: T0 + 2 * MINUTE, template: { data: { v: 2 } } }]);
    const events = schedulerEvents(await readLog());
    expect(events.map(([type]) => type)).toEqual(['schedulerUpserted', 'schedulerUpserted', 'iterationAdded']);
    expect(events[1]![2]).toMatchObject({ withdrawn: first.id, repeat: { every: 2 * MINUTE } });
  });

  it('refuses bad input with an error naming the value, and writes nothing', async () => {
    const q = makeQueue();
    await q.add('other', {});
    const before = await readLog();
    await expect(q.upsertJobScheduler('s', { pattern: 'every tuesday' })).rejects.toThrow(/Invalid repeat option pattern: "every tuesday" is not a cron pattern/);
    await expect(q.upsertJobScheduler('s', { every: 0 })).rejects.toThrow(/every: expected an integer >= 1 \(milliseconds\), got 0/);
    await expect(q.upsertJobScheduler('s', { every: 10, pattern: '* * * * *' })).rejects.toThrow(/both every \(10\) and pattern/);
    await expect(q.upsertJobScheduler('s', { every: 10, startDate: Date.now() + 9000, endDate: Date.now() + 5000 })).rejects.toThrow(/endDate: .* is before startDate/);
    await expect(q.upsertJobScheduler('s', { pattern: '0 * * * *', tz: 'Atlantis/Capital' })).rejects.toThrow(/tz: "Atlantis\/Capital" is not a time zone/);
    await expect(q.upsertJobScheduler('s', { every: 10 }, { opts: { jobId: 'x' } as never })).rejects.toThrow(/Invalid job option jobId in the template of job scheduler s/);
    await expect(q.upsertJobScheduler('s', { every: 10 }, { opts: { delay: 5 } as never })).rejects.toThrow(/job option delay .*use startDate or offset/);
    await expect(q.upsertJobScheduler('s', { every: 10 }, { opts: { attempts: 0 } })).rejects.toThrow(/attempts: expected an integer >= 1/);
    await expect(q.upsertJobScheduler('', { every: 10 })).rejects.toThrow(/upsertJobScheduler: the job scheduler id must be a non-empty string/);
    expect(await readLog()).toEqual(before);
    expect(await q.getJobSchedulers()).toEqual([]);
  });

  it('a schedule with no slot left adds nothing: upsert resolves undefined and the scheduler says why', async () => {
    const q = makeQueue();
    expect(await q.upsertJobScheduler('never', { pattern: '0 0 30 2 *' })).toBeUndefined();
    expect(await q.getJobScheduler('never')).toMatchObject({ iterationCount: 0, ended: 'pattern' });
    expect(await q.getJobScheduler('never')).not.toHaveProperty('next');
  });
});

describe('processing a scheduler', () => {
  it('runs one iteration per slot, and adds the next one in the transaction that takes the current one', async () => {
    const q = makeQueue();
    const done = collect(q, 'completed', 4);
    await q.process(async (job) => job.id);
    // catchUp 'all': a claim that comes late (a busy machine) still takes every slot in turn.
    await q.upsertJobScheduler('tick', { every: 40, catchUp: 'all' });
    const ids = (await done).map(([job]) => (job as Job).id);
    const slots = ids.map((id) => Number(id.split(':')[2]));
    expect(new Set(ids).size).toBe(4);
    for (const [i, slot] of slots.entries()) {
      expect(slot % 40).toBe(0);
      if (i > 0) expect(slot - slots[i - 1]!).toBe(40);
    }
    await q.removeJobScheduler('tick');
    // The log proves it: each iteration's claim (`active`) and the next iteration's `added` are
    // neighbours in the log, written by one transaction.
    const log = await readLog();
    for (const id of ids.slice(0, 3)) {
      const active = log.find((e) => e.jobId === id && e.type === 'active')!;
      const next = log.find((e) => e.seq === active.seq + 1)!;
      expect(next).toMatchObject({ type: 'added', payload: { opts: { repeatJobKey: 'tick' } } });
    }
  });

  it('two instances processing one scheduler never run a slot twice', async () => {
    const a = makeQueue();
    const b = makeQueue();
    const ran: string[] = [];
    const handler = async (job: Job) => {
      ran.push(job.id);
    };
    await a.process(2, handler);
    await b.process(2, handler);
    const done = collect(a, 'global:completed', 6);
    await a.upsertJobScheduler('tick', { every: 30 });
    await done;
    await a.removeJobScheduler('tick');
    await Promise.all([a.whenCurrentJobsFinished(), b.whenCurrentJobsFinished()]);
    expect(new Set(ran).size).toBe(ran.length);
    const added = (await readLog()).filter((e) => e.type === 'added').map((e) => e.jobId);
    expect(new Set(added).size).toBe(added.length);
  });

  it('a cron pattern with seconds runs on its second boundaries', async () => {
    const q = makeQueue();
    const done = collect(q, 'completed', 2);
    await q.process(async (job) => job.processedOn);
    await q.upsertJobScheduler('every-second', { pattern: '* * * * * *' });
    for (const [job] of (await done) as [Job][]) {
      const slot = Number(job.id.split(':')[2]);
      expect(slot % 1000).toBe(0);
      expect(job.processedOn!).toBeGreaterThanOrEqual(slot);
    }
  });

  it('stops after limit iterations, and says so', async () => {
    const q = makeQueue();
    const ended = changeOf(q, 'schedulerEnded');
    await q.process(async () => 'ok');
    await q.upsertJobScheduler('thrice', { every: 20, limit: 3 });
    await ended;
    expect(await q.getJobScheduler('thrice')).toMatchObject({ iterationCount: 3, ended: 'limit' });
    await q.whenCurrentJobsFinished();
    const iterations = (await readLog()).filter((e) => e.type === 'added').map((e) => e.jobId);
    expect(iterations).toHaveLength(3);
  });

  it('a removed scheduler adds no more iterations, in any instance', async () => {
    const a = makeQueue();
    const b = makeQueue();
    await b.process(async () => 'ok');
    const second = collect(b, 'completed', 2);
    await a.upsertJobScheduler('tick', { every: 30 });
    await second;
    const removed = changeOf(b, 'schedulerRemoved');
    expect(await a.removeJobScheduler('tick')).toBe(true);
    await removed;
    await b.whenCurrentJobsFinished();
    expect(await a.getJobCounts()).toMatchObject({ waiting: 0, delayed: 0, active: 0 });
    expect(await b.getJobSchedulers()).toEqual([]);
    expect(await a.removeJobScheduler('tick')).toBe(false);
    expect(schedulerEvents(await readLog()).at(-1)).toEqual(['schedulerRemoved', 'tick', { withdrawn: expect.stringMatching(/^repeat:tick:\d+$/) }]);
  });

  it('a scheduler whose next iteration was removed gets a new one from the next stall sweep', async () => {
    const q = makeQueue('test', { settings: { stalledInterval: 30 } });
    await q.process(async () => 'ok');
    const first = (await q.upsertJobScheduler('hourly', { every: 3600_000 }))!;
    const revived = changeOf(q, 'iterationAdded');
    await first.remove();
    await revived;
    const scheduler = (await q.getJobScheduler('hourly'))!;
    expect(scheduler.next).toBeGreaterThan(Date.now());
    expect(await q.getDelayedCount()).toBe(1);
  });
});

describe('catching up after the browser was closed', () => {
  async function closedForFourSlots(catchUp: 'once' | 'all') {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0 + 1000);
    const before = makeQueue('offline');
    await before.upsertJobScheduler('minutely', { every: MINUTE, catchUp });
    await before.close();
    // The browser stays closed over the slots T0+1m .. T0+4m, and opens at T0+4m30s.
    vi.setSystemTime(T0 + 4 * MINUTE + 30_000);
    const after = makeQueue('offline');
    const ran: string[] = [];
    const settled = changeOf(after, 'iterationAdded');
    await after.process(async (job) => {
      ran.push(job.id);
    });
    // Wait until the iteration after the missed ones is in place (it lies in the future).
    for (;;) {
      const scheduler = await after.getJobScheduler('minutely');
      if (scheduler!.next! > Date.now()) break;
      await when(after, 'global:changed', (c: QueueChange) => c.type === 'iterationAdded');
    }
    await settled;
    await after.whenCurrentJobsFinished();
    return { ran, next: (await after.getJobScheduler('minutely'))!.next };
  }

  it('by default, one iteration runs for all the missed slots, and the schedule goes on from now', async () => {
    const { ran, next } = await closedForFourSlots('once');
    expect(ran).toEqual([`repeat:minutely:${T0 + MINUTE}`]);
    expect(next).toBe(T0 + 5 * MINUTE);
  });

  it("with catchUp: 'all', each missed slot runs", async () => {
    const { ran, next } = await closedForFourSlots('all');
    expect(ran).toEqual([1, 2, 3, 4].map((k) => `repeat:minutely:${T0 + k * MINUTE}`));
    expect(next).toBe(T0 + 5 * MINUTE);
  });
});

describe("Bull's repeatable jobs", () => {
  it('add with repeat registers the schedule under its key and resolves with the next iteration', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0 + 1000);
    const q = makeQueue();
    const job = (await q.add('report', { to: 'me' }, { repeat: { pattern: '0 3 * * *', tz: 'UTC' }, attempts: 2 }))!;
    const slot = Date.UTC(2030, 0, 2, 3, 0, 0);
    expect(job.id).toBe(`repeat:report:::UTC:0 3 * * *:${slot}`);
    expect(job.opts).toMatchObject({ attempts: 2, repeat: { pattern: '0 3 * * *', tz: 'UTC', count: 1 }, repeatJobKey: 'report:::UTC:0 3 * * *' });
    await q.add('ping', {}, { repeat: { every: 5000, endDate: T0 + 3600_000 }, jobId: 'mine' });
    expect(await q.getRepeatableJobs(0, -1, true)).toEqual([
      { key: `ping:mine:${T0 + 3600_000}:5000`, name: 'ping', id: 'mine', endDate: T0 + 3600_000, tz: null, pattern: null, every: 5000, next: T0 + 5000 },
      { key: 'report:::UTC:0 3 * * *', name: 'report', id: null, endDate: null, tz: 'UTC', pattern: '0 3 * * *', every: null, next: slot },
    ]);
  });

  it('identical repeat options add no second repeatable job', async () => {
    const q = makeQueue();
    const a = (await q.add('ping', { n: 1 }, { repeat: { every: 5000 } }))!;
    const b = (await q.add('ping', { n: 1 }, { repeat: { every: 5000 } }))!;
    expect(b.id).toBe(a.id);
    expect(await q.getRepeatableCount()).toBe(1);
    expect(await q.getJobCounts()).toMatchObject({ delayed: 1 });
  });

  it('removeRepeatable finds the job by the same options; removeRepeatableByKey by its key', async () => {
    const q = makeQueue();
    await q.add('ping', {}, { repeat: { every: 5000 }, jobId: 'x' });
    await q.add({ n: 2 }, { repeat: { every: 7000 } });
    expect(await q.removeRepeatable('ping', { every: 5000 })).toBe(false); // another jobId, another key
    expect(await q.removeRepeatable('ping', { every: 5000 }, 'x')).toBe(true);
    const [left] = await q.getRepeatableJobs();
    expect(left!.key).toBe('__default__:::7000');
    expect(await q.removeRepeatableByKey(left!.key)).toBe(true);
    expect(await q.getJobCounts()).toMatchObject({ waiting: 0, delayed: 0 });
  });

  it('addBulk and defaultJobOptions refuse repeat, naming what to use', async () => {
    const q = makeQueue();
    await expect(q.addBulk([{ data: {}, opts: { repeat: { every: 10 } } }])).rejects.toThrow(/repeat is taken by add\(\) alone/);
    expect(() => makeQueue('d', { defaultJobOptions: { repeat: { every: 10 } } })).toThrow(/defaultJobOptions\.repeat is taken by add\(\) alone/);
  });

  it('reserves job ids starting with repeat: for iterations', async () => {
    const q = makeQueue();
    await expect(q.add('x', {}, { jobId: 'repeat:mine:1' })).rejects.toThrow(/"repeat:mine:1" starts with "repeat:", which is reserved/);
  });
});

describe('the log is the truth', () => {
  it('rebuild() recomputes the schedulers from the log', async () => {
    const q = makeQueue();
    await q.upsertJobScheduler('a', { every: MINUTE }, { data: 1 });
    await q.upsertJobScheduler('a', { every: 2 * MINUTE }, { data: 2 });
    await q.upsertJobScheduler('b', { pattern: '0 * * * *' });
    await q.upsertJobScheduler('c', { every: MINUTE });
    await q.removeJobScheduler('c');
    const before = await q.getJobSchedulers();
    const db = await openDB(q.dbName);
    await db.clear('schedulers');
    db.close();
    expect(await q.getJobSchedulers()).toEqual([]);
    expect(await q.rebuild()).toMatchObject({ schedulers: 2 });
    expect(await q.getJobSchedulers()).toEqual(before);
  });

  it("keeps only a scheduler's newest iterationAdded: the log grows with changes, not with time", async () => {
    const q = makeQueue();
    const done = collect(q, 'completed', 5);
    await q.process(async () => 'ok');
    await q.upsertJobScheduler('tick', { every: 20 });
    await done;
    await q.removeJobScheduler('tick');
    const history = await q.getJobSchedulerHistory('tick');
    expect(history.map((e) => e.type)).toEqual(['schedulerUpserted', 'iterationAdded', 'schedulerRemoved']);
    expect(history[1]!.payload).toMatchObject({ count: expect.any(Number) });
    expect((history[1]!.payload as { count: number }).count).toBeGreaterThanOrEqual(5);
  });

  it('obliterate() removes the schedulers with everything else', async () => {
    const q = makeQueue();
    await q.upsertJobScheduler('a', { every: MINUTE });
    await q.obliterate();
    expect(await q.getJobSchedulers()).toEqual([]);
    expect(await q.getJobCounts()).toMatchObject({ delayed: 0 });
  });
});

describe('a claim without the cron parser', () => {
  it('takes the iteration and reports the scheduler; reviveSchedulers adds the next iteration once the parser is there', async () => {
    const q = makeQueue();
    const first = (await q.upsertJobScheduler('s', { pattern: '0 * * * *', immediately: true }))!;
    expect(await first.getState()).toBe('waiting');
    const db = await openQueueDb(q.dbName, { onLost() {} });
    try {
      const { result: claim } = await write(db, 'claiming', (batch) =>
        claimJobs(batch, { owner: 'elsewhere', max: 1, take: () => true, now: Date.now(), limiter: null, newToken: () => 'token', cron: null }));
      expect(claim.claimed.map((r) => r.id)).toEqual([first.id]);
      expect(claim.unadvanced).toEqual(['s']);
      expect((await q.getJobScheduler('s'))!.iterationCount).toBe(1);
      const cron = await loadCronParser();
      await write(db, 'reviving', (batch) => reviveSchedulers(batch, Date.now(), cron));
      expect(await q.getJobScheduler('s')).toMatchObject({ iterationCount: 2, next: Math.ceil((Date.now() + 1) / 3600_000) * 3600_000 });
    } finally {
      db.close();
    }
  });
});

describe('a database of version 3', () => {
  it('is upgraded in place: its jobs and log stay, and schedulers work', async () => {
    const added = { type: 'added' as const, time: Date.now(), payload: { name: 'x', data: 'kept', opts: { attempts: 1, delay: 0 } } };
    const old = await openOldLayout('jobtrail:test', 3);
    const meta = { ...emptyMeta(), seq: 1, lastId: 1 };
    meta.counts.waiting = 1;
    await old.put('meta', meta);
    await old.put('events', { ...added, seq: 1, jobId: '1', state: 'waiting' });
    await old.put('jobs', project(undefined, '1', added, 1));
    old.close();
    const queue = makeQueue();
    expect((await queue.getJob('1'))!.data).toBe('kept');
    const next = (await queue.upsertJobScheduler('s', { every: MINUTE }))!;
    expect(await queue.getJobSchedulerHistory('s')).toHaveLength(2);
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 1, delayed: 1 });
    expect(next.id).toMatch(/^repeat:s:\d+$/);
  });
});

describe('without provideCron', () => {
  it('a pattern is refused with what to call, and nothing is written', async () => {
    vi.resetModules();
    const fresh = (await import('../../../src/index.js')) as typeof import('../../../src/index.js');
    const q = new fresh.Queue('no-cron');
    try {
      await expect(q.upsertJobScheduler('nightly', { pattern: '0 3 * * *' })).rejects.toThrow(/Cron patterns need the cron parser: call provideCron\(\(\) => import\('jobtrail\/cron'\)\) first/);
      await expect(q.add('report', {}, { repeat: { pattern: '0 3 * * *' } })).rejects.toMatchObject({ code: 'ERR_REFUSED' });
      // `every` needs no parser.
      expect((await q.upsertJobScheduler('often', { every: 60_000 }))!.id).toMatch(/^repeat:often:/);
      expect((await q.getJobSchedulers()).map((s) => s.id)).toEqual(['often']);
    } finally {
      await q.close();
    }
  });
});
