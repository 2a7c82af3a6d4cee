// getMetrics (Bull, BullMQ; issue 12): jobs completed or finally failed per minute, counted in the
// transactions that finish them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countFinished, METRIC_MINUTES, metricPoints } from '../../../src/core/metrics.js';
import { makeQueue } from '../helpers.js';
import { failWith, runJobs } from './probe.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const MINUTE = 60_000;
const T0 = 28_000_000 * MINUTE; // a minute boundary

describe('the per-minute ring', () => {
  it('counts into the minute of each time, newest first, with zeros for quiet minutes', () => {
    let ring = countFinished(undefined, T0 + 5);
    ring = countFinished(ring, T0 + 59_999);
    ring = countFinished(ring, T0 + 3 * MINUTE);
    expect(ring).toEqual({ minute: T0 / MINUTE + 3, counts: [1, 0, 0, 2], total: 3 });
    expect(metricPoints(ring, T0 + 5 * MINUTE + 1)).toEqual([0, 0, 1, 0, 0, 2]);
    expect(metricPoints(undefined, T0)).toEqual([]);
  });

  it('counts a late time (another tab, a clock behind) in its own minute, and keeps only the last hour', () => {
    let ring = countFinished(undefined, T0 + 2 * MINUTE);
    ring = countFinished(ring, T0);
    expect(ring.counts).toEqual([1, 0, 1]);
    ring = countFinished(ring, T0 - 2 * METRIC_MINUTES * MINUTE);
    expect(ring).toMatchObject({ counts: [1, 0, 1], total: 3 });
    ring = countFinished(ring, T0 + 2 * MINUTE + METRIC_MINUTES * MINUTE);
    expect(ring.counts).toHaveLength(METRIC_MINUTES);
    expect(ring.counts[0]).toBe(1);
    expect(metricPoints(ring, T0 + 100 * METRIC_MINUTES * MINUTE)).toEqual(Array(METRIC_MINUTES).fill(0));
  });
});

describe('queue.getMetrics', () => {
  it('counts completions and final failures per minute; retried attempts are not failures', async () => {
    const queue = makeQueue();
    expect(await queue.getMetrics('completed')).toEqual({ meta: { count: 0, prevTS: 0, prevCount: 0 }, data: [], count: 0 });
    const ok = await queue.addBulk([{ data: 1 }, { data: 2 }, { data: 3 }]);
    await runJobs(queue, ok, () => 'ok');
    const bad = await queue.add('x', 'bad', { attempts: 2 });
    await runJobs(queue, [bad], failWith('no'));
    const completed = await queue.getMetrics('completed');
    expect(completed.meta.count).toBe(3);
    expect(completed.data[0]).toBe(3);
    expect(completed.meta.prevCount).toBe(0);
    expect(completed.meta.prevTS % MINUTE).toBe(0);
    const failed = await queue.getMetrics('failed');
    expect(failed.meta.count).toBe(1);
    expect(failed.data[0]).toBe(1);
  });

  it('gives one point per minute since the first, newest first; start and end pick points', async () => {
    const queue = makeQueue();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(T0 + 1000);
    await runJobs(queue, [await queue.add({})], () => 1);
    clock.mockReturnValue(T0 + 2 * MINUTE + 1000);
    await runJobs(queue, await queue.addBulk([{ data: 1 }, { data: 2 }]), () => 1);
    clock.mockReturnValue(T0 + 3 * MINUTE);
    expect(await queue.getMetrics('completed')).toEqual({
      meta: { count: 3, prevTS: T0 + 3 * MINUTE, prevCount: 3 },
      data: [0, 2, 0, 1],
      count: 4,
    });
    expect((await queue.getMetrics('completed', 1, 2)).data).toEqual([2, 0]);
  });

  it('refuses another type or bad positions', async () => {
    const queue = makeQueue();
    await expect(queue.getMetrics('waiting' as never)).rejects.toThrow(/getMetrics: type must be 'completed' or 'failed', got "waiting"/);
    await expect(queue.getMetrics('completed', -1)).rejects.toThrow(/argument start/);
  });
});
