// The runner, driven directly: a wake-up that arrives while a claim is in flight is not lost when
// that claim comes back short (it may be for a job committed after the claim read the waiting line).
import { describe, expect, it } from 'vitest';
import { resolveJobOptions, resolveQueueOptions } from '../../../src/core/options.js';
import { Runner, type RunnerHost } from '../../../src/processing/runner.js';
import { addJobs } from '../../../src/store/add-jobs.js';
import { openQueueDb, type QueueDB } from '../../../src/store/open-db.js';
import type { JobRecord } from '../../../src/store/record.js';
import { write } from '../../../src/store/write.js';
import { deferred } from '../helpers.js';

function host(db: QueueDB, hooks: { afterWrite?: () => Promise<void> }): RunnerHost<JobRecord> {
  const { settings } = resolveQueueOptions<JobRecord>('wake', {});
  return {
    instanceId: 'runner-under-test',
    dbName: 'jobtrail:wake',
    settings,
    limiter: null,
    write: async (doing, body, prefetch) => {
      const { result } = await write(db, doing, body, prefetch);
      await hooks.afterWrite?.();
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
    const hooks: { afterWrite?: () => Promise<void> } = {};
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
});
