// Adding jobs: ids, names, options as stored, data IndexedDB can and cannot hold, addBulk.
import { IDBDatabase as FakeIDBDatabase } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JobtrailError } from '../../../src/index.js';
import { makeQueue } from '../helpers.js';
import { eventCount, stored } from './probe.js';

const T = 1_700_000_000_000;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('job ids', () => {
  it('are strings counting up from 1', async () => {
    const queue = makeQueue();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await queue.add({ i })).id);
    ids.push(...(await queue.addBulk([{ data: { i: 3 } }, { data: { i: 4 } }])).map((j) => j.id));
    expect(ids).toEqual(['1', '2', '3', '4', '5']);
  });

  it('are gapless: rejected adds consume no id', async () => {
    const queue = makeQueue();
    expect((await queue.add({ ok: 1 })).id).toBe('1');
    await expect(queue.add({ ok: 2 }, { attempts: 0 })).rejects.toThrow(TypeError);
    await expect(queue.add({ fn: () => 1 })).rejects.toThrow(JobtrailError);
    await expect(queue.addBulk([{ data: {} }, { data: {}, opts: { delay: -1 } }])).rejects.toThrow(TypeError);
    await expect(queue.addBulk([{ data: {} }, { data: Symbol('x') }])).rejects.toThrow(JobtrailError);
    expect((await queue.add({ ok: 3 })).id).toBe('2');
  });

  it('keep counting in a new Queue instance (the counter is stored)', async () => {
    const first = makeQueue('ids');
    await first.add({});
    await first.add({});
    const second = makeQueue('ids');
    expect((await second.add({})).id).toBe('3');
  });

  it('use the caller jobId, which takes no automatic id', async () => {
    const queue = makeQueue();
    const job = await queue.add('upload', { file: 'a' }, { jobId: 'upload-a' });
    expect(job.id).toBe('upload-a');
    expect(job.opts.jobId).toBe('upload-a');
    expect((await queue.getJob('upload-a'))!.data).toEqual({ file: 'a' });
    expect((await queue.add({})).id).toBe('1');
  });

  it('a duplicate jobId adds nothing, returns the stored job with its stored data, and emits duplicated', async () => {
    const queue = makeQueue();
    await queue.add('upload', { version: 1 }, { jobId: 'doc-7' });
    const events = await eventCount(queue);
    const duplicated: string[] = [];
    queue.on('duplicated', (id) => duplicated.push(id));
    const again = await queue.add('other-name', { version: 2 }, { jobId: 'doc-7', priority: 4 });
    expect(again.id).toBe('doc-7');
    expect(again.name).toBe('upload');
    expect(again.data).toEqual({ version: 1 });
    expect(again.opts.priority).toBeUndefined();
    expect(duplicated).toEqual(['doc-7']);
    expect(await eventCount(queue)).toBe(events);
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 1 });
  });

  it('a jobId repeated inside one addBulk is stored once', async () => {
    const queue = makeQueue();
    const duplicated: string[] = [];
    queue.on('duplicated', (id) => duplicated.push(id));
    const jobs = await queue.addBulk([
      { data: { n: 1 }, opts: { jobId: 'same' } },
      { data: { n: 2 }, opts: { jobId: 'same' } },
    ]);
    expect(jobs.map((j) => j.data)).toEqual([{ n: 1 }, { n: 1 }]);
    expect(duplicated).toEqual(['same']);
    expect((await stored(queue)).jobs).toHaveLength(1);
  });

  it('all-digit jobIds are refused: they would collide with automatic ids', async () => {
    const queue = makeQueue();
    for (const jobId of ['1', '42', '007']) {
      await expect(queue.add({}, { jobId })).rejects.toThrow(TypeError);
      await expect(queue.add({}, { jobId })).rejects.toThrow(`jobId: "${jobId}" is all digits`);
    }
    expect((await queue.add({}, { jobId: 'job-42' })).id).toBe('job-42');
    expect(await eventCount(queue)).toBe(1);
  });

  it('getJob takes a number or a string, and gives null for a missing id', async () => {
    const queue = makeQueue();
    await queue.add({ a: 1 });
    expect((await queue.getJob(1))!.id).toBe('1');
    expect((await queue.getJob('1'))!.data).toEqual({ a: 1 });
    expect(await queue.getJob(2)).toBeNull();
    expect(await queue.getJob('nope')).toBeNull();
  });
});

