// limiter { max, duration }: at most `max` jobs start per `duration` ms, counted for the whole queue
// (shared by every instance through the store); rate-limited jobs wait, none is dropped.
// Windows are fixed, as in Bull: one opens at the first start after the previous one closed.
import { describe, expect, it } from 'vitest';
import { makeQueue } from '../helpers.js';
import { collect, readLog } from './support.js';

/** Group start times into the limiter's fixed windows: each opens at the first start after the last closed. */
function windows(starts: number[], duration: number): number[][] {
  const out: number[][] = [];
  for (const t of [...starts].sort((a, b) => a - b)) {
    const current = out.at(-1);
    if (current && t < current[0]! + duration) current.push(t);
    else out.push([t]);
  }
  return out;
}

async function claimTimes(): Promise<number[]> {
  return (await readLog()).filter((e) => e.type === 'active').map((e) => e.time);
}

describe('limiter', () => {
  it('starts at most `max` jobs per window; the rest wait and all of them run', async () => {
    const limiter = { max: 2, duration: 100 };
    const q = makeQueue('test', { limiter });
    const jobs = await q.addBulk(Array.from({ length: 7 }, (_, i) => ({ data: i })));
    const done = collect(q, 'completed', 7);
    let waitingWhileLimited = -1;
    q.once('completed', () => {
      void q.getJobCounts().then((c) => (waitingWhileLimited = c.waiting));
    });
    await q.process(5, async (job) => job.data);
    await done;
    const starts = await claimTimes();
    expect(starts).toHaveLength(7);
    const grouped = windows(starts, limiter.duration);
    for (const w of grouped) expect(w.length).toBeLessThanOrEqual(limiter.max);
    expect(grouped).toHaveLength(4);
    expect(waitingWhileLimited).toBeGreaterThan(0);
    // None dropped: every job completed, with its own result.
    for (const job of jobs) expect(await q.getJob(job.id).then((j) => j?.returnvalue)).toBe(job.data);
  });

  it('holds back retries and delayed jobs as well', async () => {
    const limiter = { max: 1, duration: 60 };
    const q = makeQueue('test', { limiter });
    await q.process(3, async (job) => {
      if (job.data === 'flaky' && job.attemptsMade === 0) throw new Error('again');
      return job.data;
    });
    const done = collect(q, 'completed', 3);
    await q.add('x', 'flaky', { attempts: 2 });
    await q.add('x', 'delayed', { delay: 10 });
    await q.add('x', 'plain');
    await done;
    const starts = await claimTimes();
    expect(starts).toHaveLength(4);
    for (const w of windows(starts, limiter.duration)) expect(w).toHaveLength(1);
  });

  it('is shared by two instances of the queue', async () => {
    const limiter = { max: 2, duration: 120 };
    const a = makeQueue('test', { limiter });
    const b = makeQueue('test', { limiter });
    await a.addBulk(Array.from({ length: 6 }, (_, i) => ({ data: i })));
    const handlerStarts: number[] = [];
    const handler = async () => {
      handlerStarts.push(Date.now());
    };
    const done = collect(a, 'global:completed', 6);
    await Promise.all([a.process(6, handler), b.process(6, handler)]);
    await done;
    const claims = await claimTimes();
    expect(claims).toHaveLength(6);
    // 6 starts at 2 per window need 3 windows, each opening at least `duration` after the last:
    // from the first claim to the last start at least 2 durations pass. Two separate limiters
    // would have run them all in 2 windows.
    expect(Math.max(...handlerStarts) - Math.min(...claims)).toBeGreaterThanOrEqual(2 * limiter.duration);
  });
});

describe('limiter with sliding: true (issue 12)', () => {
  it('two instances never start more than max jobs within any duration-long stretch', async () => {
    const limiter = { max: 3, duration: 80, sliding: true };
    const a = makeQueue('test', { limiter });
    const b = makeQueue('test', { limiter });
    await a.addBulk(Array.from({ length: 12 }, (_, i) => ({ data: i })));
    const done = collect(a, 'global:completed', 12);
    await Promise.all([a.process(6, async () => {}), b.process(6, async () => {})]);
    await done;
    const claims = (await claimTimes()).sort((x, y) => x - y);
    expect(claims).toHaveLength(12);
    for (const t of claims) expect(claims.filter((s) => s >= t && s < t + limiter.duration).length).toBeLessThanOrEqual(limiter.max);
  });

  it('refuses a sliding that is not a boolean', () => {
    expect(() => makeQueue('test', { limiter: { max: 1, duration: 10, sliding: 'yes' as never } })).toThrow(/limiter\.sliding: expected a boolean, got "yes"/);
  });
});
