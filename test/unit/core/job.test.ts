// The Job's methods: each appends one event (or refuses and appends nothing) and reads back.
import { describe, expect, it } from 'vitest';
import { JobFailedError } from '../../../src/index.js';
import { makeQueue, next } from '../helpers.js';
import { eventCount, failWith, gate, runJobs } from './probe.js';

describe('job.updateProgress', () => {
  it('stores a number or an object and emits progress', async () => {
    const queue = makeQueue();
    const job = await queue.add({ n: 1 });
    const seen: unknown[] = [];
    queue.on('progress', (j, progress) => seen.push([j.id, progress]));
    await job.updateProgress(42);
    expect(job.progress).toBe(42);
    expect((await queue.getJob(job.id))!.progress).toBe(42);
    await job.updateProgress({ sent: 3, of: 9 });
    expect((await queue.getJob(job.id))!.progress).toEqual({ sent: 3, of: 9 });
    expect(seen).toEqual([['1', 42], ['1', { sent: 3, of: 9 }]]);
  });

  it.each([['a string', 'half'], ['null', null], ['NaN', Number.NaN], ['Infinity', Number.POSITIVE_INFINITY], ['undefined', undefined]])(
    'refuses %s with a TypeError and stores nothing',
    async (_label, value) => {
      const queue = makeQueue();
      const job = await queue.add({});
      await expect(job.updateProgress(value as never)).rejects.toThrow(TypeError);
      expect(await eventCount(queue)).toBe(1);
      expect((await queue.getJob(job.id))!.progress).toBe(0);
    },
  );

  it('refuses an uncloneable object with ERR_NOT_CLONEABLE, naming the progress', async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    await expect(job.updateProgress({ tick: () => 1 })).rejects.toMatchObject({ code: 'ERR_NOT_CLONEABLE', message: expect.stringContaining('progress is not cloneable') });
    expect(await eventCount(queue)).toBe(1);
  });
});

describe('job.log', () => {
  it('returns the number of lines, which queue.getJobLogs lists in order', async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    expect(await job.log('starting')).toBe(1);
    expect(await job.log('half way')).toBe(2);
    expect(await queue.getJobLogs(job.id)).toEqual({ logs: ['starting', 'half way'], count: 2 });
    expect(await queue.getJobLogs(1)).toEqual({ logs: ['starting', 'half way'], count: 2 });
  });

  it('refuses a line that is not a string', async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    await expect(job.log({ line: 1 } as never)).rejects.toThrow(TypeError);
    expect(await queue.getJobLogs(job.id)).toEqual({ logs: [], count: 0 });
  });
});

describe('job.update', () => {
  it('replaces the data', async () => {
    const queue = makeQueue<{ file: string }>();
    const job = await queue.add({ file: 'a.txt' });
    await job.update({ file: 'b.txt' });
    expect(job.data).toEqual({ file: 'b.txt' });
    expect((await queue.getJob(job.id))!.data).toEqual({ file: 'b.txt' });
  });

  it('refuses uncloneable data and keeps the old data', async () => {
    const queue = makeQueue();
    const job = await queue.add({ file: 'a.txt' });
    await expect(job.update({ file: () => 'b' })).rejects.toMatchObject({ code: 'ERR_NOT_CLONEABLE', message: expect.stringContaining('data is not cloneable') });
    expect(job.data).toEqual({ file: 'a.txt' });
    expect((await queue.getJob(job.id))!.data).toEqual({ file: 'a.txt' });
  });
});

describe('job.getState and job.remove', () => {
  it('getState reads the stored state', async () => {
    const queue = makeQueue();
    expect(await (await queue.add({})).getState()).toBe('waiting');
    expect(await (await queue.add({}, { delay: 10_000 })).getState()).toBe('delayed');
  });

  it('remove deletes the job and its history, emits removed, and the state becomes unknown', async () => {
    const queue = makeQueue();
    const keep = await queue.add({ keep: true });
    const job = await queue.add({ keep: false });
    await job.log('a line');
    const removed = next(queue, 'removed');
    await job.remove();
    expect(((await removed)[0] as { id: string }).id).toBe(job.id);
    expect(await job.getState()).toBe('unknown');
    expect(await queue.getJob(job.id)).toBeNull();
    expect(await job.history()).toEqual([]);
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 1 });
    expect(await eventCount(queue)).toBe(1);
    expect(await keep.getState()).toBe('waiting');
  });

  it('remove is refused while the job is active, except to its own processor', async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    const { handler, release, running } = gate('done');
    await queue.process(handler);
    await running;
    await expect(job.remove()).rejects.toMatchObject({ code: 'ERR_REFUSED', message: expect.stringContaining('active') });
    expect(await job.getState()).toBe('active');
    release();
    expect(await job.finished()).toBe('done');
  });

  it('methods of a removed job reject with ERR_NOT_FOUND', async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    await job.remove();
    await expect(job.updateProgress(5)).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    await expect(job.log('x')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    expect(await eventCount(queue)).toBe(0);
  });
});

