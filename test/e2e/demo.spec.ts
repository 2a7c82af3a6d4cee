// The demo app (demo/, what `npm start` serves), driven as a visitor would: pick files, watch them
// upload, go offline, make the server fail, close the tab. Its server is started by
// playwright.config.ts on JOBTRAIL_DEMO_PORT. The server's state (received uploads, failures to
// come, speed) is shared by the tests: each uses files of its own and sets what it needs first.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type BrowserContext, type Locator, type Page } from '@playwright/test';
import type { StoredJobEvent } from 'jobtrail';
import type { ServerState } from '../../demo/server/upload-server';

/** The demo under test: `npm start`'s dev server, or the production build (`npm run build:demo`,
 * served by `npm run preview:demo`) in the `demo-build` project of playwright.config.ts. */
const demoURL = () => (test.info().project.metadata as { demoURL?: string }).demoURL ?? `http://127.0.0.1:${process.env.JOBTRAIL_DEMO_PORT}`;
// Written when missing, or again with JOBTRAIL_DOCS_SCREENSHOT=1 (so test runs leave the tree alone).
const docsScreenshot = new URL('../../docs/demo.png', import.meta.url);

interface DemoFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
  sha256: string;
}

/** A file of random bytes with a name no other test uses. */
function demoFile(size: number): DemoFile {
  const buffer = randomBytes(size);
  return {
    name: `e2e-${randomBytes(4).toString('hex')}.bin`,
    mimeType: 'application/octet-stream',
    buffer,
    sha256: createHash('sha256').update(buffer).digest('hex'),
  };
}

const test = base.extend<{
  /** Console errors and uncaught errors of every page, Web Worker and service worker of the context. */
  problems: string[];
  /** Open the demo in a new tab of the test's context, once it is ready. */
  openDemo: () => Promise<Page>;
}>({
  problems: async ({ context }, use) => {
    const problems: string[] = [];
    const watch = (where: string) => (message: { type(): string; text(): string }) => {
      if (message.type() === 'error') problems.push(`${where}: ${message.text()}`);
    };
    context.on('console', watch('page'));
    context.on('weberror', (error) => problems.push(`uncaught: ${error.error().message}`));
    const watchWorker = (worker: { url(): string; on(event: 'console', listener: (m: { type(): string; text(): string }) => void): unknown }) =>
      worker.on('console', watch(worker.url()));
    context.on('serviceworker', watchWorker);
    context.on('page', (page) => page.on('worker', watchWorker));
    await use(problems);
  },
  openDemo: async ({ context }, use) => {
    await use(async () => {
      const page = await context.newPage();
      await page.goto(demoURL());
      await expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
      return page;
    });
  },
});

/** Change the demo server's simulation, as the page's controls do. */
async function configureServer(change: { failNext?: number; bytesPerSecond?: number }): Promise<ServerState> {
  const response = await fetch(`${demoURL()}/api/server`, { method: 'POST', body: JSON.stringify(change) });
  expect(response.status).toBe(200);
  return (await response.json()) as ServerState;
}

async function serverState(): Promise<ServerState> {
  return (await (await fetch(`${demoURL()}/api/server`)).json()) as ServerState;
}

/** What the server received of these files: the SHA-256 of each complete one, null otherwise. */
async function received(files: readonly DemoFile[]): Promise<(string | null)[]> {
  const { uploads } = await serverState();
  return files.map((file) => uploads.find((u) => u.name === file.name)?.sha256 ?? null);
}

function row(page: Page, file: DemoFile): Locator {
  return page.locator('#upload-list > li').filter({ has: page.getByText(file.name, { exact: true }) });
}

async function pickFiles(page: Page, files: readonly DemoFile[]): Promise<void> {
  await page.locator('#file-input').setInputFiles(files.map(({ name, mimeType, buffer }) => ({ name, mimeType, buffer })));
  for (const file of files) await expect(row(page, file)).toBeVisible();
}

/** The events of the job uploading this file, read through the page's queue (`window.uploads`). */
async function history(page: Page, file: DemoFile): Promise<StoredJobEvent[]> {
  return page.evaluate(async (name) => {
    const jobs = await window.uploads.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
    const job = jobs.find((j) => j.data.name === name);
    if (!job) throw new Error(`No job uploads ${name}`);
    // Blobs cannot leave the page: keep the events' shapes, not the file.
    return (await job.history()).map((e) => (e.type === 'added' ? { ...e, payload: { ...e.payload, data: null } } : e));
  }, file.name);
}

