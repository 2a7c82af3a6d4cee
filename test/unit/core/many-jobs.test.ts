// retryJobs, promoteJobs (BullMQ) and removeJobs (Bull): many jobs per call, each batch one
// transaction (issue 12).
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../../src/index.js';
import { makeQueue, next } from '../helpers.js';
import { failWith, runJobs, stored } from './probe.js';

describe('retryJobs', () => {
  it('moves every failed job back to waiting, in batches of count; resolves with how many', async () => {
    const queue = makeQueue();
    const jobs = await queue.addBulk(Array.from({ length: 5 }, (_, n) => ({ data: n })));
    await runJobs(queue, jobs, failWith('offline'));
    const done = await queue.add('x', 'done');
    await runJobs(queue, [done], () => 'ok');
    expect(await queue.getJobCounts('failed', 'completed')).toEqual({ failed: 5, completed: 1 });
    expect(await queue.retryJobs({ count: 2 })).toBe(5);
    expect(await queue.getJobCounts('failed', 'waiting', 'completed')).toEqual({ failed: 0, waiting: 5, completed: 1 });
    // One retried event per job: the batches wrote each job once.
    expect((await stored(queue)).events.filter((e) => e.type === 'retried')).toHaveLength(5);
    // Retried as retry() does: they run again.
    await runJobs(queue, jobs, (job) => `again ${String(job.data)}`);
    expect(await queue.getJobCounts('completed')).toEqual({ completed: 6 });
  });

  it('leaves jobs that failed after timestamp, and refuses other states or bad counts', async () => {
    const queue = makeQueue();
    const old = await queue.add('x', 1);
    await runJobs(queue, [old], failWith('old'));
    const oldFinished = (await queue.getJob(old.id))!.finishedOn!;
    expect(await queue.retryJobs({ timestamp: oldFinished - 1 })).toBe(0);
    expect(await queue.retryJobs({ timestamp: oldFinished })).toBe(1);
    await expect(queue.retryJobs({ state: 'completed' } as never)).rejects.toThrow(/retryJobs: state must be 'failed', got "completed"/);
    await expect(queue.retryJobs({ count: 0 })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(queue.retryJobs({ cont: 5 } as never)).rejects.toThrow(/Unknown retryJobs option cont/);
  });

  it('with nothing failed, writes nothing and resolves with 0', async () => {
    const queue = makeQueue();
    await queue.add({});
    expect(await queue.retryJobs()).toBe(0);
    expect((await stored(queue)).events).toHaveLength(1);
  });
});

describe('promoteJobs', () => {
  it('moves every delayed job to waiting now, earliest due first, in batches of count', async () => {
    const queue = makeQueue();
    await queue.addBulk([
      { data: 'late', opts: { delay: 90_000 } },
      { data: 'soon', opts: { delay: 30_000 } },
      { data: 'now' },
      { data: 'mid', opts: { delay: 60_000 } },
    ]);
    expect(await queue.promoteJobs({ count: 2 })).toBe(3);
    expect((await queue.getWaiting()).map((j) => j.data)).toEqual(['now', 'soon', 'mid', 'late']);
    expect(await queue.getDelayedCount()).toBe(0);
    const promoted = (await stored(queue)).events.filter((e) => e.type === 'promoted');
    expect(promoted.map((e) => e.payload)).toEqual([{ due: false }, { due: false }, { due: false }]);
  });

  it('refuses a bad count', async () => {
    const queue = makeQueue();
    await expect(queue.promoteJobs({ count: -1 })).rejects.toThrow(/promoteJobs option count: expected an integer >= 1, got -1/);
  });
});

describe('removeJobs', () => {
  it('removes every job whose id matches the glob, with its events; emits removed; skips active jobs', async () => {
    const queue = makeQueue();
    await queue.addBulk([
      { data: 1, opts: { jobId: 'upload-a' } },
      { data: 2, opts: { jobId: 'upload-b' } },
      { data: 3, opts: { jobId: 'resize-a' } },
      { data: 4, opts: { jobId: 'upload-c' } },
    ]);
    // upload-a is claimed by a processor: Bull skips locked jobs.
    const started = next(queue, 'active');
    let release!: () => void;
    await queue.process(async () => new Promise<void>((r) => (release = r)));
    await started;
    await queue.pause();
    const removed: string[] = [];
    queue.on('removed', (job) => removed.push(job.id));
    expect(await queue.removeJobs('upload-*')).toBe(2);
    expect(removed.sort()).toEqual(['upload-b', 'upload-c']);
    expect((await stored(queue)).jobs.map((r) => r.id).sort()).toEqual(['resize-a', 'upload-a']);
    expect((await stored(queue)).events.filter((e) => e.jobId === 'upload-b')).toEqual([]);
    release();
    await (await queue.getJob('upload-a'))!.finished();
    expect(await queue.removeJobs('*')).toBe(2);
    expect(await queue.getJobCountByTypes()).toBe(0);
  });

  it('matches automatic ids too, and refuses a pattern that is not a non-empty string', async () => {
    const queue = makeQueue();
    await queue.addBulk(Array.from({ length: 12 }, (_, n) => ({ data: n })));
    expect(await queue.removeJobs('1?')).toBe(3);
    expect(await queue.removeJobs('[2-4]')).toBe(3);
    expect((await queue.getWaiting()).map((j) => j.id).sort()).toEqual(['1', '5', '6', '7', '8', '9']);
    await expect(queue.removeJobs('')).rejects.toThrow(/removeJobs: the pattern must be a non-empty string/);
    await expect(queue.removeJobs(3 as never)).rejects.toBeInstanceOf(InvalidOptionError);
  });
});
