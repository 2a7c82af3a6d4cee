// The runner, driven directly: a wake-up or a freed slot that arrives while a claim is in flight is
// not lost when that claim comes back short (the wake-up may be for a job committed after the claim
// read the waiting line; the slot may be of a handler that was full while the claim chose).
import { describe, expect, it } from 'vitest';
import { resolveJobOptions, resolveQueueOptions } from '../../../src/core/options.js';
import { Runner, type RunnerHost } from '../../../src/processing/runner.js';
import { addJobs } from '../../../src/store/add-jobs.js';
import { openQueueDb, type QueueDB } from '../../../src/store/open-db.js';
import type { JobRecord } from '../../../src/store/record.js';
import { write } from '../../../src/store/write.js';
import { deferred } from '../helpers.js';

function host(db: QueueDB, hooks: { afterWrite?: (doing: string) => Promise<void> }): RunnerHost<JobRecord> {
  const { settings } = resolveQueueOptions<JobRecord>('wake', {});
  return {
    instanceId: 'runner-under-test',
    dbName: 'jobtrail:wake',
    settings,
    limiter: null,
    write: async (doing, body, prefetch) => {
      const { result } = await write(db, doing, body, prefetch);
      await hooks.afterWrite?.(doing);
      return result;
    },
    writeNow: async (doing, body) => (await write(db, doing, body)).result,
    makeJob: (record) => record,
    emitError: (err) => {
      throw err;
    },
    drained: () => {},
  };
}

describe('runner wake-ups', () => {
  it('a job added (and hinted) while a claim that finds nothing is in flight is still run (issue 11: lost wake-up)', async () => {
    const db = await openQueueDb('jobtrail:wake', { onLost: () => {} }, 'wake');
    const ran = deferred<string>();
    let runner: Runner<JobRecord, unknown> | undefined;
    let armed = false;
    const hooks: { afterWrite?: (doing: string) => Promise<void> } = {};
    hooks.afterWrite = async () => {
      if (!armed) return;
      armed = false;
      // Another tab commits a job after this claim read the waiting line; its notice arrives
      // before the claim's transaction has been handled here.
      await write(db, 'adding', (batch) => addJobs(batch, [{ name: 'x', data: 1, opts: resolveJobOptions(undefined, resolveQueueOptions('wake', {})) }], Date.now()));
      runner!.hint();
    };
    runner = new Runner<JobRecord, unknown>(db, host(db, hooks));
    await runner.register({ name: '*', concurrency: 1, processor: { run: async (job) => ran.resolve(job.id), close: async () => {} } });
    // The first claims (at register) found nothing; arm the hook for the next one.
    armed = true;
    runner.hint();
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('not run'), 1000));
    expect(await Promise.race([ran.promise, timeout])).toBe('1');
    await runner.close('wait');
    db.close();
  });

  it('a slot freed while a claim that could not use it is in flight is used (it once left jobs waiting forever)', async () => {
    const db = await openQueueDb('jobtrail:wake', { onLost: () => {} }, 'wake');
    const opts = resolveJobOptions(undefined, resolveQueueOptions('wake', {}));
    await write(db, 'adding', (batch) => addJobs(batch, [{ name: 'image', data: 1, opts }, { name: 'image', data: 2, opts }], Date.now()));
    const firstStarted = deferred();
    const releaseFirst = deferred();
    const secondRan = deferred<string>();
    let armed = false;
    const hooks: { afterWrite?: (doing: string) => Promise<void> } = {};
    hooks.afterWrite = async (doing) => {
      if (!armed || doing !== 'processing jobs') return;
      armed = false;
      // The claim (for the free mail slot) passed over image 2: image's one slot was taken. Now
      // image 1 ends before the claim's result is handled here; its outcome waits for the next
      // transaction.
      releaseFirst.resolve();
      await new Promise((resolve) => setTimeout(resolve, 10));
    };
    const runner = new Runner<JobRecord, unknown>(db, host(db, hooks));
    await runner.register({
      name: 'image',
      concurrency: 1,
      processor: {
        run: async (job) => {
          if (job.id === '1') {
            firstStarted.resolve();
            await releaseFirst.promise;
          } else secondRan.resolve(job.id);
        },
        close: async () => {},
      },
    });
    await firstStarted.promise;
    armed = true;
    await runner.register({ name: 'mail', concurrency: 1, processor: { run: async () => {}, close: async () => {} } });
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('not run'), 1000));
    expect(await Promise.race([secondRan.promise, timeout])).toBe('2');
    expect(armed).toBe(false);
    await runner.close('wait');
    db.close();
  });
});