const types = (events: readonly StoredJobEvent[]) => events.map((e) => e.type);

async function saveScreenshot(page: Page, name: string): Promise<void> {
  const screenshot = await page.screenshot({ fullPage: true });
  await test.info().attach(name, { body: screenshot, contentType: 'image/png' });
}

test.use({ viewport: { width: 1280, height: 900 } });

test.beforeEach(async () => {
  await configureServer({ failNext: 0, bytesPerSecond: 4 * 1024 * 1024 });
});

test('the demo loads with no console errors, its service worker active and the inspector on the page', async ({ openDemo, problems }) => {
  const page = await openDemo();
  await expect(page.locator('#connection')).toHaveText('Online');
  await expect(page.locator('#service-worker')).toContainText('active');
  // vite-plugin-pwa's: the built /sw.js, or sw.ts served as a module by the dev server.
  const swScript = await page.evaluate(async () => (await navigator.serviceWorker.ready).active!.scriptURL);
  expect(new URL(swScript).pathname).toBe(test.info().project.metadata.demoURL ? '/sw.js' : '/dev-sw.js');
  await expect(page.locator('#storage')).toContainText(/persistent|best effort/);
  await expect(page.locator('#server-state')).toContainText('The server has received');
  await expect(page.locator('jobtrail-inspector[queue="uploads"]')).toBeVisible();
  expect(await page.evaluate(() => customElements.get('jobtrail-inspector') !== undefined)).toBe(true);
  await saveScreenshot(page, 'demo-loaded.png');
  expect(problems).toEqual([]);
});

