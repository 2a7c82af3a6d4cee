// The Queue's own commands: pause/resume, clean, empty, obliterate, close, and its events.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JobtrailError, type Job } from '../../../src/index.js';
import { makeQueue, next } from '../helpers.js';
import { eventCount, gate, runJobs, stored } from './probe.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('pause / resume / isPaused', () => {
  it('toggle the stored flag and emit paused / resumed', async () => {
    const queue = makeQueue();
    const seen: string[] = [];
    queue.on('paused', () => seen.push('paused'));
    queue.on('resumed', () => seen.push('resumed'));
    expect(await queue.isPaused()).toBe(false);
    await queue.pause();
    expect(await queue.isPaused()).toBe(true);
    await queue.resume();
    expect(await queue.isPaused()).toBe(false);
    expect(seen).toEqual(['paused', 'resumed']);
  });

  it('persist: a new Queue instance sees the queue paused, and hears about it', async () => {
    const first = makeQueue('shared');
    const second = makeQueue('shared');
    const heard = next(second, 'global:paused');
    await first.pause();
    await heard;
    expect(await second.isPaused()).toBe(true);
    await first.close();
    const third = makeQueue('shared');
    expect(await third.isPaused()).toBe(true);
    await third.resume();
    expect(await second.isPaused()).toBe(false);
  });

  it('pausing a paused queue appends nothing', async () => {
    const queue = makeQueue();
    await queue.pause();
    await queue.pause();
    expect((await stored(queue)).events.map((e) => e.type)).toEqual(['paused']);
  });

  it('a paused queue still accepts jobs', async () => {
    const queue = makeQueue();
    await queue.pause();
    await queue.add({});
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 1 });
  });
});

describe('clean(grace, status, limit)', () => {
  it('removes jobs of the status older than grace ms, and emits cleaned', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const queue = makeQueue();
    vi.setSystemTime(10_000);
    const old = await queue.add({ age: 'old' });
    vi.setSystemTime(12_000);
    const young = await queue.add({ age: 'young' });
    await queue.add({}, { delay: 1 }); // delayed: another status, untouched
    vi.setSystemTime(13_000);
    const cleaned = next(queue, 'cleaned');
    const removed = await queue.clean(2000, 'wait');
    expect(removed.map((j) => j.id)).toEqual([old.id]);
    const [jobs, status] = await cleaned;
    expect((jobs as Job[]).map((j) => j.id)).toEqual([old.id]);
    expect(status).toBe('waiting');
    expect(await queue.getJob(old.id)).toBeNull();
    expect(await young.getState()).toBe('waiting');
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 1, delayed: 1 });
  });

  it('ages finished jobs by finishedOn and removes at most limit, oldest first', async () => {
    const queue = makeQueue();
    const jobs = [await queue.add({}), await queue.add({}), await queue.add({})];
    await runJobs(queue, jobs, () => 'ok');
    const completed = await queue.getCompleted();
    const oldestFirst = [...completed].sort((a, b) => a.finishedOn! - b.finishedOn! || Number(a.id) - Number(b.id));
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Math.max(...completed.map((j) => j.finishedOn!)) + 60_000);
    expect(await queue.clean(120_000, 'completed')).toEqual([]);
    const removed = await queue.clean(30_000, 'completed', 2);
    expect(removed.map((j) => j.id)).toEqual(oldestFirst.slice(0, 2).map((j) => j.id));
    expect(await queue.getJobCounts()).toMatchObject({ completed: 1 });
  });

  it('cleans failed jobs, with completed as the default status', async () => {
    const queue = makeQueue();
    const jobs = [await queue.add({ fail: true }), await queue.add({ fail: false })];
    await runJobs(queue, jobs, (job) => {
      if (job.data.fail) throw new Error('x');
      return 1;
    });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 10_000);
    expect((await queue.clean(1000)).map((j) => j.id)).toEqual(['2']);
    expect((await queue.clean(1000, 'failed')).map((j) => j.id)).toEqual(['1']);
    expect(await eventCount(queue)).toBe(0);
  });

  it('refuses an unknown status, a bad grace or a bad limit', async () => {
    const queue = makeQueue();
    await expect(queue.clean(0, 'finished' as never)).rejects.toThrow(/clean: unknown job state "finished"/);
    await expect(queue.clean(-1, 'completed')).rejects.toThrow(/grace.*-1/);
    await expect(queue.clean(undefined as never, 'completed')).rejects.toThrow(/grace/);
    await expect(queue.clean(0, 'completed', 0)).rejects.toThrow(/limit.*0/);
  });
});

