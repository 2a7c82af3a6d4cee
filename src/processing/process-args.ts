// The four shapes of `queue.process(...)`, checked and turned into one spec.
import { InvalidOptionError } from '../errors.js';
import type { Job } from '../job.js';
import { describe } from '../options.js';

/** A processor that runs in the calling thread. */
export type ProcessFunction<Data, Result> = (job: Job<Data, Result>, signal: AbortSignal) => Promise<Result> | Result;

/** A processor in a module Web Worker: its script's URL, or a factory the bundler can see. */
export type WorkerSource = URL | string | { worker: () => Worker };

export type ProcessHandler<Data, Result> = ProcessFunction<Data, Result> | WorkerSource;

export interface ProcessSpec<Data, Result> {
  /** The job name handled, or `'*'` for every name. */
  name: string;
  concurrency: number;
  handler: ProcessHandler<Data, Result>;
}

export function parseProcessArgs<Data, Result>(args: unknown[]): ProcessSpec<Data, Result> {
  let name = '*';
  let concurrency = 1;
  const rest = [...args];
  if (typeof rest[0] === 'string' && rest.length > 1) name = rest.shift() as string;
  if (typeof rest[0] === 'number') concurrency = rest.shift() as number;
  if (rest.length !== 1) {
    throw new InvalidOptionError('process() takes ([name], [concurrency], handler)');
  }
  const handler = rest[0];
  if (name.length === 0) throw new InvalidOptionError('process(): the job name must be a non-empty string');
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidOptionError(`process(): concurrency must be an integer >= 1, got ${describe(concurrency)}`);
  }
  const isWorkerFactory = typeof handler === 'object' && handler !== null && typeof (handler as { worker?: unknown }).worker === 'function';
  if (typeof handler !== 'function' && typeof handler !== 'string' && !(handler instanceof URL) && !isWorkerFactory) {
    throw new InvalidOptionError(`process(): the handler must be a function, a worker script URL or { worker: () => Worker }, got ${describe(handler)}`);
  }
  return { name, concurrency, handler: handler as ProcessHandler<Data, Result> };
}
