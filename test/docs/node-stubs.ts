// What the browser gives the examples and Node does not, for the examples run in Node.

/** The upload server of the examples: `POST /upload` stores the body and answers 201 with a Location. */
export function serveUploads(): { received: string[]; restore: () => void } {
  const original = globalThis.fetch;
  const received: string[] = [];
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.endsWith('/upload') || init?.method !== 'POST') throw new TypeError(`the examples' server has no ${init?.method ?? 'GET'} ${url}`);
    const text = await new Response(init.body).text();
    received.push(text);
    return new Response(`stored: ${text}`, { status: 201, headers: { Location: '/files/uploaded' } });
  };
  return { received, restore: () => void (globalThis.fetch = original) };
}

/** An `<input type="file">` holding `files`, whose `onchange` the example sets. */
export function fakeFileInput(files: File[]): HTMLInputElement {
  return { files, onchange: null } as unknown as HTMLInputElement;
}

/** A page's global `addEventListener`, and a way to fire its events (`pagehide`, `online`). */
export function fakePageEvents(): { addEventListener: (type: string, listener: (event: Event) => void) => void; dispatchEvent: (event: Event) => void } {
  const target = new EventTarget();
  return {
    addEventListener: (type, listener) => target.addEventListener(type, listener),
    dispatchEvent: (event) => void target.dispatchEvent(event),
  };
}

/** A console whose `log` calls are kept, to check what an example printed. */
export function recordingConsole(): { log: (...args: unknown[]) => void; logged: unknown[][] } {
  const logged: unknown[][] = [];
  return { log: (...args) => void logged.push(args), logged };
}

/**
 * Make `fetch` resolve relative URLs (a page's `/api/jobtrail`) against `base`, as a page's fetch
 * resolves them against its origin. Returns a function that puts the original back.
 */
export function fetchRelativeTo(base: string): () => void {
  const original = globalThis.fetch;
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) =>
    original(typeof input === 'string' && input.startsWith('/') ? new URL(input, base) : input, init);
  return () => void (globalThis.fetch = original);
}

/**
 * A page whose service worker registration (`navigator.serviceWorker.ready`) offers Periodic
 * Background Sync: `registered` resolves with the first tag and options registered.
 */
export function fakePeriodicSync(): { registered: Promise<[string, { minInterval?: number } | undefined]>; restore: () => void } {
  const had = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  let resolve!: (value: [string, { minInterval?: number } | undefined]) => void;
  const registered = new Promise<[string, { minInterval?: number } | undefined]>((r) => (resolve = r));
  const periodicSync = {
    register: async (tag: string, options?: { minInterval?: number }) => resolve([tag, options]),
    unregister: async () => {},
  };
  Object.defineProperty(globalThis, 'navigator', { configurable: true, value: { onLine: true, serviceWorker: { ready: Promise.resolve({ periodicSync }) } } });
  return { registered, restore: () => void (had ? Object.defineProperty(globalThis, 'navigator', had) : delete (globalThis as { navigator?: unknown }).navigator) };
}

/**
 * A service worker's global scope, as far as event listeners go: `addEventListener` on
 * `globalThis`, and `fire(event)` to dispatch one. `restore()` takes them away again.
 */
export function serviceWorkerScope(): { fire: (event: Event) => void; restore: () => void } {
  const target = new EventTarget();
  const scope = globalThis as { addEventListener?: unknown; removeEventListener?: unknown };
  const had = { add: scope.addEventListener, remove: scope.removeEventListener };
  scope.addEventListener = target.addEventListener.bind(target);
  scope.removeEventListener = target.removeEventListener.bind(target);
  return {
    fire: (event) => void target.dispatchEvent(event),
    restore: () => {
      scope.addEventListener = had.add;
      scope.removeEventListener = had.remove;
    },
  };
}
