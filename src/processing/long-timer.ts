// Every wait of the processing layer goes through here. setTimeout runs a delay above 2^31-1 ms
// (about 24.8 days) at once, so a longer wait is a chain of shorter timers. A deadline on the wall
// clock (a delayed job's due time, the end of the rate limiter's window) is also compared with
// Date.now() every WALL_CLOCK_CHECK_MS, and whenever `recheck()` is called: a timer armed before the
// clock was set back or forward (a laptop waking up, a corrected clock) cannot hold a due job back.

/** The longest delay setTimeout honours; a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** How often a wall-clock deadline looks at the clock again, whatever its timer says. */
export const WALL_CLOCK_CHECK_MS = 1000;

export interface Timer {
  cancel(): void;
}

export interface Deadline extends Timer {
  /** Compare the deadline with the wall clock now: fire if it has passed. */
  recheck(): void;
}

/** Call `fire` once `ms` milliseconds have passed. A duration: changing the clock does not move it. */
export function waitFor(ms: number, fire: () => void): Timer {
  let left = Number.isNaN(ms) ? 0 : Math.max(0, ms);
  let id: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    if (left === Infinity) return; // never
    const slice = Math.min(left, MAX_TIMER_MS);
    id = setTimeout(() => {
      left -= slice;
      if (left > 0) arm();
      else fire();
    }, slice);
  };
  arm();
  return { cancel: () => clearTimeout(id) };
}

/**
 * Call `fire` once the wall clock reads `at` (Unix ms) or later — or, with `latestAfterMs`, once that
 * many ms have passed, whatever the clock says (for a deadline that a clock set back must not push
 * away).
 */
export function waitUntil(at: number, fire: () => void, latestAfterMs?: number): Deadline {
  let done = false;
  let main: Timer | null = null;
  let tick: ReturnType<typeof setInterval> | undefined;
  const latest = latestAfterMs === undefined ? null : waitFor(latestAfterMs, () => {
    if (done) return;
    cancel();
    fire();
  });
  const cancel = () => {
    done = true;
    main?.cancel();
    latest?.cancel();
    clearInterval(tick);
  };
  const recheck = () => {
    if (done || Date.now() < at) return;
    cancel();
    fire();
  };
  // One timer for the whole wait (so throttling of chained timers in hidden tabs does not apply),
  // re-armed if it ends early by the wall clock (the clock went back meanwhile).
  const arm = () => {
    const left = at - Date.now();
    main = waitFor(left, () => {
      recheck();
      if (!done) arm();
    });
    // The clock may also jump forward past `at`: look again now and then.
    if (left > WALL_CLOCK_CHECK_MS && tick === undefined) tick = setInterval(recheck, WALL_CLOCK_CHECK_MS);
  };
  arm();
  return { cancel, recheck };
}
