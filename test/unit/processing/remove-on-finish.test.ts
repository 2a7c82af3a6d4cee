// removeOnComplete / removeOnFail: `true` deletes the finished job with its events, a number keeps the
// newest N finished jobs of that kind, `{ age, count }` drops those older than `age` seconds and
// beyond `count`. removeOnFail applies only after the final failure.
import { describe, expect, it } from 'vitest';
import type { JobOptions } from '../../../src/index.js';
import { makeQueue, sleep } from '../helpers.js';
import { collect, readLog } from './support.js';

/** Ids of the jobs that still have events in the log. */
async function idsInLog(): Promise<string[]> {
  return [...new Set((await readLog()).flatMap((e) => (e.jobId === undefined ? [] : [e.jobId])))].sort();
}

/** Run `count` jobs one after another with `opts`; `fail` decides which throw. */
async function runJobs(count: number, opts: JobOptions, fail: (i: number) => boolean = () => false) {
  const q = makeQueue<number>();
  await q.process(async (job) => {
    if (fail(job.data)) throw new Error(`job ${job.data} fails`);
    return job.data;
  });
  for (let i = 1; i <= count; i++) {
    const job = await q.add('x', i, opts);
    if (fail(i)) await expect(job.finished()).rejects.toThrow(`job ${i} fails`);
    else expect(await job.finished()).toBe(i);
  }
  return q;
}

describe('removeOnComplete', () => {
  it('true deletes the completed job and every event of it', async () => {
    const q = await runJobs(2, { removeOnComplete: true });
    expect(await q.getJobCounts()).toMatchObject({ completed: 0, waiting: 0, active: 0 });
    expect(await q.getJob('1')).toBeNull();
    expect(await idsInLog()).toEqual([]);
  });

  it('true still reports the result to finished() and to global:completed listeners', async () => {
    const q = makeQueue();
    const other = makeQueue();
    const globalCompleted = collect(other, 'global:completed', 1);
    await q.process(async () => 'result');
    const job = await q.add('x', {}, { removeOnComplete: true });
    expect(await job.finished()).toBe('result');
    expect(await globalCompleted).toEqual([[job.id, 'result']]);
    expect(await q.getJob(job.id)).toBeNull();
  });

  it('2 keeps exactly the newest 2 completed jobs', async () => {
    const q = await runJobs(5, { removeOnComplete: 2 });
    expect((await q.getCompleted()).map((j) => j.id)).toEqual(['5', '4']);
    expect(await q.getJobCounts()).toMatchObject({ completed: 2 });
    expect(await idsInLog()).toEqual(['4', '5']);
  });

  it('{ count } keeps the newest `count`', async () => {
    const q = await runJobs(3, { removeOnComplete: { count: 1 } });
    expect((await q.getCompleted()).map((j) => j.id)).toEqual(['3']);
    expect(await idsInLog()).toEqual(['3']);
  });

  it('{ age } (seconds) drops completed jobs that finished longer ago than that', async () => {
    const q = makeQueue();
    await q.process(async () => 'ok');
    const old = await q.add('x', {}, { removeOnComplete: { age: 0.05 } });
    await old.finished();
    await sleep(80);
    const young = await q.add('x', {}, { removeOnComplete: { age: 0.05 } });
    await young.finished();
    expect((await q.getCompleted()).map((j) => j.id)).toEqual([young.id]);
    expect(await idsInLog()).toEqual([young.id]);
  });

  it('{ age, count } applies both limits', async () => {
    const q = makeQueue();
    await q.process(async () => 'ok');
    const opts = { removeOnComplete: { age: 3600, count: 2 } };
    for (let i = 0; i < 4; i++) await (await q.add('x', {}, opts)).finished();
    expect((await q.getCompleted()).map((j) => j.id)).toEqual(['4', '3']);
  });

  it('leaves failed jobs alone', async () => {
    const q = await runJobs(3, { removeOnComplete: true }, (i) => i === 2);
    expect(await q.getJobCounts()).toMatchObject({ completed: 0, failed: 1 });
    expect(await idsInLog()).toEqual(['2']);
  });
});

