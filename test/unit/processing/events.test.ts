// Events: local ones for this instance's own work, `global:` ones (with job ids) for changes made by
// any instance of the queue, here seen by a second instance that does no work itself. Progress and
// log lines from a handler are events in the log. A listener that throws does not break the queue.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Job, JobProgress, JobState } from '../../../src/index.js';
import { crash, makeQueue, next, sleep } from '../helpers.js';
import { collect, deferred, fastStalls, untilAborted } from './support.js';

describe('local events of the processing instance', () => {
  it('waiting, active, progress, completed(job, result) for a job that succeeds', async () => {
    const q = makeQueue<{ n: number }, number>();
    const seen: string[] = [];
    q.on('waiting', (job) => seen.push(`waiting ${job.id}`));
    q.on('active', (job) => seen.push(`active ${job.id} ${job.processedOn !== null}`));
    q.on('progress', (job, progress) => seen.push(`progress ${job.id} ${JSON.stringify(progress)}`));
    q.on('completed', (job, result) => seen.push(`completed ${job.id} ${result} ${job.returnvalue}`));
    await q.process(async (job) => {
      await job.updateProgress(50);
      await job.updateProgress({ step: 'done' });
      return job.data.n + 1;
    });
    const job = await q.add('x', { n: 41 });
    await job.finished();
    expect(seen).toEqual([`waiting ${job.id}`, `active ${job.id} true`, `progress ${job.id} 50`, `progress ${job.id} {"step":"done"}`, `completed ${job.id} 42 42`]);
  });

  it('failed(job, err) on every failed attempt, with the error thrown; waiting or delayed after each retried one', async () => {
    const q = makeQueue();
    const seen: string[] = [];
    const errors: Error[] = [];
    q.on('failed', (job, err) => {
      seen.push(`failed ${job.attemptsMade}`);
      errors.push(err);
    });
    q.on('waiting', (job) => seen.push(`waiting ${job.attemptsMade}`));
    q.on('delayed', (job) => seen.push(`delayed ${job.attemptsMade}`));
    class CustomError extends Error {}
    await q.process(async (job) => {
      throw new CustomError(`attempt ${job.attemptsMade + 1}`);
    });
    const job = await q.add('x', {}, { attempts: 3, backoff: { type: 'exponential', delay: 5 } });
    await expect(job.finished()).rejects.toThrow('attempt 3');
    expect(seen).toEqual(['waiting 0', 'failed 1', 'delayed 1', 'waiting 1', 'failed 2', 'delayed 2', 'waiting 2', 'failed 3']);
    expect(errors.map((e) => e.message)).toEqual(['attempt 1', 'attempt 2', 'attempt 3']);
    // The very error object the handler threw, not a copy.
    for (const err of errors) expect(err).toBeInstanceOf(CustomError);
  });

  it('drained once every waiting job was processed, not before', async () => {
    const q = makeQueue();
    await q.addBulk([{ data: 1 }, { data: 2 }, { data: 3 }]);
    let completedWhenDrained = -1;
    let completed = 0;
    q.on('completed', () => completed++);
    const drained = new Promise<void>((resolve) =>
      q.on('drained', () => {
        completedWhenDrained = completed;
        resolve();
      }),
    );
    await q.process(async () => 'ok');
    await drained;
    expect(completedWhenDrained).toBe(3);
    expect(await q.getJobCounts()).toMatchObject({ waiting: 0 });
  });

  it('paused, resumed, removed (for every deleted job), cleaned', async () => {
    const q = makeQueue();
    const seen: string[] = [];
    q.on('paused', () => seen.push('paused'));
    q.on('resumed', () => seen.push('resumed'));
    q.on('removed', (job) => seen.push(`removed ${job.id}`));
    q.on('cleaned', (jobs, status) => seen.push(`cleaned ${jobs.map((j) => j.id).join(',')} ${status}`));
    await q.pause();
    await q.pause(); // already paused: nothing happens
    await q.resume();
    const a = await q.add('x', {});
    await a.remove();
    await q.process(async () => 'ok');
    const b = await q.add('x', {});
    await b.finished();
    await sleep(2); // older than a grace of 0 ms
    await q.clean(0, 'completed');
    expect(seen).toEqual(['paused', 'resumed', `removed ${a.id}`, `removed ${b.id}`, `cleaned ${b.id} completed`]);
  });

  it('stalled on the instance that requeues a dead processor’s job', async () => {
    const dying = makeQueue('test', { settings: fastStalls });
    const held = deferred();
    await dying.process(async (_job, signal) => {
      held.resolve();
      return untilAborted(signal);
    });
    const job = await dying.add('x', {});
    await held.promise;
    const survivor = makeQueue('test', { settings: fastStalls });
    await survivor.process(async () => 'ok');
    const stalled = next(survivor, 'stalled');
    await crash(dying);
    expect(((await stalled)[0] as Job).id).toBe(job.id);
  });
});

