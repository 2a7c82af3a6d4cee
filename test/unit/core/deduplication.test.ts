// BullMQ's deduplication option (issue 12): while a job holds a deduplication id, adding another
// with the same id adds nothing, returns the holder and emits `deduplicated`.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidOptionError } from '../../../src/index.js';
import { holdsDeduplication } from '../../../src/core/deduplication.js';
import { project } from '../../../src/store/record.js';
import { emptyMeta } from '../../../src/store/schema.js';
import { makeQueue } from '../helpers.js';
import { failWith, runJobs, stored } from './probe.js';
import { openOldLayout } from '../old-layouts.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('holdsDeduplication', () => {
  const job = (ttl?: number) => ({ timestamp: 1000, opts: { attempts: 1, delay: 0, deduplication: ttl === undefined ? { id: 'x' } : { id: 'x', ttl } } });
  it('without ttl: while the job is waiting, delayed or active', () => {
    for (const state of ['waiting', 'delayed', 'active'] as const) expect(holdsDeduplication(state, job(), 5000)).toBe(true);
    for (const state of ['completed', 'failed'] as const) expect(holdsDeduplication(state, job(), 5000)).toBe(false);
  });
  it('with ttl: for ttl ms after the add, whatever the state', () => {
    expect(holdsDeduplication('completed', job(500), 1499)).toBe(true);
    expect(holdsDeduplication('waiting', job(500), 1500)).toBe(false);
  });
});

describe('add with deduplication: { id }', () => {
  it('returns the job holding the id, with its stored data, emits deduplicated, and writes nothing', async () => {
    const queue = makeQueue();
    const first = await queue.add('autosave', { text: 'v1' }, { deduplication: { id: 'doc-1' } });
    const seen: unknown[][] = [];
    queue.on('deduplicated', (...args) => seen.push(args));
    const second = await queue.add('autosave', { text: 'v2' }, { deduplication: { id: 'doc-1' } });
    expect(second.id).toBe(first.id);
    expect(second.data).toEqual({ text: 'v1' });
    expect(seen).toEqual([[first.id, 'doc-1']]);
    const other = await queue.add('autosave', { text: 'other' }, { deduplication: { id: 'doc-2' } });
    expect(other.id).not.toBe(first.id);
    expect((await stored(queue)).events.map((e) => e.type)).toEqual(['added', 'added']);
  });

  it('holds while the job is delayed or active; once it completed or finally failed, a new job is added', async () => {
    const queue = makeQueue();
    const opts = { deduplication: { id: 'sync' } };
    const delayed = await queue.add('sync', 1, { ...opts, delay: 60_000 });
    expect((await queue.add('sync', 2, opts)).id).toBe(delayed.id);
    await delayed.promote();
    await runJobs(queue, [delayed], () => 'ok');
    const next = await queue.add('sync', 3, opts);
    expect(next.id).not.toBe(delayed.id);
    await runJobs(queue, [next], failWith('no'));
    const third = await queue.add('sync', 4, opts);
    expect(third.id).not.toBe(next.id);
    expect(await queue.getJobCountByTypes()).toBe(3);
  });

  it('a removed job holds nothing', async () => {
    const queue = makeQueue();
    const first = await queue.add('x', 1, { deduplication: { id: 'd' } });
    await first.remove();
    const second = await queue.add('x', 2, { deduplication: { id: 'd' } });
    expect(second.id).not.toBe(first.id);
    expect(second.data).toBe(2);
  });

  it('within one addBulk, the second job with an id is the first one', async () => {
    const queue = makeQueue();
    const jobs = await queue.addBulk([
      { data: 'a', opts: { deduplication: { id: 'd' } } },
      { data: 'b', opts: { deduplication: { id: 'd' } } },
      { data: 'c' },
    ]);
    expect(jobs.map((j) => [j.id, j.data])).toEqual([['1', 'a'], ['1', 'a'], ['2', 'c']]);
  });

  it('a duplicate jobId is found first (duplicated), as in BullMQ', async () => {
    const queue = makeQueue();
    await queue.add('x', 1, { jobId: 'a', deduplication: { id: 'd' } });
    const events: string[] = [];
    queue.on('duplicated', () => events.push('duplicated'));
    queue.on('deduplicated', () => events.push('deduplicated'));
    await queue.add('x', 2, { jobId: 'a', deduplication: { id: 'd' } });
    await queue.add('x', 3, { jobId: 'b', deduplication: { id: 'd' } });
    expect(events).toEqual(['duplicated', 'deduplicated']);
  });
});