test('the draft is synced by one job scheduler, however many tabs start it', async ({ openDemo, problems }) => {
  const [first, second] = [await openDemo(), await openDemo()];
  for (const page of [first, second]) await expect(page.locator('#draft-status')).toContainText(/Next sync at .+ \(sync #\d+\)\./);
  const schedulers = await second.evaluate(() => new Promise<unknown[]>((resolve, reject) => {
    const open = indexedDB.open('jobtrail:drafts');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const read = open.result.transaction('schedulers').objectStore('schedulers').getAll();
      read.onsuccess = () => {
        open.result.close();
        resolve(read.result.map((s: { id: string; repeat: unknown }) => [s.id, s.repeat]));
      };
    };
  }));
  expect(schedulers).toEqual([['sync-drafts', { every: 30_000 }]]);
  expect(problems).toEqual([]);
});

test('picked files upload with progress up to 100%, and the server receives their bytes', async ({ openDemo, problems }) => {
  // Slow enough that every file takes a few chunk round trips the page can see, and the largest
  // is still uploading when the screenshot is taken.
  await configureServer({ bytesPerSecond: 256 * 1024 });
  const page = await openDemo();
  // Record every value each progress bar shows.
  await page.evaluate(() => {
    const seen: Record<string, number[]> = {};
    (window as any).progressSeen = seen;
    new MutationObserver((records) => {
      for (const r of records) {
        const bar = r.target as HTMLProgressElement;
        const id = bar.closest('li')!.dataset.jobId!;
        (seen[id] ??= []).push(bar.value);
      }
    }).observe(document.getElementById('upload-list')!, { attributes: true, attributeFilter: ['value'], subtree: true });
  });
  const files = [demoFile(700 * 1024), demoFile(1200 * 1024), demoFile(90 * 1024)];
  await pickFiles(page, files);

  // The inspector on the page follows the same queue: its timeline of the largest upload grows
  // with the progress events.
  await expect(row(page, files[1]!).locator('.badge')).toHaveText('uploading');
  const largest = await row(page, files[1]!).getAttribute('data-job-id');
  const inspector = page.locator('jobtrail-inspector');
  await inspector.locator(`.job-table tbody tr[data-id="${largest}"]`).click();
  await expect(inspector.locator('section.detail .timeline tbody td.type', { hasText: 'progress' }).first()).toBeVisible();
  await saveScreenshot(page, 'demo-uploading.png');
  if (!existsSync(docsScreenshot) || process.env.JOBTRAIL_DOCS_SCREENSHOT === '1') {
    await mkdir(new URL('.', docsScreenshot), { recursive: true });
    await page.screenshot({ path: fileURLToPath(docsScreenshot), fullPage: true });
  }

  for (const file of files) {
    await expect(row(page, file).locator('.badge')).toHaveText('done');
    await expect(row(page, file).locator('progress')).toHaveJSProperty('value', 100);
    await expect(row(page, file).locator('.percent')).toHaveText('100%');
  }
  expect(await received(files)).toEqual(files.map((f) => f.sha256));

  // The bars moved through values in between, driven by updateProgress from the uploader.
  const seen = await page.evaluate((id) => (window as any).progressSeen[id!] as number[], largest);
  expect(seen.some((v) => v > 0 && v < 100), `progress values seen: ${seen}`).toBe(true);
  const progress = (await history(page, files[1]!)).flatMap((e) => (e.type === 'progress' ? [e.payload.progress] : []));
  expect(progress.at(-1)).toBe(100);
  expect(progress).toEqual([...progress].sort((a, b) => Number(a) - Number(b)));

  await saveScreenshot(page, 'demo-uploaded.png');
  expect(problems).toEqual([]);
});

test('the React page (jobtrail/react, linked from the main page) lists every tab\'s uploads live, and uploads too', async ({ context, openDemo, problems }) => {
  const main = await openDemo();
  await expect(main.getByRole('link', { name: 'the React page' })).toHaveAttribute('href', './react.html');
  const reactPage = await context.newPage();
  await reactPage.goto(`${demoURL()}/react.html`);
  await expect(reactPage.locator('html')).toHaveAttribute('data-ready', 'true');
  await expect(reactPage.locator('#counts')).toHaveText('0 uploading · 0 in parts · 0 waiting · 0 retrying · 0 done · 0 failed');

  const fromMain = demoFile(300 * 1024);
  const fromReact = demoFile(500 * 1024);
  await pickFiles(main, [fromMain]);
  await pickFiles(reactPage, [fromReact]);
  for (const page of [main, reactPage]) {
    for (const file of [fromMain, fromReact]) {
      await expect(row(page, file).locator('.badge')).toHaveText('done');
      await expect(row(page, file).locator('.percent')).toHaveText('100%');
    }
  }
  await expect(reactPage.locator('#counts')).toHaveText('0 uploading · 0 in parts · 0 waiting · 0 retrying · 2 done · 0 failed');
  await expect(row(reactPage, fromMain).locator('.upload-detail')).toContainText(/^Uploaded by .+ · SHA-256 /);
  expect(await received([fromMain, fromReact])).toEqual([fromMain.sha256, fromReact.sha256]);

  // Removing a file in the main page takes its row off the React page.
  await row(main, fromMain).getByRole('button', { name: `Remove ${fromMain.name}` }).click();
  await expect(row(reactPage, fromMain)).toHaveCount(0);
  await expect(reactPage.locator('#counts')).toContainText('1 done');
  expect(problems).toEqual([]);
});

test('offline, uploads wait without using attempts; back online, they finish', async ({ context, openDemo, problems }) => {
  const page = await openDemo();
  await context.setOffline(true);
  await expect(page.locator('#connection')).toHaveText(/^Offline/);
  const files = [demoFile(300 * 1024), demoFile(600 * 1024)];
  await pickFiles(page, files);
  for (const file of files) {
    await expect(row(page, file).locator('.badge')).toHaveText('waiting');
    await expect(row(page, file).locator('.upload-detail')).toContainText('Waiting for the network');
  }
  // Give the tab's processor and the service worker time in which they could have claimed the
  // jobs: nothing may happen to them while offline.
  await page.waitForTimeout(1500);
  for (const file of files) {
    expect(types(await history(page, file))).toEqual(['added']);
    await expect(row(page, file).locator('.badge')).toHaveText('waiting');
  }
  expect(await received(files)).toEqual([null, null]);
  await saveScreenshot(page, 'demo-offline.png');

  await context.setOffline(false);
  await expect(page.locator('#connection')).toHaveText('Online');
  for (const file of files) await expect(row(page, file).locator('.badge')).toHaveText('done');
  expect(await received(files)).toEqual(files.map((f) => f.sha256));
  for (const file of files) {
    const events = await history(page, file);
    expect(types(events)).not.toContain('failed');
    expect(events.filter((e) => e.type === 'active')).toHaveLength(1);
  }
  expect(problems).toEqual([]);
});

test('an upload cut off by going offline is given back without using an attempt, then resumes where the server stopped', async ({ context, openDemo, problems }) => {
  await configureServer({ bytesPerSecond: 512 * 1024 });
  const page = await openDemo();
  const file = demoFile(2 * 1024 * 1024);
  await pickFiles(page, [file]);
  const serverHas = async () => (await serverState()).uploads.find((u) => u.name === file.name)?.received ?? 0;
  await expect.poll(serverHas).toBeGreaterThan(0);

  await context.setOffline(true);
  await expect.poll(async () => types(await history(page, file))).toContain('postponed');
  await expect(row(page, file).locator('.upload-detail')).toContainText('Waiting for the network');
  const kept = await serverHas();
  expect(kept).toBeLessThan(file.buffer.length);

  await context.setOffline(false);
  await expect(row(page, file).locator('.badge')).toHaveText('done');
  expect(await received([file])).toEqual([file.sha256]);
  const events = await history(page, file);
  expect(types(events)).not.toContain('failed');
  const lines = events.flatMap((e) => (e.type === 'log' ? [e.payload.line] : []));
  expect(lines.at(-1)).toMatch(/attempt 1 of 5, resuming at byte \d+/);
  expect(Number(/resuming at byte (\d+)/.exec(lines.at(-1)!)![1])).toBeGreaterThanOrEqual(kept);
  expect(problems).toEqual([]);
});

test('the "Simulate offline" switch holds uploads in every tab and the service worker until it is turned off', async ({ openDemo, problems }) => {
  const page = await openDemo();
  const other = await openDemo();
  await page.getByRole('switch', { name: 'Simulate offline' }).check();
  await expect(page.locator('#connection')).toHaveText(/^Offline \(simulated\)/);
  // The other tab follows the switch.
  await expect(other.getByRole('switch', { name: 'Simulate offline' })).toBeChecked();
  await expect(other.locator('#connection')).toHaveText(/^Offline \(simulated\)/);

  const files = [demoFile(200 * 1024), demoFile(400 * 1024)];
  await pickFiles(other, files);
  for (const file of files) await expect(row(page, file).locator('.upload-detail')).toContainText('Waiting for the network');
  await page.waitForTimeout(1500);
  for (const file of files) expect(types(await history(page, file))).toEqual(['added']);
  expect(await received(files)).toEqual([null, null]);

  await other.getByRole('switch', { name: 'Simulate offline' }).uncheck();
  await expect(page.locator('#connection')).toHaveText('Online');
  for (const file of files) await expect(row(page, file).locator('.badge')).toHaveText('done');
  expect(await received(files)).toEqual(files.map((f) => f.sha256));
  for (const file of files) expect(types(await history(page, file))).not.toContain('failed');
  expect(problems).toEqual([]);
});

test('a server failure (503) is retried with exponential backoff, then the upload succeeds', async ({ openDemo, problems }) => {
  const page = await openDemo();
  await page.locator('#fail-count').fill('2');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('#server-state')).toContainText('the next 2 upload requests with 503');

  const file = demoFile(100 * 1024);
  await pickFiles(page, [file]);
  await expect(row(page, file).locator('.badge')).toHaveText('retrying');
  await expect(row(page, file).locator('.upload-detail')).toContainText('HTTP 503');
  await saveScreenshot(page, 'demo-retrying.png');
  await expect(row(page, file).locator('.badge')).toHaveText('done', { timeout: 15_000 });
  await expect(row(page, file).locator('.upload-detail')).toContainText('after 2 failed attempts');
  expect(await received([file])).toEqual([file.sha256]);

  const events = await history(page, file);
  const failures = events.flatMap((e) => (e.type === 'failed' ? [e.payload] : []));
  expect(failures.map((f) => f.failedReason)).toEqual([expect.stringContaining('HTTP 503'), expect.stringContaining('HTTP 503')]);
  // Exponential backoff with a 1 s base: 1 s, then 2 s.
  expect(failures.map((f) => f.retryDelay)).toEqual([1000, 2000]);
  expect(types(events).at(-1)).toBe('completed');
  // The browser reports each 503 answer in the uploader's console; nothing else may be there.
  expect(problems.filter((p) => !/status of 503/.test(p))).toEqual([]);
});

