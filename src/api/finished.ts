// `job.finished()`: a promise per caller that settles when the job completes, finally fails or
// disappears, whichever tab does it. Each change to a watched job wakes its watchers, who settle
// from the change when it says how the job ended (a job removed on completion cannot be read back)
// and otherwise read the job again.
import type { QueueChange } from '../core/change.js';
import { JobFailedError, JobtrailError } from '../core/errors.js';
import type { JobRecord } from '../store/record.js';

type Wake = (change?: QueueChange) => void;

export interface FinishedSource {
  readonly queueName: string;
  /** Read the job (undefined once it is gone). */
  read(jobId: string): Promise<JobRecord | undefined>;
  /** `open`, `closing` (close() began) or `closed` (close() is done). */
  lifecycle(): 'open' | 'closing' | 'closed';
  /** Why the database can no longer be used (deleted, upgraded, closed under us), if it cannot. */
  lost(): Error | null;
}

export class FinishedWatchers<Result> {
  readonly #watchers = new Map<string, Set<Wake>>();

  constructor(private readonly source: FinishedSource) {}

  /** Settles when job `id` completes (its return value) or finally fails / is removed (rejects). */
  watch(id: string): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      let checking = false;
      let again = false;
      const closedError = (cause?: unknown) =>
        new JobtrailError('ERR_QUEUE_CLOSED', `Queue ${this.source.queueName} closed before job ${id} finished`, cause === undefined ? undefined : { cause });
      const stop = () => {
        const set = this.#watchers.get(id);
        set?.delete(check);
        if (set?.size === 0) this.#watchers.delete(id);
      };
      const check = async (change?: QueueChange): Promise<void> => {
        if (change?.type === 'completed' && change.state === 'completed') {
          stop();
          return resolve(change.returnvalue as Result);
        }
        if (change?.state === 'failed') {
          stop();
          return reject(new JobFailedError(id, change.failedReason ?? 'failed'));
        }
        if (checking) {
          again = true;
          return;
        }
        checking = true;
        try {
          do {
            again = false;
            const lost = this.source.lost();
            if (lost) {
              stop();
              return reject(lost);
            }
            if (this.source.lifecycle() === 'closed') {
              stop();
              return reject(closedError());
            }
            const record = await this.source.read(id);
            if (!record) {
              stop();
              return reject(new JobtrailError('ERR_NOT_FOUND', `Job ${id} was removed before it finished`));
            }
            if (record.state === 'completed') {
              stop();
              return resolve(record.job.returnvalue as Result);
            }
            if (record.state === 'failed') {
              stop();
              return reject(new JobFailedError(id, record.job.failedReason ?? 'failed', record.job.stacktrace ?? []));
            }
          } while (again);
        } catch (err) {
          stop();
          // A read cut short by close() is the close, not a storage failure; by a lost database, that.
          reject(this.source.lost() ?? (this.source.lifecycle() === 'open' ? err : closedError(err)));
        } finally {
          checking = false;
        }
      };
      // Watch first, then read: a change between the two is not missed.
      let set = this.#watchers.get(id);
      if (!set) this.#watchers.set(id, (set = new Set()));
      set.add(check);
      void check();
    });
  }

  /** A change was committed: wake the watchers of its job, or everyone when every job went. */
  notify(change: QueueChange): void {
    if (change.type === 'obliterated') return this.wakeAll();
    if (change.jobId === undefined) return;
    const watchers = this.#watchers.get(change.jobId);
    if (watchers) for (const wake of [...watchers]) wake(change);
  }

  /** Make every watcher look again (after obliterate, when the queue closes, when the database is lost). */
  wakeAll(): void {
    for (const wake of [...this.#watchers.values()].flatMap((s) => [...s])) wake();
  }
}
