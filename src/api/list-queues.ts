// The queues of this origin, for tools that let a user pick one (the inspector).
import { listQueueNames } from '../store/db-name.js';

/**
 * The names of the queues stored in this origin under `prefix`, sorted. Empty where the browser
 * cannot list databases (`indexedDB.databases()` is missing).
 *
 * @example
 * for (const name of await listQueues()) {
 *   const queue = new Queue(name);
 *   console.log(name, await queue.getJobCounts());
 *   await queue.close();
 * }
 */
export function listQueues(prefix = 'jobtrail', factory: IDBFactory = indexedDB): Promise<string[]> {
  return listQueueNames(prefix, factory);
}
