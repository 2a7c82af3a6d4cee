// Job schedulers in Chromium (issue 13): exactly one iteration per slot across tabs, cron
// patterns with seconds, upsert in place, removal seen by every tab, catching up after the browser
// was closed, and schedulers that outlive a browser restart (persistent profiles).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { launchOptions } from './browser';
import { expect, test } from './fixtures';

declare global {
  interface Window {
    /** Resolves once `count` iterations of this tab's processor have completed. */
    iterations?: (count: number) => Promise<string[]>;
  }
}

/** Process `name` in the tab: each iteration's id is recorded; `iterations(n)` waits for the n-th. */
async function processIn(tab: Page, name: string, options: Record<string, unknown> = {}): Promise<void> {
  await tab.evaluate(async ([name, options]) => {
    const queue = window.openQueue(name, options);
    const ran: string[] = [];
    const waiters: { count: number; resolve: (ids: string[]) => void }[] = [];
    window.state.queue = queue;
    window.state.ran = ran;
    window.iterations = (count) => new Promise((resolve) => {
      if (ran.length >= count) resolve([...ran]);
      else waiters.push({ count, resolve });
    });
    await queue.process(async (job) => {
      ran.push(job.id);
      for (const w of waiters.splice(0)) {
        if (ran.length >= w.count) w.resolve([...ran]);
        else waiters.push(w);
      }
      return job.id;
    });
  }, [name, options] as const);
}

const slotOf = (id: string) => Number(id.slice(id.lastIndexOf(':') + 1));

test('three tabs, every 300 ms for 3 s: 10 ± 1 iterations, no slot twice, in the jobs and in the log', async ({ openTab }) => {
  const tabs = [await openTab(), await openTab(), await openTab()];
  for (const tab of tabs) await processIn(tab, 'three-tabs');
  const { started, stopped } = await tabs[0]!.evaluate(async () => {
    const queue = window.state.queue;
    const started = Date.now();
    await queue.upsertJobScheduler('tick', { every: 300 });
    // The 3 s the schedule runs for.
    await new Promise((resolve) => setTimeout(resolve, started + 3000 - Date.now()));
    await queue.removeJobScheduler('tick');
    return { started, stopped: Date.now() };
  });
  const ran = (await Promise.all(tabs.map((tab) => tab.evaluate(async () => {
    await window.state.queue.whenCurrentJobsFinished();
    return window.state.ran as string[];
  })))).flat();
  expect(ran.length).toBeGreaterThanOrEqual(9);
  expect(ran.length).toBeLessThanOrEqual(11);
  expect(new Set(ran).size).toBe(ran.length);
  const slots = ran.map(slotOf).sort((a, b) => a - b);
  for (const slot of slots) {
    expect(slot % 300).toBe(0);
    expect(slot).toBeGreaterThan(started);
    expect(slot).toBeLessThanOrEqual(stopped);
  }
  expect(new Set(slots).size).toBe(slots.length);

  // The log agrees: each iteration was added once, claimed once and completed once.
  const log = await tabs[1]!.evaluate(async () => {
    const queue = window.state.queue;
    const completed = await queue.getCompleted();
    return Promise.all(completed.map(async (job: any) => ({ id: job.id as string, types: (await job.history()).map((e: any) => e.type) })));
  });
  expect(log.map((j) => j.id).sort()).toEqual([...ran].sort());
  for (const { id, types } of log) expect({ id, types }).toEqual({ id, types: ['added', 'promoted', 'active', 'completed'] });
});

test('a cron pattern with seconds runs on its second boundaries', async ({ openTab }) => {
  const tab = await openTab();
  await processIn(tab, 'cron-seconds');
  const jobs = await tab.evaluate(async () => {
    const queue = window.state.queue;
    await queue.upsertJobScheduler('each-second', { pattern: '* * * * * *' });
    const ids = await window.iterations!(3);
    await queue.removeJobScheduler('each-second');
    return Promise.all(ids.map(async (id) => (await queue.getJob(id))!.toJSON()));
  });
  for (const job of jobs) {
    const slot = slotOf(job.id as string);
    expect(slot % 1000).toBe(0);
    expect(job.processedOn).toBeGreaterThanOrEqual(slot);
    expect(job.opts).toMatchObject({ repeat: { pattern: '* * * * * *' }, repeatJobKey: 'each-second' });
  }
  expect(new Set(jobs.map((j) => slotOf(j.id as string))).size).toBe(3);
});

test('upsertJobScheduler changes the interval in place', async ({ openTab }) => {
  const tab = await openTab();
  await processIn(tab, 'in-place');
  const out = await tab.evaluate(async () => {
    const queue = window.state.queue;
    await queue.upsertJobScheduler('tick', { every: 300 }, { data: { v: 1 } });
    const before = await window.iterations!(2);
    await queue.upsertJobScheduler('tick', { every: 700 }, { data: { v: 2 } });
    const after = (await window.iterations!(before.length + 2)).slice(before.length);
    const schedulers = await queue.getJobSchedulers();
    const data = await Promise.all(after.map(async (id: string) => (await queue.getJob(id))!.data));
    const pending = await queue.getJobCountByTypes('waiting', 'delayed');
    await queue.removeJobScheduler('tick');
    return { before, after, schedulers, data, pending };
  });
  for (const id of out.before) expect(slotOf(id) % 300).toBe(0);
  for (const id of out.after) expect(slotOf(id) % 700).toBe(0);
  expect(out.data).toEqual([{ v: 2 }, { v: 2 }]);
  expect(out.schedulers).toHaveLength(1);
  expect(out.schedulers[0]).toMatchObject({ id: 'tick', every: 700, template: { data: { v: 2 } } });
  // One scheduler, one next iteration: the change replaced the pending one.
  expect(out.pending).toBe(1);
});

