// The chart of finished jobs per minute: one bar per minute and series that had jobs, scaled to a
// round top value, oldest minute on the left.
import { describe, expect, it } from 'vitest';
import { CHART_HEIGHT, CHART_MINUTES, CHART_WIDTH, chartModel, roundUp } from '../../../src/inspector/metrics-chart.js';

describe('roundUp', () => {
  it('gives the first of 1, 2, 5, 10, 20, 50... at or above the value', () => {
    expect([0, 1, 2, 3, 5, 6, 10, 11, 49, 50, 51, 999].map(roundUp)).toEqual([1, 1, 2, 5, 5, 10, 10, 20, 50, 50, 100, 1000]);
  });
});

describe('chartModel', () => {
  it('draws a bar per minute and series with jobs, none for empty minutes', () => {
    // Newest first, as getMetrics gives them: this minute 3 completed and 1 failed, 2 minutes ago 4 completed.
    const model = chartModel([3, 0, 4], [1]);
    expect(model.bars.map((b) => [b.series, b.minutesAgo, b.count])).toEqual([
      ['completed', 0, 3],
      ['failed', 0, 1],
      ['completed', 2, 4],
    ]);
    expect(model.totals).toEqual({ completed: 7, failed: 1 });
    expect(model.top).toBe(5);
  });

  it('scales heights to the top value, from the baseline', () => {
    const { bars } = chartModel([3, 0, 4], [1]);
    for (const bar of bars) {
      expect(bar.height).toBeCloseTo((bar.count / 5) * CHART_HEIGHT);
      expect(bar.y + bar.height).toBeCloseTo(CHART_HEIGHT);
    }
  });

  it('puts the current minute at the right edge and older minutes to its left, the two series side by side', () => {
    const { bars } = chartModel([1, 1], [1]);
    const [now, failedNow, before] = bars;
    expect(failedNow!.x + failedNow!.width).toBeLessThanOrEqual(CHART_WIDTH);
    expect(failedNow!.x).toBeCloseTo(now!.x + now!.width);
    expect(before!.x).toBeCloseTo(now!.x - CHART_WIDTH / CHART_MINUTES);
    expect(Math.min(...bars.map((b) => b.x))).toBeGreaterThanOrEqual(0);
  });

  it('shows nothing, with a top of 1, before any job finished', () => {
    expect(chartModel([], [])).toEqual({ bars: [], top: 1, totals: { completed: 0, failed: 0 } });
  });

  it('keeps the last hour only', () => {
    const old = Array<number>(CHART_MINUTES + 5).fill(1);
    expect(chartModel(old, []).bars).toHaveLength(CHART_MINUTES);
  });
});
