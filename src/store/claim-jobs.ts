// claimJobs — reads: meta (paused flag, limiter window), the due delayed jobs and the first waiting
// jobs from their floors. Appends: `promoted` for each due delayed job (in due order), then `active`
// with a fresh claim token for each job taken, then the next iteration of each job scheduler whose
// current iteration it took (see advance-schedulers.ts). Claims nothing while the queue is paused.
// Because it runs in one readwrite transaction, two tabs can never take the same job.
import type { JobRecord } from './record.js';
import { limiterBudget, recordStarts } from '../core/limiter.js';
import type { CronNext } from '../core/schedule.js';
import type { RateLimiter } from '../core/types.js';
import { advanceSchedulers } from './advance-schedulers.js';
import type { WriteBatch } from './write-batch.js';

export interface ClaimRequest {
  owner: string;
  /** How many jobs to take at most. */
  max: number;
  /** Whether this instance takes a job of that name now (a handler with a free slot). Counts it if so. */
  take: (name: string) => boolean;
  now: number;
  limiter: RateLimiter | null;
  newToken: () => string;
  /** The cron parser, if loaded: without it a scheduler with a pattern is left for reviveSchedulers. */
  cron?: CronNext | null;
}

export interface ClaimResult {
  claimed: JobRecord[];
  /** When the earliest delayed job becomes due, if any. */
  nextDueAt: number | null;
  /** Set when the rate limiter stopped the claim: when its window ends. */
  limitedUntil: number | null;
  paused: boolean;
  /** Waiting jobs left after the claim. */
  waiting: number;
  /** Job schedulers whose iteration was taken but that need the cron parser to add the next one. */
  unadvanced: string[];
}

/** How many delayed jobs one transaction promotes at most; the rest go in the next claim. */
const PROMOTE_BATCH = 1000;

export async function claimJobs(batch: WriteBatch, req: ClaimRequest): Promise<ClaimResult> {
  const { meta } = batch;
  const nextDueAt = await promoteDueJobs(batch, req.now);
  const result: ClaimResult = { claimed: [], nextDueAt, limitedUntil: null, paused: meta.paused, waiting: meta.counts.waiting, unadvanced: [] };
  if (meta.paused || req.max <= 0 || meta.counts.waiting === 0) return result;

  let budget = req.max;
  let now = req.now;
  if (req.limiter) {
    const limit = limiterBudget(meta.limiter, req.limiter, req.now);
    meta.limiter = limit.state;
    now = limit.at;
    budget = Math.min(budget, limit.budget);
    if (budget <= 0) {
      result.limitedUntil = limit.until;
      return result;
    }
  }

  const chosen: JobRecord[] = [];
  // Look a little past jobs this instance cannot take now (their handler is busy), not forever.
  await batch.scan('waiting', (record) => {
    if (req.take(record.job.name)) chosen.push(record);
    return chosen.length < budget;
  }, budget * 4 + 16, budget);

  for (const record of chosen) {
    const payload = { token: req.newToken(), owner: req.owner };
    result.claimed.push(batch.append(record, record.id, { type: 'active', time: now, payload }));
  }
  const advanced = await advanceSchedulers(batch, result.claimed, now, req.cron ?? null);
  if (advanced.nextDueAt !== null && (result.nextDueAt === null || advanced.nextDueAt < result.nextDueAt)) result.nextDueAt = advanced.nextDueAt;
  result.unadvanced = advanced.unadvanced;
  if (req.limiter && meta.limiter) {
    const recorded = recordStarts(meta.limiter, req.limiter, chosen.length, now);
    meta.limiter = recorded.state;
    if (recorded.until !== null && meta.counts.waiting > 0) result.limitedUntil = recorded.until;
  }
  result.waiting = meta.counts.waiting;
  return result;
}

/** Move every delayed job that is due to waiting, earliest first. Returns the next due time left. */
export async function promoteDueJobs(batch: WriteBatch, now: number): Promise<number | null> {
  if (batch.meta.counts.delayed === 0) return null;
  const due: JobRecord[] = [];
  let nextDueAt: number | null = null;
  await batch.scan('delayed', (record) => {
    if (record.rank[0]! > now || due.length >= PROMOTE_BATCH) {
      nextDueAt = record.rank[0]!;
      return false;
    }
    due.push(record);
    return true;
  });
  for (const record of due) batch.append(record, record.id, { type: 'promoted', time: now, payload: { due: true } });
  return nextDueAt;
}
