// How each example of the README and of the JSDoc comments is run: what it takes for granted
// (`before`), and how the test knows it did what the text says (`after`). Every example must be
// listed here, and nothing else may be (test/unit/docs/examples.test.ts checks both). The example's
// own text is never copied here: examples.ts reads it from README.md and src/.
import type { ExampleSpec } from './examples.js';

/** A queue named `docs` (tracked: closed and checked after the test) and vitest's expect. */
const docsQueue = `
import { expect } from 'vitest';
import { Queue } from 'jobtrail';
const queue = new Queue('docs');
`;

export const registry: Record<string, ExampleSpec> = {
  // ---- README.md ------------------------------------------------------------------------------

  'README.md#an-upload-queue-in-ten-lines': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import { fakeFileInput, serveUploads } from '$docs/node-stubs.js';
const server = serveUploads();
const input = fakeFileInput([new File(['hello'], 'a.txt')]);
`,
    after: `
const completed = new Promise((resolve) => uploads.once('completed', (_job, result) => resolve(result)));
input.onchange?.call(input, new Event('change'));
expect(await completed).toBe('/files/uploaded');
expect(server.received).toEqual(['hello']);
server.restore();
`,
  },

  'README.md#processors-in-web-workers/1': {
    runs: 'browser',
    before: `
import { Queue } from 'jobtrail';
const uploads = new Queue<{ file: File }, string>('uploads');
`,
    after: `
const job = await uploads.add('upload', { file: new File(['hello from the tab'], 'a.txt') });
const result = await job.finished();
if (result !== 'stored: hello from the tab') throw new Error(\`the worker returned \${result}\`);
const { logs } = await uploads.getJobLogs(job.id);
if (logs[0] !== 'uploading a.txt' || (await uploads.getJob(job.id))?.progress !== 100) throw new Error(\`the worker's log and progress did not arrive: \${logs}\`);
await uploads.close();
`,
  },
  // The worker script the example above starts.
  'README.md#processors-in-web-workers/2': { runs: { with: 'README.md#processors-in-web-workers/1' } },

  'README.md#many-tabs-one-queue': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import type { Job } from 'jobtrail';
import { recordingConsole } from '$docs/node-stubs.js';
const console = recordingConsole();
const file = new File(['some bytes'], 'a.txt');
// (Node's structured clone keeps a File's bytes, not its name: the browser keeps both.)
const upload = async (job: Job<{ file: File }, string>) => \`uploaded \${await job.data.file.text()}\`;
`,
    after: `
expect(await job.finished()).toBe('uploaded some bytes');
expect(console.logged).toEqual([[\`job \${job.id} finished somewhere\`, 'uploaded some bytes']]);
`,
  },

  'README.md#repeatable-jobs-and-job-schedulers/1': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
const fetch = async (url: string, init: RequestInit) => new Response(null, { status: init.method === 'POST' && url.startsWith('/drafts/') ? 204 : 404 });
`,
    after: `
expect(schedulers.map((s) => [s.id, s.every ?? s.pattern]).sort()).toEqual([
  ['cleanup', '0 3 * * *'],
  ['report::::0 9 * * 1', '0 9 * * 1'],
  ['sync-drafts', 300_000],
]);
// (A slot may fall due while the test runs: the processor then runs it and the count goes on.)
for (const s of schedulers) expect(s.iterationCount).toBeGreaterThanOrEqual(1);
// Starting again (another tab, a reload) changes nothing.
const before = await drafts.getJobSchedulers();
await drafts.upsertJobScheduler('sync-drafts', { every: 5 * 60_000 }, { name: 'sync', data: { scope: 'all' }, opts: { attempts: 3 } });
expect(await drafts.getJobSchedulers()).toEqual(before);
expect((await drafts.getRepeatableJobs()).find((r) => r.name === 'report')).toMatchObject({ key: 'report::::0 9 * * 1', pattern: '0 9 * * 1', id: null });
// An iteration that falls due runs, and its claim adds the next one.
// (offset: the slot after this one is half an hour away whatever the clock says, so no second one runs here.)
const now = await drafts.upsertJobScheduler('now', { every: 3_600_000, offset: (Date.now() + 1_800_000) % 3_600_000, immediately: true }, { name: 'sync', data: { scope: 'now' } });
expect(await now!.finished()).toBe(204);
expect((await drafts.getJobScheduler('now'))!.iterationCount).toBe(2);
await drafts.close();
`,
  },
  'README.md#repeatable-jobs-and-job-schedulers/2': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import { Queue } from 'jobtrail';
import { syncTag } from 'jobtrail/sw';
import { fakePeriodicSync } from '$docs/node-stubs.js';
const browser = fakePeriodicSync();
const drafts = new Queue('docs');
await drafts.upsertJobScheduler('sync-drafts', { every: 5 * 60_000 });
`,
    after: `
expect(await browser.registered).toEqual([syncTag(drafts), { minInterval: 3_600_000 }]);
browser.restore();
`,
  },
  'README.md#repeatable-jobs-and-job-schedulers/3': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import { Queue } from 'jobtrail';
