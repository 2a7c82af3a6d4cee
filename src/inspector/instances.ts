// Names for the processing instances of a queue, so that an attempt's owner (an opaque UUID in the
// `active` event) reads as "tab 2" or "Web Worker 1". Numbers are given in the order instances are
// first seen and kept for the inspector's life, so a name does not move to another instance when
// one closes; an instance seen once and gone since still reads as what it was. Pure.
import type { WorkerInfo } from '../index.js';

/** How a kind of context is called: one of many (`tab 2`), or the only one (`the service worker`). */
const KIND_NAMES: Record<WorkerInfo['kind'], string> = {
  window: 'tab',
  worker: 'Web Worker',
  sharedworker: 'shared worker',
  serviceworker: 'service worker',
  other: 'instance',
};

/** What closing is for each kind of context. */
const GONE: Record<WorkerInfo['kind'], string> = {
  window: 'has closed',
  worker: 'has stopped',
  sharedworker: 'has stopped',
  serviceworker: 'has stopped',
  other: 'has stopped',
};

export interface InstanceName {
  /** What runs it: `tab`, `Web Worker`, `service worker`... (`instance` for an owner never seen). */
  kind: string;
  /** Its number among those of its kind, in the order they were seen; null when it needs none. */
  number: number | null;
  /** `tab 2`, `Web Worker 1`, `the service worker`; for an owner never seen, `an instance no longer running`. */
  name: string;
  /** Where it runs, shortened: `/app/?queue=uploads`, `queue.worker.ts`; null when unknown. */
  where: string | null;
  /** The first 8 characters of its id. */
  shortId: string;
  /** Listed by `getWorkers()` at the last look. */
  live: boolean;
  /** The whole line: `tab 2 (/app/) · 3f2a9c1e`, or once it is gone `a tab that has closed (tab 2) · 3f2a9c1e`. */
  text: string;
}

export class InstanceNames {
  readonly #seen = new Map<string, { kind: WorkerInfo['kind']; number: number; url: string | null }>();
  readonly #perKind = new Map<WorkerInfo['kind'], number>();
  #live = new Set<string>();
  #version = 0;

  /** Changes whenever a name or whether an instance is live changes: what was drawn with the names is stale. */
  get version(): number {
    return this.#version;
  }

  /** The instances alive now (from `queue.getWorkers()`): new ones get the next number of their kind. */
  see(workers: readonly WorkerInfo[]): void {
    for (const w of [...workers].sort((a, b) => a.startedAt - b.startedAt)) {
      if (this.#seen.has(w.id)) continue;
      const number = (this.#perKind.get(w.kind) ?? 0) + 1;
      this.#perKind.set(w.kind, number);
      this.#seen.set(w.id, { kind: w.kind, number, url: w.url });
      this.#version++;
    }
    const live = new Set(workers.map((w) => w.id));
    if (live.size !== this.#live.size || [...live].some((id) => !this.#live.has(id))) this.#version++;
    this.#live = live;
  }

  /** Forget everything (another queue was opened). */
  reset(): void {
    this.#seen.clear();
    this.#perKind.clear();
    this.#live = new Set();
    this.#version++;
  }

  /** How to call the instance with this id (an owner of a claim, a worker's id). */
  describe(id: string): InstanceName {
    const shortId = id.slice(0, 8);
    const seen = this.#seen.get(id);
    if (!seen) {
      return { kind: 'instance', number: null, name: 'an instance no longer running', where: null, shortId, live: false, text: `an instance no longer running · ${shortId}` };
    }
    const live = this.#live.has(id);
    // One service worker per scope: a number would suggest there are others.
    const number = seen.kind === 'serviceworker' && seen.number === 1 ? null : seen.number;
    const name = number === null ? 'the service worker' : `${KIND_NAMES[seen.kind]} ${number}`;
    const where = shortUrl(seen.url);
    const text = live
      ? `${name}${where ? ` (${where})` : ''}`
      : `a ${KIND_NAMES[seen.kind]} that ${GONE[seen.kind]}${seen.kind === 'serviceworker' ? '' : ` (${name})`}`;
    return { kind: KIND_NAMES[seen.kind], number, name, where, shortId, live, text: `${text} · ${shortId}` };
  }
}

/** A page's path and query, or a worker script's file name: enough to tell instances apart. */
export function shortUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    const file = u.pathname.split('/').pop() ?? '';
    // Scripts are known by their file; pages by their path (a page's file is often empty or index.html).
    if (/\.(m?js|ts)$/.test(file)) return file;
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}
