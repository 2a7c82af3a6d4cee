// The browser end of the bridge in Chromium: pages forward jobs with forwardTo to a bridge that is
// same-origin (the test server proxies /api/jobtrail to it, as an app's server would mount it) and
// reads the page's session cookie. Behind that address, a load balancer spreads connections over
// two bridges (one in this process, one a process of its own), and two BullMQ workers run the jobs
// on a real Redis. A reload mid-job makes no second server job; going offline mid-forward gives the
// job back without using an attempt.
import { createServer, type Server } from 'node:http';
import { Queue, type Worker } from 'bullmq';
import type { Page } from '@playwright/test';
import { createBridge, serverJobId, type Bridge } from '../../src/bridge';
import { startBalancer, type Balancer } from '../bridge/support/balancer';
import { startBridgeProcess, type BridgeProcess } from '../bridge/support/processes';
import { startRedis, type TestRedis } from '../bridge/support/redis';
import { echoWorker, Gates } from '../bridge/support/server-side';
import { expect, test } from './fixtures';

let redis: TestRedis;
let bridge: Bridge;
let server: Server;
let other: BridgeProcess;
let balancer: Balancer;
let workers: Worker[] = [];
let work: Queue;
const gates = new Gates();
const runs = new Map<string, number>();
const bridgeErrors: unknown[] = [];

