// The cron parser of job schedulers with a pattern. jobtrail imports no parser itself: the app
// provides croner (`jobtrail/cron`) with provideCron — a loader, called the first time a pattern
// needs it, or the Cron class up front (a service worker may not import()). Slot math runs inside
// IndexedDB transactions, where nothing but IndexedDB may be awaited, so the parser is loaded
// ahead — when an instance learns that a scheduler with a pattern exists — and handed in
// synchronously once it is here.
import { JobtrailError } from '../core/errors.js';
import type { CronNext } from '../core/schedule.js';

/** What jobtrail needs of croner's `Cron` class (`jobtrail/cron`). */
export interface CronClass {
  new (pattern: string, options: { mode: '5-or-6-parts'; timezone?: string }): { nextRun(prev: Date): Date | null };
}

/** Where the parser comes from: the class, or a function that loads the module holding it. */
export type CronSource = CronClass | (() => Promise<{ Cron: CronClass }>);

let source: CronSource | null = null;
let loaded: CronNext | null = null;
let loading: Promise<CronNext> | null = null;

/**
 * Give jobtrail the cron parser of job schedulers with a `pattern`, croner, which it ships as
 * `jobtrail/cron` and never imports itself: call this once per context that schedules or processes
 * patterns. In pages and Web Workers pass a loader, so croner is loaded (as a chunk of its own) only
 * when a pattern first needs it; in a service worker, which may not `import()` (the HTML
 * specification forbids it; Chromium refuses), import it up front and pass the class.
 *
 * @example
 * // page or worker: loaded the first time a pattern needs it
 * provideCron(() => import('jobtrail/cron'));
 * // service worker: import { Cron } from 'jobtrail/cron'; provideCron(Cron);
 */
export function provideCron(cron: CronSource): void {
  if (typeof cron !== 'function') throw new TypeError('provideCron: expected croner\'s Cron class or a function that imports jobtrail/cron');
  source = cron;
  loaded = null;
  loading = null;
  if (isCronClass(cron)) {
    loaded = parserOf(cron);
    loading = Promise.resolve(loaded);
  }
}

/** The parser if it is loaded, else null. */
export function cronParser(): CronNext | null {
  return loaded;
}

/** Load the parser (once; a failed load is tried again on the next call). Rejects when none was provided. */
export function loadCronParser(): Promise<CronNext> {
  loading ??= (async () => {
    const from = source;
    if (from === null || isCronClass(from)) {
      throw new JobtrailError('ERR_REFUSED', "Cron patterns need the cron parser: call provideCron(() => import('jobtrail/cron')) first (in a service worker, which may not import(): import { Cron } from 'jobtrail/cron'; provideCron(Cron))");
    }
    try {
      return (loaded = parserOf((await from()).Cron));
    } catch (err) {
      throw new JobtrailError('ERR_REFUSED', `jobtrail could not load the cron parser (${(err as Error | null)?.message ?? String(err)})${'ServiceWorkerGlobalScope' in globalThis ? ": a service worker may not import(); import { Cron } from 'jobtrail/cron' there and call provideCron(Cron)" : ''}`, { cause: err });
    }
  })();
  loading.catch(() => (loading = null));
  return loading;
}

/** A class, not a loader: croner's Cron has a prototype with nextRun. */
function isCronClass(cron: CronSource): cron is CronClass {
  return typeof (cron as { prototype?: { nextRun?: unknown } }).prototype?.nextRun === 'function';
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
