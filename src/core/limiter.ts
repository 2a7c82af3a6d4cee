// The rate limiter, decided once: how many jobs may start now, and until when none may. Its state
// lives in the queue's meta record, so every tab's claims count against the same limit.
//
// - Fixed window (Bull's, the default): a window of `duration` ms opens at the first start after
//   the previous window closed, and at most `max` jobs start in it. Two windows can touch, so up to
//   2·max jobs may start within one sliding `duration` (max at the end of one window, max at the
//   start of the next).
// - Sliding window (`sliding: true`): at no moment have more than `max` jobs started within the
//   last `duration` ms, as APIs that count requests over a sliding window require.
import type { RateLimiter } from './types.js';

/** The limiter's shared state. Sliding windows keep the last `max` start times, oldest first. */
export interface LimiterState {
  windowStart: number;
  started: number;
  starts?: number[];
}

export interface LimiterBudget {
  /** The state to write back (a fixed window that closed is replaced by a new one). */
  state: LimiterState;
  /** When the starts are taken: `now`, or, for a sliding window, the newest start if that is later. */
  at: number;
  /** How many jobs may start now (0 or more). */
  budget: number;
  /** When none may start: when one may again. */
  until: number | null;
}

/** How many jobs may start at `now` (Unix ms, the claiming transaction's clock). */
export function limiterBudget(state: LimiterState | null, limiter: RateLimiter, now: number): LimiterBudget {
  const { max, duration } = limiter;
  // Stored times more than a window ahead of `now` were written before the clock was set back:
  // that window is over (kept, it would hold every job until the clock caught up).
  const ahead = (t: number | undefined) => t !== undefined && now < t - duration;
  if (limiter.sliding) {
    const previous = ahead(state?.starts?.at(-1)) ? [] : (state?.starts ?? []);
    // A claim whose clock is behind one already written (it waited for another tab's transaction)
    // takes its starts at that one's time: the written times stay in order, and the limit exact.
    const at = Math.max(now, previous.at(-1) ?? now);
    const starts = previous.filter((t) => t > at - duration);
    const budget = Math.max(0, max - starts.length);
    return { state: slidingState(starts), at, budget, until: budget > 0 ? null : starts[starts.length - max]! + duration };
  }
  const fresh = !state || now >= state.windowStart + duration || ahead(state.windowStart);
  const window = fresh ? { windowStart: now, started: 0 } : { windowStart: state.windowStart, started: state.started };
  const budget = Math.max(0, max - window.started);
  return { state: window, at: now, budget, until: budget > 0 ? null : window.windowStart + duration };
}

/**
 * `count` jobs started at `at` (from `limiterBudget`). Returns the new state and, when the limit is
 * now reached, when the next job may start.
 */
export function recordStarts(state: LimiterState, limiter: RateLimiter, count: number, at: number): { state: LimiterState; until: number | null } {
  const { max, duration } = limiter;
  if (limiter.sliding) {
    const starts = [...(state.starts ?? []), ...Array<number>(count).fill(at)].slice(-max);
    return { state: slidingState(starts), until: starts.length >= max ? starts[0]! + duration : null };
  }
  const next = { windowStart: state.windowStart, started: state.started + count };
  return { state: next, until: next.started >= max ? next.windowStart + duration : null };
}

function slidingState(starts: number[]): LimiterState {
  return { windowStart: starts[0] ?? 0, started: starts.length, starts };
}