test('removing a scheduler stops it in every tab', async ({ openTab }) => {
  const tabs = [await openTab(), await openTab(), await openTab()];
  for (const tab of tabs) await processIn(tab, 'removal');
  await tabs[0]!.evaluate(async () => {
    const queue = window.state.queue;
    const first = new Promise((resolve) => queue.once('global:completed', resolve));
    await queue.upsertJobScheduler('tick', { every: 200 });
    await first;
  });
  const removedAt = await tabs[1]!.evaluate(async () => {
    if (!(await window.state.queue.removeJobScheduler('tick'))) throw new Error('the scheduler was not there');
    return Date.now();
  });
  // A plain job delayed past two more slots: once it has run, those slots have passed for every tab.
  await tabs[2]!.evaluate(async () => {
    const job = await window.state.queue.add('sentinel', {}, { delay: 450 });
    await job.finished();
  });
  const after = await Promise.all(tabs.map((tab) => tab.evaluate(async () => {
    const queue = window.state.queue;
    await queue.whenCurrentJobsFinished();
    return {
      schedulers: await queue.getJobSchedulers(),
      counts: await queue.getJobCounts('waiting', 'delayed', 'active'),
      ran: (window.state.ran as string[]).filter((id) => id.startsWith('repeat:')),
    };
  })));
  for (const view of after) {
    expect(view.schedulers).toEqual([]);
    expect(view.counts).toEqual({ waiting: 0, delayed: 0, active: 0 });
  }
  // No iteration ran for a slot after the removal.
  for (const id of after.flatMap((v) => v.ran)) expect(slotOf(id)).toBeLessThanOrEqual(removedAt);
});

/** A persistent profile, launched and closed as a browser is (IndexedDB on disk). */
async function withProfile(body: (launch: () => Promise<BrowserContext>) => Promise<void>, baseURL: string | undefined): Promise<void> {
  const profile = await mkdtemp(join(tmpdir(), 'jobtrail-e2e-'));
  try {
    await body(() => chromium.launchPersistentContext(profile, { ...launchOptions, baseURL }));
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

for (const catchUp of ['once', 'all'] as const) {
  test(`closing the browser for 4 slots, then reopening: ${catchUp === 'once' ? 'one catch-up iteration' : "catchUp 'all' runs all 4"}`, async ({ openTab, baseURL }) => {
    await withProfile(async (launch) => {
      const firstRun = await launch();
      const before = await openTab(firstRun);
      // Nobody processes in the first run: the scheduler waits with its first slot stored.
      const first = await before.evaluate(async (catchUp) => {
        const queue = window.openQueue('catch-up');
        const job = await queue.upsertJobScheduler('minutely', { every: 60_000, catchUp });
        await queue.close();
        return Number(job!.id.split(':').at(-1));
      }, catchUp);
      await firstRun.close();

      // The browser stays closed over four slots: it opens again 30 s after the fourth. (The
      // pages' clock says so; timers run as usual.)
      const secondRun = await launch();
      const reopenedAt = first + 3 * 60_000 + 30_000;
      await secondRun.clock.setFixedTime(reopenedAt);
      const after = await openTab(secondRun);
      await processIn(after, 'catch-up');
      const out = await after.evaluate(async () => {
        const queue = window.state.queue;
        // Done once the scheduler's next iteration lies after now, past the missed slots.
        for (;;) {
          const scheduler = await queue.getJobScheduler('minutely');
          if (scheduler.next > Date.now()) break;
          await new Promise((resolve) => queue.once('global:changed', resolve));
        }
        await queue.whenCurrentJobsFinished();
        return { ran: window.state.ran as string[], scheduler: await queue.getJobScheduler('minutely') };
      });
      await secondRun.close();

      const missed = [0, 1, 2, 3].map((k) => `repeat:minutely:${first + k * 60_000}`);
      expect(out.ran).toEqual(catchUp === 'once' ? [missed[0]] : missed);
      expect(out.scheduler).toMatchObject({ next: first + 4 * 60_000, iterationCount: catchUp === 'once' ? 2 : 5 });
    }, baseURL);
  });
}

test('a scheduler survives a browser restart and goes on where it was', async ({ openTab, baseURL }) => {
  await withProfile(async (launch) => {
    const firstRun = await launch();
    const before = await openTab(firstRun);
    await processIn(before, 'restart-schedule');
    const ranBefore = await before.evaluate(async () => {
      await window.state.queue.upsertJobScheduler('tick', { pattern: '* * * * * *' }, { name: 'sync', data: { drafts: true } });
      return window.iterations!(2);
    });
    await firstRun.close();

    const secondRun = await launch();
    const after = await openTab(secondRun);
    const stored = await after.evaluate(async () => window.openQueue('restart-schedule').getJobScheduler('tick'));
    await processIn(after, 'restart-schedule');
    const ranAfter = await after.evaluate(async () => {
      const ids = await window.iterations!(2);
      const jobs = await Promise.all(ids.map(async (id) => (await window.state.queue.getJob(id))!.toJSON()));
      await window.state.queue.removeJobScheduler('tick');
      return jobs;
    });
    await secondRun.close();

    expect(stored).toMatchObject({ id: 'tick', name: 'sync', pattern: '* * * * * *', template: { data: { drafts: true } } });
    expect(stored!.iterationCount).toBeGreaterThanOrEqual(3);
    for (const job of ranAfter) {
      expect(job).toMatchObject({ name: 'sync', data: { drafts: true }, opts: { repeatJobKey: 'tick' } });
      expect(ranBefore).not.toContain(job.id);
      expect(slotOf(job.id as string)).toBeGreaterThan(Math.max(...ranBefore.map(slotOf)));
    }
  }, baseURL);
});