test('uploads finish in the service worker after the tab that added them is closed', async ({ context, openDemo, problems }) => {
  // Slow enough that the tab is closed with uploads in flight.
  await configureServer({ bytesPerSecond: 512 * 1024 });
  const page = await openDemo();
  const files = [demoFile(700 * 1024), demoFile(800 * 1024), demoFile(900 * 1024)];
  await pickFiles(page, files);
  await expect(page.locator('#upload-list .badge', { hasText: 'uploading' }).first()).toBeVisible();
  expect(context.serviceWorkers()).toHaveLength(1);
  expect(await received(files), 'uploads still to finish when the tab closes').toContain(null);

  await page.close();
  expect(context.pages()).toEqual([]);
  await expect.poll(() => received(files), { timeout: 20_000 }).toEqual(files.map((f) => f.sha256));

  // A new tab shows them done, at least one of them by the service worker.
  const later = await openDemo();
  for (const file of files) await expect(row(later, file).locator('.badge')).toHaveText('done');
  await expect(later.locator('#upload-list .upload-detail', { hasText: 'Uploaded by the service worker' }).first()).toBeVisible();
  expect(problems).toEqual([]);
});

test('a 20 MB file goes up as 8 parts over three tabs; one tab closes mid-flow; each part is uploaded once or resumed, and the file is completed once with the right SHA-256', async ({ openDemo, problems }) => {
  test.setTimeout(90_000);
  // Slow enough that the parts are still going up when a tab closes.
  await configureServer({ bytesPerSecond: 1024 * 1024 });
  const [first, second, third] = [await openDemo(), await openDemo(), await openDemo()];
  const file = demoFile(20 * 1024 * 1024);
  await pickFiles(first, [file]);
  // One row for the file, its bar combining its parts'.
  await expect(row(first, file).locator('.upload-meta')).toContainText('8 parts');
  await expect(row(first, file).locator('.badge')).toHaveText('uploading parts');

  // Close the second tab while it uploads a part.
  const owner = await second.evaluate(() => window.uploads.instanceId);
  await expect.poll(async () => second.evaluate(async (owner) => {
    const active = await window.uploads.getJobs('active');
    const records = await Promise.all(active.map((job) => window.uploads.getJobRecord(job.id)));
    return records.some((r) => r?.job.name === 'part' && r.job.claim?.owner === owner);
  }, owner)).toBe(true);
  const seenByFirst = first.locator('#upload-list .badge');
  await second.close({ runBeforeUnload: false });

  await expect(row(first, file).locator('.badge')).toHaveText('done', { timeout: 60_000 });
  await expect(row(third, file).locator('.badge')).toHaveText('done');
  await expect(row(first, file).locator('.upload-detail')).toContainText('Uploaded in 8 parts');
  await expect(seenByFirst).toHaveCount(1);

  // The server: every part whole, one "complete" call, the file's checksum.
  const { multipart } = await serverState();
  const upload = multipart.find((m) => m.name === file.name)!;
  expect(upload.parts).toEqual([...Array(8).fill(2.5 * 1024 * 1024)]);
  expect(upload.completions).toBe(1);
  expect(upload.sha256).toBe(file.sha256);

  // The log: each part completed once; the one the closed tab held went on elsewhere.
  const histories = await first.evaluate(async (name) => {
    const jobs = await window.uploads.getJobs(['completed']);
    const ofFile = jobs.filter((job) => job.data.name === name);
    return Promise.all(ofFile.map(async (job) => ({ name: job.name, types: (await job.history()).map((e) => e.type) })));
  }, file.name);
  const parts = histories.filter((h) => h.name === 'part');
  expect(parts).toHaveLength(8);
  for (const part of parts) {
    expect(part.types.filter((t) => t === 'completed')).toHaveLength(1);
    expect(part.types).not.toContain('failed');
  }
  expect(parts.some((part) => part.types.includes('released') || part.types.includes('stalled'))).toBe(true);
  const [complete] = histories.filter((h) => h.name === 'complete');
  expect(complete!.types.filter((t) => t === 'childCompleted')).toHaveLength(8);
  // The file was completed once: one claim, after every part, and its completion.
  expect(complete!.types.filter((t) => t === 'active')).toHaveLength(1);
  expect(complete!.types.indexOf('active')).toBeGreaterThan(complete!.types.lastIndexOf('childCompleted'));
  expect(complete!.types.at(-1)).toBe('completed');
  expect(problems).toEqual([]);
});
