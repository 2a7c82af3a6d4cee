// Reading the queue: getJobs and its shorthands, counts.
import { IDBDatabase as FakeIDBDatabase } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Job, Queue } from '../../../src/index.js';
import { makeQueue } from '../helpers.js';
import { failWith, runJobs } from './probe.js';

const ids = (jobs: Job[]) => jobs.map((j) => j.id);

afterEach(() => {
  vi.restoreAllMocks();
});

/** Jobs 1..5 waiting, 6..7 delayed (7 due before 6). */
async function mixedQueue(): Promise<Queue> {
  const queue = makeQueue();
  for (let i = 1; i <= 5; i++) await queue.add({ i });
  await queue.add({ i: 6 }, { delay: 90_000 });
  await queue.add({ i: 7 }, { delay: 30_000 });
  return queue;
}

describe('getJobs', () => {
  it('takes one state; newest first by default, queue order with asc', async () => {
    const queue = await mixedQueue();
    expect(ids(await queue.getJobs('waiting'))).toEqual(['5', '4', '3', '2', '1']);
    expect(ids(await queue.getJobs('waiting', 0, -1, true))).toEqual(['1', '2', '3', '4', '5']);
    expect(ids(await queue.getJobs('delayed', 0, -1, true))).toEqual(['7', '6']);
  });

  it('takes start and end (inclusive) positions', async () => {
    const queue = await mixedQueue();
    expect(ids(await queue.getJobs('waiting', 1, 2, true))).toEqual(['2', '3']);
    expect(ids(await queue.getJobs('waiting', 0, 0))).toEqual(['5']);
    expect(ids(await queue.getJobs('waiting', 3))).toEqual(['2', '1']);
    expect(ids(await queue.getJobs('waiting', 10))).toEqual([]);
  });

  it('takes an array of states, listed state after state, the positions applied to each state (as Bull)', async () => {
    const queue = await mixedQueue();
    expect(ids(await queue.getJobs(['waiting', 'delayed'], 0, -1, true))).toEqual(['1', '2', '3', '4', '5', '7', '6']);
    expect(ids(await queue.getJobs(['delayed', 'waiting'], 0, -1, true))).toEqual(['7', '6', '1', '2', '3', '4', '5']);
    // Bull's getRanges: each type's own range, then concatenated.
    expect(ids(await queue.getJobs(['waiting', 'delayed'], 0, 0, true))).toEqual(['1', '7']);
    expect(ids(await queue.getJobs(['waiting', 'delayed'], 1, 3, true))).toEqual(['2', '3', '4', '6']);
    expect(ids(await queue.getJobs(['waiting', 'delayed'], 2, 5))).toEqual(['3', '2', '1']);
    expect(ids(await queue.getJobs(['completed', 'delayed']))).toEqual(['6', '7']);
  });

  it("takes Bull's comma-separated list of states", async () => {
    const queue = await mixedQueue();
    expect(ids(await queue.getJobs('delayed, wait' as never, 0, 0, true))).toEqual(['7', '1']);
  });

  it("accepts Bull's 'wait' alias and lists a state once however often it is named", async () => {
    const queue = await mixedQueue();
    expect(ids(await queue.getJobs('wait', 0, -1, true))).toEqual(['1', '2', '3', '4', '5']);
    expect(await queue.getJobs(['waiting', 'wait', 'waiting'])).toHaveLength(5);
  });

  it('refuses an unknown state or bad positions with a TypeError', async () => {
    const queue = await mixedQueue();
    await expect(queue.getJobs('paused' as never)).rejects.toThrow(/"paused" is not a job state in jobtrail: pause is a flag of the queue \(isPaused\(\)\)/);
    await expect(queue.getJobs('done' as never)).rejects.toThrow(/unknown job state "done"/);
    await expect(queue.getJobs([42] as never)).rejects.toThrow(/a job state must be a string, got 42/);
    await expect(queue.getJobs(['waiting', 'done' as never])).rejects.toThrow(TypeError);
    await expect(queue.getJobs('waiting', -1)).rejects.toThrow(/start/);
    await expect(queue.getJobs('waiting', 0, 1.5)).rejects.toThrow(/end/);
  });

  it('returns full Job objects', async () => {
    const queue = await mixedQueue();
    const [job] = await queue.getJobs('waiting', 0, 0, true);
    expect(job!.data).toEqual({ i: 1 });
    expect(await job!.getState()).toBe('waiting');
  });
});

