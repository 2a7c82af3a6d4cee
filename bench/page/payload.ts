// What every case stores: ~200 bytes of job data (the record size of the raw limits in
// BROWSER-TESTING.md), and the raw record a baseline writes for one job.

export const JOB_NAME = 'bench';

export interface BenchData {
  i: number;
  text: string;
}

export function jobData(i: number): BenchData {
  return { i, text: 'x'.repeat(180) };
}

/**
 * The record a raw baseline puts for job `i`: the same shape and size as the `added` event
 * jobtrail stores for it, which is the least any queue has to persist to keep a job.
 */
export function rawRecord(i: number): { seq: number; jobId: string; type: 'added'; time: number; payload: { name: string; data: BenchData; opts: { attempts: number; delay: number } } } {
  return { seq: i, jobId: String(i), type: 'added', time: Date.now(), payload: { name: JOB_NAME, data: jobData(i), opts: { attempts: 1, delay: 0 } } };
}

/** A database name no earlier run used, so every run starts on a fresh database. */
let counter = 0;
export function freshName(kind: string): string {
  return `${kind}-${Date.now().toString(36)}-${(++counter).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
