// Slot math: when a scheduler's iterations fall due. Pure functions of the options, the previous
// slot and the clock; cron patterns read by croner (loaded as the app would load it).
import { beforeAll, describe, expect, it } from 'vitest';
import { checkRepeat } from '../../../src/core/repeat-options.js';
import { firstSlot, iterationId, nextSlot, type CronNext } from '../../../src/core/schedule.js';
import { loadCronParser } from '../../../src/processing/cron.js';

let cron: CronNext;
beforeAll(async () => {
  cron = await loadCronParser();
});

const T = Date.UTC(2030, 0, 1, 12, 0, 0); // a Tuesday, noon UTC

describe('every', () => {
  it('falls on multiples of the interval: the first slot is the next multiple after now', () => {
    expect(firstSlot({ every: 2000 }, T + 1, null)).toBe(T + 2000);
    expect(firstSlot({ every: 2000 }, T + 1999, null)).toBe(T + 2000);
    // Now on a slot: that slot has begun, the first is the next one.
    expect(firstSlot({ every: 2000 }, T, null)).toBe(T + 2000);
  });

  it('with immediately, the first iteration is the slot that began before now: it runs at once', () => {
    expect(firstSlot({ every: 2000, immediately: true }, T + 500, null)).toBe(T);
  });

  it('offset shifts every slot', () => {
    expect(firstSlot({ every: 1000, offset: 250 }, T + 100, null)).toBe(T + 250);
    expect(firstSlot({ every: 1000, offset: 250 }, T + 300, null)).toBe(T + 1250);
    expect(nextSlot({ every: 1000, offset: 250 }, T + 250, T + 260, null)).toBe(T + 1250);
  });

  it('startDate: no slot before it, the first on or after it', () => {
    expect(firstSlot({ every: 1000, startDate: T + 10_000 }, T, null)).toBe(T + 10_000);
    expect(firstSlot({ every: 1000, startDate: T + 10_001 }, T, null)).toBe(T + 11_000);
  });

  it('the next slot follows the one just taken', () => {
    expect(nextSlot({ every: 300 }, T + 300, T + 301, null)).toBe(T + 600);
  });

  it('missed slots: one iteration stood for them all, the next slot is the first after now (catchUp once)', () => {
    // Slot T+300 is taken at T+1450: T+600, T+900 and T+1200 were missed.
    expect(nextSlot({ every: 300 }, T + 300, T + 1450, null)).toBe(T + 1500);
  });

  it("missed slots with catchUp 'all': each gets its own iteration, in order", () => {
    expect(nextSlot({ every: 300, catchUp: 'all' }, T + 300, T + 1450, null)).toBe(T + 600);
    expect(nextSlot({ every: 300, catchUp: 'all' }, T + 1200, T + 1460, null)).toBe(T + 1500);
  });

  it('no slot after endDate', () => {
    expect(nextSlot({ every: 1000, endDate: T + 2000 }, T + 1000, T + 1000, null)).toBe(T + 2000);
    expect(nextSlot({ every: 1000, endDate: T + 1999 }, T + 1000, T + 1000, null)).toBeNull();
  });
});

describe('pattern', () => {
  it('with seconds: the next second boundary the pattern names', () => {
    expect(firstSlot({ pattern: '*/2 * * * * *', tz: 'UTC' }, T + 500, cron)).toBe(T + 2000);
    expect(nextSlot({ pattern: '*/2 * * * * *', tz: 'UTC' }, T + 2000, T + 2001, cron)).toBe(T + 4000);
  });

  it('five fields: minutes; read in the time zone given', () => {
    expect(firstSlot({ pattern: '0 3 * * *', tz: 'UTC' }, T, cron)).toBe(Date.UTC(2030, 0, 2, 3, 0, 0));
    // 03:00 in Berlin (UTC+1 in January) is 02:00 UTC.
    expect(firstSlot({ pattern: '0 3 * * *', tz: 'Europe/Berlin' }, T, cron)).toBe(Date.UTC(2030, 0, 2, 2, 0, 0));
  });

  it('immediately: the first iteration runs now', () => {
    expect(firstSlot({ pattern: '0 3 * * *', immediately: true }, T + 7, cron)).toBe(T + 7);
  });

  it('missed slots: catchUp once skips to the first after now, all takes each', () => {
    const hourly = { pattern: '0 * * * *', tz: 'UTC' };
    expect(nextSlot(hourly, T, T + 3.5 * 3600_000, cron)).toBe(T + 4 * 3600_000);
    expect(nextSlot({ ...hourly, catchUp: 'all' as const }, T, T + 3.5 * 3600_000, cron)).toBe(T + 3600_000);
  });

  it('a pattern that never matches again has no slot; nor one past endDate', () => {
    expect(firstSlot({ pattern: '0 0 30 2 *' }, T, cron)).toBeNull();
    expect(firstSlot({ pattern: '0 3 * * *', tz: 'UTC', endDate: T + 3600_000 }, T, cron)).toBeNull();
  });
});

