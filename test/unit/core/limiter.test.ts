// The limiter's decision (issue 12): Bull's fixed window, which lets up to 2·max jobs start within
// one sliding duration, and `sliding: true`, which never does.
import { describe, expect, it } from 'vitest';
import { limiterBudget, recordStarts, type LimiterState } from '../../../src/core/limiter.js';
import type { RateLimiter } from '../../../src/core/types.js';

/** Start as many jobs as the limiter allows at each time (up to `want`); the start times. */
function run(limiter: RateLimiter, times: number[], want = Infinity): number[] {
  let state: LimiterState | null = null;
  const started: number[] = [];
  for (const now of times) {
    const limit = limiterBudget(state, limiter, now);
    const n = Math.min(limit.budget, want);
    const recorded = recordStarts(limit.state, limiter, n, limit.at);
    state = recorded.state;
    started.push(...Array<number>(n).fill(limit.at));
  }
  return started;
}

/** The most starts within any `duration`-long stretch. */
function busiest(starts: number[], duration: number): number {
  return Math.max(0, ...starts.map((t) => starts.filter((s) => s >= t && s < t + duration).length));
}

describe('fixed window (Bull)', () => {
  it('lets max start per window, so back-to-back windows start 19 jobs of max 10 within one sliding duration', () => {
    const limiter = { max: 10, duration: 1000 };
    // One start at 0 opens a window [0, 1000); 9 more fit at 999; the next window opens at 1000.
    let limit = limiterBudget(null, limiter, 0);
    let state = recordStarts(limit.state, limiter, 1, limit.at).state;
    limit = limiterBudget(state, limiter, 999);
    expect(limit.budget).toBe(9);
    state = recordStarts(limit.state, limiter, 9, limit.at).state;
    limit = limiterBudget(state, limiter, 1000);
    expect(limit.budget).toBe(10);
    const starts = [0, ...Array(9).fill(999), ...Array(10).fill(1000)];
    expect(busiest(starts, 1000)).toBe(19);
    // The same times through a sliding window: the 10 at 1000 wait for the 9 at 999 to leave it.
    const sliding = run({ ...limiter, sliding: true }, [0, 999, 1000, 1999]);
    expect(busiest(sliding, 1000)).toBe(10);
  });

  it('says until when none may start', () => {
    const limiter = { max: 2, duration: 1000 };
    const first = limiterBudget(null, limiter, 100);
    const full = recordStarts(first.state, limiter, 2, first.at);
    expect(full.until).toBe(1100);
    expect(limiterBudget(full.state, limiter, 600)).toMatchObject({ budget: 0, until: 1100 });
    expect(limiterBudget(full.state, limiter, 1100)).toMatchObject({ budget: 2, until: null });
  });
});

describe('sliding window (sliding: true)', () => {
  it('never lets more than max start within any duration-long stretch', () => {
    const limiter = { max: 10, duration: 1000, sliding: true };
    const times = Array.from({ length: 400 }, (_, i) => i * 7);
    const starts = run(limiter, times, 3);
    expect(starts.length).toBeGreaterThan(20);
    expect(busiest(starts, 1000)).toBe(10);
  });

  it('says until when the oldest counted start leaves the window', () => {
    const limiter = { max: 2, duration: 1000, sliding: true };
    let state = recordStarts(limiterBudget(null, limiter, 100).state, limiter, 1, 100).state;
    state = recordStarts(limiterBudget(state, limiter, 400).state, limiter, 1, 400).state;
    expect(limiterBudget(state, limiter, 900)).toMatchObject({ budget: 0, until: 1100 });
    expect(limiterBudget(state, limiter, 1100)).toMatchObject({ budget: 1 });
    expect(limiterBudget(state, limiter, 1400)).toMatchObject({ budget: 2 });
  });

  it('takes a claim whose clock is behind the newest start at that start: the written times stay in order', () => {
    const limiter = { max: 1, duration: 1000, sliding: true };
    const state = recordStarts(limiterBudget(null, limiter, 5000).state, limiter, 1, 5000).state;
    // Another tab's transaction, queued since 4200, runs after the start at 5000.
    expect(limiterBudget(state, limiter, 4200)).toMatchObject({ at: 5000, budget: 0, until: 6000 });
  });
});

describe('a clock set back', () => {
  it('ends a window whose stored times are more than a window ahead of the clock, fixed or sliding', () => {
    const fixed = { max: 1, duration: 1000 };
    const full = recordStarts(limiterBudget(null, fixed, 3_600_000).state, fixed, 1, 3_600_000).state;
    // Within a window of the stored times: still the same window (another tab's claim, a small step back).
    expect(limiterBudget(full, fixed, 3_599_500)).toMatchObject({ budget: 0 });
    // An hour back: that window is over.
    expect(limiterBudget(full, fixed, 0)).toMatchObject({ budget: 1, until: null });
    const sliding = { max: 1, duration: 1000, sliding: true };
    const slid = recordStarts(limiterBudget(null, sliding, 3_600_000).state, sliding, 1, 3_600_000).state;
    expect(limiterBudget(slid, sliding, 3_599_500)).toMatchObject({ budget: 0 });
    expect(limiterBudget(slid, sliding, 0)).toMatchObject({ at: 0, budget: 1 });
  });
});

