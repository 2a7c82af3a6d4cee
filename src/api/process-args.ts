// The four shapes of `queue.process(...)`, checked and turned into the processor the runner takes.
import { bullProcessorProblem, explainBullHabit, secondParameterName } from '../core/bull-habits.js';
import { InvalidOptionError } from '../core/errors.js';
import { describe } from '../core/options.js';
import type { Processor, ProcessorSpec } from '../processing/processor.js';
import { WorkerPool, type WorkerSource } from '../workers/pool.js';
import type { Job } from './job.js';

export type { WorkerSource };

/**
 * A processor that runs in the calling thread: it gets the job and an `AbortSignal` (not Bull's
 * `done` callback), and returns the result or throws.
 */
// Written as a method's type, whose parameters TypeScript compares both ways: so a
// Queue<{ file: File }, string> can still be passed where a plain `Queue` is expected.
export type ProcessFunction<Data, Result> = {
  processor(job: Job<Data, Result>, signal: AbortSignal): Promise<Result> | Result;
}['processor'];

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
  if (args.length === 1 && typeof args[0] === 'string') {
    // A lone string is a job name whose handler was forgotten far more often than a worker URL.
    throw new InvalidOptionError(
      `process(${describe(args[0])}): no handler. Pass one: process(name, handler); a worker script URL goes ` +
      `after a name or a concurrency (process('*', url)), or as a URL object (process(new URL(url, import.meta.url)))`,
    );
  }
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
  if (typeof handler === 'function') {
    const problem = bullProcessorProblem(handler as ProcessFunction<Data, Result>, 'process()');
    if (problem) throw new InvalidOptionError(problem);
  }
  return { name, concurrency, handler: handler as ProcessHandler<Data, Result> };
}

/** The processor for a handler: the function itself, or a pool of up to `concurrency` workers. */
export function createProcessor<Data, Result>({ name, concurrency, handler }: ProcessSpec<Data, Result>): ProcessorSpec<Job<Data, Result>, Result> {
  const processor: Processor<Job<Data, Result>, Result> =
    typeof handler === 'function' ? inThread(handler) : new WorkerPool<Result>(handler, concurrency);
  return { name, concurrency, processor };
}

function inThread<Data, Result>(handler: ProcessFunction<Data, Result>): Processor<Job<Data, Result>, Result> {
  const secondParam = secondParameterName(handler);
  return {
    run: async (job, signal) => {
      try {
        return await handler(job, signal);
      } catch (err) {
        throw explainBullHabit(err, secondParam);
      }
    },
    close: async () => {},
  };
}
