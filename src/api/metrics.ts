// `queue.getMetrics(type, start, end)`: Bull's and BullMQ's shape, read from the per-minute
// counters the finishing transactions keep in the meta record.
import { metricPoints, type MetricType } from '../core/metrics.js';
import type { MetaRecord } from '../store/schema.js';

/** What `getMetrics` resolves with (as in Bull and BullMQ). */
export interface Metrics {
  meta: {
    /** Every job counted so far (completed, or finally failed). */
    count: number;
    /** When the newest data point's minute began (Unix ms), 0 before the first job was counted. */
    prevTS: number;
    /** `count` before the newest data point's minute. */
    prevCount: number;
  };
  /** Jobs per minute, newest first: `data[0]` is the current minute so far; at most the last hour. */
  data: number[];
  /** How many data points there are in all (before `start` / `end`). */
  count: number;
}

export function metricsOf(meta: MetaRecord, type: MetricType, start: number, end: number, now: number): Metrics {
  const ring = meta.metrics?.[type];
  const points = metricPoints(ring, now);
  const total = ring?.total ?? 0;
  return {
    meta: { count: total, prevTS: points.length > 0 ? Math.floor(now / 60_000) * 60_000 : 0, prevCount: total - (points[0] ?? 0) },
    data: points.slice(start, end < 0 ? undefined : end + 1),
    count: points.length,
  };
}
