// Numbers and job states as people read them.
import type { JobState } from 'jobtrail';

/** 1536 -> "1.5 KB" (powers of 1024, as file managers show sizes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** Milliseconds as whole seconds, rounded up: "3 s"; under a second reads "under 1 s". */
export function formatSeconds(ms: number): string {
  if (ms <= 0) return 'a moment';
  if (ms < 1000) return 'under 1 s';
  return `${Math.ceil(ms / 1000)} s`;
}

/** What an upload's state badge says (both upload lists, plain and React, show the same words). */
export function stateBadge(state: JobState): string {
  return BADGES[state];
}

const BADGES: Record<JobState, string> = {
  active: 'uploading',
  waiting: 'waiting',
  delayed: 'retrying',
  completed: 'done',
  failed: 'failed',
  'waiting-children': 'uploading parts',
};
