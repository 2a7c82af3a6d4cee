// The bench page. The Node runner calls `window.bench.run(name, params)` (in this page) or
// `window.bench.runInWorker(name, params)` (in a dedicated worker started by this page).
import { wrap, type Remote } from 'comlink';
import * as measure from './measure.js';

type Measure = typeof measure;
export type MeasureName = { [K in keyof Measure]: Measure[K] extends (p: never) => Promise<unknown> ? K : never }[keyof Measure];

let worker: Remote<Measure> | null = null;

const bench = {
  run(name: MeasureName, params: unknown): Promise<unknown> {
    return (measure[name] as (p: unknown) => Promise<unknown>)(params);
  },
  runInWorker(name: MeasureName, params: unknown): Promise<unknown> {
    worker ??= wrap<Measure>(new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' }));
    return (worker[name] as unknown as (p: unknown) => Promise<unknown>)(params);
  },
};

declare global {
  interface Window {
    bench: typeof bench;
  }
}

window.bench = bench;
