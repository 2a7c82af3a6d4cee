// Tools for the offline tests: a navigator whose `onLine` the test controls, with `online`/`offline`
// events on globalThis (Node 20 has neither a navigator nor an EventTarget global scope), and
// deferreds to hold a handler until the test lets it go.
import { vi } from 'vitest';

export interface Network {
  /** The stubbed `navigator`; add fields (e.g. `serviceWorker`) if a test needs them. */
  navigator: { onLine: boolean };
  offline(): void;
  /** Back online: set `navigator.onLine` and dispatch `online` on globalThis, as a browser does. */
  online(): void;
}

/** Give globalThis a controllable `navigator.onLine` and `online`/`offline` events. Undo with `vi.unstubAllGlobals()`. */
export function stubNetwork(onLine: boolean): Network {
  const navigator = { onLine };
  const scope = new EventTarget();
  vi.stubGlobal('navigator', navigator);
  vi.stubGlobal('addEventListener', scope.addEventListener.bind(scope));
  vi.stubGlobal('removeEventListener', scope.removeEventListener.bind(scope));
  vi.stubGlobal('dispatchEvent', scope.dispatchEvent.bind(scope));
  return {
    navigator,
    offline() {
      navigator.onLine = false;
      scope.dispatchEvent(new Event('offline'));
    },
    online() {
      navigator.onLine = true;
      scope.dispatchEvent(new Event('online'));
    },
  };
}

export { deferred, type Deferred } from '../helpers.js';

/** Resolve with the arguments of the first `count` emissions of a queue event. */
export function collect(queue: { on: Function; off: Function }, event: string, count: number): Promise<unknown[][]> {
  return new Promise((resolve) => {
    const seen: unknown[][] = [];
    const listener = (...args: unknown[]) => {
      seen.push(args);
      if (seen.length === count) {
        queue.off(event, listener);
        resolve(seen);
      }
    };
    queue.on(event, listener);
  });
}
