// What the browser gives the examples and Node does not, for the examples run in Node.
import { createHash } from 'node:crypto';

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

/**
 * The multipart upload server of the flows example: `PUT /uploads/:id/parts/:n` keeps a part and
 * answers its SHA-256 as ETag; `POST /uploads/:id/complete` with `{ parts: [{ part, etag }] }`
 * checks every part and answers 201 with the file's Location. `files` holds the assembled files.
 */
export function serveMultipart(): { files: Map<string, Uint8Array>; restore: () => void } {
  const original = globalThis.fetch;
  const parts = new Map<string, Map<number, Uint8Array>>();
  const files = new Map<string, Uint8Array>();
  const etagOf = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const part = /^\/uploads\/([\w-]+)\/parts\/(\d+)$/.exec(url);
    if (part && init?.method === 'PUT') {
      const bytes = new Uint8Array(await new Response(init.body).arrayBuffer());
      if (!parts.has(part[1]!)) parts.set(part[1]!, new Map());
      parts.get(part[1]!)!.set(Number(part[2]), bytes);
      return new Response(null, { status: 200, headers: { ETag: etagOf(bytes) } });
    }
    const complete = /^\/uploads\/([\w-]+)\/complete$/.exec(url);
    if (complete && init?.method === 'POST') {
      const listed = (JSON.parse(String(init.body)) as { parts: { part: number; etag: string }[] }).parts;
      const stored = parts.get(complete[1]!) ?? new Map<number, Uint8Array>();
      if (listed.length !== stored.size || listed.some(({ part, etag }, k) => part !== k + 1 || etag !== etagOf(stored.get(part)!))) {
        return new Response('parts missing or out of order', { status: 409 });
      }
      files.set(complete[1]!, new Uint8Array(Buffer.concat(listed.map(({ part }) => stored.get(part)!))));
      return new Response(null, { status: 201, headers: { Location: `/files/${complete[1]}` } });
    }
    throw new TypeError(`the examples' server has no ${init?.method ?? 'GET'} ${url}`);
  };
  return { files, restore: () => void (globalThis.fetch = original) };
}
