// The framework-neutral live views of a queue: one job, a list of jobs, the counts. Each is a
// Watcher (watcher.ts): jobtrail/react wraps them in useSyncExternalStore, and any other framework
// in its own few lines. They read through the Queue's public readers only.
import type { QueueChange } from '../core/change.js';
import { jobJson } from '../core/job-json.js';
import { checkState, integerAtLeast } from '../core/options.js';
import { InvalidOptionError } from '../core/errors.js';
import type { JobCounts, JobState } from '../core/types.js';
import type { JobRecord } from '../store/record.js';
import { Job } from './job.js';
import type { Queue } from './queue.js';
import { watcherFor, type Watcher } from './watcher.js';

/**
 * A job as a watcher shows it: the `Job` (read it, or call `retry()`, `remove()`... on it) and its
 * state. A new snapshot object comes with every change of the job, and only then: treat it as
 * read-only, and compare snapshots by identity.
 */
export interface JobSnapshot<Data = unknown, Result = unknown> {
  readonly job: Job<Data, Result>;
  readonly state: JobState;
  /** The log's seq of the job's last change. */
  readonly seq: number;
}

/** Which jobs `watchJobs` lists. */
export interface WatchJobsOptions {
  /** Only jobs in this state, in the state's own order, latest first (for `waiting`: the last in line first). */
  state?: JobState;
  /** Only jobs of this name. */
  name?: string;
  /** At most this many, the newest. Default 100. */
  limit?: number;
}

/**
 * Watch one job: `undefined` until the first read, then its snapshot, or `null` while there is no
 * job with this id (not added yet, or removed).
 *
 * @example
 * const watcher = watchJob(queue, job.id);
 * const stop = watcher.subscribe(() => console.log(watcher.getSnapshot()?.state));
 */
export function watchJob<Data, Result>(queue: Queue<Data, Result>, id: string): Watcher<JobSnapshot<Data, Result> | null | undefined> {
  if (typeof id !== 'string' || id.length === 0) throw new InvalidOptionError(`watchJob: expected a job id, got ${String(id)}`);
  return watcherFor<JobSnapshot<Data, Result> | null>(queue, `job\0${id}`, () => ({
    read: async () => {
      const record = await queue.getJobRecord(id);
      return record && snapshotOf(queue, record);
    },
    affects: (change) => change.jobId === id || change.type === 'obliterated',
    keep: (previous, next) => (previous === next || (previous && next && same(previous, next)) ? previous : next),
  }));
}

/**
 * Watch a list of jobs, newest first (by when they were added; with `state`, in that state's own
 * order): `undefined` until the first read, then an array that stays the same array until a job
 * in it, or the list itself, changes — and even then the snapshots of jobs that did not change are
 * the same objects as before.
 *
 * @example
 * const failed = watchJobs(queue, { state: 'failed', limit: 10 });
 * failed.subscribe(() => console.log(failed.getSnapshot()?.map(({ job }) => job.failedReason)));
 */
export function watchJobs<Data, Result>(queue: Queue<Data, Result>, options: WatchJobsOptions = {}): Watcher<JobSnapshot<Data, Result>[] | undefined> {
  const { state, name, limit = 100 } = options;
  if (state !== undefined) checkState(state, 'watchJobs');
  if (name !== undefined && (typeof name !== 'string' || name.length === 0)) throw new InvalidOptionError(`watchJobs: name must be a non-empty string, got ${String(name)}`);
  integerAtLeast(limit, 1, 'watchJobs option limit');
  return watcherFor<JobSnapshot<Data, Result>[]>(queue, `jobs\0${state ?? ''}\0${name ?? ''}\0${limit}`, () => ({
    read: async () => (await queue.getJobRecordPage({ state: state ?? null, name: name ?? null }, null, limit)).records.map((r) => snapshotOf(queue, r)),
    affects: (change, current) => {
      if (!current || change.type === 'obliterated') return true;
      if (change.jobId === undefined) return false;
      if (current.some((s) => s.job.id === change.jobId)) return true;
      // A job not listed can only come in: into the state, or (listed by creation) as a new job.
      return state ? change.type !== 'removed' && change.state === state : change.type === 'added';
    },
    keep: (previous, next) => {
      const before = new Map(previous?.map((s) => [s.job.id, s]));
      const kept = next.map((s) => {
        const old = before.get(s.job.id);
        return old && same(old, s) ? old : s;
      });
      return previous && previous.length === kept.length && kept.every((s, i) => s === previous[i]) ? previous : kept;
    },
  }));
}

/**
 * Watch how many jobs are in each state (`getJobCounts()`): `undefined` until the first read, then
 * the same object until a count changes.
 *
 * @example
 * const counts = watchJobCounts(queue);
 * counts.subscribe(() => console.log(`${counts.getSnapshot()?.waiting} waiting`));
 */
export function watchJobCounts(queue: Queue): Watcher<JobCounts | undefined> {
  return watcherFor<JobCounts>(queue, 'counts', () => ({
    read: () => queue.getJobCounts(),
    affects: (change: QueueChange) => (change.jobId !== undefined && !QUIET.has(change.type)) || change.type === 'obliterated',
    keep: (previous, next) => (previous && (Object.keys(next) as (keyof JobCounts)[]).every((k) => previous[k] === next[k]) ? previous : next),
  }));
}

/** Changes of a job that never move it to another state. */
const QUIET = new Set<QueueChange['type']>(['progress', 'log', 'updated', 'discarded', 'priorityChanged']);

function snapshotOf<Data, Result>(queue: Queue<Data, Result>, record: JobRecord): JobSnapshot<Data, Result> {
  return { job: Job.fromJSON(queue, jobJson<Data, Result>(record.job)), state: record.state, seq: record.seq };
}

function same(a: JobSnapshot<unknown, unknown>, b: JobSnapshot<unknown, unknown>): boolean {
  return a.seq === b.seq && a.state === b.state;
}
