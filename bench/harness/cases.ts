// The cases of issue 7, as the Node runner drives them: which measurements run in which tab, how
// many times, and how each jobtrail figure is paired with the raw baseline measured right next to
// it (same run, same tab, alternating), so drift between runs cancels out of the ratio.
import type { FoldSpeed } from '../page/fold-speed.js';
import type { IdbProfile } from '../page/idb-profile.js';
import type { Timed } from '../page/measure.js';
import type { SwMeasureName, SwTimed } from '../page/sw.js';
import type { Browser, Tab } from './browser.js';
import { median, percentile, summarize, type Summary } from './stats.js';

export type Unit = 'ops/s' | 'jobs/s' | 'events/s' | 'ms' | 'µs' | 'MiB';

export interface Figure {
  label: string;
  unit: Unit;
  summary: Summary;
}

export interface Target {
  text: string;
  pass: boolean;
}

export interface Row {
  id: string;
  title: string;
  jobtrail?: Figure;
  baseline?: Figure;
  /** jobtrail / baseline, per run (paired), summarised. */
  ratio?: Summary;
  target?: Target;
  note?: string;
  /** The case could not run: why. */
  error?: string;
}

export interface ProfileRow {
  id: string;
  title: string;
  jobs: number;
  wallMs: number;
  profile: IdbProfile;
}

export interface Sizes {
  /**
   * Measured runs of the long cases (processing, steady state, rebuild, reads and memory, the
   * transaction shapes, the service worker), whose ratios were stable within a few % over 5 runs:
   * fewer runs keep the whole bench under 15 minutes.
   */
  heavyRuns: number;
  /** Single-put baseline transactions, and jobs added one at a time. */
  single: number;
  bulk: number;
  process: number;
  concurrencies: number[];
  /** Concurrencies of the Web Worker processor (case 4). */
  workerConcurrencies: number[];
  churn: number;
  /** Jobs timed in each steady-state run (and in its fresh-database twin). */
  steady: number;
  latencySamples: number;
  latencyGapMs: number;
  rebuildEvents: number;
  storedJobs: number;
  readSamples: number;
  memoryJobs: number;
  /** Jobs processed in the profiling passes. */
  profileJobs: number;
  /** Single-put transactions of the transaction-shape diagnostics. */
  shapes: number;
  /** Jobs folded (4-5 events each) in the fold's micro bench. */
  foldJobs: number;
  /** Jobs added / requests pushed, and jobs processed / requests replayed, in the service worker. */
  serviceWorker: number;
}

export interface Settings {
  smoke: boolean;
  warmups: number;
  runs: number;
  sizes: Sizes;
}

// The full run took 40 minutes (2,407 s) with 10,000 jobs per processing run, 20,000 churned jobs
// per steady-state run and 5 runs of everything; the steady state alone took ~16 minutes. Per-job
// rates were flat from the first thousand jobs on (the spread between runs is larger than the
// difference), so the steady state churns 5,000 jobs and times 1,000, and the long cases take 3
// runs. That run took 18 minutes (1,078 s: S 202 s, W 210 s, 3 142 s, 8 136 s, 7 131 s): the
// processing cases now process 2,000 jobs, the warm-ups of 3, 4, S and W a quarter of a run, and
// rebuild, reads and shapes take 3 runs too.
export const FULL: Sizes = {
  heavyRuns: 3,
  single: 1000,
  bulk: 10_000,
  process: 2000,
  concurrencies: [1, 4, 16],
  workerConcurrencies: [1, 16],
  churn: 5000,
  steady: 1000,
  latencySamples: 100,
  latencyGapMs: 10,
  rebuildEvents: 100_000,
  storedJobs: 100_000,
  readSamples: 2000,
  memoryJobs: 200,
  profileJobs: 2000,
  shapes: 500,
  foldJobs: 5000,
  serviceWorker: 2000,
};

/** Small enough to finish in well under a minute; large enough that every code path runs. */
export const SMOKE: Sizes = {
  heavyRuns: 1,
  single: 50,
  bulk: 500,
  process: 100,
  concurrencies: [1, 4, 16],
  workerConcurrencies: [1, 16],
  churn: 100,
  steady: 100,
  latencySamples: 5,
  latencyGapMs: 5,
  rebuildEvents: 1000,
  storedJobs: 1000,
  readSamples: 50,
  memoryJobs: 20,
  profileJobs: 50,
  shapes: 50,
  foldJobs: 200,
  serviceWorker: 50,
};

