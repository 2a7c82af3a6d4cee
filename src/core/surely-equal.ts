// Equality of stored values, erring on one side. `rebuild()` writes a projection again only where
// the one stored differs from the one folded from the log; a write it skips must be one that would
// change nothing, while a needless write costs only time. So plain data (what JSON holds, plus
// undefined, -0, NaN, bigints and Dates) is compared in depth, and anything else a structured clone
// may hold (a Blob, a Map, a typed array, a RegExp...) counts as different and is written again.

/** Whether `a` and `b` are surely equal, as values stored in IndexedDB: false when unsure. */
export function surelyEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && sameArray(a, b);
  if (a instanceof Date) return b instanceof Date && Object.is(a.getTime(), b.getTime());
  return isPlain(a) && isPlain(b) && sameObject(a as Record<string, unknown>, b as Record<string, unknown>);
}

function sameArray(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    // A hole and an undefined element are different things to a structured clone.
    if (!(i in a) || !(i in b) || !surelyEqual(a[i], b[i])) return false;
  }
  // Properties besides the elements (a structured clone keeps them) are not compared: unsure.
  return Object.keys(a).length === a.length && Object.keys(b).length === b.length;
}

function sameObject(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(b, key) || !surelyEqual(a[key], b[key])) return false;
  }
  return true;
}

/** An object a structured clone gives back as a plain object (not a Date, Map, Blob, class instance...). */
function isPlain(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