import { syncTag } from 'jobtrail/sw';
import { serviceWorkerScope } from '$docs/node-stubs.js';
const scope = serviceWorkerScope();
const drafts = new Queue('docs');
await drafts.process('sync', async () => 'synced');
`,
    after: `
// (offset: the next slot is half an hour away whatever the clock says; the service worker stays alive
// for a slot due within its budget, as an hourly one is at hh:58.)
const job = await drafts.upsertJobScheduler('sync-drafts', { every: 3_600_000, offset: (Date.now() + 1_800_000) % 3_600_000, immediately: true }, { name: 'sync' });
const waited: Promise<unknown>[] = [];
scope.fire(Object.assign(new Event('periodicsync'), { tag: syncTag(drafts), waitUntil: (p: Promise<unknown>) => void waited.push(p) }));
await Promise.all(waited);
expect(await job!.getState()).toBe('completed');
scope.restore();
`,
  },
  // The chunked upload, in Node: a multipart server stub, and a 12 MiB file (3 parts of 5 MiB).
  'README.md#flows-jobs-that-wait-for-other-jobs': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import { serveMultipart } from '$docs/node-stubs.js';
const server = serveMultipart();
`,
    after: `
const bytes = new Uint8Array(12 * 1024 * 1024).map((_, i) => i % 251);
const location = await uploadLarge(new File([bytes], 'video.mp4'));
const [[uploadId, assembled]] = [...server.files];
expect(location).toBe(\`/files/\${uploadId}\`);
expect(Buffer.from(assembled!).equals(bytes)).toBe(true); // (toEqual would compare 12 million numbers one by one)
// Three parts, each a child of the file's job, which completed once.
const [file] = await files.getCompleted();
expect(Object.keys(await file!.getChildrenValues())).toHaveLength(3);
expect((await file!.history()).map((e) => e.type)).toEqual(['added', 'childCompleted', 'childCompleted', 'childCompleted', 'active', 'completed']);
await flows.close();
server.restore();
`,
  },

  // The service worker the page below registers as /sw.js (test/e2e/vite.config.ts serves it there).
  'README.md#service-worker-and-background-sync/1': { runs: { with: 'README.md#service-worker-and-background-sync/2' } },
  'README.md#service-worker-and-background-sync/2': {
    runs: 'browser',
    before: `
import { Queue } from 'jobtrail';
const uploads = new Queue<{ file: File }, string>('uploads');
`,
    after: `
await navigator.serviceWorker.ready;
const job = await uploads.add('upload', { file: new File(['from the page'], 'a.txt') });
// The service worker ran it and stored what it returned: the Location header, not the Response.
const result = await job.finished();
if (result !== '/files/uploaded') throw new Error(\`the service worker returned \${result}\`);
await uploads.close();
`,
  },

  // A Vite config: here it compiles against vite's and vite-plugin-pwa's types and loads. The
  // consumer app builds and runs with the very same config (test/consumer/consumer.spec.ts checks
  // that its vite.config.ts is this block, and `npm run test:consumer` builds and runs it).
  'README.md#building-it-with-vite': { runs: 'node' },

  'README.md#the-inspector': {
    runs: 'browser',
    after: `
if (customElements.get('jobtrail-inspector') === undefined) throw new Error('<jobtrail-inspector> is not defined');
`,
  },

  'README.md#api': {
    runs: 'node',
    before: `import { expect } from 'vitest';`,
    after: `
for (const value of [Queue, Job, jobFetch, UnrecoverableError, RetryLaterError]) expect(typeof value).toBe('function');
`,
  },

  // ---- README.md: the bridge to BullMQ (test/bridge/examples.test.ts: a real Redis and BullMQ) ---

  // The server. The test starts Redis and sets REDIS_HOST, REDIS_PORT, PORT and BLOB_DIR; the
  // browser examples below then forward to it, and `stop()` ends it.
  'README.md#beyond-one-browser-bullmq-on-your-server/1': {
    runs: 'bridge',
    before: `
import { once } from 'node:events';
import { stat } from 'node:fs/promises';
async function sessionUser(cookie: string | null) {
  return { id: cookie ?? 'alice' };
}
async function transcode(path: string) {
  return \`/videos/\${(await stat(path)).size}-bytes.mp4\`;
}
`,
    after: `
if (!server.listening) await once(server, 'listening');
export async function stop() {
  await worker.close();
  await bridge.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
`,
  },

  // In Node, against the server above: fake-indexeddb for the Queue, and a fetch that resolves
  // the page's relative URL against the server.
  'README.md#beyond-one-browser-bullmq-on-your-server/2': {
    runs: 'bridge',
    before: `
import 'fake-indexeddb/auto';
import { expect } from 'vitest';
import { fetchRelativeTo } from '$docs/node-stubs.js';
const restoreFetch = fetchRelativeTo(\`http://127.0.0.1:\${process.env.PORT}\`);
`,
    after: `
const uploads = new Queue<{ video: Blob }, { url: string }>('media');
const job = await uploads.add('transcode', { video: new Blob(['eleven byte']) });
expect(await job.finished()).toEqual({ url: '/videos/11-bytes.mp4' });
// The server's progress and log line landed in the browser job.
expect(await uploads.getJob(job.id)).toMatchObject({ progress: 50 });
expect((await uploads.getJobLogs(job.id)).count).toBe(1);
restoreFetch();
`,
  },

  // ---- README.md: React and the watchers -------------------------------------------------------

  'README.md#react': {
    runs: 'browser',
    before: `
import { render } from '$docs/react-stubs.js';
`,
    after: `
const view = render(<Uploads />);
await view.shows('0 uploading · 0 waiting · 0 done');
await uploads.add('upload', { name: 'a.txt', file: new Blob(['a']) });
await view.shows('a.txt: waiting');
let attempts = 0;
await uploads.process('upload', async () => {
  if (++attempts === 1) throw new Error('server down');
  return '/files/a.txt';
});
await view.shows('a.txt: failed');
view.element.querySelector('button')!.click();
await view.shows('a.txt: completed');
await view.shows('0 uploading · 0 waiting · 1 done');
view.unmount();
await uploads.close();
`,
  },

  'README.md#live-views-watchjob-watchjobs-watchjobcounts/1': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import { Queue } from 'jobtrail';