export interface Context {
  browser: Browser;
  settings: Settings;
  log(line: string): void;
  profiles: ProfileRow[];
  /** Diagnostics: ms per transaction of each shape (tx-shapes.ts), summarised over the runs. */
  shapes: Record<string, Summary>;
}

export interface Case {
  id: string;
  title: string;
  run(ctx: Context): Promise<Row[]>;
}

const MiB = 1024 * 1024;
const rate = (t: Timed) => (t.n / t.ms) * 1000;
const perOpUs = (t: Timed) => (t.ms / t.n) * 1000;
const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * Run `once` for the warm-ups (discarded) and then the measured runs (`heavyRuns` for long cases).
 * `size(n)` is what a run should process: n, or a quarter of it in a long case's warm-up (which only
 * has to compile the code paths and fill the caches, and took a fifth of a full run's time).
 */
async function repeat<T>(ctx: Context, label: string, once: (run: number, size: (n: number) => number) => Promise<T>, heavy = false): Promise<T[]> {
  const { warmups } = ctx.settings;
  const runs = heavy ? ctx.settings.sizes.heavyRuns : ctx.settings.runs;
  const out: T[] = [];
  for (let i = 0; i < warmups + runs; i++) {
    const warm = i < warmups;
    ctx.log(`  ${label}: ${warm ? 'warm-up' : `run ${i - warmups + 1}/${runs}`}`);
    const result = await once(i, (n) => (warm && heavy ? Math.max(1, Math.ceil(n / 4)) : n));
    if (!warm) out.push(result);
  }
  return out;
}

async function withTab<T>(ctx: Context, body: (tab: Tab) => Promise<T>): Promise<T> {
  const tab = await ctx.browser.openTab();
  try {
    return await body(tab);
  } finally {
    await tab.close();
  }
}

interface Pair {
  jobtrail: number;
  baseline: number;
}

function pairedRow(
  id: string,
  title: string,
  pairs: Pair[],
  jobtrail: { label: string; unit: Unit },
  baseline: { label: string; unit: Unit },
  target?: (ratio: number, value: number) => Target,
  note?: string,
): Row {
  const ratio = summarize(pairs.map((p) => p.jobtrail / p.baseline));
  const row: Row = {
    id,
    title,
    jobtrail: { ...jobtrail, summary: summarize(pairs.map((p) => p.jobtrail)) },
    baseline: { ...baseline, summary: summarize(pairs.map((p) => p.baseline)) },
    ratio,
  };
  if (target) row.target = target(ratio.median, row.jobtrail!.summary.median);
  if (note) row.note = note;
  return row;
}

const atLeast = (x: number, of: string) => (ratio: number): Target => ({ text: `≥ ${x}× ${of}`, pass: ratio >= x });
const atMost = (x: number, of: string) => (ratio: number): Target => ({ text: `≤ ${x}× ${of}`, pass: ratio <= x });
const below = (limit: number, unit: Unit) => (_ratio: number, value: number): Target => ({ text: `< ${fmt(limit)} ${unit}`, pass: value < limit });

/** A row for a case that failed: the error is the figure. */
function failed(id: string, title: string, err: unknown): Row {
  const message = err instanceof Error ? err.message : String(err);
  return { id, title, error: message.split('\n')[0]!.replace(/^page\.evaluate: (Error: )?/, '') };
}

// ---- the cases ---------------------------------------------------------------------------------

