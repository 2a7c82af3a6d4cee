// The bridge as deployed: two bridge processes behind a load balancer, two BullMQ workers, one
// Redis (persistent: append-only, fsync always). 200 browser jobs go through; a bridge process is
// killed while its clients follow their jobs; Redis itself is killed and restarted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, type Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverJobId } from '../../src/bridge.js';
import { forwardTo } from '../../src/bridge/forward-to.js';
import { startBalancer, type Balancer } from './support/balancer.js';
import { memoryJob, runToEnd, type MemoryJob } from './support/browser-job.js';
import { startBridgeProcess, type BridgeProcess } from './support/processes.js';
import { startRedis, type TestRedis } from './support/redis.js';
import { echoWorker, Gates } from './support/server-side.js';

let redis: TestRedis;
let bridges: BridgeProcess[];
let balancer: Balancer;
let workers: Worker[];
let work: Queue;
let blobDir: string;
const gates = new Gates();
const runs = new Map<string, number>();
const settings = () => ({ redisPort: redis.port, routes: { echo: 'work' }, blobDir, pollMs: 200 });

beforeAll(async () => {
  redis = await startRedis({ persistent: true });
  blobDir = mkdtempSync(join(tmpdir(), 'jobtrail-blobs-'));
  bridges = await Promise.all([startBridgeProcess(settings()), startBridgeProcess(settings())]);
  balancer = await startBalancer(bridges.map((b) => b.port));
  workers = [echoWorker('work', redis.connection, gates, runs, 100), echoWorker('work', redis.connection, gates, runs, 100)];
  work = new Queue('work', { connection: redis.connection });
});

afterAll(async () => {
  gates.openAll();
  await Promise.all((workers ?? []).map((w) => w.close()));
  await work?.close();
  await balancer?.close();
  await Promise.all((bridges ?? []).map((b) => b.kill()));
  await redis?.stop();
  rmSync(blobDir, { recursive: true, force: true });
});

/** `count` browser jobs of one client and queue, forwarded through the balancer, each until it settles. */
function forwardMany(client: string, queue: string, count: number, data: (n: number) => object) {
  const forward = forwardTo(`http://127.0.0.1:${balancer.port}/api/jobtrail`, { headers: { 'x-client': client }, retryAfter: 100 });
  const jobs = Array.from({ length: count }, (_, n) => memoryJob(queue, String(n + 1), 'echo', { n, ...data(n) }));
  return { jobs, results: Promise.all(jobs.map((job) => runToEnd(forward, job))) };
}

/** Every job ran once on the server and reached the client complete: result, progress, each log line once. */
function expectDone(client: string, queue: string, jobs: MemoryJob[], results: unknown[]) {
  expect(results).toEqual(jobs.map((_, n) => ({ n, doubled: n * 2 })));
  for (const [n, job] of jobs.entries()) {
    expect(job.logs, `logs of job ${job.id}`).toEqual([`started ${n}`, `finished ${n}`]);
    expect(job.progress, `progress of job ${job.id}`).toBe(100);
    expect(runs.get(serverJobId(client, queue, job.id)), `runs of job ${job.id}`).toBe(1);
  }
}

describe('two bridge processes, two BullMQ workers, one Redis', () => {
  it('take 200 jobs: each runs once on the server, and each client gets its return value, progress and logs', async () => {
    const { jobs, results } = forwardMany('alice', 'uploads', 200, () => ({}));
    expectDone('alice', 'uploads', jobs, await results);
    const ids = jobs.map((job) => serverJobId('alice', 'uploads', job.id));
    const stored = await Promise.all(ids.map((id) => work.getJob(id)));
    expect(stored.every((job) => job?.finishedOn && job.returnvalue)).toBe(true);
    expect(new Set(ids).size).toBe(200);
    expect(bridges.every((b) => b.child.exitCode === null)).toBe(true);
  });

  it('lose a bridge process mid-stream: its clients reconnect to the other one and finish', async () => {
    const { jobs, results } = forwardMany('bob', 'kill', 40, () => ({ gate: 'kill' }));
    // Every job is running on the server, and every client is following it (progress 10 arrived).
    await gates.waiting('kill', 40);
    await Promise.all(jobs.map((job) => job.until((j) => j.progress === 10)));
    const [doomed, survivor] = bridges as [BridgeProcess, BridgeProcess];
    expect(balancer.open(doomed.port)).toBeGreaterThan(0);
    await doomed.kill();
    balancer.backends = [survivor.port];
    gates.open('kill');
    expectDone('bob', 'kill', jobs, await results);
    // A stream broken by the kill is reopened at once, without giving the job back.
    expect(jobs.reduce((sum, job) => sum + job.postponed, 0)).toBe(0);
    bridges = [survivor, await startBridgeProcess(settings())];
    balancer.backends = bridges.map((b) => b.port);
  });

  it('lose Redis itself (killed, restarted on its append-only file): nothing is lost', async () => {
    // Before the kill: 30 jobs finished, 30 held running on the server, their clients following.
    const done = forwardMany('carol', 'before', 30, () => ({}));
    const held = forwardMany('carol', 'held', 30, () => ({ gate: 'restart' }));
    const doneResults = await done.results;
    await gates.waiting('restart', 30);
    await Promise.all(held.jobs.map((job) => job.until((j) => j.progress === 10)));
    await redis.kill();
    // While Redis is down, 20 more jobs are forwarded.
    const during = forwardMany('carol', 'during', 20, () => ({}));
    await redis.start();
    gates.open('restart');
    expectDone('carol', 'before', done.jobs, doneResults);
    expectDone('carol', 'held', held.jobs, await held.results);
    expectDone('carol', 'during', during.jobs, await during.results);
    const counts = await work.getJobCounts();
    expect(counts).toMatchObject({ active: 0, waiting: 0, delayed: 0, failed: 0 });
    expect(counts.completed).toBe(200 + 40 + 30 + 30 + 20);
  });
});
