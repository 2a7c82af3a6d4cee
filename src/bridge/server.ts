/// <reference types="node" />
// createBridge: the server end of the wire (protocol.ts). Browsers POST jobs, which become BullMQ
// jobs on Redis; they read a job's state and follow its events. All of it is one fetch handler;
// handleNode adapts Node's http to it. The bridge keeps nothing of its own: jobs, states and logs
// live in Redis and events come from BullMQ's stream, so any number of bridges serve any client.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import { fileBlobStore, saveBlobs, type SaveBlob } from './blobs.js';
import { BridgeHttpError, errorResponse, jsonResponse } from './http-error.js';
import { serverJobId } from './ids.js';
import { jobStatus, readServerJob, type ServerJob } from './job-status.js';
import { jobEventStream } from './job-stream.js';
import { handleNodeRequest } from './node-adapter.js';
import { PROTOCOL_VERSION } from './protocol.js';
import { QueueWatch } from './queue-watch.js';
import { readJobUpload, text } from './request-body.js';

/** Who sent a request: jobs are namespaced by `clientId`, and a client sees only its own. */
export interface BridgeClient {
  clientId: string;
}

export type Authorize = (request: Request) => BridgeClient | null | Promise<BridgeClient | null>;

export interface BridgeOptions {
  /** Redis: ioredis options or an ioredis instance, as BullMQ takes them. Default localhost:6379. */
  connection?: ConnectionOptions;
  /** BullMQ's key prefix. Default `'bull'`. */
  prefix?: string;
  /** Which BullMQ queue takes each job name: `{ transcode: 'media' }`. Other names are refused (422). */
  routes: Record<string, string>;
  /**
   * Who is asking: `{ clientId }`, or null to refuse (401). Required. `'none'` lets everyone in as
   * one client: for local development only.
   */
  authorize: Authorize | 'none';
  /** The largest POST body, in bytes. Default 50 MiB. */
  maxBodyBytes?: number;
  /** Stores a Blob or File field and returns its reference. Default: a file in `blobDir`. */
  saveBlob?: SaveBlob;
  /** The directory of the default `saveBlob`. Without it (and without saveBlob), Blobs are refused (415). */
  blobDir?: string;
  /** BullMQ job options for every job, under those the browser may set (attempts, backoff, delay, priority). */
  defaultJobOptions?: DefaultJobOptions;
  /** ms between reads of a followed job's logs (BullMQ emits no event for them). Default 1000. */
  pollMs?: number;
  /** Where errors that no response can report go (Redis trouble, a throwing saveBlob). Default console.error. */
  onError?: (error: unknown) => void;
}