const adding: Case = {
  id: '1-2',
  title: 'Adding jobs',
  async run(ctx) {
    const { single, bulk } = ctx.settings.sizes;
    const rows: Row[] = [];
    for (const where of ['page', 'worker'] as const) {
      await withTab(ctx, async (tab) => {
        const run = where === 'page' ? tab.run.bind(tab) : tab.runInWorker.bind(tab);
        const suffix = where === 'worker' ? ', queue in a worker' : '';
        const id = (n: string) => (where === 'page' ? n : `${n}w`);
        const adds = await repeat(ctx, `add${suffix}`, async () => {
          const base = await run<Timed>('rawSinglePut', { n: single });
          const jt = await run<Timed>('jobtrailAdd', { n: single });
          return { jobtrail: rate(jt), baseline: rate(base) };
        });
        rows.push(pairedRow(id('1'), `add() one at a time, awaited (${fmt(single)} jobs)${suffix}`, adds,
          { label: 'add()', unit: 'ops/s' }, { label: 'raw single-put transactions', unit: 'ops/s' },
          where === 'page' ? atLeast(0.6, 'raw') : undefined));
        const bulks = await repeat(ctx, `addBulk${suffix}`, async () => {
          const base = await run<Timed>('rawBatchedPut', { n: bulk });
          const jt = await run<Timed>('jobtrailAddBulk', { n: bulk });
          return { jobtrail: rate(jt), baseline: rate(base) };
        });
        rows.push(pairedRow(id('2'), `addBulk() of ${fmt(bulk)} jobs${suffix}`, bulks,
          { label: 'addBulk()', unit: 'jobs/s' }, { label: `raw puts, ${fmt(bulk)} in one transaction`, unit: 'jobs/s' },
          where === 'page' ? atLeast(0.5, 'raw') : undefined));
      });
    }
    await withTab(ctx, async (tab) => {
      for (const [id, title, name, n] of [
        ['1', 'add() one at a time', 'jobtrailAdd', single],
        ['2', 'addBulk()', 'jobtrailAddBulk', bulk],
      ] as const) {
        const jt = await tab.run<Timed>(name, { n, profile: true });
        ctx.profiles.push({ id, title, jobs: jt.n, wallMs: jt.ms, profile: jt.profile! });
      }
    });
    return rows;
  },
};

function processingCase(worker: boolean): Case {
  const kind = worker ? 'Web Worker processor (comlink)' : 'in-thread processor';
  return {
    id: worker ? '4' : '3',
    title: `Processing no-op jobs, ${kind}`,
    async run(ctx) {
      const { single, process, concurrencies, workerConcurrencies, profileJobs } = ctx.settings.sizes;
      const rows: Row[] = [];
      const inThread: { concurrency: number; run: 'page' | 'worker' }[] = (worker ? workerConcurrencies : concurrencies).map((c) => ({ concurrency: c, run: 'page' }));
      // The queue itself in a dedicated worker (in-thread processor there): once, at the top concurrency.
      if (!worker) inThread.push({ concurrency: concurrencies.at(-1)!, run: 'worker' });
      for (const { concurrency, run: where } of inThread) {
        const id = `${worker ? '4' : '3'}.c${concurrency}${where === 'worker' ? 'w' : ''}`;
        const title = `process ${fmt(process)} no-op jobs, ${kind}, concurrency ${concurrency}${where === 'worker' ? ', queue in a worker' : ''}`;
        try {
          const pairs = await withTab(ctx, (tab) =>
            repeat(ctx, title, async (_run, size) => {
              const run = where === 'page' ? tab.run.bind(tab) : tab.runInWorker.bind(tab);
              const base = await run<Timed>('rawSinglePut', { n: size(single) });
              const jt = await run<Timed>('jobtrailProcess', { n: size(process), concurrency, worker, removeOnComplete: false, churn: 0 });
              return { jobtrail: rate(jt), baseline: rate(base) };
            }, true),
          );
          const target = where === 'worker' || worker ? undefined : concurrency === 1 ? atLeast(0.5, 'raw') : concurrency === 16 ? atLeast(3, 'raw') : undefined;
          rows.push(pairedRow(id, title, pairs, { label: 'jobs processed', unit: 'jobs/s' }, { label: 'raw single-put transactions', unit: 'ops/s' }, target));
        } catch (err) {
          rows.push(failed(id, title, err));
        }
      }
      if (!worker) {
        await withTab(ctx, async (tab) => {
          for (const concurrency of [1, concurrencies.at(-1)!]) {
            const jt = await tab.run<Timed>('jobtrailProcess', { n: profileJobs, concurrency, worker: false, removeOnComplete: false, churn: 0, profile: true });
            ctx.profiles.push({ id: `3.c${concurrency}`, title: `processing, concurrency ${concurrency}`, jobs: jt.n, wallMs: jt.ms, profile: jt.profile! });
          }
        });
      }
      return rows;
    },
  };
}

