// Slot math: when a scheduler's iterations fall due. Pure: the clock arrives as `now`, and cron
// patterns are read by a function the caller passes in (the cron library, loaded on demand).
import type { Repeat } from './types.js';

/**
 * What slot math needs of a cron library: the first time strictly after `after` (Unix ms) that
 * `pattern` matches, read in time zone `tz` (the browser's when undefined), or null if it never
 * matches again. Throws on a pattern it cannot read. Synchronous: it runs inside transactions.
 */
export type CronNext = (pattern: string, tz: string | undefined, after: number) => number | null;

/**
 * The id of a scheduler's iteration for the slot at `slot` (Unix ms), as BullMQ names it. One id
 * per slot: a slot can never be added twice, whoever adds it.
 */
export function iterationId(schedulerId: string, slot: number): string {
  return `repeat:${schedulerId}:${slot}`;
}

/**
 * The slot of the first iteration of a schedule (re)defined at `now`: the next slot, or with
 * `immediately` one that runs now; never before `startDate`. Null when there is none (the next
 * slot is past `endDate`, or the pattern never matches again).
 */
export function firstSlot(repeat: Repeat, now: number, cron: CronNext | null): number | null {
  const start = repeat.startDate !== undefined && repeat.startDate > now ? repeat.startDate : null;
  let slot: number | null;
  if (repeat.every !== undefined) {
    if (start !== null) slot = everyAfter(repeat, start - 1);
    else slot = repeat.immediately ? everyAfter(repeat, now) - repeat.every : everyAfter(repeat, now);
  } else {
    slot = start === null && repeat.immediately ? now : cronOf(cron)(repeat.pattern!, repeat.tz, start === null ? now : start - 1);
  }
  return withinEnd(repeat, slot);
}

/**
 * The slot after the iteration of slot `prev`, computed when that iteration is taken at `now`.
 * Slots missed meanwhile (the browser was closed) are skipped — the iteration of `prev` stood for
 * them — unless `catchUp: 'all'`, which gives each its own iteration.
 */
export function nextSlot(repeat: Repeat, prev: number, now: number, cron: CronNext | null): number | null {
  let after = repeat.catchUp === 'all' ? prev : Math.max(prev, now);
  if (repeat.startDate !== undefined) after = Math.max(after, repeat.startDate - 1);
  const slot = repeat.every !== undefined ? everyAfter(repeat, after) : cronOf(cron)(repeat.pattern!, repeat.tz, after);
  return withinEnd(repeat, slot);
}

/** The first slot of `every` (on its multiples, shifted by `offset`) strictly after `t`. */
function everyAfter(repeat: Repeat, t: number): number {
  const every = repeat.every!;
  const offset = repeat.offset ?? 0;
  return Math.floor((t - offset) / every) * every + offset + every;
}

function withinEnd(repeat: Repeat, slot: number | null): number | null {
  return slot === null || (repeat.endDate !== undefined && slot > repeat.endDate) ? null : slot;
}

function cronOf(cron: CronNext | null): CronNext {
  if (!cron) throw new Error('A cron pattern needs the cron parser, and it is not loaded');
  return cron;
}