describe('getWaiting / getActive / getDelayed / getCompleted / getFailed', () => {
  it('list each state: waiting and delayed in queue order, finished newest first', async () => {
    const queue = makeQueue();
    const finished = [await queue.add({ i: 1 }), await queue.add({ i: 2 }), await queue.add({ i: 3 })];
    await runJobs(queue, finished, (job) => {
      if (job.data.i === 2) throw new Error('two fails');
      return job.data.i;
    });
    await queue.add({ i: 4 });
    await queue.add({ i: 5 });
    await queue.add({ i: 6 }, { delay: 90_000 });
    await queue.add({ i: 7 }, { delay: 30_000 });
    expect(ids(await queue.getWaiting())).toEqual(['4', '5']);
    expect(ids(await queue.getWaiting(1, 1))).toEqual(['5']);
    expect(ids(await queue.getDelayed())).toEqual(['7', '6']);
    expect(ids(await queue.getCompleted())).toEqual(['3', '1']);
    expect(ids(await queue.getCompleted(0, 0))).toEqual(['3']);
    expect(ids(await queue.getFailed())).toEqual(['2']);
    expect(await queue.getActive()).toEqual([]);
  });

  it('getActive lists jobs being processed', async () => {
    const queue = makeQueue();
    await queue.add({});
    let release!: () => void;
    const running = new Promise<void>((started) =>
      void queue.process(() => {
        started();
        return new Promise((r) => (release = () => r('ok')));
      }),
    );
    await running;
    expect(ids(await queue.getActive())).toEqual(['1']);
    release();
    await (await queue.getJob(1))!.finished();
    expect(await queue.getActive()).toEqual([]);
  });
});

describe('getJobCounts', () => {
  it('counts every state, starting at zero', async () => {
    const queue = makeQueue();
    expect(await queue.getJobCounts()).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0, 'waiting-children': 0 });
  });

  it('follows adds, processing, promotion and removal', async () => {
    const queue = makeQueue();
    const ran = [await queue.add({}), await queue.add({})];
    expect(await queue.getJobCounts()).toEqual({ waiting: 2, active: 0, delayed: 0, completed: 0, failed: 0, 'waiting-children': 0 });
    await runJobs(queue, ran, (job) => {
      if (job.id === '2') throw new Error('no');
      return 'ok';
    });
    expect(await queue.getJobCounts()).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 1, failed: 1, 'waiting-children': 0 });
    const waiting = await queue.add({});
    const delayed = await queue.add({}, { delay: 60_000 });
    await queue.add({}, { delay: 60_000 });
    expect(await queue.getJobCounts()).toEqual({ waiting: 1, active: 0, delayed: 2, completed: 1, failed: 1, 'waiting-children': 0 });
    await delayed.promote();
    await waiting.remove();
    expect(await queue.getJobCounts()).toEqual({ waiting: 1, active: 0, delayed: 1, completed: 1, failed: 1, 'waiting-children': 0 });
  });

  it('is shared by every instance of the queue', async () => {
    const first = makeQueue('shared');
    const other = makeQueue('shared');
    const job = await other.add({});
    await runJobs(other, [job], failWith('x'));
    await first.add({});
    expect(await first.getJobCounts()).toMatchObject({ waiting: 1, failed: 1 });
    expect(await other.getJobCounts()).toMatchObject({ waiting: 1, failed: 1 });
  });
});

