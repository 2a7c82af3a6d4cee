// Turning stored values into text for the inspector, and its form input back into values. Pure.
// Job data is whatever structured clone can store (Blobs, Files, Maps, Dates...), so plain
// JSON.stringify would show a File as `{}`: `formatValue` names such values instead.

/** Strings longer than this are cut in the display (a job may carry a whole file as text). */
export const MAX_STRING = 2_000;

const numbers = new Intl.NumberFormat('en-US');

/** `100000` -> `"100,000"`. */
export function formatCount(n: number): string {
  return numbers.format(n);
}

/** Unix ms -> local `YYYY-MM-DD HH:MM:SS.mmm`; `null` -> an em dash. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** Unix ms -> local `HH:MM:SS.mmm` (the day is in `formatTime`). */
export function formatClock(ms: number | null | undefined): string {
  return formatTime(ms).slice(11) || '—';
}

/** Progress as shown in the job table: `42%` for numbers, compact text for objects. */
export function formatProgress(progress: unknown): string {
  if (typeof progress === 'number') return `${Math.round(progress * 100) / 100}%`;
  return formatValue(progress, { indent: 0 });
}

export interface FormatOptions {
  /** Spaces per level; 0 writes everything on one line. Default 2. */
  indent?: number;
}

/**
 * A readable, JSON-like text for any structured-cloneable value. Plain JSON values print as JSON;
 * the rest are named: `File("a.png", 1,024 bytes, image/png)`, `Map(1) { "k" => 1 }`, `undefined`.
 *
 * @example
 * formatValue({ file: new Blob(['hi']) }) // '{\n  "file": Blob(2 bytes)\n}'
 */
export function formatValue(value: unknown, options: FormatOptions = {}): string {
  const indent = options.indent ?? 2;
  const seen = new Set<object>();

  const write = (v: unknown, depth: number): string => {
    if (v === null) return 'null';
    switch (typeof v) {
      case 'undefined':
        return 'undefined';
      case 'string':
        return quote(v);
      case 'number':
        return Number.isFinite(v) ? JSON.stringify(v) : String(v);
      case 'bigint':
        return `${v}n`;
      case 'boolean':
        return String(v);
      case 'symbol':
      case 'function':
        return String(v);
    }
    const obj = v as object;
    const special = describe(obj);
    if (special !== null) return special;
    if (seen.has(obj)) return '[Circular]';
    seen.add(obj);
    try {
      if (Array.isArray(obj)) return list('[', ']', obj.map((item) => write(item, depth + 1)), depth);
      if (obj instanceof Map) {
        const entries = [...obj].map(([k, val]) => `${write(k, depth + 1)} => ${write(val, depth + 1)}`);
        return `Map(${obj.size}) ${list('{', '}', entries, depth)}`;
      }
      if (obj instanceof Set) return `Set(${obj.size}) ${list('[', ']', [...obj].map((item) => write(item, depth + 1)), depth)}`;
      const entries = Object.keys(obj).map((k) => `${quote(k)}: ${write((obj as Record<string, unknown>)[k], depth + 1)}`);
      return list('{', '}', entries, depth);
    } finally {
      seen.delete(obj);
    }
  };

  const list = (open: string, close: string, items: string[], depth: number): string => {
    if (items.length === 0) return `${open}${close}`;
    if (indent === 0) return `${open}${items.join(', ')}${close}`;
    const pad = ' '.repeat(indent * (depth + 1));
    return `${open}\n${items.map((item) => pad + item).join(',\n')}\n${' '.repeat(indent * depth)}${close}`;
  };

  return write(value, 0);
}

/** Names of values that have no JSON form, or null for arrays, maps, sets and plain objects. */
function describe(obj: object): string | null {
  if (typeof Blob !== 'undefined' && obj instanceof Blob) {
    const type = obj.type ? `, ${obj.type}` : '';
    const size = `${formatCount(obj.size)} bytes`;
    if (typeof File !== 'undefined' && obj instanceof File) return `File(${quote(obj.name)}, ${size}${type})`;
    return `Blob(${size}${type})`;
  }
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Date(Invalid)' : `Date(${obj.toISOString()})`;
  if (obj instanceof RegExp) return String(obj);
  if (obj instanceof Error) return `${obj.name}: ${obj.message}`;
  if (obj instanceof ArrayBuffer) return `ArrayBuffer(${formatCount(obj.byteLength)} bytes)`;
  if (ArrayBuffer.isView(obj)) return `${obj.constructor.name}(${formatCount(obj.byteLength)} bytes)`;
  return null;
}

function quote(s: string): string {
  if (s.length <= MAX_STRING) return JSON.stringify(s);
  return `${JSON.stringify(s.slice(0, MAX_STRING))}… (${formatCount(s.length - MAX_STRING)} more characters)`;
}

export type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Parse a JSON form field. Empty input gives `undefined`; invalid input gives a message naming the
 * field, the problem, and the line and column, e.g. `Data is not valid JSON: ... (line 2, column 5)`.
 */
export function parseJsonInput(text: string, field: string): Parsed {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    let message = err instanceof Error ? err.message : String(err);
    const at = /at position (\d+)/.exec(message);
    // Newer engines add the line and column themselves.
    if (at && !/line \d+/.test(message)) {
      const before = text.slice(0, Number(at[1]));
      const line = before.split('\n').length;
      const column = before.length - before.lastIndexOf('\n');
      message += ` (line ${line}, column ${column})`;
    }
    return { ok: false, message: `${field} is not valid JSON: ${message}` };
  }
}
