// readJobPage — one readonly transaction: a page of jobs through one index. Each page walks a
// cursor from where the previous page stopped (key-set paging), so a page costs the same with 100
// jobs stored as with 100,000: nothing ever loads every job or skips over them. For tools (the
// inspector) that list jobs by creation, state or name.
import { JobtrailError, storageError } from '../core/errors.js';
import type { JobState } from '../core/types.js';
import { lostError, type QueueDB } from './open-db.js';
import type { JobRecord } from './record.js';

/** Which jobs to list. Without a state or a name: every job. */
export interface JobQuery {
  state?: JobState | null;
  /** Jobs named exactly this (it wins over `namePrefix`). */
  name?: string | null;
  /** Jobs whose name starts with this. */
  namePrefix?: string | null;
}

/**
 * Where a page starts: the index key of the last job the previous page looked at (exclusive).
 * Opaque to callers; null for the first page.
 */
export type PageStart = IDBValidKey | null;

export interface JobPage {
  records: JobRecord[];
  /** Where the next page starts, or null when there is none. */
  next: PageStart;
}

/** Jobs one page may read past without showing them (a name search filtered by state). */
export const SCAN_BUDGET = 2_000;

/**
 * One page of jobs, newest first:
 * - every job: by creation (`byCreated`), newest first;
 * - one state: by the state's own order (`byState`), reversed: the most recently finished
 *   completed/failed jobs, the last in line for waiting, the latest due for delayed;
 * - a name, or a name prefix: by name (`byName`), and within one name newest first; with a state as well,
 *   other states are skipped, reading at most `budget` jobs (then the page is short but `next` is set).
 *
 * @example
 * let page = await readJobPage(db, { state: 'failed' }, null, 50);
 * page = await readJobPage(db, { state: 'failed' }, page.next, 50); // the following 50
 */
export async function readJobPage(db: QueueDB, query: JobQuery, start: PageStart, size: number, budget = SCAN_BUDGET): Promise<JobPage> {
  try {
    const byName = Boolean(query.name || query.namePrefix);
    const index = db.transaction('jobs').store.index(byName ? 'byName' : query.state ? 'byState' : 'byCreated');
    const range = pageRange(query, start);
    const wanted = (r: JobRecord) => !query.state || r.state === query.state;
    const records: JobRecord[] = [];
    let scanned = 0;
    let last: IDBValidKey | null = null;
    let cursor = await index.openCursor(range, 'prev');
    while (cursor && records.length < size && scanned < budget) {
      scanned++;
      last = cursor.key as IDBValidKey;
      if (wanted(cursor.value)) records.push(cursor.value);
      cursor = await cursor.continue();
    }
    // A cursor still open has a job after `last` (maybe not a matching one).
    return { records, next: cursor ? last : null };
  } catch (err) {
    throw lostError(db) ?? (err instanceof JobtrailError ? err : storageError(err, 'listing jobs for the inspector'));
  }
}

function pageRange(query: JobQuery, start: PageStart): IDBKeyRange | null {
  if (query.name) {
    // `[name, [[]]]` sorts after every `[name, created]` (an array after every number).
    return IDBKeyRange.bound([query.name], start ?? [query.name, [[]]], false, true);
  }
  if (query.namePrefix) {
    const end = prefixEnd(query.namePrefix);
    // `[name]` sorts before every `[name, created]`; an array sorts after every string.
    return IDBKeyRange.bound([query.namePrefix], start ?? (end === null ? [[]] : [end]), false, true);
  }
  if (query.state) {
    // `[state]` sorts before every `[state, rank]`, and `[state, [[]]]` after them (see stateRange).
    return IDBKeyRange.bound([query.state], start ?? [query.state, [[]]], false, true);
  }
  return start === null ? null : IDBKeyRange.upperBound(start, true);
}

/**
 * The smallest string above every string that starts with `prefix`, or null when there is none
 * (a prefix of only U+FFFF). `prefixEnd('up') === 'uq'`.
 */
export function prefixEnd(prefix: string): string | null {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const code = prefix.charCodeAt(i);
    if (code < 0xffff) return prefix.slice(0, i) + String.fromCharCode(code + 1);
  }
  return null;
}