describe('iterationId', () => {
  it("is BullMQ's: repeat:<scheduler id>:<slot ms>, never all digits", () => {
    expect(iterationId('sync-drafts', T)).toBe(`repeat:sync-drafts:${T}`);
  });
});

describe('checkRepeat', () => {
  const check = (repeat: unknown) => () => checkRepeat(repeat, T, cron);

  it('normalises: dates as Unix ms, defaults left out', () => {
    expect(checkRepeat({ every: 300, startDate: new Date(T + 1000), endDate: '2030-01-02T00:00:00Z', immediately: false, catchUp: 'once', offset: 0 }, T, null))
      .toEqual({ every: 300, startDate: T + 1000, endDate: Date.UTC(2030, 0, 2) });
    expect(checkRepeat({ pattern: '0 * * * *', tz: 'Asia/Tokyo', limit: 3, catchUp: 'all' }, T, cron))
      .toEqual({ pattern: '0 * * * *', tz: 'Asia/Tokyo', limit: 3, catchUp: 'all' });
  });

  it('refuses bad input with an error naming the value', () => {
    expect(check({ pattern: '61 * * * *' })).toThrow(/Invalid repeat option pattern: "61 \* \* \* \*" is not a cron pattern/);
    expect(check({ pattern: '* * *' })).toThrow(/"\* \* \*" is not a cron pattern/);
    expect(check({ every: 0 })).toThrow(/Invalid repeat option every: expected an integer >= 1 \(milliseconds\), got 0/);
    expect(check({ every: -5 })).toThrow(/got -5/);
    expect(check({ every: 1000, pattern: '* * * * *' })).toThrow(/both every \(1000\) and pattern \("\* \* \* \* \*"\) are set/);
    expect(check({})).toThrow(/set every \(milliseconds\) or pattern/);
    expect(check({ every: 1000, startDate: T + 5000, endDate: T + 2000 })).toThrow(/endDate: 2030-01-01T12:00:02.000Z is before startDate 2030-01-01T12:00:05.000Z/);
    expect(check({ every: 1000, endDate: T - 1 })).toThrow(/endDate: 2030-01-01T11:59:59.999Z is in the past/);
    expect(check({ pattern: '0 3 * * *', tz: 'Mars/Olympus_Mons' })).toThrow(/Invalid repeat option tz: "Mars\/Olympus_Mons" is not a time zone/);
    expect(check({ every: 1000, startDate: 'soon' })).toThrow(/startDate: expected a Date, an ISO date string or Unix ms, got "soon"/);
    expect(check({ every: 1000, limit: 0 })).toThrow(/limit: expected an integer >= 1, got 0/);
    expect(check({ every: 1000, immediately: true, startDate: T + 1 })).toThrow(/immediately and startDate contradict/);
    expect(check({ pattern: '* * * * *', offset: 5 })).toThrow(/offset: it shifts the slots of every/);
    expect(check({ every: 1000, catchUp: 'some' })).toThrow(/catchUp: expected 'once' or 'all', got "some"/);
    expect(check({ cron: '* * * * *' })).toThrow(/Unknown repeat option cron: jobtrail calls the cron pattern `pattern`/);
    expect(check({ every: 1000, count: 1 })).toThrow(/Unknown repeat option count/);
    expect(check(5)).toThrow(/Repeat options must be an object/);
  });
});