const steadyState: Case = {
  id: 'S',
  title: 'Steady state: processing after a long run',
  async run(ctx) {
    const { single, steady: process, churn, concurrencies, profileJobs } = ctx.settings.sizes;
    const rows: Row[] = [];
    const top = concurrencies.at(-1)!;
    for (const concurrency of [1, top]) {
      const titleFresh = `process ${fmt(process)} jobs with removeOnComplete, concurrency ${concurrency}, fresh database`;
      const titleSteady = `the same after ${fmt(churn)} jobs were processed and removed`;
      try {
        const runs = await withTab(ctx, (tab) =>
          repeat(ctx, `steady state, concurrency ${concurrency}`, async (_run, size) => {
            const base = await tab.run<Timed>('rawSinglePut', { n: size(single) });
            const fresh = await tab.run<Timed>('jobtrailProcess', { n: size(process), concurrency, worker: false, removeOnComplete: true, churn: 0 });
            const steady = await tab.run<Timed>('jobtrailProcess', { n: size(process), concurrency, worker: false, removeOnComplete: true, churn: size(churn) });
            return { base: rate(base), fresh: rate(fresh), steady: rate(steady) };
          }, true),
        );
        rows.push(pairedRow(`S.c${concurrency}`, titleFresh, runs.map((r) => ({ jobtrail: r.fresh, baseline: r.base })),
          { label: 'jobs processed', unit: 'jobs/s' }, { label: 'raw single-put transactions', unit: 'ops/s' }));
        rows.push(pairedRow(`S.c${concurrency}.steady`, titleSteady, runs.map((r) => ({ jobtrail: r.steady, baseline: r.fresh })),
          { label: 'jobs processed, steady state', unit: 'jobs/s' }, { label: 'the same on a fresh database', unit: 'jobs/s' }, undefined,
          `vs raw single-put: ${median(runs.map((r) => r.steady / r.base)).toFixed(2)}×`));
      } catch (err) {
        rows.push(failed(`S.c${concurrency}`, titleFresh, err));
      }
    }
    await withTab(ctx, async (tab) => {
      const jt = await tab.run<Timed>('jobtrailProcess', { n: profileJobs, concurrency: 1, worker: false, removeOnComplete: true, churn, profile: true });
      ctx.profiles.push({ id: 'S.c1', title: `processing with removeOnComplete, concurrency 1, after ${fmt(churn)} removed`, jobs: jt.n, wallMs: jt.ms, profile: jt.profile! });
      // Against 3.c16's pass: what removing each finished job adds at concurrency 16.
      const top16 = await tab.run<Timed>('jobtrailProcess', { n: profileJobs, concurrency: top, worker: false, removeOnComplete: true, churn: 0, profile: true });
      ctx.profiles.push({ id: `S.c${top}`, title: `processing with removeOnComplete, concurrency ${top}, fresh database`, jobs: top16.n, wallMs: top16.ms, profile: top16.profile! });
    });
    return rows;
  },
};

const crossTab: Case = {
  id: '5',
  title: 'Cross-tab start latency',
  async run(ctx) {
    const { latencySamples: samples, latencyGapMs: gapMs } = ctx.settings.sizes;
    const latencies = (sent: Record<string, number>, received: Record<string, number>) =>
      Object.keys(sent).map((id) => {
        if (received[id] === undefined) throw new Error(`message ${id} never arrived`);
        return received[id]! - sent[id]!;
      });
    const runs = await repeat(ctx, 'add in tab A -> processor starts in tab B', async (i) => {
      const a = await ctx.browser.openTab();
      const b = await ctx.browser.openTab();
      try {
        const channel = `bench-channel-${Date.now()}-${i}`;
        await b.run('rawChannelListen', { channel });
        const rawSent = await a.run<Record<string, number>>('rawChannelSend', { channel, samples, gapMs });
        const raw = latencies(rawSent, await b.run<Record<string, number>>('collectStamps', { session: channel }));
        const queue = `cross-tab-${Date.now()}-${i}`;
        await b.run('crossTabProcessor', { queue });
        const sent = await a.run<Record<string, number>>('crossTabAdd', { queue, samples, gapMs });
        const jt = latencies(sent, await b.run<Record<string, number>>('collectStamps', { session: queue }));
        await a.run('dropQueue', { queue });
        return { jt, raw };
      } finally {
        await a.close();
        await b.close();
      }
    });
    const pairs = (p: number) => runs.map((r) => ({ jobtrail: percentile(r.jt, p), baseline: percentile(r.raw, p) }));
    return [
      pairedRow('5.p50', `add() in tab A -> processor starts in tab B, median of ${samples}`, pairs(50),
        { label: 'start latency p50', unit: 'ms' }, { label: 'raw BroadcastChannel message p50', unit: 'ms' }, atMost(4, 'raw')),
      pairedRow('5.p95', `the same, p95`, pairs(95), { label: 'start latency p95', unit: 'ms' }, { label: 'raw BroadcastChannel message p95', unit: 'ms' }),
    ];
  },
};

