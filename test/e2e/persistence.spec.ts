// Jobs live in IndexedDB on disk: they and their history outlive the browser. The default test
// context is incognito (IndexedDB in memory), so this test launches a persistent context on a
// fresh profile directory, closes the browser, and launches it again on the same directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { launchOptions } from './browser';
import { expect, test } from './fixtures';

test('jobs and their history survive a browser restart; a job left active is requeued', async ({ openTab, baseURL }) => {
  const profile = await mkdtemp(join(tmpdir(), 'jobtrail-e2e-'));
  try {
    const firstRun = await chromium.launchPersistentContext(profile, { ...launchOptions, baseURL });
    const before = await openTab(firstRun);
    await before.evaluate(async () => {
      const queue = window.openQueue('restart');
      let hung!: () => void;
      const hanging = new Promise<void>((resolve) => (hung = resolve));
      await queue.process(async (job) => {
        if (job.data.hang) {
          hung();
          await new Promise(() => {}); // still running when the browser goes away
        }
        await job.log(`processed ${job.data.name}`);
        return `done: ${job.data.name}`;
      });
      await (await queue.add({ name: 'first' })).finished();
      await queue.add({ name: 'interrupted', hang: true });
      await hanging;
      await queue.pause();
      await queue.add({ name: 'waiting' });
      await queue.add({ name: 'later' }, { delay: 60_000 });
    });
    await firstRun.close();

    const secondRun = await chromium.launchPersistentContext(profile, { ...launchOptions, baseURL });
    const after = await openTab(secondRun);
    const out = await after.evaluate(async () => {
      const queue = window.openQueue('restart');
      const stored = {
        paused: await queue.isPaused(),
        counts: await queue.getJobCounts(),
        first: (await queue.getJob('1'))!.toJSON(),
        firstHistory: (await queue.getJob('1'))!.history().then((events) => events.map((e) => e.type)),
        logs: await queue.getJobLogs('1'),
      };
      // A new processor requeues the job the closed browser left active, and runs it on resume.
      await queue.process(async (job) => `done again: ${job.data.name}`);
      await queue.resume();
      const results = await Promise.all(['2', '3'].map(async (id) => (await queue.getJob(id))!.finished()));
      const interrupted = (await (await queue.getJob('2'))!.history()).map((e) => e.type);
      return { ...stored, firstHistory: await stored.firstHistory, results, interrupted, later: await (await queue.getJob('4'))!.getState() };
    });
    await secondRun.close();

    expect(out.paused).toBe(true);
    expect(out.counts).toEqual({ waiting: 1, delayed: 1, active: 1, completed: 1, failed: 0, 'waiting-children': 0 });
    expect(out.first).toMatchObject({ id: '1', data: { name: 'first' }, returnvalue: 'done: first', attemptsMade: 0 });
    expect(out.firstHistory).toEqual(['added', 'active', 'log', 'completed']);
    expect(out.logs).toEqual({ logs: ['processed first'], count: 1 });
    expect(out.results).toEqual(['done again: interrupted', 'done again: waiting']);
    expect(out.interrupted).toEqual(['added', 'active', 'stalled', 'active', 'completed']);
    expect(out.later).toBe('delayed');
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
});