describe('empty()', () => {
  it('removes every waiting and delayed job with its history, and keeps finished ones', async () => {
    const queue = makeQueue();
    const done = await queue.add({});
    await runJobs(queue, [done], () => 'kept');
    await queue.add({});
    await queue.add({}, { delay: 5000 });
    await queue.empty();
    expect(await queue.getJobCounts()).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 1, failed: 0, 'waiting-children': 0 });
    const { events } = await stored(queue);
    expect(new Set(events.map((e) => e.jobId))).toEqual(new Set([done.id]));
  });
});

describe('obliterate()', () => {
  it('removes every job and the whole log', async () => {
    const queue = makeQueue();
    const ran = [await queue.add({}), await queue.add({})];
    await runJobs(queue, ran, (job) => {
      if (job.id === '1') throw new Error('x');
      return 1;
    });
    const waiting = await queue.add({});
    await queue.add({}, { delay: 5000 });
    await queue.pause();
    const finished = expect(waiting.finished()).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    await queue.obliterate();
    expect(await queue.getJobCounts()).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0, 'waiting-children': 0 });
    const { events, jobs } = await stored(queue);
    expect(events).toEqual([]);
    expect(jobs).toEqual([]);
    await finished;
    // A fresh start, as in BullMQ: the id counter and the paused flag go with the rest.
    expect(await queue.isPaused()).toBe(false);
    expect((await queue.add({})).id).toBe('1');
  });

  it('refuses while a job is active; with force it removes it and aborts its signal', async () => {
    const queue = makeQueue();
    await queue.add({});
    await queue.add({});
    const { handler, release, running } = gate('late');
    await queue.process(handler);
    const signal = await running;
    await expect(queue.obliterate()).rejects.toMatchObject({ code: 'ERR_REFUSED', message: expect.stringContaining('force') });
    expect(await queue.getJobCounts()).toMatchObject({ active: 1, waiting: 1 });
    await queue.obliterate({ force: true });
    expect(signal.aborted).toBe(true);
    expect(await queue.getJobCounts()).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0, 'waiting-children': 0 });
    release();
    await queue.close();
    expect((await stored(queue)).events).toEqual([]);
  });
});

describe('close()', () => {
  it('makes every later call reject with ERR_QUEUE_CLOSED', async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    await queue.close();
    expect(queue.closed).toBe(true);
    const calls: [string, () => Promise<unknown>][] = [
      ['add', () => queue.add({})],
      ['addBulk', () => queue.addBulk([{ data: {} }])],
      ['getJob', () => queue.getJob(1)],
      ['getJobs', () => queue.getJobs('waiting')],
      ['getWaiting', () => queue.getWaiting()],
      ['getJobCounts', () => queue.getJobCounts()],
      ['getJobLogs', () => queue.getJobLogs(1)],
      ['pause', () => queue.pause()],
      ['resume', () => queue.resume()],
      ['isPaused', () => queue.isPaused()],
      ['clean', () => queue.clean(0)],
      ['empty', () => queue.empty()],
      ['obliterate', () => queue.obliterate()],
      ['rebuild', () => queue.rebuild()],
      ['process', () => queue.process(() => 1)],
      ['job.updateProgress', () => job.updateProgress(1)],
      ['job.getState', () => job.getState()],
      ['job.history', () => job.history()],
      ['job.finished', () => job.finished()],
    ];
    for (const [name, call] of calls) {
      const err = await call().then(() => null, (e: unknown) => e);
      expect(err, name).toBeInstanceOf(JobtrailError);
      expect((err as JobtrailError).code, name).toBe('ERR_QUEUE_CLOSED');
    }
  });

  it('process() racing close() rejects and starts nothing', async () => {
    const queue = makeQueue();
    const errors: Error[] = [];
    queue.on('error', (err) => errors.push(err));
    const setInterval = vi.spyOn(globalThis, 'setInterval');
    const processing = queue.process(() => 1);
    await queue.close();
    await expect(processing).rejects.toMatchObject({ code: 'ERR_QUEUE_CLOSED' });
    // A runner made after close() began would never be stopped: its heartbeat would beat forever.
    expect(setInterval).not.toHaveBeenCalled();
    expect(errors).toEqual([]);
  });

  it('is idempotent and leaves the data for the next instance', async () => {
    const queue = makeQueue('kept');
    await queue.add({ stay: true });
    await Promise.all([queue.close(), queue.close()]);
    const again = makeQueue('kept');
    expect((await again.getJob(1))!.data).toEqual({ stay: true });
  });
});