const requeue: Case = {
  id: '6',
  title: 'Requeue after a tab closes mid-job',
  async run(ctx) {
    const nodeNow = () => performance.timeOrigin + performance.now();
    const runs = await repeat(ctx, 'close the tab running a job', async (i) => {
      const rescuer = await ctx.browser.openTab();
      try {
        // Raw: how soon the platform itself tells a tab that another died (a Web Lock handed over).
        const lock = `bench-lock-${Date.now()}-${i}`;
        const holder = await ctx.browser.openTab();
        await holder.run('rawLockHold', { name: lock });
        await rescuer.run('rawLockWait', { name: lock });
        const rawT0 = nodeNow();
        await holder.kill();
        const granted = await rescuer.run<number>('rawLockResult', { name: lock, timeoutMs: 10_000 });

        const queue = `requeue-${Date.now()}-${i}`;
        const victim = await ctx.browser.openTab();
        await victim.run('requeueVictim', { queue });
        await rescuer.run('requeueRescuer', { queue });
        const t0 = nodeNow();
        await victim.kill();
        const { stalledAt, startedAt } = await rescuer.run<{ stalledAt: number | null; startedAt: number }>('requeueResult', { queue, timeoutMs: 30_000 });
        return { raw: granted - rawT0, stalled: (stalledAt ?? startedAt) - t0, started: startedAt - t0 };
      } finally {
        await rescuer.close();
      }
    });
    return [
      pairedRow('6', 'close a tab mid-job -> job requeued (released or stalled, seen in another tab)', runs.map((r) => ({ jobtrail: r.stalled, baseline: r.raw })),
        { label: 'requeued after', unit: 'ms' }, { label: 'raw Web Lock handed to a waiting tab', unit: 'ms' }, below(1000, 'ms')),
      pairedRow('6.start', 'the same -> job started again in the other tab', runs.map((r) => ({ jobtrail: r.started, baseline: r.raw })),
        { label: 'restarted after', unit: 'ms' }, { label: 'raw Web Lock handed to a waiting tab', unit: 'ms' }, below(1000, 'ms')),
    ];
  },
};

const rebuild: Case = {
  id: '7',
  title: 'Rebuilding the projections',
  async run(ctx) {
    const { rebuildEvents } = ctx.settings.sizes;
    let events = 0;
    let jobs = 0;
    // One stored log for every run (writing 100,000 events took longer than all the rebuilds): a
    // rebuild rewrites the projections from the log and leaves the log as it was. Each run rebuilds
    // twice: over sound projections (it writes only what differs: nothing), then after every job
    // projection was deleted behind jobtrail's back (it writes them all).
    const runs = await withTab(ctx, async (tab) => {
      ctx.log(`  storing ${fmt(rebuildEvents)} events`);
      const fixture = await tab.run<{ queue: string; events: number }>('rebuildFixture', { events: rebuildEvents });
      try {
        return await repeat(ctx, `rebuild from ${fmt(rebuildEvents)} events`, async () => {
          await tab.run<Timed>('rawReadLog', fixture); // untimed: both timed reads start from a warm cache
          const raw = await tab.run<Timed>('rawReadLog', fixture);
          const jt = await tab.run<Timed & { jobs: number }>('jobtrailRebuild', fixture);
          await tab.run('dropProjections', fixture);
          const lost = await tab.run<Timed & { jobs: number }>('jobtrailRebuild', fixture);
          events = jt.n;
          jobs = jt.jobs;
          if (raw.n !== jt.n || lost.n !== jt.n) throw new Error(`rebuild read ${jt.n} and ${lost.n} events, the raw read ${raw.n}`);
          return { sound: { jobtrail: rate(jt), baseline: rate(raw) }, lost: { jobtrail: rate(lost), baseline: rate(raw) } };
        }, true);
      } finally {
        await tab.run('dropQueue', fixture);
      }
    });
    return [
      pairedRow('7', `queue.rebuild() from ${fmt(events)} events (${fmt(jobs)} jobs), projections sound`, runs.map((r) => r.sound),
        { label: 'rebuild', unit: 'events/s' }, { label: 'raw read of the same events (getAll pages)', unit: 'events/s' }, atLeast(0.3, 'raw')),
      pairedRow('7.lost', `the same after every job projection was deleted (it writes all ${fmt(jobs)})`, runs.map((r) => r.lost),
        { label: 'rebuild', unit: 'events/s' }, { label: 'raw read of the same events (getAll pages)', unit: 'events/s' }),
    ];
  },
};

