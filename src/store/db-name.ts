// How queues map to IndexedDB databases: one database per queue, named `${prefix}:${name}`. The
// name is made here and read back here, nowhere else.

/** The database holding queue `queue` under `prefix`. */
export function dbName(prefix: string, queue: string): string {
  return `${prefix}:${queue}`;
}

/**
 * The names of the queues stored in this origin under `prefix` (databases named `${prefix}:${name}`),
 * sorted. Empty where `indexedDB.databases()` is missing.
 */
export async function listQueueNames(prefix: string, factory: IDBFactory = indexedDB): Promise<string[]> {
  if (typeof factory.databases !== 'function') return [];
  const head = `${prefix}:`;
  const names = (await factory.databases())
    .map((db) => db.name)
    .filter((name): name is string => typeof name === 'string' && name.startsWith(head) && name.length > head.length)
    .map((name) => name.slice(head.length));
  return [...new Set(names)].sort();
}
