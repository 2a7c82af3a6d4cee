// The job as Bull shows it: `toJSON()`'s keys, listed once. The machine's context, the Job class
// and the worker's job all carry these fields; `jobJson` is the one way to take them out.
import type { JobOpts, JobProgress } from './types.js';

/** Bull's job keys, in Bull's order. */
export const JOB_JSON_KEYS = [
  'id',
  'name',
  'data',
  'opts',
  'progress',
  'delay',
  'timestamp',
  'attemptsMade',
  'failedReason',
  'stacktrace',
  'returnvalue',
  'finishedOn',
  'processedOn',
] as const;

/** `job.toJSON()`: exactly Bull's keys, in Bull's order. */
export interface JobJson<Data = unknown, Result = unknown> {
  id: string;
  name: string;
  data: Data;
  opts: JobOpts;
  progress: JobProgress;
  delay: number;
  timestamp: number;
  attemptsMade: number;
  failedReason: string | null;
  stacktrace: string[] | null;
  returnvalue: Result | null;
  finishedOn: number | null;
  processedOn: number | null;
}

// The list and the interface must name the same keys: a key added to one alone fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const sameKeys: Same<(typeof JOB_JSON_KEYS)[number], keyof JobJson> = true;
void sameKeys;

/** The Bull-shaped JSON of anything carrying the job's fields (a machine context, a Job): these keys, in this order. */
export function jobJson<Data = unknown, Result = unknown>(job: { [K in keyof JobJson]: unknown }): JobJson<Data, Result> {
  const json = {} as Record<keyof JobJson, unknown>;
  for (const key of JOB_JSON_KEYS) json[key] = job[key];
  return json as unknown as JobJson<Data, Result>;
}