`,
    after: `
for (const value of [watchJob, watchJobs, watchJobCounts]) expect(typeof value).toBe('function');
const watcher: Watcher<unknown> = watchJobCounts(new Queue('docs'));
expect(watcher.getSnapshot()).toBeUndefined();
`,
  },

  'README.md#live-views-watchjob-watchjobs-watchjobcounts/2': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import { Queue } from 'jobtrail';
const uploads = new Queue('docs');
`,
    after: `
const seen: (number | undefined)[] = [];
const unsubscribe = counts.subscribe((value) => seen.push(value?.waiting));
await uploads.add('upload', {});
await expect.poll(() => seen.at(-1)).toBe(1);
expect(seen[0]).toBeUndefined(); // called at once, before the first read
unsubscribe();
`,
  },

  // ---- JSDoc: the watchers and the React hooks --------------------------------------------------

  'src/api/watch.ts#watchJob': {
    runs: 'node',
    before: `${docsQueue}
import { watchJob } from 'jobtrail';
import { recordingConsole } from '$docs/node-stubs.js';
const console = recordingConsole();
const job = await queue.add('x', {});
`,
    after: `
await expect.poll(() => console.logged).toEqual([['waiting']]);
await queue.process(async () => 'done');
await expect.poll(() => console.logged.at(-1)).toEqual(['completed']);
stop();
`,
  },

  'src/api/watch.ts#watchJobs': {
    runs: 'node',
    before: `${docsQueue}
import { watchJobs } from 'jobtrail';
import { recordingConsole } from '$docs/node-stubs.js';
const console = recordingConsole();
await queue.process(async () => {
  throw new Error('server down');
});
`,
    after: `
await queue.add('x', {});
await expect.poll(() => console.logged.at(-1)).toEqual([['server down']]);
`,
  },

  'src/api/watch.ts#watchJobCounts': {
    runs: 'node',
    before: `${docsQueue}
import { watchJobCounts } from 'jobtrail';
import { recordingConsole } from '$docs/node-stubs.js';
const console = recordingConsole();
`,
    after: `
await queue.addBulk([{ data: 1 }, { data: 2 }]);
await expect.poll(() => console.logged.at(-1)).toEqual(['2 waiting']);
`,
  },

  'src/react.ts#useJob': {
    runs: 'browser',
    before: `
import { createElement } from 'react';
import { Queue } from 'jobtrail';
import { useJob } from 'jobtrail/react';
import { render } from '$docs/react-stubs.js';
const uploads = new Queue('uploads');
const job = await uploads.add('upload', {});
`,
    after: `
const view = render(createElement(Progress, { id: job.id }));
await view.shows('waiting: 0%');
await job.updateProgress(30);
await view.shows('waiting: 30%');
await job.remove();
await view.shows('gone');
view.unmount();
await uploads.close();
`,
  },

  'src/react.ts#useJobs': {
    runs: 'browser',
    before: `
import { createElement } from 'react';
import { Queue } from 'jobtrail';
import { useJobs } from 'jobtrail/react';
import { render } from '$docs/react-stubs.js';
const uploads = new Queue('uploads');
`,
    after: `
const view = render(createElement(Failed));
await uploads.process(async () => {
  throw new Error('server down');
});
await uploads.addBulk([{ data: 1 }, { data: 2 }]);
await view.shows('server down, server down');
view.unmount();
await uploads.close();
`,
  },

  'src/react.ts#useJobCounts': {
    runs: 'browser',
    before: `
import { createElement } from 'react';
import { Queue } from 'jobtrail';
import { useJobCounts } from 'jobtrail/react';
import { render } from '$docs/react-stubs.js';
const uploads = new Queue('uploads');
`,
    after: `
const view = render(createElement(Badge));
await view.shows('0 to upload');
await uploads.addBulk([{ data: 1 }, { data: 2 }]);
await view.shows('2 to upload');
view.unmount();
await uploads.close();
`,
  },

  'src/react.ts#useQueueEvent': {
    runs: 'browser',
    before: `
import { createElement } from 'react';
import { Queue } from 'jobtrail';
import { useQueueEvent } from 'jobtrail/react';
import { recordingConsole, render } from '$docs/react-stubs.js';
const console = recordingConsole();
const uploads = new Queue('uploads');
`,
    after: `
const view = render(createElement(Toasts));
await view.committed; // the listener is added by an effect
await uploads.process(async () => {
  throw new Error('server down');
});
const job = await uploads.add('upload', {});
await job.finished().catch(() => {});
if (console.warned.at(-1)?.[0] !== \`upload \${job.id} failed: server down\`) throw new Error(\`the handler warned \${JSON.stringify(console.warned)}\`);
view.unmount();
await uploads.close();
`,
  },

  // ---- JSDoc: the Job ---------------------------------------------------------------------------

  'src/api/job.ts#changeDelay': {
    runs: 'node',
    before: `${docsQueue}
const job = await queue.add('x', {}, { delay: 1000 });
`,
    after: `
expect(job.delay).toBe(60_000);
expect(await job.isDelayed()).toBe(true);
`,
  },

  'src/api/job.ts#changePriority': {
    runs: 'node',
    before: `${docsQueue}
await queue.add('x', 'first', { priority: 5 });
const job = await queue.add('x', 'second', { priority: 9 });
`,
    after: `
expect((await queue.getWaiting()).map((j) => j.data)).toEqual(['second', 'first']);
`,
  },

  'src/api/job.ts#getChildrenValues': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import { FlowProducer, Queue } from 'jobtrail';