describe('job.retry, job.promote, job.discard', () => {
  it('retry moves a failed job back to waiting', async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    await runJobs(queue, [job], failWith('flaky'));
    const failed = (await queue.getJob(job.id))!;
    expect(await failed.getState()).toBe('failed');
    expect(failed.finishedOn).toEqual(expect.any(Number));
    await failed.retry();
    expect(await failed.getState()).toBe('waiting');
    expect(failed.finishedOn).toBeNull();
    expect((await queue.getJob(job.id))!.finishedOn).toBeNull();
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 1, failed: 0 });
  });

  it('retry of a job that is not failed is refused and appends nothing', async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    await expect(job.retry()).rejects.toMatchObject({ code: 'ERR_REFUSED', message: 'Cannot retry job 1: it is waiting, not failed' });
    expect(await eventCount(queue)).toBe(1);
  });

  it('promote moves a delayed job to waiting now', async () => {
    const queue = makeQueue();
    const job = await queue.add({}, { delay: 60_000 });
    const waiting = next(queue, 'waiting');
    await job.promote();
    expect(((await waiting)[0] as { id: string }).id).toBe(job.id);
    expect(await job.getState()).toBe('waiting');
    expect(await queue.getDelayed()).toEqual([]);
    expect((await queue.getWaiting()).map((j) => j.id)).toEqual([job.id]);
  });

  it('promote of a job that is not delayed is refused and appends nothing', async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    await expect(job.promote()).rejects.toMatchObject({ code: 'ERR_REFUSED', message: 'Cannot promote job 1: it is waiting, not delayed' });
    expect(await eventCount(queue)).toBe(1);
  });

  it('discard: the next failure is final although attempts are left', async () => {
    const queue = makeQueue();
    const job = await queue.add({}, { attempts: 5 });
    await job.discard();
    expect((await job.history()).map((e) => e.type)).toEqual(['added', 'discarded']);
    await runJobs(queue, [job], failWith('no point retrying'));
    const done = (await queue.getJob(job.id))!;
    expect(await done.getState()).toBe('failed');
    expect(done.attemptsMade).toBe(1);
  });

  it('discard of a finished job is refused', async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    await runJobs(queue, [job], () => 'ok');
    await expect(job.discard()).rejects.toMatchObject({ code: 'ERR_REFUSED' });
  });
});

describe('job.finished', () => {
  it('resolves with the return value; timestamps are set and attemptsMade stays 0', async () => {
    const queue = makeQueue<{ n: number }, number>();
    const job = await queue.add({ n: 21 });
    await queue.process((j) => j.data.n * 2);
    expect(await job.finished()).toBe(42);
    const done = (await queue.getJob(job.id))!;
    expect(done.returnvalue).toBe(42);
    expect(done.attemptsMade).toBe(0);
    expect(done.processedOn).toBeGreaterThanOrEqual(done.timestamp);
    expect(done.finishedOn).toBeGreaterThanOrEqual(done.processedOn!);
  });

  it('resolves at once for a job that already completed', async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    await runJobs(queue, [job], () => 'early');
    expect(await job.finished()).toBe('early');
  });

  it('rejects with a JobFailedError carrying failedReason', async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    await queue.process(failWith('quota exceeded on server'));
    const err = await job.finished().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobFailedError);
    expect(err).toMatchObject({ code: 'ERR_JOB_FAILED', failedReason: 'quota exceeded on server', jobId: job.id, message: 'quota exceeded on server' });
  });

  it('rejects when the job is removed before it finishes', async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    const finished = expect(job.finished()).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    await job.remove();
    await finished;
  });

  it('resolves for a job finished by another Queue instance of the same name', async () => {
    const here = makeQueue('shared');
    const there = makeQueue('shared');
    const job = await here.add({ n: 4 });
    const finished = job.finished();
    await there.process((j) => j.data.n + 1);
    expect(await finished).toBe(5);
  });

  it('rejects for a job that fails in another Queue instance', async () => {
    const here = makeQueue('shared');
    const there = makeQueue('shared');
    const job = await here.add({});
    const finished = expect(job.finished()).rejects.toMatchObject({ failedReason: 'elsewhere' });
    await there.process(failWith('elsewhere'));
    await finished;
  });

  it('rejects with ERR_QUEUE_CLOSED when the queue closes first', async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    const finished = expect(job.finished()).rejects.toMatchObject({ code: 'ERR_QUEUE_CLOSED' });
    await queue.close();
    await finished;
  });
});

describe('job.history', () => {
  it('lists the job events in order with seq, jobId, type, time, payload and the state after each', async () => {
    const queue = makeQueue();
    const other = await queue.add({ other: true });
    const before = Date.now();
    const job = await queue.add('resize', { w: 1 });
    await job.updateProgress(10);
    await other.log('not mine');
    await job.log('a line');
    await job.update({ w: 2 });
    const history = await job.history();
    expect(history.map((e) => e.type)).toEqual(['added', 'progress', 'log', 'updated']);
    for (const event of history) {
      expect(Object.keys(event).sort()).toEqual(['jobId', 'payload', 'seq', 'state', 'time', 'type']);
      expect(event.jobId).toBe(job.id);
      expect(event.state).toBe('waiting');
      expect(event.time).toBeGreaterThanOrEqual(before);
    }
    const seqs = history.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(4);
    expect(history[0]!.payload).toEqual({ name: 'resize', data: { w: 1 }, opts: { attempts: 1, delay: 0 } });
    expect(history[1]!.payload).toEqual({ progress: 10 });
    expect(history[2]!.payload).toEqual({ line: 'a line' });
    expect(history[3]!.payload).toEqual({ data: { w: 2 } });
  });

  it('includes the processing events of a finished job', async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    await runJobs(queue, [job], () => 'ok');
    const history = await job.history();
    expect(history.map((e) => e.type)).toEqual(['added', 'active', 'completed']);
    expect(history[2]!.payload).toMatchObject({ returnvalue: 'ok', token: expect.any(String) });
  });

  it('is an empty list for a job that no longer exists', async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    await job.remove();
    expect(await job.history()).toEqual([]);
    await expect(queue.getJobLogs('nope')).resolves.toEqual({ logs: [], count: 0 });
  });
});
