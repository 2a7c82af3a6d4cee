// What the page, the Web Worker and the service worker share: the queues' names and job types.
export const WORKER_QUEUE = 'in-worker';
export const SW_QUEUE = 'in-sw';

export interface Work {
  n: number;
}

export interface Done {
  doubled: number;
  /** The global scope that ran the job: `DedicatedWorkerGlobalScope` or `ServiceWorkerGlobalScope`. */
  ranIn: string;
}

export function double(work: Work): Done {
  return { doubled: work.n * 2, ranIn: globalThis.constructor.name };
}
