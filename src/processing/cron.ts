// The cron parser (croner), loaded on demand: apps that never schedule by pattern never load it
// (a service worker, which may not import(), is handed it with provideCron).
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

/** What jobtrail needs of croner's `Cron` class: `provideCron(Cron)` takes it. */
export interface CronClass {
  new (pattern: string, options: { mode: '5-or-6-parts'; timezone?: string }): { nextRun(prev: Date): Date | null };
}

/**
 * Hand jobtrail croner's `Cron` up front, instead of letting it load croner with `import()` when a
 * scheduler with a pattern turns up. A service worker needs this: it may not `import()` modules
 * (the HTML specification forbids it, and Chromium refuses it), so one that processes a queue with
 * cron patterns imports croner itself.
 *
 * @example
 * // sw.ts
 * import { Cron } from 'croner';
 * import { provideCron } from 'jobtrail';
 * provideCron(Cron);
 */
export function provideCron(Cron: CronClass): void {
  loaded = parserOf(Cron);
  loading = Promise.resolve(loaded);
}

/** Load the parser (once; a failed load is tried again on the next call). */
export function loadCronParser(): Promise<CronNext> {
  loading ??= import('croner').then(
    ({ Cron }) => (loaded = parserOf(Cron)),
    (err: unknown) => {
      loading = null;
      const hint = 'ServiceWorkerGlobalScope' in globalThis ? ': a service worker may not import() modules, so import croner there and call provideCron(Cron)' : '';
      throw new Error(`jobtrail could not load croner, which reads cron patterns (${(err as Error | null)?.message ?? String(err)})${hint}`, { cause: err });
    },
  );
  return loading;
}

function parserOf(Cron: CronClass): CronNext {
  // Parsed patterns, by time zone and pattern: the claim that adds an iteration reads one.
  const parsed = new Map<string, InstanceType<CronClass>>();
  return (pattern, tz, after) => {
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
}
