// forwardTo on Node (its fetch is the browser's), against a real bridge, Redis and BullMQ: the
// outcome, mirrored progress and log lines, what happens when it runs again, and how each kind of
// trouble is reported to jobtrail's runner (give back, or fail for good).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobFile, createBridge, serverJobId, type Bridge } from '../../src/bridge.js';
import { forwardTo, type Queue as BrowserQueue } from '../../src/index.js';
import { memoryJob, runToEnd } from './support/browser-job.js';
import { freePort, startRedis, type TestRedis } from './support/redis.js';
import { echoWorker, Gates } from './support/server-side.js';

let redis: TestRedis;
let bridge: Bridge;
let server: Server;
let url: string;
let blobDir: string;
let work: Queue;
let worker: Worker;
let blobWorker: Worker;
const gates = new Gates();
const runs = new Map<string, number>();
const errors: unknown[] = [];
const headers = { 'x-client': 'alice' };
const never = () => new AbortController().signal;

beforeAll(async () => {
  redis = await startRedis();
  blobDir = mkdtempSync(join(tmpdir(), 'jobtrail-blobs-'));
  bridge = createBridge({
    connection: redis.connection,
    routes: { echo: 'work', hash: 'files' },
    authorize: (request) => (request.headers.get('x-client') ? { clientId: request.headers.get('x-client')! } : null),
    blobDir,
    pollMs: 100,
    onError: (err) => errors.push(err),
  });
  server = createServer((req, res) => void bridge.handleNode(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/jobtrail/`;
  work = new Queue('work', { connection: redis.connection });
  worker = echoWorker('work', redis.connection, gates, runs);
  // Hashes the files of its job, as read through the default store's references.
  blobWorker = new Worker(
    'files',
    async (job) => (job.data.files as { $blob: string; name: string }[]).map((file) => ({ name: file.name, sha: createHash('sha256').update(readFileSync(blobFile(blobDir, file.$blob))).digest('hex') })),
    { connection: redis.connection },
  );
});

afterAll(async () => {
  gates.openAll();
  await Promise.all([worker?.close(), blobWorker?.close()]);
  await work?.close();
  await bridge?.close();
  await new Promise((resolve) => server?.close(resolve));
  await redis?.stop();
  rmSync(blobDir, { recursive: true, force: true });
  expect(errors).toEqual([]);
});

describe('forwardTo', () => {
  it("resolves with the server's return value, with its progress and log lines in the local job", async () => {
    const job = memoryJob('local', 'ok', 'echo', { n: 21 });
    expect(await forwardTo(url, { headers })(job, never())).toEqual({ n: 21, doubled: 42 });
    expect(job.logs).toEqual(['started 21', 'finished 21']);
    expect(job.progress).toBe(100);
    expect(job.progressHistory.at(-1)).toBe(100);
    expect(runs.get(serverJobId('alice', 'local', 'ok'))).toBe(1);
  });

  it('run again (after a reload, a stall): no second server job, and no log line written twice', async () => {
    const job = memoryJob('local', 'again', 'echo', { n: 1, gate: 'again' });
    const first = new AbortController();
    const running = forwardTo(url, { headers })(job, first.signal);
    await gates.waiting('again', 1);
    // Wait for the first line to be mirrored, then stop this run as a closing tab would.
    await job.until((j) => j.logs.length === 1);
    first.abort(new Error('tab closed'));
    await expect(running).rejects.toThrow('tab closed');
    gates.open('again');
    // A local line of the app's own between the runs does not confuse the mirror.
    await job.log('app: resumed after reload');
    expect(await forwardTo(url, { headers })(job, never())).toEqual({ n: 1, doubled: 2 });
    expect(job.logs).toEqual(['started 1', 'app: resumed after reload', 'finished 1']);
    expect(runs.get(serverJobId('alice', 'local', 'again'))).toBe(1);
  });

  it('fails for good with the reason of a job that failed on the server', async () => {
    const job = memoryJob('local', 'bad', 'echo', { n: 2, fail: 'codec not supported' });
    await expect(forwardTo(url, { headers })(job, never())).rejects.toMatchObject({ code: 'ERR_UNRECOVERABLE', message: 'codec not supported' });
  });

  it('fails for good when the bridge refuses the job (an unknown job name, no authorization)', async () => {
    await expect(forwardTo(url, { headers })(memoryJob('local', 'x', 'nope', {}), never())).rejects.toMatchObject({ code: 'ERR_UNRECOVERABLE', message: expect.stringContaining('HTTP 422') });
    await expect(forwardTo(url)(memoryJob('local', 'x', 'echo', {}), never())).rejects.toMatchObject({ code: 'ERR_UNRECOVERABLE', message: expect.stringContaining('HTTP 401') });
  });

  it('gives the job back (retry later, no attempt) when the server cannot be reached, and resumes once it can', async () => {
    const port = await freePort();
    const job = memoryJob('local', 'later', 'echo', { n: 3 });
    await expect(forwardTo(`http://127.0.0.1:${port}/api`, { headers, retryAfter: 1234 })(job, never())).rejects.toMatchObject({ code: 'ERR_RETRY_LATER', retryAfter: 1234 });

    // A 5xx (here, a proxy in front of a bridge that is down) says when to come back.
    let down = true;
    const proxy = createServer((req, res) => {
      if (down) {
        res.writeHead(503, { 'retry-after': '7' }).end('maintenance');
        return;
      }
      void bridge.handleNode(req, res);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxied = `http://127.0.0.1:${(proxy.address() as { port: number }).port}/api`;
    try {
      await expect(forwardTo(proxied, { headers })(job, never())).rejects.toMatchObject({ code: 'ERR_RETRY_LATER', retryAfter: 7000 });
      down = false;
      expect(await forwardTo(proxied, { headers })(job, never())).toEqual({ n: 3, doubled: 6 });
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('stops when its signal aborts (a timeout, the job removed), with the reason', async () => {
    const job = memoryJob('local', 'abort', 'echo', { n: 4, gate: 'abort' });
    const controller = new AbortController();
    const running = forwardTo(url, { headers })(job, controller.signal);
    await gates.waiting('abort', 1);
    controller.abort(new Error('Job abort timed out after 10 ms'));
    await expect(running).rejects.toThrow('timed out');
    gates.open('abort');
  });

  it('sends Blob and File fields as multipart: they reach the server job intact', async () => {
    const big = randomBytes(3 * 1024 * 1024);
    const small = new Blob(['hello']);
    const job = memoryJob('local', 'files', 'hash', { files: [new File([big], 'a.bin'), small], note: 'two' });
    const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
    expect(await runToEnd(forwardTo(url, { headers }), job)).toEqual([
      { name: 'a.bin', sha: sha(big) },
      { name: 'blob', sha: sha(new TextEncoder().encode('hello')) },
    ]);
  });

  it("is a processor jobtrail's Queue takes: its Job is a ForwardedJob (checked by the type checker)", () => {
    const register = (queue: BrowserQueue<{ file: Blob }, { url: string }>) => queue.process('transcode', 2, forwardTo<{ url: string }>(url));
    expect(typeof register).toBe('function');
  });

  it('reads the queue name from queueName first, else queue.name, and refuses a job with neither', async () => {
    const job = memoryJob('named', 'q1', 'echo', { n: 5 });
    expect(await forwardTo(url, { headers })({ ...job, queueName: undefined, queue: { name: 'named' } }, never())).toEqual({ n: 5, doubled: 10 });
    expect(await work.getJob(serverJobId('alice', 'named', 'q1'))).toBeDefined();
    const both = memoryJob('named', 'q2', 'echo', { n: 6 });
    expect(await forwardTo(url, { headers })({ ...both, queue: { name: 'ignored' } }, never())).toEqual({ n: 6, doubled: 12 });
    expect(await work.getJob(serverJobId('alice', 'named', 'q2'))).toBeDefined();
    await expect(forwardTo(url, { headers })({ ...job, queueName: undefined, queue: undefined }, never())).rejects.toThrow(/queueName/);
  });
});
