// Bull's and BullMQ's metrics: how many jobs completed (or finally failed) in each minute, kept as
// a small ring of per-minute counters in the queue's meta record, which every transaction already
// reads and writes, so counting costs no extra request. Pure: the minute comes from event times.

/** The finished states that are counted. */
export const METRIC_TYPES = ['completed', 'failed'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

/** How many minutes are kept: the last hour. */
export const METRIC_MINUTES = 60;

const MINUTE = 60_000;

/** Per-minute counts, newest first: `counts[k]` is the minute `minute - k` (Unix minutes). */
export interface MinuteCounts {
  minute: number;
  counts: number[];
  /** Every job ever counted. */
  total: number;
}

/** `ring` with one more job finished at `time` (Unix ms). A time before the ring's last hour is counted in `total` only. */
export function countFinished(ring: MinuteCounts | undefined, time: number): MinuteCounts {
  const minute = Math.floor(time / MINUTE);
  if (!ring) return { minute, counts: [1], total: 1 };
  const next = shifted(ring, minute);
  const at = next.minute - minute;
  if (at < METRIC_MINUTES) {
    while (next.counts.length <= at) next.counts.push(0);
    next.counts[at]!++;
  }
  next.total++;
  return next;
}

/** The counts per minute up to the minute of `now`, newest first (the current minute so far first). */
export function metricPoints(ring: MinuteCounts | undefined, now: number): number[] {
  return ring ? shifted(ring, Math.floor(now / MINUTE)).counts : [];
}

/** `ring` moved forward to `minute` (zeros for the minutes without a finish), trimmed to the last hour. */
function shifted(ring: MinuteCounts, minute: number): MinuteCounts {
  const gap = minute - ring.minute;
  if (gap <= 0) return { ...ring, counts: [...ring.counts] };
  const zeros = Array<number>(Math.min(gap, METRIC_MINUTES)).fill(0);
  return { minute, counts: [...zeros, ...ring.counts].slice(0, METRIC_MINUTES), total: ring.total };
}
