// What changed between two snapshots of a job (two `toJSON()`s of time travel): the keys added,
// removed and changed, down to the leaves of plain objects and arrays. Pure.
import { formatValue } from './format.js';

/** One difference; `path` leads from the snapshot to it: `['opts', 'attempts']`, `['stacktrace', 1]`. */
export interface SnapshotChange {
  path: (string | number)[];
  kind: 'added' | 'removed' | 'changed';
  /** The value before (absent for `added`). */
  before?: unknown;
  /** The value after (absent for `removed`). */
  after?: unknown;
}

/**
 * The differences from `before` to `after`, in the order of `after`'s keys (removed keys last).
 * Plain objects and arrays are compared member by member; anything else (strings, numbers, Blobs,
 * Dates, Maps...) as a whole, by value.
 *
 * For instance:
 * diffSnapshots({ attemptsMade: 0, failedReason: null }, { attemptsMade: 1, failedReason: 'busy' })
 * // [{ path: ['attemptsMade'], kind: 'changed', before: 0, after: 1 },
 * //  { path: ['failedReason'], kind: 'changed', before: null, after: 'busy' }]
 */
export function diffSnapshots(before: unknown, after: unknown): SnapshotChange[] {
  const changes: SnapshotChange[] = [];
  walk(before, after, [], changes);
  return changes;
}

/** `['opts', 'attempts']` -> `opts.attempts`; `['stacktrace', 1]` -> `stacktrace[1]`; odd keys are quoted. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((key, i) =>
    typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? (i === 0 ? key : `.${key}`) : `[${JSON.stringify(key)}]`).join('');
}

function walk(a: unknown, b: unknown, path: (string | number)[], out: SnapshotChange[]): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= a.length) out.push({ path: [...path, i], kind: 'added', after: b[i] });
      else if (i >= b.length) out.push({ path: [...path, i], kind: 'removed', before: a[i] });
      else walk(a[i], b[i], [...path, i], out);
    }
    return;
  }
  if (isPlain(a) && isPlain(b)) {
    for (const key of Object.keys(b)) {
      if (!(key in a)) out.push({ path: [...path, key], kind: 'added', after: b[key] });
      else walk(a[key], b[key], [...path, key], out);
    }
    for (const key of Object.keys(a)) {
      if (!(key in b)) out.push({ path: [...path, key], kind: 'removed', before: a[key] });
    }
    return;
  }
  if (!same(a, b)) out.push({ path, kind: 'changed', before: a, after: b });
}

function isPlain(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  // Two structured-clone values (a Blob, a Date, a Map) are equal when they read the same.
  return typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && formatValue(a, { indent: 0 }) === formatValue(b, { indent: 0 });
}