const partsQueue = new Queue<unknown, { etag: string }>('parts');
await partsQueue.process(async (child) => ({ etag: \`etag-\${child.id}\` }));
const flows = new FlowProducer();
const { job, children } = await flows.add({ name: 'assemble', queueName: 'docs', children: [{ name: 'part', queueName: 'parts' }] });
const docs = new Queue('docs');
await new Promise((resolve) => docs.once('global:waiting', resolve));
`,
    after: `
const id = children![0]!.job.id;
expect(parts).toEqual({ [\`parts:\${id}\`]: { etag: \`etag-\${id}\` } });
`,
  },

  // ---- JSDoc: flows -----------------------------------------------------------------------------

  'src/api/flow-producer.ts#FlowProducer': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import { FlowProducer, Queue } from 'jobtrail';
const uploads = new Queue('uploads');
const partsQueue = new Queue('parts');
`,
    after: `
expect(await job.getState()).toBe('waiting-children');
expect(children!.map((child) => child.job.data)).toEqual([{ part: 0 }, { part: 1 }, { part: 2 }]);
expect(await partsQueue.count()).toBe(3);
expect(await uploads.getWaitingChildrenCount()).toBe(1);
`,
  },

  // ---- JSDoc: the Queue -------------------------------------------------------------------------

  'src/api/list-queues.ts#listQueues': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import { Queue, listQueues } from 'jobtrail';
import { recordingConsole } from '$docs/node-stubs.js';
const console = recordingConsole();
await new Queue('docs').add({});
`,
    after: `
expect(console.logged).toEqual([['docs', { waiting: 1, delayed: 0, active: 0, completed: 0, failed: 0, 'waiting-children': 0 }]]);
`,
  },

  'src/api/queue.ts#Queue': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import { Queue } from 'jobtrail';
import { serveUploads } from '$docs/node-stubs.js';
const server = serveUploads();
const file = new File(['hello'], 'a.txt');
`,
    after: `
const [job] = await uploads.getJobs(['waiting', 'active', 'completed']);
expect(await job!.finished()).toBe('stored: hello');
server.restore();
`,
  },

  'src/api/queue.ts#upsertJobScheduler': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import { Queue } from 'jobtrail';
const drafts = new Queue('docs');
`,
    after: `
const [scheduler] = await drafts.getJobSchedulers();
expect(scheduler).toMatchObject({ id: 'sync-drafts', name: 'sync', every: 300_000, iterationCount: 1, template: { opts: { attempts: 3 } } });
const [next] = await drafts.getDelayed();
expect(next!.id).toBe(\`repeat:sync-drafts:\${scheduler!.next}\`);
expect(scheduler!.next! % 300_000).toBe(0);
`,
  },

  'src/processing/cron.ts#provideCron': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import { Queue, provideCron } from 'jobtrail';
