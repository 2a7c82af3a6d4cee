import { describe, expect, it } from 'vitest';
import { foldJob } from '../../../src/core/fold.js';
import { travelSteps } from '../../../src/inspector/time-travel.js';
import { makeQueue } from '../helpers.js';

describe('travelSteps', () => {
  it('gives the job after each event, ending at the stored job', async () => {
    const queue = makeQueue<{ n: number }, number>();
    const job = await queue.add('double', { n: 2 }, { attempts: 2 });
    let attempt = 0;
    await queue.process(async (j) => {
      await j.updateProgress(50);
      if (++attempt === 1) throw new Error('first try fails');
      return j.data.n * 2;
    });
    await job.finished();
    const history = await job.history();
    const steps = travelSteps(job.id, history);

    expect(steps.map((s) => [s.event.type, s.from, s.state])).toEqual([
      ['added', null, 'waiting'],
      ['active', 'waiting', 'active'],
      ['progress', 'active', 'active'],
      ['failed', 'active', 'waiting'],
      ['active', 'waiting', 'active'],
      ['progress', 'active', 'active'],
      ['completed', 'active', 'completed'],
    ]);
    // An earlier step shows the job as it was then, not as it is now.
    expect(steps[3]!.json).toMatchObject({ attemptsMade: 1, failedReason: 'first try fails', returnvalue: null, finishedOn: null });
    expect(steps[0]!.json.progress).toBe(0);
    // The last step is the job as the store holds it: the same fold, not a second implementation.
    expect(steps.at(-1)!.json).toEqual((await queue.getJob(job.id))!.toJSON());
    expect(steps.at(-1)!.context).toEqual(foldJob(job.id, history).job);
  });

  it('refuses a history that does not start with added, like the store would', () => {
    expect(() => travelSteps('1', [{ type: 'retried', time: 1, payload: {}, seq: 1, jobId: '1' }])).toThrow(/must start with an added event/);
  });
});
