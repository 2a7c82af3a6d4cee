// Big stored queues for the read and rebuild cases, written straight through the store commands
// the runner itself uses (add, claim, progress, complete), a thousand jobs per transaction: the
// same events the queue would write, in seconds instead of minutes.
import { resolveJobOptions, resolveQueueOptions } from '../../src/core/options.js';
import { addJobs } from '../../src/store/add-jobs.js';
import { claimJobs } from '../../src/store/claim-jobs.js';
import { finishJobs } from '../../src/store/finish-jobs.js';
import { dbName } from '../../src/store/db-name.js';
import { openQueueDb } from '../../src/store/open-db.js';
import { updateJob } from '../../src/store/update-job.js';
import { write } from '../../src/store/write.js';
import { JOB_NAME, jobData } from './payload.js';

const PER_TX = 1000;

/**
 * Store `jobs` completed jobs in queue `name`: each has `added`, `active`, then (with `progress`)
 * a `progress` event, then `completed`. Returns how many events the log holds.
 */
export async function storeCompletedJobs(prefix: string, name: string, jobs: number, progress: boolean): Promise<number> {
  const db = await openQueueDb(dbName(prefix, name), { onLost: () => {} });
  const opts = resolveJobOptions(undefined, resolveQueueOptions(name, { prefix }));
  let events = 0;
  try {
    for (let first = 1; first <= jobs; first += PER_TX) {
      const count = Math.min(PER_TX, jobs - first + 1);
      const now = Date.now();
      await write(db, 'storing bench jobs', async (batch) => {
        const specs = Array.from({ length: count }, (_, k) => ({ name: JOB_NAME, data: jobData(first + k), opts }));
        await addJobs(batch, specs, now);
        const { claimed } = await claimJobs(batch, {
          owner: 'bench-fixture',
          max: count,
          take: () => true,
          now,
          limiter: null,
          newToken: () => crypto.randomUUID(),
        });
        if (progress) {
          for (const record of claimed) await updateJob(batch, record.id, { type: 'progress', time: now, payload: { progress: 50 } });
        }
        const finishes = claimed.map((record) => ({
          jobId: record.id,
          token: record.job.claim!.token,
          outcome: { type: 'completed' as const, returnvalue: null },
        }));
        await finishJobs(batch, finishes, now);
        events += count * (progress ? 4 : 3);
      });
    }
  } finally {
    db.close();
  }
  return events;
}