describe('events: on / off / once', () => {
  it('on delivers every event, off stops it, once delivers one', async () => {
    const queue = makeQueue();
    const onIds: string[] = [];
    const onceIds: string[] = [];
    const listener = (job: Job) => onIds.push(job.id);
    queue.on('waiting', listener);
    queue.once('waiting', (job) => onceIds.push(job.id));
    await queue.add({});
    await queue.add({});
    queue.off('waiting', listener);
    await queue.add({});
    expect(onIds).toEqual(['1', '2']);
    expect(onceIds).toEqual(['1']);
  });

  it('off removes a once listener before it fires', async () => {
    const queue = makeQueue();
    const calls: string[] = [];
    const listener = (job: Job) => calls.push(job.id);
    queue.once('waiting', listener);
    queue.off('waiting', listener);
    await queue.add({});
    expect(calls).toEqual([]);
  });

  it('emits delayed for a delayed job, and global events with ids to other instances', async () => {
    const queue = makeQueue('shared');
    const other = makeQueue('shared');
    const delayed = next(queue, 'delayed');
    const globalWaiting = next(other, 'global:waiting');
    const globalDelayed = next(other, 'global:delayed');
    await queue.add({}, { delay: 5000 });
    await queue.add({});
    expect(((await delayed)[0] as Job).id).toBe('1');
    expect(await globalDelayed).toEqual(['1']);
    expect(await globalWaiting).toEqual(['2']);
  });

  it('emits completed and failed with the job and the result or error', async () => {
    const queue = makeQueue<{ ok: boolean }, string>();
    const completed = next(queue, 'completed');
    const failed = next(queue, 'failed');
    await queue.add({ ok: true });
    await queue.add({ ok: false });
    await queue.process((job) => {
      if (!job.data.ok) throw new Error('bad input');
      return 'fine';
    });
    const [doneJob, result] = await completed;
    expect([(doneJob as Job).id, result]).toEqual(['1', 'fine']);
    const [failedJob, err] = await failed;
    expect((failedJob as Job).id).toBe('2');
    expect((err as Error).message).toBe('bad input');
  });

  it('a throwing listener does not break the queue: the call succeeds, other listeners run, error reports it', async () => {
    const queue = makeQueue();
    const errors: Error[] = [];
    const later: string[] = [];
    queue.on('error', (err) => errors.push(err));
    queue.on('waiting', () => {
      throw new Error('listener bug');
    });
    queue.on('waiting', (job) => later.push(job.id));
    queue.on('progress', async () => {
      throw new Error('async listener bug');
    });
    const job = await queue.add({});
    await job.updateProgress(5);
    await vi.waitFor(() => expect(errors.map((e) => e.message)).toEqual(['listener bug', 'async listener bug']));
    expect(later).toEqual(['1']);
    expect((await queue.getJob(1))!.progress).toBe(5);
    expect(await queue.add({})).toMatchObject({ id: '2' });
  });

  it('a throwing listener without an error listener is logged, not thrown', async () => {
    const queue = makeQueue();
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    queue.on('waiting', () => {
      throw new Error('listener bug');
    });
    await expect(queue.add({})).resolves.toMatchObject({ id: '1' });
    expect(log).toHaveBeenCalledWith(expect.stringContaining('jobtrail'), expect.objectContaining({ message: 'listener bug' }));
    log.mockRestore();
  });
});
