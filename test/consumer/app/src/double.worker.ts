// The Web Worker processor of the `in-worker` queue.
import { exposeProcessor } from 'jobtrail/worker';
import { double, type Done, type Work } from './jobs';

exposeProcessor<Work, Done>(async (job) => {
  await job.log(`doubling ${job.data.n}`);
  await job.updateProgress(100);
  return double(job.data);
});