const stored: Case = {
  id: '8',
  title: `Reads and memory with many jobs stored`,
  async run(ctx) {
    const { storedJobs: jobs, readSamples: samples, memoryJobs } = ctx.settings.sizes;
    const rows: Row[] = [];
    const fixtureTab = await ctx.browser.openTab();
    try {
      ctx.log(`  storing ${fmt(jobs)} completed jobs`);
      const { queue } = await fixtureTab.run<{ queue: string }>('readsFixture', { jobs });
      // Reads change nothing, so every run reads the same stored queue.
      const reads = await withTab(ctx, (tab) =>
        repeat(ctx, `getJob / getJobCounts among ${fmt(jobs)} jobs`, async () => {
          const rawGet = await tab.run<Timed>('rawGetJob', { queue, jobs, samples });
          const getJob = await tab.run<Timed>('jobtrailGetJob', { queue, jobs, samples });
          const rawMeta = await tab.run<Timed>('rawGetMeta', { queue, samples });
          const counts = await tab.run<Timed>('jobtrailGetJobCounts', { queue, samples });
          return { getJob: { jobtrail: perOpUs(getJob), baseline: perOpUs(rawGet) }, counts: { jobtrail: perOpUs(counts), baseline: perOpUs(rawMeta) } };
        }, true),
      );
      rows.push(pairedRow('8.getJob', `getJob(id) with ${fmt(jobs)} jobs stored (random ids, one at a time)`, reads.map((r) => r.getJob),
        { label: 'getJob', unit: 'µs' }, { label: 'raw get of the job record', unit: 'µs' }));
      rows.push(pairedRow('8.counts', `getJobCounts() with ${fmt(jobs)} jobs stored`, reads.map((r) => r.counts),
        { label: 'getJobCounts', unit: 'µs' }, { label: 'raw get of one record', unit: 'µs' }));

      const heaps = await repeat(ctx, `page heap, ${fmt(jobs)} jobs stored vs an empty queue`, async (i) => {
        const heapOf = async (name: string, drop: boolean) =>
          withTab(ctx, async (tab) => {
            await tab.run('memoryProbe', { queue: name, jobs: memoryJobs });
            const used = await tab.heapUsed();
            await tab.run('memoryProbeClose', { queue: name, drop });
            return used / MiB;
          });
        const empty = await heapOf(`memory-empty-${Date.now()}-${i}`, true);
        const full = await heapOf(queue, false);
        return { jobtrail: full, baseline: empty };
      }, true);
      const growth = median(heaps.map((h) => h.jobtrail - h.baseline));
      const memory = pairedRow('8.memory', `page JS heap with ${fmt(jobs)} jobs stored (after counts, lists, a processor running ${fmt(memoryJobs)} jobs)`, heaps,
        { label: 'heap, full queue', unit: 'MiB' }, { label: 'heap, empty queue', unit: 'MiB' });
      memory.target = { text: '< 1 MiB more', pass: growth < 1 };
      memory.note = `difference (median): ${growth >= 0 ? '+' : ''}${growth.toFixed(2)} MiB`;
      rows.push(memory);
      await fixtureTab.run('dropQueue', { queue });
    } finally {
      await fixtureTab.close();
    }
    return rows;
  },
};

