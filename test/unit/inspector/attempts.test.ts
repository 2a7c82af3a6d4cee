// A job's attempts in words that cannot be misread: `attemptsMade` counts failures only, so the
// words say which attempt ran and how many are allowed.
import { describe, expect, it } from 'vitest';
import { describeAttempts } from '../../../src/inspector/attempts.js';

describe('describeAttempts', () => {
  it('a job that succeeded the first time ran once (not "0/5")', () => {
    expect(describeAttempts(0, 5, 'completed')).toBe('succeeded on attempt 1 of 5');
    expect(describeAttempts(2, 5, 'completed')).toBe('succeeded on attempt 3 of 5');
  });

  it('a job not run yet says so, with what it is allowed', () => {
    expect(describeAttempts(0, 3, 'waiting')).toBe('not run yet, 3 attempts allowed');
    expect(describeAttempts(0, 1, 'delayed')).toBe('not run yet, 1 attempt allowed');
  });

  it('a running job names the attempt it is on', () => {
    expect(describeAttempts(0, 1, 'active')).toBe('running attempt 1 of 1');
    expect(describeAttempts(1, 3, 'active')).toBe('running attempt 2 of 3');
  });

  it('a job between attempts counts the failures and says it will retry', () => {
    expect(describeAttempts(1, 3, 'waiting')).toBe('attempt 1 of 3 failed, will retry');
    expect(describeAttempts(2, 3, 'delayed')).toBe('2 of 3 attempts failed, retrying later');
  });

  it('a failed job says whether it used every attempt', () => {
    expect(describeAttempts(1, 1, 'failed')).toBe('its only attempt failed');
    expect(describeAttempts(3, 3, 'failed')).toBe('all 3 attempts failed');
    expect(describeAttempts(1, 3, 'failed')).toBe('failed on attempt 1 of 3, no retry');
    expect(describeAttempts(0, 3, 'failed')).toBe('failed without running (3 attempts allowed)');
  });

  it('a job retried by hand beyond its attempts says so', () => {
    expect(describeAttempts(1, 1, 'active')).toBe('running attempt 2, after a retry by hand (1 allowed)');
    expect(describeAttempts(1, 1, 'waiting')).toBe('1 attempt failed, retried by hand (1 allowed)');
    expect(describeAttempts(2, 1, 'failed')).toBe('2 attempts failed (1 allowed, retried by hand)');
  });
});
