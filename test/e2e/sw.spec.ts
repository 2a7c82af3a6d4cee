// The service worker runtime in Chromium: a module service worker (pages/sw/sw.ts, served by Vite)
// processes the `sw-uploads` queue that pages fill. Pages at /sw/ are its clients; the harness at
// `/` is outside its scope, so a tab there is an open tab that is not a client.
//
// Found on this machine (Chromium 156, headless): Background Sync works, so these tests use real
// `sync` events: `registration.sync.register()` fires one at once while online, and one registered
// offline stays pending until the context is back online. Under `context.setOffline` the service
// worker's `navigator.onLine` follows, but no `online` event reaches its global scope (the runner
// re-checks `navigator.onLine` while it holds jobs). A service worker has no
// `navigator.serviceWorker`: requestBackgroundSync uses `self.registration` there.
import type { BrowserContext, CDPSession, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import type { SwReport } from './pages/sw/sw';

const TAG = 'jobtrail:jobtrail:sw-uploads';

/** Open a client page of the service worker (at /sw/) and make sure the worker is active. */
async function openClient(openTab: (context?: BrowserContext) => Promise<Page>): Promise<Page> {
  const page = await openTab();
  await page.goto('/sw/');
  await page.waitForFunction(() => window.swPageReady === true);
  await page.evaluate(() => window.sw.register());
  return page;
}

/** The reports the service worker sent to this page, oldest first. */
async function reportsOf(page: Page): Promise<SwReport[]> {
  return page.evaluate(() => window.sw.reports);
}

/** Errors the service worker's queue reported while this page listened. */
async function workerErrors(page: Page): Promise<string[]> {
  return (await reportsOf(page)).flatMap((r) => (r.type === 'error' ? [r.message] : []));
}

/** Stop every service worker of the context (CDP ServiceWorker.stopAllWorkers) and wait until they are. */
async function stopServiceWorkers(cdp: CDPSession): Promise<void> {
  await cdp.send('ServiceWorker.enable');
  const stopped = new Promise<void>((resolve) => {
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      if (versions.length > 0 && versions.every((v) => v.runningStatus === 'stopped')) resolve();
    });
  });
  await cdp.send('ServiceWorker.stopAllWorkers');
  await stopped;
}

test('a service worker processes a job added by a page', async ({ openTab }) => {
  const page = await openClient(openTab);
  const { id, result } = await page.evaluate(async () => {
    const job = await window.sw.queue().add('upload', { file: 'a.txt' });
    return { id: job.id, result: await job.finished() };
  });
  expect(result).toEqual({ file: 'a.txt', body: 'stored on the server\n', inServiceWorker: true });
  expect((await reportsOf(page)).filter((r) => r.type === 'job')).toEqual([{ type: 'job', id, instance: expect.any(String) }]);
  expect(await workerErrors(page)).toEqual([]);
});

test('a service worker runs the iterations of a cron scheduler, given the cron parser up front with provideCron(Cron)', async ({ openTab }) => {
  const page = await openClient(openTab);
  const ids = await page.evaluate(async () => {
    const from = window.sw.reports.length;
    // The page only schedules; the service worker processes.
    await window.openQueue('sw-schedules').upsertJobScheduler('each-second', { pattern: '* * * * * *' });
    const first = await window.sw.next('job', (r) => r.id.startsWith('repeat:each-second:'), from);
    const second = await window.sw.next('job', (r) => r.id.startsWith('repeat:each-second:') && r.id !== first.id, from);
    await window.openQueue('sw-schedules').removeJobScheduler('each-second');
    return [first.id, second.id];
  });
  for (const id of ids) expect(Number(id.split(':').at(-1)) % 1000).toBe(0);
  expect(await workerErrors(page)).toEqual([]);
});

test('getWorkers lists the service worker processing the queue', async ({ openTab }) => {
  const page = await openClient(openTab);
  const workers = await page.evaluate(async () => {
    // A job run makes sure the service worker is up and processing.
    await (await window.sw.queue().add('upload', { file: 'w.txt' })).finished();
    return (await window.sw.queue().getWorkers()).map((w) => ({ kind: w.kind, url: w.url }));
  });
  expect(workers).toContainEqual({ kind: 'serviceworker', url: expect.stringContaining('/sw/sw.ts') });
});

