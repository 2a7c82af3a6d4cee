// The state arguments of Bull's getters and counters: `getJobCounts('waiting', 'failed')`,
// `getJobCounts(['waiting', 'failed'])`, `getJobCountByTypes('completed,failed')` all name states
// the same way (Bull's parseTypeArg). Checked here once, answered from the one counts record.
import { InvalidOptionError } from '../core/errors.js';
import { checkState, describe } from '../core/options.js';
import { JOB_STATES, type JobCounts, type JobState } from '../core/types.js';

/** A state as callers may name it: Bull's `'wait'` is `'waiting'`. */
export type StateName = JobState | 'wait';

/** The states named by `args` (each a state, an array of them, or a comma-separated list), as named. */
export function stateNames(args: readonly unknown[], caller: string): StateName[] {
  const names: string[] = [];
  for (const arg of args.flat()) {
    if (typeof arg !== 'string') throw new InvalidOptionError(`${caller}: a job state must be a string, got ${describe(arg)}`);
    names.push(...arg.split(/\s*,\s*/).filter((name) => name.length > 0));
  }
  for (const name of names) {
    if (name === 'paused') {
      throw new InvalidOptionError(`${caller}: "paused" is not a job state in jobtrail: pause is a flag of the queue (isPaused()), and paused jobs are counted as waiting`);
    }
    checkState(name, caller);
  }
  return names as StateName[];
}

/** The counts of `names`, keyed as they were named (every state when none is). */
export function pickCounts(counts: JobCounts, names: readonly StateName[]): Record<string, number> {
  if (names.length === 0) return { ...counts };
  const picked: Record<string, number> = {};
  for (const name of names) picked[name] = counts[checkState(name, 'getJobCounts')];
  return picked;
}

/** The sum of the counts of `names` (of every state when none is), each state counted once. */
export function sumCounts(counts: JobCounts, names: readonly StateName[]): number {
  const states = names.length === 0 ? JOB_STATES : [...new Set(names.map((name) => checkState(name, 'getJobCountByTypes')))];
  return states.reduce((sum, state) => sum + counts[state], 0);
}
