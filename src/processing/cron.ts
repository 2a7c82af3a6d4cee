// The cron parser (croner), loaded on demand: apps that never schedule by pattern never load it.
// Slot math runs inside IndexedDB transactions, where nothing but IndexedDB may be awaited, so the
// parser is loaded ahead — when an instance learns that a scheduler with a pattern exists — and
// handed in synchronously once it is here.
import type { CronNext } from '../core/schedule.js';

let loaded: CronNext | null = null;
let loading: Promise<CronNext> | null = null;

/** The parser if it is loaded, else null. */
export function cronParser(): CronNext | null {
  return loaded;
}

/** Load the parser (once; a failed load is tried again on the next call). */
export function loadCronParser(): Promise<CronNext> {
  loading ??= import('croner').then(
    ({ Cron }) => {
      // Parsed patterns, by time zone and pattern: the claim that adds an iteration reads one.
      const parsed = new Map<string, InstanceType<typeof Cron>>();
      loaded = (pattern, tz, after) => {
        const key = `${tz ?? ''}\u0000${pattern}`;
        let cron = parsed.get(key);
        if (!cron) {
          // BullMQ's syntax (cron-parser's): 5 fields, or 6 with leading seconds; day of month and
          // day of week combine with OR, as in Vixie cron.
          cron = new Cron(pattern, { mode: '5-or-6-parts', ...(tz === undefined ? {} : { timezone: tz }) });
          if (parsed.size >= 100) parsed.clear();
          parsed.set(key, cron);
        }
        return cron.nextRun(new Date(after))?.getTime() ?? null;
      };
      return loaded;
    },
    (err: unknown) => {
      loading = null;
      throw err;
    },
  );
  return loading;
}