describe('job names', () => {
  it("default to '__default__'", async () => {
    const queue = makeQueue();
    expect((await queue.add({ x: 1 })).name).toBe('__default__');
    expect((await queue.addBulk([{ data: { x: 2 } }]))[0]!.name).toBe('__default__');
  });

  it('add(name, data, opts) and add(data, opts) both take the options', async () => {
    const queue = makeQueue();
    const named = await queue.add('email', { to: 'x' }, { priority: 2 });
    const unnamed = await queue.add({ to: 'y' }, { priority: 3 });
    expect([named.name, named.data, named.opts.priority]).toEqual(['email', { to: 'x' }, 2]);
    expect([unnamed.name, unnamed.data, unnamed.opts.priority]).toEqual(['__default__', { to: 'y' }, 3]);
  });

  it('an empty name is refused', async () => {
    const queue = makeQueue();
    await expect(queue.add('', {})).rejects.toThrow(TypeError);
    expect(await eventCount(queue)).toBe(0);
  });
});

describe('options as stored', () => {
  it('fill in attempts: 1 and delay: 0, and nothing else', async () => {
    const queue = makeQueue();
    expect((await queue.add({})).opts).toStrictEqual({ attempts: 1, delay: 0 });
  });

  it('keep the given options', async () => {
    const queue = makeQueue();
    const opts = { priority: 3, attempts: 4, lifo: true, timeout: 100, removeOnComplete: 10, removeOnFail: { age: 60, count: 5 }, stackTraceLimit: 2 };
    const job = await queue.add({}, opts);
    expect(job.opts).toStrictEqual({ ...opts, delay: 0 });
    expect((await queue.getJob(job.id))!.opts).toStrictEqual({ ...opts, delay: 0 });
  });

  it('normalise a numeric backoff to { type: fixed, delay }', async () => {
    const queue = makeQueue();
    const job = await queue.add({}, { backoff: 250 });
    expect(job.opts.backoff).toEqual({ type: 'fixed', delay: 250 });
    expect((await queue.getJob(job.id))!.opts.backoff).toEqual({ type: 'fixed', delay: 250 });
    expect((await queue.add({}, { backoff: { type: 'exponential', delay: 10, jitter: 0.5 } })).opts.backoff)
      .toEqual({ type: 'exponential', delay: 10, jitter: 0.5 });
  });

  it('merge over defaultJobOptions, the job winning', async () => {
    const queue = makeQueue('defaults', { defaultJobOptions: { attempts: 3, backoff: 1000, removeOnComplete: true } });
    expect((await queue.add({})).opts).toStrictEqual({ attempts: 3, delay: 0, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: true });
    expect((await queue.add({}, { attempts: 1, removeOnComplete: false })).opts)
      .toStrictEqual({ attempts: 1, delay: 0, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: false });
  });

  it('are a copy: changing the object passed to add later changes nothing', async () => {
    const queue = makeQueue();
    const opts = { attempts: 2, backoff: { type: 'fixed' as const, delay: 5 } };
    const job = await queue.add({}, opts);
    opts.attempts = 9;
    opts.backoff.delay = 99;
    expect(job.opts).toMatchObject({ attempts: 2, backoff: { delay: 5 } });
    expect((await queue.getJob(job.id))!.opts).toMatchObject({ attempts: 2, backoff: { delay: 5 } });
  });

  it('delay makes the job delayed, and job.delay shows it', async () => {
    const queue = makeQueue();
    const job = await queue.add({}, { delay: 60_000 });
    expect(job.delay).toBe(60_000);
    expect(await job.getState()).toBe('delayed');
    expect((await queue.getDelayed()).map((j) => j.id)).toEqual([job.id]);
  });

  it('priority orders the waiting line: 1 first, FIFO within a priority, unprioritised last, lifo to the front', async () => {
    const queue = makeQueue();
    // Bull's own example: priorities 3, 3, 2, 1 on jobs 1..4 wait in the order 4, 3, 1, 2.
    for (const priority of [3, 3, 2, 1]) await queue.add({}, { priority });
    await queue.add({}); // 5
    await queue.add({}); // 6
    await queue.add({}, { lifo: true }); // 7
    await queue.add({}, { priority: 3, lifo: true }); // 8
    expect((await queue.getWaiting()).map((j) => j.id)).toEqual(['4', '3', '8', '1', '2', '7', '5', '6']);
  });
});