`,
    after: `
const queue = new Queue('docs');
const job = await queue.upsertJobScheduler('nightly', { pattern: '0 3 * * *', tz: 'UTC' });
expect(new Date(Number(job!.id.split(':').at(-1))).toISOString()).toMatch(/T03:00:00\\.000Z$/);
`,
  },

  'src/api/queue.ts#getJobs': {
    runs: 'node',
    before: `${docsQueue}
await queue.addBulk(Array.from({ length: 12 }, (_, n) => ({ data: n })));
await queue.addBulk([{ data: 'later', opts: { delay: 60_000 } }, { data: 'soon', opts: { delay: 30_000 } }]);
`,
    after: `
expect(next.map((job) => job.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 'soon', 'later']);
`,
  },

  'src/api/queue.ts#getJobCounts': {
    runs: 'node',
    before: `${docsQueue}
await queue.addBulk([{ data: 1 }, { data: 2 }]);
`,
    after: `
expect({ waiting, failed }).toEqual({ waiting: 2, failed: 0 });
`,
  },

  'src/api/queue.ts#getMetrics': {
    runs: 'node',
    before: `${docsQueue}
await queue.process(async () => 'done');
await Promise.all((await queue.addBulk([{ data: 1 }, { data: 2 }])).map((job) => job.finished()));
`,
    after: `