describe('global events, seen by another instance', () => {
  it('global:waiting, global:active, global:progress, global:completed(jobId, result), global:drained', async () => {
    const worker = makeQueue();
    const observer = makeQueue();
    const seen: string[] = [];
    observer.on('global:waiting', (id) => seen.push(`waiting ${id}`));
    observer.on('global:active', (id) => seen.push(`active ${id}`));
    observer.on('global:progress', (id, progress) => seen.push(`progress ${id} ${JSON.stringify(progress)}`));
    observer.on('global:completed', (id, result) => seen.push(`completed ${id} ${JSON.stringify(result)}`));
    const drained = new Promise<void>((resolve) => observer.on('global:drained', () => resolve()));
    const completed = next(observer, 'global:completed');
    const job = await worker.add('x', {});
    await worker.process(async (j) => {
      await j.updateProgress(75);
      return { ok: true };
    });
    await completed;
    await drained;
    expect(seen).toEqual([`waiting ${job.id}`, `active ${job.id}`, `progress ${job.id} 75`, `completed ${job.id} {"ok":true}`]);
  });

  it('global:failed(jobId, failedReason) on every failed attempt, global:delayed for a retry with backoff', async () => {
    const worker = makeQueue();
    const observer = makeQueue();
    const failures = collect(observer, 'global:failed', 2);
    const delayed = next(observer, 'global:delayed');
    await worker.process(async (job) => {
      throw new Error(`failure ${job.attemptsMade + 1}`);
    });
    const job = await worker.add('x', {}, { attempts: 2, backoff: 5 });
    expect(await delayed).toEqual([job.id]);
    expect(await failures).toEqual([
      [job.id, 'failure 1'],
      [job.id, 'failure 2'],
    ]);
  });

  it('global:stalled and global:removed', async () => {
    const dying = makeQueue('test', { settings: fastStalls });
    const observer = makeQueue('test');
    const held = deferred();
    await dying.process(async (_job, signal) => {
      held.resolve();
      return untilAborted(signal);
    });
    const job = await dying.add('x', {});
    await held.promise;
    const survivor = makeQueue('test', { settings: fastStalls });
    const ran = deferred();
    const release = deferred();
    await survivor.process(async () => {
      ran.resolve();
      await release.promise;
    });
    const stalled = next(observer, 'global:stalled');
    await crash(dying);
    expect(await stalled).toEqual([job.id]);
    await ran.promise;
    release.resolve();
    await (await observer.getJob(job.id))!.finished();
    const removed = next(observer, 'global:removed');
    await (await survivor.getJob(job.id))!.remove();
    expect(await removed).toEqual([job.id]);
  });

  it('global:paused and global:resumed, whoever pauses', async () => {
    const a = makeQueue();
    const b = makeQueue();
    const seen: string[] = [];
    a.on('global:paused', () => seen.push('a: global:paused'));
    a.on('global:resumed', () => seen.push('a: global:resumed'));
    a.on('paused', () => seen.push('a: paused'));
    const resumed = next(a, 'global:resumed');
    await b.pause();
    await b.resume();
    await resumed;
    // `paused` is local: b paused, not a.
    expect(seen).toEqual(['a: global:paused', 'a: global:resumed']);
  });

  it('global:changed for every committed change, log lines and data updates included', async () => {
    const a = makeQueue();
    const b = makeQueue();
    const seen: string[] = [];
    a.on('global:changed', (c) => seen.push(`${c.jobId ?? '-'} ${c.type} ${c.state ?? '-'}`));
    const job = await b.add('x', { v: 1 });
    await job.log('hello');
    await job.update({ v: 2 });
    await b.pause();
    const removed = next(a, 'global:removed');
    await job.remove();
    await removed;
    expect(seen).toEqual(['1 added waiting', '1 log waiting', '1 updated waiting', '- paused -', '1 removed waiting']);
  });
});

