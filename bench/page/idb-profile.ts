// Counts what a piece of code asks of IndexedDB: transactions by mode, requests by kind, and how
// long readwrite transactions stay open. Patches the prototypes (idb calls through them), so it
// runs only in profiling passes, never while a figure is being timed.

export interface IdbProfile {
  readonlyTx: number;
  readwriteTx: number;
  /** Sum of readwrite transaction lifetimes (creation to complete), ms. */
  readwriteMs: number;
  /** Requests by `Store.method` / `Index.method`, and `Cursor.step`: cursor continue/advance calls. */
  requests: Record<string, number>;
  /** Per kind, the summed time from making each request to its `success` event, ms. */
  requestMs: Record<string, number>;
}

const PATCHED: [object, string, string[]][] = [
  [IDBObjectStore.prototype, 'Store', ['put', 'add', 'get', 'getAll', 'getAllKeys', 'delete', 'clear', 'count', 'openCursor', 'openKeyCursor']],
  [IDBIndex.prototype, 'Index', ['get', 'getAll', 'getAllKeys', 'count', 'openCursor', 'openKeyCursor']],
];
/**
 * Cursor steps are counted as the `success` events of the request that opened the cursor, not by
 * wrapping `IDBCursor.prototype.continue`: idb recognises its cursor methods by identity, and a
 * wrapped `continue` makes it end every cursor after the first record.
 */
const OPENS_CURSOR = new Set(['openCursor', 'openKeyCursor']);

/** Start counting; `stop()` restores the prototypes and returns the counts. */
export function profileIdb(): { stop: () => IdbProfile } {
  const profile: IdbProfile = { readonlyTx: 0, readwriteTx: 0, readwriteMs: 0, requests: {}, requestMs: {} };
  const restore: (() => void)[] = [];
  const patch = (target: object, key: string, wrap: (original: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown) => {
    const original = (target as Record<string, (...args: unknown[]) => unknown>)[key]!;
    Object.defineProperty(target, key, { value: wrap(original), configurable: true, writable: true });
    restore.push(() => Object.defineProperty(target, key, { value: original, configurable: true, writable: true }));
  };

  patch(IDBDatabase.prototype, 'transaction', (original) =>
    function (this: IDBDatabase, ...args: unknown[]) {
      const tx = original.apply(this, args) as IDBTransaction;
      if (tx.mode === 'readwrite') {
        profile.readwriteTx++;
        const t0 = performance.now();
        tx.addEventListener('complete', () => (profile.readwriteMs += performance.now() - t0));
      } else profile.readonlyTx++;
      return tx;
    },
  );
  for (const [proto, label, methods] of PATCHED) {
    for (const method of methods) {
      const key = `${label}.${method}`;
      patch(proto, method, (original) =>
        function (this: unknown, ...args: unknown[]) {
          profile.requests[key] = (profile.requests[key] ?? 0) + 1;
          const request = original.apply(this, args) as IDBRequest;
          let since = performance.now();
          let opened = false;
          request.addEventListener('success', () => {
            // For cursors the first success opens it; each later one is a continue() or advance().
            const kind = opened ? 'Cursor.step' : key;
            if (opened) profile.requests[kind] = (profile.requests[kind] ?? 0) + 1;
            profile.requestMs[kind] = (profile.requestMs[kind] ?? 0) + performance.now() - since;
            opened = OPENS_CURSOR.has(method);
            since = performance.now(); // a cursor step's time runs from the previous success
          });
          return request;
        },
      );
    }
  }
  return {
    stop: () => {
      for (const undo of restore.reverse()) undo();
      return profile;
    },
  };
}