expect(data).toEqual([2]);
`,
  },

  'src/api/queue.ts#getJobLogs': {
    runs: 'node',
    before: `${docsQueue}
const job = await queue.add({});
for (let n = 1; n <= 12; n++) await job.log(\`line \${n}\`);
`,
    after: `
expect(logs).toEqual(Array.from({ length: 10 }, (_, n) => \`line \${n + 1}\`));
expect(count).toBe(12);
`,
  },

  'src/api/queue.ts#pause': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import { Queue } from 'jobtrail';
import { fakePageEvents } from '$docs/node-stubs.js';
const { addEventListener, dispatchEvent } = fakePageEvents();
const uploads = new Queue('docs');
await uploads.process(async () => {});
`,
    after: `
dispatchEvent(new Event('pagehide'));
expect(await uploads.isPaused(true)).toBe(true);
expect(await uploads.isPaused()).toBe(false);
`,
  },

  'src/api/queue.ts#retryJobs': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import { Queue } from 'jobtrail';
import { fakePageEvents } from '$docs/node-stubs.js';
const { addEventListener, dispatchEvent } = fakePageEvents();
const uploads = new Queue('docs');
const worker = new Queue('docs');
await worker.process(async () => {
  throw new Error('offline');
});
const job = await uploads.add({});
await job.finished().catch(() => {});
await worker.close();
`,
    after: `
const retried = new Promise((resolve) => uploads.once('global:waiting', resolve));
dispatchEvent(new Event('online'));
expect(await retried).toBe(job.id);
expect(await job.isWaiting()).toBe(true);
`,
  },

  'src/api/queue.ts#removeJobs': {
    runs: 'node',
    before: `${docsQueue}
await queue.addBulk([{ data: 1, opts: { jobId: 'upload-1' } }, { data: 2, opts: { jobId: 'upload-2' } }, { data: 3, opts: { jobId: 'resize-1' } }]);
`,
    after: `
expect((await queue.getWaiting()).map((job) => job.id)).toEqual(['resize-1']);
`,
  },

  'src/api/queue.ts#getWorkers': {
    runs: 'node',
    before: `${docsQueue}
import { recordingConsole } from '$docs/node-stubs.js';
const console = recordingConsole();
await queue.process(2, async () => {});
`,
    after: `
expect(console.logged).toEqual([['other', 2, null]]);
`,
  },

  // ---- JSDoc: errors ----------------------------------------------------------------------------

  // A processor's throw: the example is the body of a processor.
  'src/core/errors.ts#UnrecoverableError': {
    runs: 'node',
    before: `${docsQueue}
import { UnrecoverableError } from 'jobtrail';
await queue.process(async () => {
`,
    after: `
});
const job = await queue.add({}, { attempts: 3 });
await expect(job.finished()).rejects.toThrow('the file was deleted');
expect((await queue.getJob(job.id))!.attemptsMade).toBe(1);
`,
  },

  'src/core/errors.ts#RetryLaterError': {
    runs: 'node',
    before: `${docsQueue}
import { RetryLaterError } from 'jobtrail';
await queue.process(async () => {
  const navigator = { onLine: false };
`,
    after: `
});
const postponed = new Promise((resolve) => queue.once('delayed', resolve));
const job = await queue.add({});
await postponed;
expect(await job.isDelayed()).toBe(true);
expect((await queue.getJob(job.id))!.attemptsMade).toBe(0);
`,
  },

  // ---- JSDoc: HTTP ------------------------------------------------------------------------------

  'src/processing/http.ts#jobFetch': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import { Queue, jobFetch } from 'jobtrail';
import { serveUploads } from '$docs/node-stubs.js';
const server = serveUploads();
const queue = new Queue<{ file: File }, number>('docs');
`,
    after: `