describe("getJobCounts(...types) and Bull's counters (issue 12)", () => {
  it('counts only the states named, keyed as named; an array or a comma-separated list works too', async () => {
    const queue = await mixedQueue();
    expect(await queue.getJobCounts('waiting', 'failed')).toEqual({ waiting: 5, failed: 0 });
    expect(await queue.getJobCounts(['delayed', 'wait'])).toEqual({ delayed: 2, wait: 5 });
    expect(await queue.getJobCounts('completed,delayed' as never)).toEqual({ completed: 0, delayed: 2 });
    expect(await queue.getJobCounts()).toEqual({ waiting: 5, active: 0, delayed: 2, completed: 0, failed: 0, 'waiting-children': 0 });
  });

  it('refuses an unknown state, and explains that paused is a flag', async () => {
    const queue = await mixedQueue();
    await expect(queue.getJobCounts('paused' as never)).rejects.toThrow(/"paused" is not a job state in jobtrail/);
    await expect(queue.getJobCounts('waiting', 'stuck' as never)).rejects.toThrow(/getJobCounts: unknown job state "stuck"/);
  });

  it('count() is the jobs still to run (waiting + delayed); one counter per state; getJobCountByTypes sums', async () => {
    const queue = makeQueue();
    await runJobs(queue, [await queue.add({})], failWith('no'));
    await queue.addBulk([{ data: 1 }, { data: 2 }, { data: 3 }, { data: 4 }, { data: 5, opts: { delay: 60_000 } }, { data: 6, opts: { delay: 60_000 } }]);
    expect(await queue.count()).toBe(6);
    expect(await queue.getWaitingCount()).toBe(4);
    expect(await queue.getDelayedCount()).toBe(2);
    expect(await queue.getActiveCount()).toBe(0);
    expect(await queue.getCompletedCount()).toBe(0);
    expect(await queue.getFailedCount()).toBe(1);
    expect(await queue.getJobCountByTypes('waiting', 'failed')).toBe(5);
    expect(await queue.getJobCountByTypes('failed,wait,waiting' as never)).toBe(5);
    expect(await queue.getJobCountByTypes()).toBe(7);
  });
});

describe('job.isCompleted() / isFailed() / isDelayed() / isActive() / isWaiting() (issue 12)', () => {
  it('each reads the stored state', async () => {
    const queue = makeQueue();
    const waiting = await queue.add({});
    const delayed = await queue.add({}, { delay: 60_000 });
    const checks = async (job: Job) => [await job.isWaiting(), await job.isDelayed(), await job.isActive(), await job.isCompleted(), await job.isFailed()];
    expect(await checks(waiting)).toEqual([true, false, false, false, false]);
    expect(await checks(delayed)).toEqual([false, true, false, false, false]);
    const fails = await queue.add({ fail: true });
    await runJobs(queue, [waiting, fails], (job) => {
      if ((job.data as { fail?: boolean }).fail) throw new Error('no');
      return 'ok';
    });
    expect(await checks(waiting)).toEqual([false, false, false, true, false]);
    expect(await checks(fails)).toEqual([false, false, false, false, true]);
    await waiting.remove();
    expect(await checks(waiting)).toEqual([false, false, false, false, false]);
  });
});

describe('getJobLogs(id, start, end, asc) (issue 12)', () => {
  it("applies the range to the job's lines, oldest first or newest first; count is every line", async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    for (const line of ['a', 'b', 'c', 'd']) await job.log(line);
    expect(await queue.getJobLogs(job.id)).toEqual({ logs: ['a', 'b', 'c', 'd'], count: 4 });
    expect(await queue.getJobLogs(job.id, 1, 2)).toEqual({ logs: ['b', 'c'], count: 4 });
    expect(await queue.getJobLogs(job.id, 2)).toEqual({ logs: ['c', 'd'], count: 4 });
    expect(await queue.getJobLogs(job.id, 0, 0, false)).toEqual({ logs: ['d'], count: 4 });
    expect(await queue.getJobLogs(job.id, 9)).toEqual({ logs: [], count: 4 });
    expect(await queue.getJobLogs('nope')).toEqual({ logs: [], count: 0 });
    await expect(queue.getJobLogs(job.id, -1)).rejects.toThrow(/argument start/);
    await expect(queue.getJobLogs(job.id, 0, -1, 'yes' as never)).rejects.toThrow(/getJobLogs: argument asc must be a boolean, got "yes"/);
  });
});

describe('reads never replay the log', () => {
  it('getJob, getJobs and getJobCounts read the projection and meta only', async () => {
    const queue = makeQueue();
    const job = await queue.add({});
    for (let i = 0; i < 5; i++) await job.updateProgress(i);
    const transaction = vi.spyOn(FakeIDBDatabase.prototype, 'transaction');
    await queue.getJob(job.id);
    await queue.getJobs(['waiting', 'completed']);
    await queue.getJobCounts();
    const scopes = transaction.mock.calls.flatMap(([names]) => (Array.isArray(names) ? names : [names]));
    expect(scopes.length).toBeGreaterThan(0);
    expect(scopes).not.toContain('events');
  });
});