export interface Bridge {
  /** The WHATWG fetch handler: Hono, Bun, Deno, Next route handlers. */
  fetch(request: Request): Promise<Response>;
  /** The same for Node's `http` (Express, Fastify, plain `http.createServer`). */
  handleNode(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Ends every event stream (their clients reconnect elsewhere) and closes the Redis connections. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 50 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;
const ANONYMOUS: BridgeClient = { clientId: 'anonymous' };
/** `<anything>/jobs`, `<anything>/jobs/:id`, `<anything>/jobs/:id/events`: routes are relative to the mount point. */
const ROUTE = /\/jobs(?:\/([^/]+)(\/events)?)?\/?$/;

/**
 * The server half of jobtrail's bridge to BullMQ.
 * @example
 * const bridge = createBridge({ connection, routes: { transcode: 'media' }, authorize: (req) => sessionOf(req) });
 * http.createServer((req, res) => bridge.handleNode(req, res)).listen(3000);
 */
export function createBridge(options: BridgeOptions): Bridge {
  const settings = checkOptions(options);
  const { routes, maxBodyBytes, saveBlob, pollMs } = settings;
  const onError = options.onError ?? ((error: unknown) => console.error('jobtrail bridge:', error));
  const base = { connection: options.connection ?? {}, ...(options.prefix !== undefined && { prefix: options.prefix }) };
  const queues = new Map<string, { queue: Queue; watch: QueueWatch }>();
  for (const name of new Set(Object.values(routes))) {
    const queue = new Queue(name, { ...base, ...(options.defaultJobOptions && { defaultJobOptions: options.defaultJobOptions }) });
    queue.on('error', onError);
    queues.set(name, { queue, watch: new QueueWatch(name, base, onError) });
  }
  const streams = new Set<() => void>();
  let closed = false;

  async function authorize(request: Request): Promise<BridgeClient> {
    if (settings.authorize === 'none') return ANONYMOUS;
    const client = await settings.authorize(request);
    if (client === null || client === undefined) throw new BridgeHttpError(401, 'Not authorized');
    if (typeof client.clientId !== 'string' || client.clientId === '') throw new TypeError('authorize must return { clientId: non-empty string } or null');
    return client;
  }

  /** The job with this id in whichever BullMQ queue holds it (the route's queue first, when known). */
  async function findJob(jobId: string, first?: string): Promise<(ServerJob & { queue: Queue }) | null> {
    const order = [...queues.keys()].sort((a, b) => Number(b === first) - Number(a === first));
    for (const name of order) {
      const queue = queues.get(name)!.queue;
      const found = await readServerJob(queue, jobId);
      if (found) return { ...found, queue };
    }
    return null;
  }

  async function logCount(queue: Queue, jobId: string): Promise<number> {
    return (await queue.getJobLogs(jobId, 0, 0)).count;
  }

  async function createJob(request: Request, client: BridgeClient): Promise<Response> {
    const { body, files } = await readJobUpload(request, maxBodyBytes, saveBlob !== undefined);
    const queueName = routes[body.name];
    if (queueName === undefined) throw new BridgeHttpError(422, `No route for job name ${JSON.stringify(body.name)}: nothing was queued`);
    const jobId = serverJobId(client.clientId, body.queue, body.id);
    const reply = async (status: number, found: ServerJob & { queue: Queue }) => {
      if (found.job.name !== body.name) throw new BridgeHttpError(409, `Job ${JSON.stringify(body.id)} of queue ${JSON.stringify(body.queue)} exists with another name`);
      return jsonResponse(status, jobStatus(found, body, await logCount(found.queue, jobId)));
    };
    const existing = await findJob(jobId, queueName);
    if (existing) return reply(200, existing);
    const data = files.size > 0 ? await saveBlobs(body.data, files, saveBlob!, client.clientId) : body.data;
    const queue = queues.get(queueName)!.queue;
    // A second POST racing this one adds nothing: BullMQ keeps the first job of an id.
    await queue.add(body.name, data, { ...body.opts, jobId });
    const created = await findJob(jobId, queueName);
    if (!created) throw new BridgeHttpError(503, 'The job was added but cannot be read back');
    return reply(201, created);
  }

  async function jobOf(url: URL, rawId: string, client: BridgeClient) {
    const browser = { queue: text(url.searchParams.get('queue') ?? undefined, 'The query parameter queue'), id: text(decode(rawId), 'The job id') };
    const jobId = serverJobId(client.clientId, browser.queue, browser.id);
    const found = await findJob(jobId);
    // Another client's job has another server id: it is not found, exactly like a job that never was.
    if (!found) throw new BridgeHttpError(404, `No job ${JSON.stringify(browser.id)} in queue ${JSON.stringify(browser.queue)}`);
    return { ...found, jobId, browser };
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const route = ROUTE.exec(url.pathname);
    if (!route) throw new BridgeHttpError(404, 'No such route: the bridge serves POST /jobs, GET /jobs/:id and GET /jobs/:id/events');
    const [, id, events] = route;
    const method = id === undefined ? 'POST' : 'GET';
    if (request.method !== method) {
      const refusal = errorResponse(405, `${url.pathname} takes ${method} only`);
      refusal.headers.set('allow', method);
      return refusal;
    }
    const version = request.headers.get('jobtrail-bridge');
    if (version !== null && version !== String(PROTOCOL_VERSION)) throw new BridgeHttpError(400, `Unsupported jobtrail-bridge protocol version ${JSON.stringify(version)}; this bridge speaks ${PROTOCOL_VERSION}`);
    const client = await authorize(request);
    if (id === undefined) return createJob(request, client);
    const found = await jobOf(url, id, client);
    if (!events) return jsonResponse(200, jobStatus(found, found.browser, await logCount(found.queue, found.jobId)));
    return jobEventStream({
      queue: found.queue,
      watch: queues.get(found.queue.name)!.watch,
      jobId: found.jobId,
      browser: found.browser,
      cursor: lastEventId(request),
      pollMs,
      heartbeatMs: HEARTBEAT_MS,
      onError,
      track: (end) => {
        streams.add(end);
        return () => streams.delete(end);
      },
    });
  }

  async function fetch(request: Request): Promise<Response> {
    if (closed) return errorResponse(503, 'The bridge is closed');
    try {
      return await handle(request);
    } catch (err) {
      if (err instanceof BridgeHttpError) return errorResponse(err.status, err.message);
      // The client went away mid-request (its upload stopped): nobody reads the answer, nothing to report.
      if (request.signal.aborted) return errorResponse(400, 'The request was aborted');
      onError(err);
      return errorResponse(500, 'The bridge failed to handle the request');
    }
  }

  return {
    fetch,
    async handleNode(req, res) {
      try {
        await handleNodeRequest(req, res, fetch);
      } catch (err) {
        onError(err);
        res.destroy();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const end of [...streams]) end();
      await Promise.all([...queues.values()].flatMap(({ queue, watch }) => [watch.close(), queue.close()]));
    },
  };
}

function checkOptions(options: BridgeOptions) {
  if (typeof options !== 'object' || options === null) throw new TypeError('createBridge(options): options must be an object');
  const { authorize, routes } = options;
  if (authorize !== 'none' && typeof authorize !== 'function') {
    throw new TypeError(
      `createBridge: options.authorize is required: a function (request) => { clientId } | null that identifies the client, or the string 'none' (local development only: every request is let in as one client); got ${describe(authorize)}`,
    );
  }
  if (typeof routes !== 'object' || routes === null || Object.keys(routes).length === 0) {
    throw new TypeError(`createBridge: options.routes must map job names to BullMQ queue names, e.g. { transcode: 'media' }; got ${describe(routes)}`);
  }
  for (const [name, queue] of Object.entries(routes)) {
    if (typeof queue !== 'string' || queue === '' || queue.includes(':')) throw new TypeError(`createBridge: options.routes.${name} must be a BullMQ queue name (a non-empty string without ':'); got ${describe(queue)}`);
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) throw new TypeError(`createBridge: options.maxBodyBytes must be a positive integer (bytes); got ${describe(maxBodyBytes)}`);
  const pollMs = options.pollMs ?? 1000;
  if (!Number.isFinite(pollMs) || pollMs < 10) throw new TypeError(`createBridge: options.pollMs must be a number of ms, at least 10; got ${describe(pollMs)}`);
  if (options.saveBlob !== undefined && typeof options.saveBlob !== 'function') throw new TypeError(`createBridge: options.saveBlob must be a function (part, clientId) => reference; got ${describe(options.saveBlob)}`);
  if (options.blobDir !== undefined && (typeof options.blobDir !== 'string' || options.blobDir === '')) throw new TypeError(`createBridge: options.blobDir must be a directory path; got ${describe(options.blobDir)}`);
  const saveBlob = options.saveBlob ?? (options.blobDir !== undefined ? fileBlobStore(options.blobDir) : undefined);
  return { authorize, routes, maxBodyBytes, pollMs, saveBlob };
}

/** The log lines a reconnecting client has: its Last-Event-ID (0 without one). */
function lastEventId(request: Request): number {
  const header = request.headers.get('last-event-id');
  if (header === null || header === '') return 0;
  if (!/^\d{1,9}$/.test(header)) throw new BridgeHttpError(400, 'Last-Event-ID must be an event id this bridge sent (a count of log lines)');
  return Number(header);
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new BridgeHttpError(400, 'The job id in the path is not valid percent-encoding');
  }
}

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
