// A job's attempts in words. `attemptsMade` counts *failed* attempts (Bull's meaning), so "0/5" on a
// job that succeeded first time reads as "never ran": the words here say which attempt ran, or is
// running, and how many are allowed. Pure.
import type { JobState } from '../index.js';

/**
 * `describeAttempts(0, 5, 'completed')` -> `succeeded on attempt 1 of 5`.
 *
 * For instance:
 * describeAttempts(0, 3, 'waiting')  // 'not run yet, 3 attempts allowed'
 * describeAttempts(1, 3, 'active')   // 'running attempt 2 of 3'
 * describeAttempts(3, 3, 'failed')   // 'all 3 attempts failed'
 */
export function describeAttempts(made: number, allowed: number, state: JobState): string {
  const of = (n: number) => (n > allowed ? `${n}, after a retry by hand (${allowed} allowed)` : `${n} of ${allowed}`);
  switch (state) {
    case 'completed':
      return `succeeded on attempt ${of(made + 1)}`;
    case 'active':
      return `running attempt ${of(made + 1)}`;
    case 'failed':
      if (made === 0) return `failed without running (${plural(allowed, 'attempt')} allowed)`;
      if (made === allowed) return allowed === 1 ? 'its only attempt failed' : `all ${allowed} attempts failed`;
      return made > allowed ? `${made} attempts failed (${allowed} allowed, retried by hand)` : `failed on attempt ${made} of ${allowed}, no retry`;
    default:
      if (made === 0) return `not run yet, ${plural(allowed, 'attempt')} allowed`;
      if (made >= allowed) return `${plural(made, 'attempt')} failed, retried by hand (${allowed} allowed)`;
      return `${made === 1 ? `attempt 1 of ${allowed}` : `${made} of ${allowed} attempts`} failed, ${state === 'delayed' ? 'retrying later' : 'will retry'}`;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