describe('job data', () => {
  it('Blob, File, ArrayBuffer, typed arrays, Date, Map and Set round-trip', async () => {
    const queue = makeQueue();
    const data = {
      blob: new Blob(['hello'], { type: 'text/plain' }),
      file: new File(['file body'], 'notes.txt', { type: 'text/plain' }),
      buffer: new Uint8Array([1, 2, 3]).buffer,
      bytes: new Uint8Array([4, 5]),
      when: new Date(T),
      map: new Map([['k', { v: 1 }]]),
      set: new Set([1, 2]),
    };
    const job = await queue.add('upload', data);
    const read = (await queue.getJob(job.id))!.data;
    expect(read.blob).toBeInstanceOf(Blob);
    expect(await read.blob.text()).toBe('hello');
    expect(read.blob.type).toBe('text/plain');
    // Node's structuredClone turns a File into a plain Blob (browsers keep the File and its name).
    expect(read.file).toBeInstanceOf(Blob);
    expect(await read.file.text()).toBe('file body');
    expect(read.buffer).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(read.buffer)]).toEqual([1, 2, 3]);
    expect(read.bytes).toEqual(new Uint8Array([4, 5]));
    expect(read.when).toEqual(new Date(T));
    expect(read.map).toEqual(new Map([['k', { v: 1 }]]));
    expect(read.set).toEqual(new Set([1, 2]));
  });

  it.each([
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['an object holding a function', { onDone: () => undefined }],
  ])('%s is refused with ERR_NOT_CLONEABLE and nothing is stored', async (_label, data) => {
    const queue = makeQueue();
    const err = await queue.add('job', data).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobtrailError);
    expect((err as JobtrailError).code).toBe('ERR_NOT_CLONEABLE');
    expect((err as Error).message).toMatch(/data is not cloneable/);
    const { events, jobs, meta } = await stored(queue);
    expect(events).toEqual([]);
    expect(jobs).toEqual([]);
    expect(meta?.lastId ?? 0).toBe(0);
  });
});

describe('addBulk', () => {
  it('stores every job in one transaction', async () => {
    const queue = makeQueue();
    await queue.getJobCounts(); // open the database first: only the add is counted below
    const transaction = vi.spyOn(FakeIDBDatabase.prototype, 'transaction');
    const jobs = await queue.addBulk(Array.from({ length: 50 }, (_, i) => ({ name: `n${i % 3}`, data: { i } })));
    const readwrite = transaction.mock.calls.filter(([, mode]) => mode === 'readwrite');
    expect(readwrite).toHaveLength(1);
    expect(jobs.map((j) => j.data.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 50 });
  });

  it('one job with a bad option rejects the whole batch: nothing stored, no id used', async () => {
    const queue = makeQueue();
    await expect(queue.addBulk([{ data: 1 }, { data: 2, opts: { priority: 0 } }, { data: 3 }])).rejects.toThrow(/priority/);
    expect(await eventCount(queue)).toBe(0);
    expect((await queue.add({})).id).toBe('1');
  });

  it('one job with uncloneable data rejects the whole batch: nothing stored, no id used', async () => {
    const queue = makeQueue();
    await expect(queue.addBulk([{ data: 1 }, { data: 2 }, { data: { cb: () => 3 } }])).rejects.toMatchObject({ code: 'ERR_NOT_CLONEABLE' });
    const { events, jobs } = await stored(queue);
    expect(events).toHaveLength(0);
    expect(jobs).toHaveLength(0);
    expect((await queue.add({})).id).toBe('1');
  });

  it('refuses what is not an array of jobs', async () => {
    const queue = makeQueue();
    await expect(queue.addBulk({} as never)).rejects.toThrow(TypeError);
    await expect(queue.addBulk([null as never])).rejects.toThrow(TypeError);
  });
});