test.beforeAll(async () => {
  redis = await startRedis();
  bridge = createBridge({
    connection: redis.connection,
    routes: { echo: 'work' },
    // The app's session, from the cookie the page sends with every same-origin request.
    authorize: (request) => {
      const session = /(?:^|;\s*)session=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
      return session ? { clientId: session } : null;
    },
    pollMs: 200,
    onError: (err) => bridgeErrors.push(err),
  });
  server = createServer((req, res) => void bridge.handleNode(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  other = await startBridgeProcess({ redisPort: redis.connection.port, routes: { echo: 'work' }, pollMs: 200 });
  balancer = await startBalancer([(server.address() as { port: number }).port, other.port], Number(process.env.JOBTRAIL_BRIDGE_PORT));
  workers = [echoWorker('work', redis.connection, gates, runs), echoWorker('work', redis.connection, gates, runs)];
  work = new Queue('work', { connection: redis.connection });
});

test.afterAll(async () => {
  gates.openAll();
  await Promise.all(workers.map((worker) => worker.close()));
  await work?.close();
  await balancer?.close();
  await other?.kill();
  await bridge?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await redis?.stop();
  expect(bridgeErrors).toEqual([]);
});

test.beforeEach(async ({ context, baseURL }) => {
  await context.addCookies([{ name: 'session', value: 'alice', url: baseURL! }]);
});

/** The bridge test page in a new tab: the harness plus window.forwardTo. */
async function openBridgePage(openTab: () => Promise<Page>): Promise<Page> {
  const page = await openTab();
  await page.goto('/bridge/');
  await page.waitForFunction(() => window.harnessReady === true && typeof window.forwardTo === 'function');
  return page;
}

/** In the page: open `queue` and forward its `echo` jobs to the bridge. */
function processWithForward(page: Page, queue: string, concurrency: number) {
  return page.evaluate(
    async ([name, concurrency]) => {
      const queue = window.openQueue(name, { settings: { holdWhileOffline: true } });
      window.state.queue = queue;
      await queue.process('echo', concurrency, window.forwardTo('/api/jobtrail', { retryAfter: 300 }));
    },
    [queue, concurrency] as const,
  );
}

const serverJobs = async () => Object.values(await work.getJobCounts()).reduce((a, b) => a + b, 0);

test('a page forwards 200 jobs through two bridges: each runs once on the server and completes here with its return value, progress and log lines', async ({ openTab }) => {
  test.setTimeout(120_000);
  const page = await openBridgePage(openTab);
  // Over HTTP/1.1 Chromium opens 6 connections per origin, and each forward holds one: stay below.
  await processWithForward(page, 'forward', 4);
  const jobs = await page.evaluate(async () => {
    const queue = window.state.queue;
    const added = await queue.addBulk(Array.from({ length: 200 }, (_, n) => ({ name: 'echo', data: { n } })));
    await Promise.all(added.map((job: any) => job.finished()));
    return Promise.all(
      added.map(async (added: any) => {
        const job = await queue.getJob(added.id);
        const history = await job.history();
        return {
          id: job.id,
          returnvalue: job.returnvalue,
          progress: job.progress,
          attemptsMade: job.attemptsMade,
          logs: (await queue.getJobLogs(job.id)).logs,
          progressEvents: history.filter((e: any) => e.type === 'progress').map((e: any) => e.payload.progress),
        };
      }),
    );
  });
  for (const [n, job] of jobs.entries()) {
    expect(job).toEqual({
      id: String(n + 1),
      returnvalue: { n, doubled: n * 2 },
      progress: 100,
      attemptsMade: 0,
      logs: [`started ${n}`, `finished ${n}`],
      progressEvents: expect.arrayContaining([100]),
    });
    expect(runs.get(serverJobId('alice', 'forward', job.id)), `server runs of job ${job.id}`).toBe(1);
  }
  expect(jobs).toHaveLength(200);
  // Both bridges served the page.
  for (const backend of balancer.backends) expect(balancer.served(backend), `connections to bridge :${backend}`).toBeGreaterThan(0);
});

test('reloading the tab mid-job makes no second server job: the job resumes following the same one', async ({ openTab }) => {
  let page = await openBridgePage(openTab);
  await processWithForward(page, 'reload', 1);
  // Added, forwarded, running on the server (held at a gate), its first line and progress mirrored.
  await page.evaluate(async () => {
    const queue = window.state.queue;
    const mirrored = new Promise<void>((resolve) => queue.on('global:progress', (_id: string, progress: unknown) => progress === 10 && resolve()));
    await queue.add('echo', { n: 7, gate: 'reload' });
    await mirrored;
  });
  await gates.waiting('reload', 1);
  const before = await serverJobs();

  await page.reload();
  await page.waitForFunction(() => window.harnessReady === true && typeof window.forwardTo === 'function');
  await processWithForward(page, 'reload', 1);
  gates.open('reload');
  const job = await page.evaluate(async () => {
    const queue = window.state.queue;
    const job = await queue.getJob('1');
    const returnvalue = await job.finished();
    return { returnvalue, logs: (await queue.getJobLogs('1')).logs, types: (await job.history()).map((e: any) => e.type) };
  });
  expect(job.returnvalue).toEqual({ n: 7, doubled: 14 });
  // Each server line once, though the stream was followed from two page loads.
  expect(job.logs).toEqual(['started 7', 'finished 7']);
  // The reload gave the job back (released, no attempt used), and the next load took it again.
  expect(job.types).toContain('released');
  expect(runs.get(serverJobId('alice', 'reload', '1'))).toBe(1);
  expect(await serverJobs()).toBe(before);
});

test('offline during a forward: the job is given back without using an attempt, and completes once back online', async ({ openTab, context }) => {
  const page = await openBridgePage(openTab);
  await processWithForward(page, 'offline', 1);
  await page.evaluate(async () => {
    const queue = window.state.queue;
    const mirrored = new Promise<void>((resolve) => queue.on('global:progress', (_id: string, progress: unknown) => progress === 10 && resolve()));
    window.state.postponed = new Promise<void>((resolve) => queue.on('global:delayed', () => resolve()));
    await queue.add('echo', { n: 9, gate: 'offline' });
    await mirrored;
  });
  // The network goes away under the open event stream.
  await context.setOffline(true);
  balancer.dropClients();
  await page.evaluate(() => window.state.postponed);
  const held = await page.evaluate(async () => {
    const job = await window.state.queue.getJob('1');
    return { state: await job.getState(), attemptsMade: job.attemptsMade };
  });
  expect(held).toEqual({ state: 'delayed', attemptsMade: 0 });

  await context.setOffline(false);
  gates.open('offline');
  const job = await page.evaluate(async () => {
    const queue = window.state.queue;
    const job = await queue.getJob('1');
    const returnvalue = await job.finished();
    const done = await queue.getJob('1');
    return { returnvalue, attemptsMade: done.attemptsMade, logs: (await queue.getJobLogs('1')).logs, types: (await job.history()).map((e: any) => e.type) };
  });
  expect(job.returnvalue).toEqual({ n: 9, doubled: 18 });
  expect(job.attemptsMade).toBe(0);
  expect(job.logs).toEqual(['started 9', 'finished 9']);
  expect(job.types).toContain('postponed');
  expect(runs.get(serverJobId('alice', 'offline', '1'))).toBe(1);
});
