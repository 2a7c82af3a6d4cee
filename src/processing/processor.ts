// What runs a job's attempt. The runner only sees this interface, so in-thread functions and pools
// of Web Workers are interchangeable.
import type { Job } from '../job.js';
import type { ProcessHandler } from './process-args.js';
import { WorkerProcessor } from './worker-processor.js';

export interface Processor<Data, Result> {
  /**
   * Run one attempt: resolve with the job's result or reject with why it failed. When `signal`
   * aborts (timeout, forced close, removal), stop the work as far as the processor can.
   */
  run(job: Job<Data, Result>, signal: AbortSignal): Promise<Result>;
  /** Release what the processor holds (workers). Running attempts may be cut short. */
  close(): Promise<void>;
}

export function createProcessor<Data, Result>(handler: ProcessHandler<Data, Result>, concurrency: number): Processor<Data, Result> {
  if (typeof handler === 'function') {
    return {
      run: async (job, signal) => handler(job, signal),
      close: async () => {},
    };
  }
  return new WorkerProcessor<Data, Result>(handler, concurrency);
}
