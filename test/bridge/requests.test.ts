// jobtrail/bridge from a plain HTTP client, against a real Redis and BullMQ: creating jobs
// (idempotently, per client), reading them, following their events, Blob fields, and every rule
// that refuses a request — each refusal leaving nothing queued.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, type Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobFile, createBridge, serverJobId, type Bridge, type BridgeOptions, type JobStatus } from '../../src/bridge.js';
import { startRedis, type TestRedis } from './support/redis.js';
import { echoWorker, Gates } from './support/server-side.js';

let redis: TestRedis;
let bridge: Bridge;
let server: Server;
let base: string;
let blobDir: string;
let work: Queue;
let worker: Worker;
const gates = new Gates();
const runs = new Map<string, number>();
const errors: unknown[] = [];
const MAX_BODY = 8 * 1024 * 1024;

const authorize: BridgeOptions['authorize'] = (request) => {
  const clientId = request.headers.get('x-client');
  return clientId ? { clientId } : null;
};

beforeAll(async () => {
  redis = await startRedis();
  blobDir = mkdtempSync(join(tmpdir(), 'jobtrail-blobs-'));
  bridge = createBridge({ connection: redis.connection, routes: { echo: 'work', resize: 'work' }, authorize, blobDir, maxBodyBytes: MAX_BODY, pollMs: 100, onError: (err) => errors.push(err) });
  server = createServer((req, res) => void bridge.handleNode(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/jobtrail`;
  work = new Queue('work', { connection: redis.connection });
  worker = echoWorker('work', redis.connection, gates, runs);
});

afterAll(async () => {
  gates.openAll();
  await worker?.close();
  await work?.close();
  await bridge?.close();
  await new Promise((resolve) => server?.close(resolve));
  await redis?.stop();
  rmSync(blobDir, { recursive: true, force: true });
  expect(errors).toEqual([]);
});

const json = (body: unknown, client = 'alice', headers: Record<string, string> = {}) =>
  fetch(`${base}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-client': client, ...headers }, body: JSON.stringify(body) });
const jobCount = async () => Object.values(await work.getJobCounts()).reduce((a, b) => a + b, 0);
const status = async (response: Response) => ({ status: response.status, body: (await response.json()) as JobStatus & { error?: { message: string } } });

/** The events of a stream until it ends (the job settled), as [event, data, id] triples. */
async function events(queue: string, id: string, client = 'alice', lastEventId?: string): Promise<[string, any, string][]> {
  const response = await fetch(`${base}/jobs/${encodeURIComponent(id)}/events?queue=${queue}`, { headers: { 'x-client': client, ...(lastEventId && { 'last-event-id': lastEventId }) } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.includes('event: '))
    .map((block) => {
      const field = (name: string) => block.split('\n').find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2) ?? '';
      return [field('event'), JSON.parse(field('data')), field('id')];
    });
}

describe('createBridge', () => {
  it('refuses to start without authorize, naming the option and the way to skip it', () => {
    const options = { connection: redis.connection, routes: { echo: 'work' } };
    expect(() => createBridge(options as unknown as BridgeOptions)).toThrow(/options\.authorize is required.*'none' \(local development only/);
    expect(() => createBridge({ ...options, authorize: 'yes' as 'none' })).toThrow(/options\.authorize/);
    expect(() => createBridge({ ...options, authorize, routes: {} })).toThrow(/options\.routes/);
    expect(() => createBridge({ ...options, authorize, routes: { echo: 'a:b' } })).toThrow(/options\.routes\.echo/);
    expect(() => createBridge({ ...options, authorize, maxBodyBytes: -1 })).toThrow(/options\.maxBodyBytes/);
  });
});

describe('POST /jobs', () => {
  it('creates the BullMQ job once: a retried POST, or ten at once, answer with the same job', async () => {
    const body = { queue: 'uploads', id: 'once', name: 'echo', data: { n: 1, gate: 'once' } };
    const first = await status(await json(body));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ queue: 'uploads', id: 'once', name: 'echo', failedReason: null, returnvalue: null });
    const again = await Promise.all(Array.from({ length: 10 }, () => json(body).then(status)));
    expect(again.map((r) => r.status)).toEqual(Array(10).fill(200));
    await gates.waiting('once', 1);
    gates.open('once');
    const stream = await events('uploads', 'once');
    expect(stream.at(-1)).toEqual(['completed', { returnvalue: { n: 1, doubled: 2 } }, '2']);
    const bullId = serverJobId('alice', 'uploads', 'once');
    expect(runs.get(bullId)).toBe(1);
    expect(await work.getJob(bullId)).toBeDefined();
    // After it finished, a POST of the same id still creates nothing: it answers with the outcome.
    const late = await status(await json(body));
    expect(late).toMatchObject({ status: 200, body: { state: 'completed', returnvalue: { n: 1, doubled: 2 }, logCount: 2 } });
    expect(runs.get(bullId)).toBe(1);
    // The same id with another job name is a conflict, not a second job.
    expect(await status(await json({ ...body, name: 'resize' }))).toMatchObject({ status: 409, body: { error: { status: 409 } } });
  });

  it('keeps clients apart: the same browser id from another client is another job, and a client cannot read the other one', async () => {
    const body = { queue: 'q', id: 'mine', name: 'echo', data: { n: 2, gate: 'apart' } };
    expect((await json(body, 'alice')).status).toBe(201);
    expect((await fetch(`${base}/jobs/mine?queue=q`, { headers: { 'x-client': 'mallory' } })).status).toBe(404);
    expect((await fetch(`${base}/jobs/mine/events?queue=q`, { headers: { 'x-client': 'mallory' } })).status).toBe(404);
    expect((await fetch(`${base}/jobs/mine?queue=q`, { headers: { 'x-client': 'alice' } })).status).toBe(200);
    expect((await json(body, 'bob')).status).toBe(201);
    expect(serverJobId('alice', 'q', 'mine')).not.toBe(serverJobId('bob', 'q', 'mine'));
    gates.open('apart');
  });

  it('refuses each bad request with its status, and queues nothing', async () => {
    const before = await jobCount();
    const good = { queue: 'bad', id: 'x', name: 'echo', data: { n: 0 } };
    const cases: [string, () => Promise<Response>, number][] = [
      ['no client', () => json(good, ''), 401],
      ['unknown job name', () => json({ ...good, name: 'rm-rf' }), 422],
      ['malformed JSON', () => fetch(`${base}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-client': 'alice' }, body: '{"queue":' }), 400],
      ['not UTF-8', () => fetch(`${base}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-client': 'alice' }, body: new Uint8Array([0x7b, 0xff, 0x7d]) }), 400],
      ['not an object', () => json([good]), 400],
      ['missing id', () => json({ ...good, id: undefined }), 400],
      ['empty queue', () => json({ ...good, queue: '' }), 400],
      ['unknown field', () => json({ ...good, extra: 1 }), 400],
      ['option a browser may not set', () => json({ ...good, opts: { removeOnComplete: true } }), 400],
      ['option out of range', () => json({ ...good, opts: { attempts: 0 } }), 400],
      ['bad backoff', () => json({ ...good, opts: { backoff: { type: 'custom', delay: 1 } } }), 400],
      ['a $blob marker in a JSON body', () => json({ ...good, data: { file: { $blob: '3f1c2c1e-0b7e-4a8e-9a43-4f8f0f3f2a11', name: 'x', type: '', size: 1 } } }), 400],
      ['data nested too deep', () => json({ ...good, data: JSON.parse('['.repeat(500) + ']'.repeat(500)) }), 400],
      ['text/plain', () => fetch(`${base}/jobs`, { method: 'POST', headers: { 'content-type': 'text/plain', 'x-client': 'alice' }, body: JSON.stringify(good) }), 415],
      ['malformed multipart', () => fetch(`${base}/jobs`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=zz', 'x-client': 'alice' }, body: '--zz\r\nnonsense' }), 400],
      ['multipart without the job field', () => multipart(null, { blob0: new Blob(['x']) }), 400],
      ['multipart marker naming no file', () => multipart({ ...good, data: { f: { $blob: 'blob9' } } }, {}), 400],
      ['multipart file no marker names', () => multipart(good, { blob0: new Blob(['x']) }), 400],
      ['multipart file named twice', () => multipart({ ...good, data: [{ $blob: 'blob0' }, { $blob: 'blob0' }] }, { blob0: new Blob(['x']) }), 400],
      ['over maxBodyBytes, by Content-Length', () => json({ ...good, data: 'x'.repeat(MAX_BODY) }), 413],
      ['unsupported protocol version', () => json(good, 'alice', { 'jobtrail-bridge': '99' }), 400],
      ['wrong method', () => fetch(`${base}/jobs`, { headers: { 'x-client': 'alice' } }), 405],
      ['no such route', () => fetch(`${base}/nothing`, { headers: { 'x-client': 'alice' } }), 404],
    ];
    for (const [what, send, expected] of cases) expect((await send()).status, what).toBe(expected);
    expect(await jobCount()).toBe(before);
  });

  it('counts the bytes of a body that announces no length, and stops it at maxBodyBytes (413)', async () => {
    const before = await jobCount();
    // Chunked transfer encoding: no Content-Length to check, so the bridge counts what arrives.
    const answer = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${base}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-client': 'alice', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.write('{"queue":"bad","id":"big","name":"echo","data":"');
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        for (let sent = 0; sent < MAX_BODY * 2 && !req.destroyed; sent += chunk.length) if (!req.write(chunk)) return req.once('drain', pump);
        req.end('"}');
      };
      pump();
    });
    expect(answer).toBe(413);
    expect(await jobCount()).toBe(before);
  });

  it('shrugs off a client that goes away mid-upload: nothing queued, nothing reported', async () => {
    const before = await jobCount();
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${base}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-client': 'alice', 'content-length': '1000' } });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.write('{"queue":"bad","id":"gone","name":"echo","data":"', () => req.destroy());
    });
    // The bridge still answers, and the aborted request left no job behind (afterAll: no errors reported).
    expect((await fetch(`${base}/jobs/gone?queue=bad`, { headers: { 'x-client': 'alice' } })).status).toBe(404);
    expect(await jobCount()).toBe(before);
  });

  it('hands a 5 MB Blob field to saveBlob intact; the job data holds an opaque reference, never a path', async () => {
    const bytes = randomBytes(5 * 1024 * 1024);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const response = await multipart({ queue: 'files', id: 'big', name: 'echo', data: { n: 3, file: { $blob: 'blob0' } } }, { blob0: new File([bytes], 'video.bin', { type: 'application/octet-stream' }) });
    expect(response.status).toBe(201);
    const text = await response.text();
    expect(text).not.toContain(blobDir);
    const job = await work.getJob(serverJobId('alice', 'files', 'big'));
    const reference = job!.data.file;
    expect(reference).toEqual({ $blob: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'video.bin', type: 'application/octet-stream', size: bytes.length });
    expect(reference.$blob).not.toContain('/');
    expect(createHash('sha256').update(readFileSync(blobFile(blobDir, reference.$blob))).digest('hex')).toBe(sha);
    expect(() => blobFile(blobDir, '../etc/passwd')).toThrow(TypeError);
  });

  it('takes a saveBlob of the app, which gets the part and the client id', async () => {
    const saved: { name: string; size: number; clientId: string; text: string }[] = [];
    const custom = createBridge({
      connection: redis.connection,
      routes: { echo: 'work' },
      authorize,
      saveBlob: async (part, clientId) => {
        saved.push({ name: part.name, size: part.size, clientId, text: await part.text() });
        return `s3://bucket/${saved.length}`;
      },
    });
    try {
      const form = new FormData();
      form.append('job', JSON.stringify({ queue: 'files', id: 'custom', name: 'echo', data: { n: 4, notes: [{ $blob: 'a' }] } }));
      form.append('a', new Blob(['hello']));
      // The fetch handler as Hono, Bun or Deno would call it: no Node http in between.
      const response = await custom.fetch(new Request('http://bridge.test/jobtrail/jobs', { method: 'POST', headers: { 'x-client': 'carol' }, body: form }));
      expect(response.status).toBe(201);
      expect(saved).toEqual([{ name: 'blob', size: 5, clientId: 'carol', text: 'hello' }]);
      expect((await work.getJob(serverJobId('carol', 'files', 'custom')))!.data.notes).toEqual([{ $blob: 's3://bucket/1', name: 'blob', type: 'application/octet-stream', size: 5 }]);
    } finally {
      await custom.close();
    }
  });
});

describe('GET /jobs/:id and /jobs/:id/events', () => {
  it('streams state, log lines, progress and the return value; a reconnect with Last-Event-ID gets only newer lines', async () => {
    expect((await json({ queue: 'ev', id: 'a', name: 'echo', data: { n: 5, gate: 'ev' } })).status).toBe(201);
    await gates.waiting('ev', 1);
    const state = await status(await fetch(`${base}/jobs/a?queue=ev`, { headers: { 'x-client': 'alice' } }));
    expect(state).toMatchObject({ status: 200, body: { state: 'active', id: 'a', queue: 'ev', logCount: 1, progress: 10 } });
    const streaming = events('ev', 'a');
    gates.open('ev');
    const stream = await streaming;
    expect(stream[0]![0]).toBe('state');
    expect(stream.filter(([event]) => event === 'log').map(([, data, id]) => [data, id])).toEqual([
      [{ index: 0, line: 'started 5' }, '1'],
      [{ index: 1, line: 'finished 5' }, '2'],
    ]);
    expect(stream.some(([event, data]) => event === 'progress' && data.progress === 100) || stream[0]![1].progress === 100).toBe(true);
    expect(stream.at(-1)).toEqual(['completed', { returnvalue: { n: 5, doubled: 10 } }, '2']);

    // Reconnecting after the end (say, from another bridge): the outcome, and no line twice.
    const replay = await events('ev', 'a', 'alice', '1');
    expect(replay.map(([event]) => event)).toEqual(['state', 'log', 'completed']);
    expect(replay[0]![1]).toMatchObject({ state: 'completed', progress: 100, logCount: 2, returnvalue: { n: 5, doubled: 10 } });
    expect(replay[1]![1]).toEqual({ index: 1, line: 'finished 5' });
  });

  it('ends the stream of a job that failed on the server with its reason', async () => {
    expect((await json({ queue: 'ev', id: 'f', name: 'echo', data: { n: 6, fail: 'disk full' } })).status).toBe(201);
    const stream = await events('ev', 'f');
    expect(stream.at(-1)).toEqual(['failed', { failedReason: 'disk full' }, '1']);
  });

  it('refuses a missing queue, a bad Last-Event-ID and a bad id encoding (400)', async () => {
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers: { 'x-client': 'alice', ...headers } }).then((r) => r.status);
    expect(await get('/jobs/a')).toBe(400);
    expect(await get('/jobs/a/events?queue=ev', { 'last-event-id': 'abc' })).toBe(400);
    expect(await get('/jobs/%E0%A4%A/events?queue=ev')).toBe(400);
    expect(await get('/jobs/nope?queue=ev')).toBe(404);
    expect(await get('/jobs/a?queue=ev', { 'x-client': '' })).toBe(401);
  });
});

function multipart(job: unknown, files: Record<string, Blob>): Promise<Response> {
  const form = new FormData();
  if (job !== null) form.append('job', JSON.stringify(job));
  for (const [name, blob] of Object.entries(files)) form.append(name, blob);
  return fetch(`${base}/jobs`, { method: 'POST', headers: { 'x-client': 'alice' }, body: form });
}
