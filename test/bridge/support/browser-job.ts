// A browser job as forwardTo sees it (the structural ForwardedJob), kept in memory, and a runner
// that does what jobtrail's runner does with forwardTo's errors: a retry-later error gives the job
// back (no attempt used) and runs it again after `retryAfter`; anything else settles the job.
import type { ForwardedJob } from '../../../src/bridge/forward-to.js';

export interface MemoryJob extends ForwardedJob {
  logs: string[];
  progressHistory: unknown[];
  progress: unknown;
  /** Times the processor gave the job back (ERR_RETRY_LATER). */
  postponed: number;
  /** Resolves once `check(job)` holds, looking after each change of progress or log. */
  until(check: (job: MemoryJob) => boolean): Promise<void>;
}

export function memoryJob(queueName: string, id: string, name: string, data: unknown): MemoryJob {
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const job: MemoryJob = {
    id,
    name,
    data,
    queueName,
    logs: [],
    progressHistory: [],
    progress: 0,
    postponed: 0,
    // Like jobtrail's Job: its history holds its log lines.
    history: async () => job.logs.map((line) => ({ type: 'log', payload: { line } })),
    async updateProgress(progress) {
      job.progress = progress;
      job.progressHistory.push(progress);
      changed();
    },
    async log(line) {
      job.logs.push(line);
      changed();
      return job.logs.length;
    },
    until(check) {
      return new Promise((resolve) => {
        const look = () => {
          if (!check(job)) return;
          waiters.delete(look);
          resolve();
        };
        waiters.add(look);
        look();
      });
    },
  };
  return job;
}

type Processor<Result> = (job: ForwardedJob, signal: AbortSignal) => Promise<Result>;

/** Run the processor until the job settles, giving it back on retry-later errors as jobtrail does. */
export async function runToEnd<Result>(processor: Processor<Result>, job: MemoryJob, signal = new AbortController().signal): Promise<Result> {
  for (;;) {
    try {
      return await processor(job, signal);
    } catch (err) {
      const { code, retryAfter } = err as { code?: string; retryAfter?: number };
      if (code !== 'ERR_RETRY_LATER') throw err;
      job.postponed++;
      await new Promise((resolve) => setTimeout(resolve, retryAfter ?? 1000));
    }
  }
}
