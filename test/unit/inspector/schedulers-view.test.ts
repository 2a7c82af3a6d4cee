// How the inspector writes a schedule: an interval in the largest whole unit, a pattern as written.
import { describe, expect, it } from 'vitest';
import { describeSchedule } from '../../../src/inspector/schedulers-view.js';

describe('describeSchedule', () => {
  it('writes an interval in its largest whole unit, with its offset', () => {
    expect(describeSchedule({ every: 300_000 })).toBe('every 5 min');
    expect(describeSchedule({ every: 7_200_000 })).toBe('every 2 h');
    expect(describeSchedule({ every: 1500 })).toBe('every 1,500 ms');
    expect(describeSchedule({ every: 3000, offset: 250 })).toBe('every 3 s (+250 ms)');
  });

  it('writes a pattern as written, with its time zone', () => {
    expect(describeSchedule({ pattern: '0 3 * * *' })).toBe('0 3 * * *');
    expect(describeSchedule({ pattern: '0 3 * * *', tz: 'Asia/Tokyo' })).toBe('0 3 * * * (Asia/Tokyo)');
  });
});
