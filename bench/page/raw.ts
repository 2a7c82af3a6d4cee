// The baselines: plain IndexedDB, no library, the least work that can persist the same records.
// Transactions call `commit()` after their last request, as jobtrail's do, so both sides get the
// same ~50-100 µs saving and the ratio shows jobtrail's own cost.
import { rawRecord } from './payload.js';

const STORE = 'records';

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
    tx.onerror = () => reject(tx.error ?? new Error('transaction failed'));
  });
}

/** Open (creating if needed) a raw database with one store of records keyed by `seq`. */
export function openRaw(name: string): Promise<IDBDatabase> {
  const req = indexedDB.open(name, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'seq' });
  return request(req);
}

/** Open an existing database (any schema) without upgrading it. */
export function openExisting(name: string): Promise<IDBDatabase> {
  return request(indexedDB.open(name));
}

export async function deleteDb(name: string): Promise<void> {
  const req = indexedDB.deleteDatabase(name);
  await new Promise<void>((resolve, reject) => {
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
    // Another connection still open: it closes on its own when its page does; do not hang here.
    req.onblocked = () => resolve();
  });
}

/** Put records 1..n, each in its own readwrite transaction, one after the other. Returns ms. */
export async function singlePuts(db: IDBDatabase, n: number, from = 1): Promise<number> {
  const records = Array.from({ length: n }, (_, k) => rawRecord(from + k));
  const t0 = performance.now();
  for (const record of records) {
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(record);
    tx.commit();
    await committed(tx);
  }
  return performance.now() - t0;
}

/** Put records 1..n in one readwrite transaction. Returns ms. */
export async function batchedPuts(db: IDBDatabase, n: number): Promise<number> {
  const records = Array.from({ length: n }, (_, k) => rawRecord(k + 1));
  const t0 = performance.now();
  const tx = db.transaction(STORE, 'readwrite');
  const store = tx.objectStore(STORE);
  for (const record of records) store.put(record);
  tx.commit();
  await committed(tx);
  return performance.now() - t0;
}