describe('progress and log lines from a handler', () => {
  it('are events in the job’s log', async () => {
    const q = makeQueue();
    await q.process(async (job) => {
      expect(await job.log('starting')).toBe(1);
      await job.updateProgress(10);
      expect(await job.log('halfway')).toBe(2);
      await job.updateProgress(100);
      return 'ok';
    });
    const job = await q.add('x', {});
    await job.finished();
    const history = await job.history();
    expect(history.map((e) => e.type)).toEqual(['added', 'active', 'log', 'progress', 'log', 'progress', 'completed']);
    expect(await q.getJobLogs(job.id)).toEqual({ logs: ['starting', 'halfway'], count: 2 });
    expect((await q.getJob(job.id))?.progress).toBe(100);
  });
});

describe('listeners', () => {
  it('a listener that throws, or rejects, does not break the queue; its error is reported', async () => {
    const q = makeQueue();
    const reported = collect(q, 'error', 9);
    q.on('active', () => {
      throw new Error('active listener bug');
    });
    q.on('completed', async () => {
      throw new Error('completed listener bug');
    });
    q.on('global:completed', () => {
      throw new Error('global listener bug');
    });
    const results: unknown[] = [];
    q.on('completed', (_job, result) => results.push(result));
    await q.process(async (job) => job.data);
    const jobs = await q.addBulk([{ data: 1 }, { data: 2 }, { data: 3 }]);
    for (const job of jobs) expect(await job.finished()).toBe(job.data);
    const errors = (await reported).map(([err]) => (err as Error).message);
    expect(results).toEqual([1, 2, 3]);
    expect(errors.filter((m) => m === 'active listener bug')).toHaveLength(3);
    expect(errors.filter((m) => m === 'completed listener bug')).toHaveLength(3);
    expect(errors.filter((m) => m === 'global listener bug')).toHaveLength(3);
    expect(await q.getJobCounts()).toMatchObject({ completed: 3, active: 0 });
  });

  it('an error listener that throws does not break the queue either', async () => {
    const q = makeQueue();
    q.on('error', () => {
      throw new Error('error listener bug');
    });
    q.on('completed', () => {
      throw new Error('listener bug');
    });
    const originalConsoleError = console.error;
    const logged: unknown[][] = [];
    console.error = (...args: unknown[]) => logged.push(args);
    try {
      await q.process(async () => 'ok');
      const a = await q.add('x', {});
      const b = await q.add('x', {});
      expect(await a.finished()).toBe('ok');
      expect(await b.finished()).toBe('ok');
    } finally {
      console.error = originalConsoleError;
    }
    expect(logged.length).toBeGreaterThan(0);
  });

  it('are typed: on() infers each event’s arguments', () => {
    const q = makeQueue<{ url: string }, number>();
    q.on('completed', (job, result) => {
      expectTypeOf(job).toEqualTypeOf<Job<{ url: string }, number>>();
      expectTypeOf(result).toEqualTypeOf<number>();
    });
    q.on('failed', (_job, err) => expectTypeOf(err).toEqualTypeOf<Error>());
    q.on('progress', (_job, progress) => expectTypeOf(progress).toEqualTypeOf<JobProgress>());
    q.on('cleaned', (jobs, status) => {
      expectTypeOf(jobs).toEqualTypeOf<Job<{ url: string }, number>[]>();
      expectTypeOf(status).toEqualTypeOf<JobState>();
    });
    q.on('global:completed', (jobId, result) => {
      expectTypeOf(jobId).toEqualTypeOf<string>();
      expectTypeOf(result).toEqualTypeOf<number>();
    });
    q.on('global:failed', (jobId, failedReason) => expectTypeOf([jobId, failedReason]).toEqualTypeOf<string[]>());
    // @ts-expect-error not an event of the queue
    q.on('finished', () => {});
  });
});
