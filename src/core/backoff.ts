// How long to wait before a retry: the backoff math, one function. `decide.ts` calls it.
import { MAX_WAIT_MS } from './options.js';
import type { BackoffOptions, BackoffStrategy } from './types.js';

/** What a strategy returns to say "stop retrying: fail the job now". */
export const STOP_RETRYING = -1;

/**
 * Milliseconds to wait before the next attempt after `attemptsMade` failures, or `STOP_RETRYING`.
 * - fixed: `delay` every time;
 * - exponential: `delay * 2^(attemptsMade - 1)`: delay, 2·delay, 4·delay, ...;
 * - `jitter` in [0, 1] picks uniformly in `[(1 - jitter)·wait, wait]`;
 * - a custom strategy's answer (it may be async); anything but a finite number >= -1 stops retrying;
 * - never more than MAX_WAIT_MS (an exponential backoff overflows after about a thousand attempts).
 */
export async function backoffDelay<J>(
  backoff: BackoffOptions | undefined,
  attemptsMade: number,
  err: Error,
  job: J,
  strategies: Record<string, BackoffStrategy<J>>,
  random: () => number = Math.random,
): Promise<number> {
  if (!backoff) return 0;
  const base = backoff.delay ?? 0;
  let wait: number;
  if (backoff.type === 'fixed') wait = base;
  else if (backoff.type === 'exponential') wait = base * 2 ** (attemptsMade - 1);
  else {
    const strategy = strategies[backoff.type];
    if (!strategy) return STOP_RETRYING;
    const answer = await strategy(attemptsMade, err, job);
    if (typeof answer !== 'number' || !Number.isFinite(answer) || answer < STOP_RETRYING) return STOP_RETRYING;
    if (answer === STOP_RETRYING) return STOP_RETRYING;
    wait = answer;
  }
  if (backoff.jitter) wait = wait * (1 - backoff.jitter * random());
  return Math.min(MAX_WAIT_MS, Math.max(0, Math.round(wait)));
}