const job = await queue.add('upload', { file: new File(['x'], 'a.txt') });
expect(await job.finished()).toBe(201);
server.restore();
`,
  },

  // ---- JSDoc: jobtrail/bridge --------------------------------------------------------------------

  'src/bridge/blobs.ts#blobFile': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import { blobFile } from 'jobtrail/bridge';
const job = { data: { file: { $blob: '0b6c3a3e-5a8e-4c8e-9a6f-2f4f5c1d7e90' } } };
`,
    after: `
expect(path).toBe('/var/uploads/0b6c3a3e-5a8e-4c8e-9a6f-2f4f5c1d7e90');
`,
  },

  // Against the README's server (running during the bridge examples).
  'src/bridge/forward-to.ts#forwardTo': {
    runs: 'bridge',
    before: `
import 'fake-indexeddb/auto';
import { expect } from 'vitest';
import { Queue, forwardTo } from 'jobtrail';
import { fetchRelativeTo } from '$docs/node-stubs.js';
const restoreFetch = fetchRelativeTo(\`http://127.0.0.1:\${process.env.PORT}\`);
const queue = new Queue<{ video: Blob }, { url: string }>('media-jsdoc');
`,
    after: `
const job = await queue.add('transcode', { video: new Blob(['four']) });
expect(await job.finished()).toEqual({ url: '/videos/4-bytes.mp4' });
restoreFetch();
`,
  },

  // Its own bridge on the test's Redis; its `http` listens on a free port, not 3000.
  'src/bridge/server.ts#createBridge': {
    runs: 'bridge',
    before: `
import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { createBridge } from 'jobtrail/bridge';
const connection = { host: process.env.REDIS_HOST!, port: Number(process.env.REDIS_PORT) };
const sessionOf = (_request: Request) => ({ clientId: 'alice' });
const servers: Server[] = [];
const http = {
  createServer: (listener: RequestListener) => {
    const server = createServer(listener);
    servers.push(server);
    return { listen: (_port: number) => server.listen(0, '127.0.0.1') };
  },
};
`,
    after: `
const [server] = servers;
if (!server!.listening) await once(server!, 'listening');
const { port } = server!.address() as AddressInfo;
// Serving and authorizing: a job it does not have is a 404, not a 401.
const response = await fetch(\`http://127.0.0.1:\${port}/api/jobtrail/jobs/nope?queue=media\`);
expect(response.status).toBe(404);
await bridge.close();
server!.closeAllConnections();
await new Promise((resolve) => server!.close(resolve));
`,
  },

  // ---- JSDoc: storage ---------------------------------------------------------------------------

  'src/store/job-page.ts#readJobPage': {
    runs: 'node',
    before: `${docsQueue}
import { readJobPage } from '$src/store/job-page.js';
import { openQueueDb } from '$src/store/open-db.js';
const jobs = await queue.addBulk(Array.from({ length: 51 }, (_, n) => ({ data: n })));
await queue.process(4, async () => {
  throw new Error('no');
});
await Promise.all(jobs.map((job) => job.finished().catch(() => {})));
const db = await openQueueDb(queue.dbName, { onLost() {} });
`,
    after: `
expect(page.records).toHaveLength(1);
expect(page.next).toBeNull();
db.close();
`,
  },

  // ---- JSDoc: jobtrail/worker and jobtrail/sw (Chromium) -----------------------------------------

  'src/workers/expose.ts#exposeProcessor': {
    runs: 'browser',
    driver: `
import { Queue } from 'jobtrail';
const uploads = new Queue<{ file: File }, string>('uploads');
await uploads.process({ worker: () => new Worker(new URL('./upload.worker.ts', import.meta.url), { type: 'module' }) });
const job = await uploads.add({ file: new File(['hi'], 'a.txt') });
const result = await job.finished();
if (result !== 'stored: hi') throw new Error(\`the worker returned \${result}\`);
await uploads.close();
`,
  },

  // Registers /sw.js, the README's service worker (test/e2e/vite.config.ts serves it there).
  'src/sw.ts#requestBackgroundSync': {
    runs: 'browser',
    before: `
import { Queue } from 'jobtrail';
import { requestBackgroundSync } from 'jobtrail/sw';
`,
    after: `
await navigator.serviceWorker.ready;
const job = await uploads.add('upload', { file: new File(['x'], 'a.txt') });
if ((await job.finished()) !== '/files/uploaded') throw new Error('the service worker did not run the job');
await uploads.close();
`,
  },

  'src/sw.ts#serveBackgroundSync': {
    runs: 'browser',
    before: `
import { Queue, jobFetch } from 'jobtrail';
import { serveBackgroundSync } from 'jobtrail/sw';
`,
    driver: `
import { Queue } from 'jobtrail';
// Its own scope: this page is not its client, and needs not be for it to process the queue.
await navigator.serviceWorker.register(new URL('./sw.ts', import.meta.url), { type: 'module' });
const uploads = new Queue<{ file: File }, string>('uploads');
const job = await uploads.add('upload', { file: new File(['x'], 'a.txt') });
const result = await job.finished();
if (result !== '/files/uploaded') throw new Error(\`the service worker returned \${result}\`);
await uploads.close();
`,
  },

  'src/sw.ts#requestPeriodicSync': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import { Queue } from 'jobtrail';