test('adding a job registers a Background Sync, and the sync event ends once the queue is drained', async ({ openTab }) => {
  const page = await openClient(openTab);
  const outcome = await page.evaluate(async () => {
    window.sw.requestSync();
    const from = window.sw.reports.length;
    const job = await window.sw.queue().add('upload', { file: 'b.txt', wait: 300 });
    const done = await window.sw.next('sync-done', () => true, from);
    return { done, state: await job.getState(), syncs: window.sw.reports.slice(from).filter((r) => r.type === 'sync') };
  });
  // The sync event waited for the job: by the time it ended, the job was completed.
  expect(outcome.done).toMatchObject({ tag: TAG, ok: true });
  expect(outcome.state).toBe('completed');
  expect(outcome.syncs).toEqual([{ type: 'sync', tag: TAG, lastChance: false, instance: expect.any(String) }]);
  expect(await workerErrors(page)).toEqual([]);
});

test('jobs added while the context is offline wait, then run when it comes back online', async ({ openTab, context }) => {
  const page = await openClient(openTab);
  await context.setOffline(true);
  const ids = await page.evaluate(async () => {
    window.sw.requestSync();
    const jobs = await window.sw.queue().addBulk([
      { name: 'upload', data: { file: 'c.txt' } },
      { name: 'upload', data: { file: 'd.txt' } },
    ]);
    return jobs.map((job) => job.id);
  });
  // Nothing signals "nothing happened": give the service worker (which hears of the adds at once)
  // longer than its offline re-check to claim a job it should not claim.
  await page.waitForTimeout(1500);
  const offline = await page.evaluate(async () => ({
    counts: await window.sw.queue().getJobCounts(),
    tags: await ((await navigator.serviceWorker.ready) as ServiceWorkerRegistration & { sync: { getTags(): Promise<string[]> } }).sync.getTags(),
    online: navigator.onLine,
  }));
  expect(offline).toEqual({ counts: expect.objectContaining({ waiting: 2, active: 0, failed: 0, delayed: 0 }), tags: [TAG], online: false });

  await context.setOffline(false);
  const after = await page.evaluate(async (ids) => {
    const queue = window.sw.queue();
    return Promise.all(
      ids.map(async (id) => {
        const job = (await queue.getJob(id))!;
        const result = await job.finished();
        const fresh = (await queue.getJob(id))!;
        return { result, attemptsMade: fresh.attemptsMade, history: (await job.history()).map((e) => e.type) };
      }),
    );
  }, ids);
  for (const [i, file] of ['c.txt', 'd.txt'].entries()) {
    // Held, not tried: no failed or postponed attempt while the network was down.
    expect(after[i]).toEqual({
      result: { file, body: 'stored on the server\n', inServiceWorker: true },
      attemptsMade: 0,
      history: ['added', 'active', 'completed'],
    });
  }
  // The sync registered while offline fired once the context was back online.
  expect(await page.evaluate(() => window.sw.next('sync'))).toMatchObject({ tag: TAG, lastChance: false });
  expect(await workerErrors(page)).toEqual([]);
});

test('the service worker finishes a job after the page that added it closed', async ({ openTab, context }) => {
  const page = await openClient(openTab);
  const id = await page.evaluate(async () => {
    window.sw.requestSync();
    const job = await window.sw.queue().add('upload', { file: 'e.txt', wait: 1500 });
    await window.sw.next('job', (r) => r.id === job.id);
    return job.id;
  });
  await page.close({ runBeforeUnload: false });
  expect(context.pages()).toEqual([]);

  // No tab is open: ask the service worker itself.
  const [worker] = context.serviceWorkers();
  const result = await worker!.evaluate(async (id) => {
    const { uploads } = self as unknown as { uploads: import('jobtrail').Queue };
    return (await uploads.getJob(id))!.finished();
  }, id);
  expect(result).toEqual({ file: 'e.txt', body: 'stored on the server\n', inServiceWorker: true });

  // A tab opened later finds it completed in the log.
  const later = await openTab();
  const history = await later.evaluate(async (id) => {
    const job = await window.openQueue('sw-uploads').getJob(id);
    return (await job!.history()).map((e) => e.type);
  }, id);
  expect(history).toEqual(['added', 'active', 'completed']);
});

