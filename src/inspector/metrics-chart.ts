// A small bar chart of the jobs completed and failed per minute over the last hour, from
// `queue.getMetrics()` (Bull's per-minute counters). Drawn by hand in SVG: two bars per minute,
// oldest on the left; the labels are HTML around it, so they stay readable when the SVG scales
// down on a phone. `chartModel` (the geometry) is pure.
import type { Metrics } from '../index.js';
import { h, svg } from './dom.js';
import { formatCount } from './format.js';

/** Minutes shown: all the counters keep. */
export const CHART_MINUTES = 60;
/** The SVG's own coordinates (it scales to its box). */
export const CHART_WIDTH = 600;
export const CHART_HEIGHT = 90;

export type ChartSeries = 'completed' | 'failed';

export interface ChartBar {
  series: ChartSeries;
  /** 0: the current minute so far. */
  minutesAgo: number;
  count: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ChartModel {
  bars: ChartBar[];
  /** The value at the top of the plot: a round number at or above the busiest minute (at least 1). */
  top: number;
  totals: Record<ChartSeries, number>;
}

/**
 * Bars for per-minute counts, newest first (as `getMetrics().data`): one bar per minute and series
 * with a count above zero, scaled so that `top` fills the height.
 *
 * For instance:
 * chartModel([3], [1]).bars // [{ series: 'completed', minutesAgo: 0, count: 3, height: 90, ... }, { series: 'failed', count: 1, height: 30, ... }]
 */
export function chartModel(completed: readonly number[], failed: readonly number[], minutes = CHART_MINUTES): ChartModel {
  const series = { completed: completed.slice(0, minutes), failed: failed.slice(0, minutes) };
  const top = roundUp(Math.max(1, ...series.completed, ...series.failed));
  const slot = CHART_WIDTH / minutes;
  // Two bars side by side in each minute's slot, a fifth of it left as a gap.
  const width = (slot * 0.8) / 2;
  const bars: ChartBar[] = [];
  for (let ago = 0; ago < minutes; ago++) {
    (['completed', 'failed'] as const).forEach((name, i) => {
      const count = series[name][ago] ?? 0;
      if (count <= 0) return;
      const height = (count / top) * CHART_HEIGHT;
      bars.push({ series: name, minutesAgo: ago, count, x: (minutes - 1 - ago) * slot + slot * 0.1 + i * width, y: CHART_HEIGHT - height, width, height });
    });
  }
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  return { bars, top, totals: { completed: sum(series.completed), failed: sum(series.failed) } };
}

/** 1, 2, 5, 10, 20, 50...: the first at or above `n`, so the axis reads in round numbers. */
export function roundUp(n: number): number {
  let scale = 1;
  for (;;) {
    for (const step of [1, 2, 5]) if (step * scale >= n) return step * scale;
    scale *= 10;
  }
}

/** The chart, ready to insert: a figure with its caption, legend, axis labels and the SVG. */
export function renderMetricsChart(completed: Metrics | null, failed: Metrics | null): HTMLElement {
  const model = chartModel(completed?.data ?? [], failed?.data ?? []);
  const summary = `${formatCount(model.totals.completed)} completed and ${formatCount(model.totals.failed)} failed in the last hour`;
  const plot = svg('svg', {
    class: 'metrics-svg', viewBox: `0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': `Jobs finished per minute: ${summary}`,
  },
  svg('line', { class: 'grid', x1: 0, x2: CHART_WIDTH, y1: 0.5, y2: 0.5 }),
  svg('line', { class: 'axis', x1: 0, x2: CHART_WIDTH, y1: CHART_HEIGHT - 0.5, y2: CHART_HEIGHT - 0.5 }),
  ...model.bars.map((b) =>
    svg('rect', { class: `bar bar-${b.series}`, 'data-count': b.count, 'data-minutes-ago': b.minutesAgo, x: b.x.toFixed(2), y: b.y.toFixed(2), width: b.width.toFixed(2), height: b.height.toFixed(2) },
      svg('title', {}, `${formatCount(b.count)} ${b.series}, ${b.minutesAgo === 0 ? 'this minute' : `${b.minutesAgo} min ago`}`))));
  return h('figure', { class: 'metrics' },
    h('figcaption', {},
      h('span', { class: 'legend completed' }, `${formatCount(model.totals.completed)} completed`),
      h('span', { class: 'legend failed' }, `${formatCount(model.totals.failed)} failed`),
      h('span', { class: 'hint' }, 'per minute, last hour')),
    h('div', { class: 'plot' },
      h('span', { class: 'y-top', 'aria-hidden': 'true' }, formatCount(model.top)),
      plot),
    h('div', { class: 'x-labels', 'aria-hidden': 'true' }, h('span', {}, `${CHART_MINUTES} min ago`), h('span', {}, 'now')));
}