describe('removeOnFail', () => {
  it('true deletes the job only after its final failure', async () => {
    const q = makeQueue();
    const presentWhileRetrying: boolean[] = [];
    const failures = collect(q, 'failed', 3);
    await q.process(async (job) => {
      presentWhileRetrying.push((await q.getJob(job.id)) !== null);
      throw new Error('always');
    });
    const job = await q.add('x', {}, { attempts: 3, removeOnFail: true });
    await failures;
    expect(presentWhileRetrying).toEqual([true, true, true]);
    expect(await q.getJob(job.id)).toBeNull();
    expect(await idsInLog()).toEqual([]);
    expect(await q.getJobCounts()).toMatchObject({ failed: 0, waiting: 0, delayed: 0, active: 0 });
  });

  it('a number keeps the newest N failed jobs', async () => {
    const q = await runJobs(4, { removeOnFail: 2 }, () => true);
    expect((await q.getFailed()).map((j) => j.id)).toEqual(['4', '3']);
    expect(await idsInLog()).toEqual(['3', '4']);
  });

  it('leaves completed jobs alone', async () => {
    const q = await runJobs(3, { removeOnFail: true }, (i) => i === 2);
    expect(await q.getJobCounts()).toMatchObject({ completed: 2, failed: 0 });
    expect(await idsInLog()).toEqual(['1', '3']);
  });
});

describe('removal without reading the log', () => {
  it('a job record keeps the seqs of its events, and removeOnComplete deletes them by key', async () => {
    const q = makeQueue<number>();
    const job = await q.add('x', 1, { removeOnComplete: true });
    expect((await q.getJobRecord(job.id))?.seqs).toEqual([1]);
    await q.process(async (j) => j.data);
    expect(await job.finished()).toBe(1);
    expect(await idsInLog()).toEqual([]);
  });

  it('a record written before it kept seqs (or with a long history) is removed by reading its events', async () => {
    const q = makeQueue<number>();
    const job = await q.add('x', 1, { removeOnComplete: true });
    // As a record of database version 5: no seqs.
    const { openDB } = await import('idb');
    const db = await openDB(q.dbName);
    const record = await db.get('jobs', job.id);
    delete record.seqs;
    await db.put('jobs', record);
    db.close();
    await q.process(async (j) => {
      for (let i = 0; i < 40; i++) await j.updateProgress(i);
      return j.data;
    });
    const other = await q.add('y', 2, { removeOnComplete: true });
    expect(await job.finished()).toBe(1);
    expect(await other.finished()).toBe(2);
    expect(await idsInLog()).toEqual([]);
  });
});

describe('a job removed as it finishes', () => {
  /** Every put of `jobId`'s events and projection while `run` runs. */
  async function putsOf(jobId: string, run: () => Promise<unknown>): Promise<string[]> {
    const proto = globalThis.IDBObjectStore.prototype;
    const put = proto.put;
    const puts: string[] = [];
    proto.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      const value = args[0] as { id?: string; jobId?: string; type?: string; state?: string };
      if (this.name === 'events' && value.jobId === jobId) puts.push(`event ${value.type}`);
      if (this.name === 'jobs' && value.id === jobId) puts.push(`job ${value.state}`);
      if (this.name === 'removals' && value.jobId === jobId) puts.push(`removal ${value.state}`);
      return put.apply(this, args);
    };
    try {
      await run();
    } finally {
      proto.put = put;
    }
    return puts;
  }

  it('never writes its last event and projection, only the removal (removeOnComplete / removeOnFail: true)', async () => {
    const q = makeQueue<number>();
    const done = await q.add('x', 1, { removeOnComplete: true });
    const failed = await q.add('x', 2, { removeOnFail: true });
    const puts = await putsOf(done.id, async () => {
      await q.process(async (job) => {
        if (job.data === 2) throw new Error('two');
        return job.data * 10;
      });
      expect(await done.finished()).toBe(10);
      await expect(failed.finished()).rejects.toThrow('two');
    });
    expect(puts).toEqual(['event active', 'job active', 'removal completed']);
    expect(await idsInLog()).toEqual([]);
    expect(await q.getJobCounts()).toMatchObject({ completed: 0, failed: 0, active: 0, waiting: 0 });
    const metrics = await q.getMetrics('completed');
    expect(metrics.count).toBe(1);
  });

  it('with a result IndexedDB cannot store: the attempt fails, and the job stays if removeOnFail says so', async () => {
    const q = makeQueue();
    await q.process(async () => ({ next: () => 1 }));
    const job = await q.add('x', {}, { removeOnComplete: true });
    await expect(job.finished()).rejects.toThrow(/^Job 1's return value is not cloneable/);
    expect(await (await q.getJob(job.id))!.getState()).toBe('failed');
    expect((await q.getJob(job.id))!.failedReason).toMatch(/^Job 1's return value is not cloneable/);
  });
});