import { requestPeriodicSync, syncTag } from 'jobtrail/sw';
import { fakePeriodicSync } from '$docs/node-stubs.js';
const browser = fakePeriodicSync();
`,
    after: `
expect(await browser.registered).toEqual([syncTag(drafts), { minInterval: 3_600_000 }]);
browser.restore();
`,
  },

  'src/sw.ts#servePeriodicSync': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import { Queue } from 'jobtrail';
import { servePeriodicSync, syncTag } from 'jobtrail/sw';
import { serviceWorkerScope } from '$docs/node-stubs.js';
const scope = serviceWorkerScope();
const fetch = async (url: string, init: RequestInit) => new Response(null, { status: url === '/drafts/sync' && init.method === 'POST' ? 204 : 404 });
`,
    after: `
// A slot fell due while no tab was open; the browser wakes the service worker.
// (offset: the next slot is half an hour away whatever the clock says; the service worker stays alive
// for a slot due within its budget, as an hourly one is at hh:58.)
await drafts.upsertJobScheduler('sync-drafts', { every: 3_600_000, offset: (Date.now() + 1_800_000) % 3_600_000, immediately: true }, { name: 'sync' });
const waited: Promise<unknown>[] = [];
scope.fire(Object.assign(new Event('periodicsync'), { tag: syncTag(drafts), waitUntil: (p: Promise<unknown>) => void waited.push(p) }));
await Promise.all(waited);
const [done] = await drafts.getCompleted();
expect(done!.returnvalue).toBe(204);
expect(done!.opts.repeatJobKey).toBe('sync-drafts');
scope.restore();
`,
  },

  // ---- JSDoc: the inspector ---------------------------------------------------------------------

  'src/inspector/index.ts#defineInspector': {
    runs: 'browser',
    after: `
if (customElements.get('jobtrail-inspector') === undefined) throw new Error('<jobtrail-inspector> is not defined');
`,
  },

  'src/inspector/inspector-element.ts#JobtrailInspector': {
    runs: 'browser',
    before: `import { defineInspector } from 'jobtrail/inspector';`,
    after: `
const element = document.querySelector('jobtrail-inspector');
if (element?.getAttribute('queue') !== 'uploads' || element.shadowRoot === null) throw new Error('the inspector is not on the page');
`,
  },

  'src/inspector/format.ts#formatValue': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import { formatValue } from '$src/inspector/format.js';
`,
    after: `
expect(formatValue({ file: new Blob(['hi']) })).toBe('{\\n  "file": Blob(2 bytes)\\n}');
`,
  },

  'src/inspector/machine-graph.ts#machineGraph': {
    runs: 'node',
    before: `
import { expect } from 'vitest';
import { machineGraph } from '$src/inspector/machine-graph.js';
`,
    after: `
expect(machineGraph().edges.find((e) => e.from === 'delayed')).toEqual({ from: 'delayed', to: 'waiting', events: ['promoted'] });
`,
  },

  'src/inspector/time-travel.ts#travelSteps': {
    runs: 'node',
    before: `${docsQueue}
import { travelSteps } from '$src/inspector/time-travel.js';
const job = await queue.add({});
`,
    after: `
expect(steps.map((step) => step.state)).toEqual(['waiting']);
`,
  },
};
