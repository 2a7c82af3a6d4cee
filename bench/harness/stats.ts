// Small statistics for few samples: the runs of a case are summarised by min, median and max.

export interface Summary {
  min: number;
  median: number;
  max: number;
  /** Every run, in the order measured (the warm-up excluded). */
  runs: number[];
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least p% of the values at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(runs: readonly number[]): Summary {
  return { min: Math.min(...runs), median: median(runs), max: Math.max(...runs), runs: [...runs] };
}