const shapes: Case = {
  id: 'D',
  title: 'Diagnostics: transaction shapes in plain IndexedDB',
  async run(ctx) {
    const runs = await withTab(ctx, (tab) =>
      repeat(ctx, 'transaction shapes', () => tab.run<Record<string, number>>('transactionShapes', { n: ctx.settings.sizes.shapes }), true),
    );
    for (const label of Object.keys(runs[0] ?? {})) ctx.shapes[label] = summarize(runs.map((r) => r[label]!));
    return [];
  },
};

const fold: Case = {
  id: 'F',
  title: 'Folding events: the transition table against xstate',
  async run(ctx) {
    const { foldJobs } = ctx.settings.sizes;
    let events = 0;
    const pairs = await withTab(ctx, (tab) =>
      repeat(ctx, `fold the events of ${fmt(foldJobs)} jobs both ways`, async () => {
        const r = await tab.run<FoldSpeed>('foldSpeed', { jobs: foldJobs });
        events = r.events;
        return { jobtrail: r.tableUs, baseline: r.machineUs };
      }),
    );
    const row = pairedRow('F', `fold one event (${fmt(events)} events of ${fmt(foldJobs)} jobs: added, active, progress or a retry, completed)`, pairs,
      { label: 'per event, transition table read off the machine', unit: 'µs' }, { label: "per event, xstate's transition()", unit: 'µs' });
    row.note = `${(1 / row.ratio!.median).toFixed(0)}× faster`;
    return [row];
  },
};

const serviceWorker: Case = {
  id: 'W',
  title: 'In a service worker, side by side with workbox-background-sync',
  async run(ctx) {
    const n = ctx.settings.sizes.serviceWorker;
    const runs = await withTab(ctx, (tab) =>
      repeat(ctx, `${fmt(n)} adds / pushes, ${fmt(n)} fetching jobs / replays`, async (i, size) => {
        const sw = (name: SwMeasureName, params: object) => tab.run<SwTimed>('inServiceWorker', { name, params });
        const count = size(n);
        const raw = await sw('rawSinglePut', { n: count });
        const push = await sw('workboxPush', { n: count });
        const add = await sw('jobtrailAdd', { n: count });
        const runId = `${Date.now()}-${i}`;
        const replay = await sw('workboxReplay', { n: count, run: `workbox-${runId}` });
        const fetched = await sw('jobtrailFetch', { n: count, run: `jobtrail-${runId}` });
        for (const [who, t] of [['workbox', replay], ['jobtrail', fetched]] as const) {
          if (t.served !== count) throw new Error(`${who} made ${t.served} requests to the endpoint, not ${count}`);
        }
        return { raw: rate(raw), push: rate(push), add: rate(add), replay: rate(replay), fetched: rate(fetched) };
      }, true),
    );
    const vsRaw = (pick: (r: (typeof runs)[number]) => number) => `${median(runs.map((r) => pick(r) / r.raw)).toFixed(2)}×`;
    return [
      pairedRow('W.add', `add() in a service worker, one at a time, awaited (${fmt(n)} jobs)`, runs.map((r) => ({ jobtrail: r.add, baseline: r.push })),
        { label: 'add()', unit: 'ops/s' }, { label: 'workbox pushRequest()', unit: 'ops/s' }, atLeast(2, 'workbox'),
        `vs raw single-put transactions in the service worker: add() ${vsRaw((r) => r.add)}, pushRequest() ${vsRaw((r) => r.push)}`),
      pairedRow('W.fetch', `process ${fmt(n)} jobs that each POST once to a local endpoint, concurrency 1, in a service worker`, runs.map((r) => ({ jobtrail: r.fetched, baseline: r.replay })),
        { label: 'jobs processed', unit: 'jobs/s' }, { label: 'workbox replayRequests()', unit: 'jobs/s' }, atLeast(1.5, 'workbox')),
    ];
  },
};

export const CASES: Case[] = [adding, processingCase(false), processingCase(true), steadyState, crossTab, requeue, rebuild, stored, shapes, fold, serviceWorker];

/** Run one case; a case that throws becomes an error row instead of ending the whole bench. */
export async function runCase(ctx: Context, c: Case): Promise<Row[]> {
  try {
    return await c.run(ctx);
  } catch (err) {
    return [failed(c.id, c.title, err)];
  }
}