describe('add with deduplication: { id, ttl }', () => {
  it('holds for ttl ms after the add, even once the job completed; then a new job is added', async () => {
    const queue = makeQueue();
    const t0 = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(t0);
    const opts = { deduplication: { id: 'throttle', ttl: 5_000 } };
    const first = await queue.add('x', 1, opts);
    await runJobs(queue, [first], () => 'done');
    clock.mockReturnValue(t0 + 4_999);
    expect((await queue.add('x', 2, opts)).id).toBe(first.id);
    clock.mockReturnValue(t0 + 5_000);
    const second = await queue.add('x', 3, opts);
    expect(second.id).not.toBe(first.id);
  });
});

describe('deduplication options', () => {
  it.each([
    [{ deduplication: { id: '' } }, /deduplication\.id: expected a non-empty string, got ""/],
    [{ deduplication: {} }, /deduplication\.id: expected a non-empty string, got undefined/],
    [{ deduplication: 'doc-1' }, /deduplication must be an object, got "doc-1"/],
    [{ deduplication: { id: 'd', ttl: 0 } }, /deduplication\.ttl: expected a finite number > 0, got 0/],
    [{ deduplication: { id: 'd', extend: true } }, /Unsupported job option deduplication\.extend: jobtrail supports BullMQ's deduplication with id and ttl only/],
    [{ deduplication: { id: 'd', replace: true } }, /Unsupported job option deduplication\.replace/],
    [{ deduplication: { id: 'd', tll: 5 } }, /Unknown job option deduplication\.tll/],
  ])('refuses %j, naming the value; nothing is written', async (opts, message) => {
    const queue = makeQueue();
    await expect(queue.add('x', {}, opts as never)).rejects.toThrow(message);
    await expect(queue.add('x', {}, opts as never)).rejects.toBeInstanceOf(InvalidOptionError);
    expect((await stored(queue)).events).toEqual([]);
  });

  it('refuses a default deduplication id', () => {
    expect(() => makeQueue('q', { defaultJobOptions: { deduplication: { id: 'all' } } })).toThrow(/defaultJobOptions\.deduplication: a default deduplication id would make every job a duplicate/);
  });
});

describe('a database of version 1', () => {
  it('is upgraded in place: its jobs and log stay, and deduplication works', async () => {
    // The layout and one job as a version-1 tab wrote them (before the byDedup index existed).
    const added = { type: 'added' as const, time: Date.now(), payload: { name: 'x', data: 'kept', opts: { attempts: 1, delay: 0, deduplication: { id: 'd' } } } };
    const old = await openOldLayout('jobtrail:test', 1);
    const meta = { ...emptyMeta(), seq: 1, lastId: 1 };
    meta.counts.waiting = 1;
    await old.put('meta', meta);
    await old.put('events', { ...added, seq: 1, jobId: '1' });
    await old.put('jobs', project(undefined, '1', added, 1));
    old.close();
    const queue = makeQueue();
    expect((await queue.getJob('1'))!.data).toBe('kept');
    // The old job is in the new index: it holds its id.
    const again = await queue.add('x', 'new', { deduplication: { id: 'd' } });
    expect(again.id).toBe('1');
    expect((await queue.add('x', 'other')).id).toBe('2');
  });
});
