// How an attempt ends, decided once. The runner calls `decideFailure` when an attempt throws and
// writes its answer into the log (`failed` with a retry delay, or `postponed`); the job machine
// folds that event with `failsFinally`, the same rule, so the two can never disagree.
import { backoffDelay, STOP_RETRYING } from './backoff.js';
import { MAX_WAIT_MS } from './options.js';
import type { BackoffStrategy, JobOpts } from './types.js';

/** How one attempt ended, as the runner writes it: one event in the job's log. */
export type AttemptOutcome =
  | { type: 'completed'; returnvalue: unknown }
  /** `retryDelay`: milliseconds before the next attempt, or null when the failure is final. */
  | { type: 'failed'; failedReason: string; stack: string | null; retryDelay: number | null }
  /** Given back without using up an attempt, waiting again after `delay` ms. */
  | { type: 'postponed'; delay: number; reason: string };

/** A RetryLaterError without its own `retryAfter` gives the job back for this long (ms). */
export const DEFAULT_RETRY_LATER_MS = 1000;

/** What the decision reads of a job (its machine context has these fields). */
export interface AttemptCount {
  /** Failed attempts so far. */
  attemptsMade: number;
  opts: JobOpts;
  discarded: boolean;
}

/** No attempt may follow the current one: every attempt is used, or `discard()` was called. */
export function isLastAttempt(job: AttemptCount): boolean {
  return job.discarded || job.attemptsMade + 1 >= job.opts.attempts;
}

/** Whether a failure written with `retryDelay` ends the job for good. The machine's guard. */
export function failsFinally(job: AttemptCount, retryDelay: number | null): boolean {
  return retryDelay === null || retryDelay < 0 || isLastAttempt(job);
}

/** What a backoff needs beyond the job's context: the custom strategies and what they receive. */
export interface BackoffContext<J> {
  strategies: Record<string, BackoffStrategy<J>>;
  /** Passed to a custom strategy as its third argument (the api layer passes its Job). */
  subject: J;
  /** A strategy that throws fails the job for good; its error goes here. */
  onStrategyError: (err: unknown) => void;
}

/**
 * The outcome of an attempt of `job` that threw `err`:
 * - `code: 'ERR_RETRY_LATER'` (RetryLaterError): postponed by its `retryAfter`, no attempt used;
 * - `code: 'ERR_UNRECOVERABLE'`, the last attempt, or a strategy saying -1 (or throwing): final;
 * - otherwise failed with the backoff's delay, at least the error's `retryAfter` (HTTP Retry-After).
 */
export async function decideFailure<J>(job: AttemptCount, err: Error, backoff: BackoffContext<J>): Promise<AttemptOutcome> {
  const { code, retryAfter } = err as Error & { code?: unknown; retryAfter?: unknown };
  const floor = typeof retryAfter === 'number' && Number.isFinite(retryAfter) ? Math.min(retryAfter, MAX_WAIT_MS) : undefined;
  if (code === 'ERR_RETRY_LATER') return { type: 'postponed', delay: floor ?? DEFAULT_RETRY_LATER_MS, reason: err.message };
  let retryDelay = code === 'ERR_UNRECOVERABLE' || isLastAttempt(job) ? null : await retryWait(job, err, backoff);
  if (retryDelay !== null && floor !== undefined) retryDelay = Math.max(retryDelay, floor);
  return { type: 'failed', failedReason: err.message, stack: err.stack ?? null, retryDelay };
}

async function retryWait<J>(job: AttemptCount, err: Error, backoff: BackoffContext<J>): Promise<number | null> {
  try {
    const wait = await backoffDelay(job.opts.backoff, job.attemptsMade + 1, err, backoff.subject, backoff.strategies);
    return wait === STOP_RETRYING ? null : wait;
  } catch (strategyError) {
    backoff.onStrategyError(strategyError);
    return null;
  }
}
