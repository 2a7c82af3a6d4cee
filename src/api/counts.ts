// Bull's counters, answered from the one counts record every transaction keeps: the counts of the
// states named (checked by core/options.ts `stateNames`), or their sum.
import { checkState, type StateName } from '../core/options.js';
import { JOB_STATES, type JobCounts } from '../core/types.js';

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
