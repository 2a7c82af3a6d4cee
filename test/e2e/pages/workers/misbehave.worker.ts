// A worker processor that fails in the ways real ones do, as the job's data asks.
import { exposeProcessor, UnrecoverableError } from 'jobtrail/worker';

const workerId = crypto.randomUUID();

export type MisbehaveData =
  | { do: 'answer' }
  | { do: 'throw'; value: number }
  | { do: 'unrecoverable' }
  /** Hold the Web Lock `lock` (released only when this worker dies), then spin forever. */
  | { do: 'loop'; lock: string }
  /** Hold the Web Lock `lock` and wait forever, idle. */
  | { do: 'hang'; lock: string }
  /** An uncaught error outside the handler, as a buggy library callback would throw. */
  | { do: 'crash' }
  /** Bull's `job.progress(n)`, which jobtrail spells `job.updateProgress(n)`. */
  | { do: 'bull-progress' }
  /** A fetch Response, which cannot be cloned back to the queue. */
  | { do: 'response' };

exposeProcessor<MisbehaveData>(async (job) => {
  const data = job.data;
  switch (data.do) {
    case 'answer':
      return { workerId };
    case 'throw':
      throw new TypeError(`bad input ${data.value}`);
    case 'unrecoverable':
      throw new UnrecoverableError('the file is gone');
    case 'loop':
      await holdUntilDeath(data.lock);
      for (;;) {
        // Never yields: only terminate() stops this.
      }
    case 'hang':
      await holdUntilDeath(data.lock);
      return new Promise(() => {});
    case 'bull-progress':
      (job.progress as unknown as (n: number) => void)(50);
      return { workerId };
    case 'response':
      return new Response('stored', { status: 201 });
    case 'crash':
      setTimeout(() => {
        throw new Error('worker crashed on purpose');
      });
      return new Promise(() => {});
  }
});

/** Take the Web Lock `name` and never give it back: the browser releases it when this worker dies. */
function holdUntilDeath(name: string): Promise<void> {
  return new Promise<void>((held) => {
    void navigator.locks.request(name, () => {
      held();
      return new Promise(() => {});
    });
  });
}
