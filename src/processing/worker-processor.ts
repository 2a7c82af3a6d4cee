// PLACEHOLDER (being written): a pool of module Web Workers reached through comlink.
import { JobtrailError } from '../errors.js';
import type { Job } from '../job.js';
import type { WorkerSource } from './process-args.js';
import type { Processor } from './processor.js';

export class WorkerProcessor<Data, Result> implements Processor<Data, Result> {
  constructor(readonly source: WorkerSource, readonly concurrency: number) {}
  run(_job: Job<Data, Result>, _signal: AbortSignal): Promise<Result> {
    return Promise.reject(new JobtrailError('ERR_WORKER', 'Web Worker processors are not built yet'));
  }
  async close(): Promise<void> {}
}