test('a service worker stopped mid-job loses nothing: the job is requeued and completed when it starts again', async ({ openTab, context }) => {
  const page = await openClient(openTab);
  const id = await page.evaluate(async () => {
    const job = await window.sw.queue().add('upload', { file: 'f.txt', holdUntilStalled: true });
    await window.sw.next('job', (r) => r.id === job.id);
    return job.id;
  });
  const firstRun = (await reportsOf(page)).find((r) => r.type === 'started')!.instance;
  await page.close({ runBeforeUnload: false });

  // A tab outside the worker's scope (not a client) to drive CDP and read the log.
  const outside = await openTab();
  await stopServiceWorkers(await context.newCDPSession(outside));
  const whileStopped = await outside.evaluate(async (id) => {
    window.state.uploads = window.openQueue('sw-uploads');
    return (await window.state.uploads.getJob(id)).getState();
  }, id);
  // Nothing was written for the attempt that died with the worker.
  expect(whileStopped).toBe('active');

  // The browser starts the worker again for a sync event; the new instance finds the job stalled.
  const rerun = await outside.evaluate(async ({ id, tag }) => {
    const reports: SwReport[] = [];
    const channel = new BroadcastChannel('sw-test');
    const started = new Promise<void>((resolve) => {
      channel.onmessage = ({ data }: MessageEvent<SwReport>) => {
        reports.push(data);
        if (data.type === 'started') resolve();
      };
    });
    const registration = (await navigator.serviceWorker.getRegistration('/sw/')) as ServiceWorkerRegistration & { sync: { register(tag: string): Promise<void> } };
    await registration.sync.register(tag);
    await started;
    const job = await window.state.uploads.getJob(id);
    const result = await job.finished();
    channel.close();
    return { result, history: (await job.history()).map((e: { type: string }) => e.type), reports };
  }, { id, tag: TAG });

  expect(rerun.result).toEqual({ file: 'f.txt', body: 'stored on the server\n', inServiceWorker: true });
  expect(rerun.history).toEqual(['added', 'active', 'stalled', 'active', 'completed']);
  const secondRun = rerun.reports.find((r) => r.type === 'started')!.instance;
  expect(secondRun).not.toBe(firstRun);
  expect(rerun.reports.filter((r) => r.type === 'job')).toEqual([{ type: 'job', id, instance: secondRun }]);
  expect(rerun.reports.filter((r) => r.type === 'error')).toEqual([]);
});

test('a quota error while adding reaches the caller as ERR_QUOTA_EXCEEDED and writes nothing', async ({ openTab, context, baseURL }) => {
  const page = await openTab();
  const cdp = await context.newCDPSession(page);
  const origin = new URL(baseURL!).origin;
  // Before the first write: Chromium's IndexedDB caches how much room is left for a while.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 100_000 });
  await page.goto('/sw/');
  await page.waitForFunction(() => window.swPageReady === true);

  const outcome = await page.evaluate(async () => {
    const queue = (window.state.quota = window.openQueue('sw-quota'));
    await queue.add('small', { n: 1 });
    const before = await window.sw.checkLog('sw-quota');
    // Random bytes: IndexedDB compresses its values, so repeated text would fit.
    const big = Array.from({ length: 5 }, () => ({ name: 'big', data: { bytes: crypto.getRandomValues(new Uint8Array(60_000)) } }));
    const error = await queue.addBulk(big).then(
      () => null,
      (err: Error & { code?: string; cause?: Error }) => ({ name: err.name, code: err.code, message: err.message, cause: err.cause?.name }),
    );
    return { before, error, after: await window.sw.checkLog('sw-quota') };
  });
  // Room again (the aborted transaction may have grown the files past the tiny quota): the queue
  // goes on, and the next job takes the next id, as the failed add consumed none.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  const then = await page.evaluate(async () => {
    const job = await window.state.quota.add('small', { n: 2 });
    return { id: job.id, log: await window.sw.checkLog('sw-quota') };
  });

  expect(outcome.error).toEqual({
    name: 'JobtrailError',
    code: 'ERR_QUOTA_EXCEEDED',
    message: 'Storage quota exceeded while adding jobs; nothing was written',
    cause: 'QuotaExceededError',
  });
  expect(outcome.before).toEqual({ ids: ['1'], events: 1, lastId: 1, problems: [] });
  expect(outcome.after).toEqual(outcome.before);
  expect(then).toEqual({ id: '2', log: { ids: ['1', '2'], events: 2, lastId: 2, problems: [] } });
});
