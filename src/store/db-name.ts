// How queues map to IndexedDB databases: one database per queue, named `${prefix}:${name}`. The
// name is made here and read back here, nowhere else. The map is one to one because a prefix holds
// no ':': the database name is cut at its first ':', and everything after it (':' included) is the
// queue's name. So `new Queue('a:b')` and `new Queue('b', { prefix: 'jobtrail:a' })` cannot meet:
// the second one is refused.
import { InvalidOptionError } from '../core/errors.js';
import { describe } from '../core/options.js';

const SEPARATOR = ':';

/** Refuse a prefix that would make two queues share a database. */
export function checkPrefix(prefix: string): void {
  if (prefix.includes(SEPARATOR)) {
    throw new InvalidOptionError(
      `Invalid queue option prefix: ${describe(prefix)} contains '${SEPARATOR}', which separates the prefix from the queue name in the database name (queue "b" of prefix "x:a" and queue "a:b" of prefix "x" would share the database "x:a:b"); use another character, such as '-' or '/'`,
    );
  }
}

/** The database holding queue `queue` under `prefix`. */
export function dbName(prefix: string, queue: string): string {
  checkPrefix(prefix);
  return `${prefix}${SEPARATOR}${queue}`;
}

/** The prefix and queue of a database name, or null when it is not one `dbName` makes. */
export function parseDbName(name: string): { prefix: string; queue: string } | null {
  const at = name.indexOf(SEPARATOR);
  if (at <= 0 || at === name.length - 1) return null;
  return { prefix: name.slice(0, at), queue: name.slice(at + 1) };
}

/**
 * The names of the queues stored in this origin under `prefix` (databases named `${prefix}:${name}`),
 * sorted. Empty where `indexedDB.databases()` is missing.
 */
export async function listQueueNames(prefix: string, factory: IDBFactory = indexedDB): Promise<string[]> {
  checkPrefix(prefix);
  if (typeof factory.databases !== 'function') return [];
  const names = (await factory.databases())
    .map((db) => (typeof db.name === 'string' ? parseDbName(db.name) : null))
    .filter((parsed) => parsed !== null && parsed.prefix === prefix)
    .map((parsed) => parsed!.queue);
  return [...new Set(names)].sort();
}
