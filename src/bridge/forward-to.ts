// forwardTo: the browser end of the wire (protocol.ts). A processor that hands the job to a bridge
// (createBridge, on the app's server), follows the server job's events, mirrors its progress and
// log lines into the local job, and settles with the server's outcome. The POST is idempotent by
// the job's id, so running the processor again (after a reload, a stall, a postponement) picks up
// the same server job instead of making a second one.
import { RetryLaterError, UnrecoverableError } from '../core/errors.js';
import { PROTOCOL_VERSION, type BridgeEvents, type CreateJobBody, type ErrorBody, type JobStatus, type ServerJobOptions, type ServerProgress } from './protocol.js';

/**
 * What forwardTo needs of a job: jobtrail's `Job` has all of it. The queue's name comes from
 * `queueName`, else `queue.name`; `history()` (when there) tells which server log lines the job
 * already holds from an earlier run, so none is written twice (without it, as in a Web Worker
 * processor, lines may be written again after a reload).
 */
export interface ForwardedJob {
  readonly id: string;
  readonly name: string;
  readonly data: unknown;
  readonly opts?: object;
  readonly queueName?: string;
  readonly queue?: { readonly name: string };
  readonly progress?: unknown;
  updateProgress(progress: number | object): Promise<void>;
  log(line: string): Promise<number>;
  history?(): Promise<readonly { type: string; payload?: unknown }[]>;
}

export interface ForwardOptions {
  /** More request headers (e.g. a CSRF token); same-origin requests carry the page's cookies anyway. */
  headers?: Record<string, string>;
  /** Options of the server job (attempts, backoff, delay, priority). */
  opts?: ServerJobOptions;
  /** ms to give the job back for when the server cannot be reached (Retry-After wins). Default 5000. */
  retryAfter?: number;
  /** Times to reopen a broken event stream before giving the job back. Default 3. */
  reconnects?: number;
}

/** A response or stream that says: try again later (the network, a 5xx, a proxy's 408/429). */
class Unavailable extends Error {
  constructor(
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** Silence longer than this on an event stream means the connection is dead (the server pings every 15 s). */
const IDLE_MS = 60_000;

/**
 * A processor that runs the job on the server, through a bridge mounted at `url`.
 * Offline or unreachable, it gives the job back without using an attempt; a job that failed on
 * the server fails here for good, with the server's reason.
 * @example queue.process('transcode', forwardTo('/api/jobtrail'));
 */
export function forwardTo<Result = unknown>(url: string, options: ForwardOptions = {}): (job: ForwardedJob, signal: AbortSignal) => Promise<Result> {
  const base = url.replace(/\/+$/, '');
  const retryAfter = options.retryAfter ?? 5000;
  const reconnects = options.reconnects ?? 3;
  const headers = { ...options.headers, 'jobtrail-bridge': String(PROTOCOL_VERSION) };

  return async (job, signal) => {
    const queue = job.queueName ?? job.queue?.name;
    if (typeof queue !== 'string') throw new TypeError('forwardTo: the job has neither queueName nor queue.name');
    const giveBack = (err: unknown): never => {
      if (signal.aborted) throw signal.reason;
      if (!(err instanceof Unavailable)) throw err;
      const message = isOffline() ? 'Offline' : `The bridge at ${base} is unavailable: ${err.message}`;
      throw new RetryLaterError(message, { retryAfter: err.retryAfter ?? retryAfter, cause: err });
    };

    try {
      await post(`${base}/jobs`, { queue, id: job.id, name: job.name, data: job.data, ...(options.opts && { opts: options.opts }) }, headers, signal);
    } catch (err) {
      giveBack(err);
    }

    const mirror = await Mirror.of(job);
    const eventsUrl = `${base}/jobs/${encodeURIComponent(job.id)}/events?queue=${encodeURIComponent(queue)}`;
    for (let broken = 0; ; ) {
      try {
        const outcome = await follow(eventsUrl, headers, mirror, signal, () => (broken = 0));
        if (outcome.type === 'completed') return outcome.returnvalue as Result;
        throw new UnrecoverableError(outcome.failedReason);
      } catch (err) {
        if (signal.aborted || !(err instanceof Unavailable)) throw signal.aborted ? signal.reason : err;
        if (isOffline() || ++broken > reconnects) giveBack(err);
        await wait(250 * 2 ** (broken - 1), signal);
      }
    }
  };
}

/**
 * The local side of the server job's history: writes each server log line once (by the server's
 * index; on a first connection, lines an earlier run already wrote are recognised in the job's
 * log, in order) and each new progress value.
 */
class Mirror {
  /** Log lines received (the stream's Last-Event-ID); undefined before the first event. */
  cursor: number | undefined;
  #progress: string;
  #earlier: string[];
  #matched = 0;

  private constructor(
    private readonly job: ForwardedJob,
    earlier: string[],
  ) {
    this.#earlier = earlier;
    this.#progress = JSON.stringify(job.progress ?? 0);
  }

  static async of(job: ForwardedJob): Promise<Mirror> {
    const events = job.history ? await job.history() : [];
    const logs = events.flatMap((event) => (event.type === 'log' ? [(event.payload as { line: string }).line] : []));
    return new Mirror(job, logs);
  }

  async log({ index, line }: BridgeEvents['log']): Promise<void> {
    if (index < (this.cursor ?? 0)) return;
    this.cursor = index + 1;
    const at = this.#earlier.indexOf(line, this.#matched);
    if (at !== -1) {
      this.#matched = at + 1; // written by an earlier run
      return;
    }
    this.#earlier = [];
    await this.job.log(line);
  }

  async progress(progress: ServerProgress): Promise<void> {
    const value = (typeof progress === 'number' && Number.isFinite(progress)) || (typeof progress === 'object' && progress !== null) ? progress : { value: progress };
    const json = JSON.stringify(value);
    if (json === this.#progress) return;
    this.#progress = json;
    await this.job.updateProgress(value);
  }
}

type Outcome = { type: 'completed'; returnvalue: unknown } | { type: 'failed'; failedReason: string };

/** Follow the job's event stream until it settles; throws Unavailable when the stream breaks first. */
async function follow(url: string, headers: Record<string, string>, mirror: Mirror, signal: AbortSignal, heard: () => void): Promise<Outcome> {
  const idle = new AbortController();
  const response = await request(url, {
    headers: { ...headers, accept: 'text/event-stream', ...(mirror.cursor !== undefined && { 'last-event-id': String(mirror.cursor) }) },
    signal: AbortSignal.any([signal, idle.signal]),
    cache: 'no-store',
  }, signal);
  await check(response);
  if (!response.body) throw new Unavailable('the event stream has no body');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let timer = setTimeout(() => idle.abort(), IDLE_MS);
  let buffer = '';
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<string>;
      try {
        chunk = await reader.read();
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        throw new Unavailable(idle.signal.aborted ? 'the event stream went silent' : `the event stream broke (${(err as Error).message})`);
      }
      const { done, value } = chunk;
      if (done) throw new Unavailable('the event stream ended before the job settled');
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(), IDLE_MS);
      buffer = (buffer + value).replace(/\r\n/g, '\n');
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = parseEvent(block);
        if (!event) continue;
        heard();
        switch (event.name) {
          case 'state': {
            const status = event.data as JobStatus;
            await mirror.progress(status.progress);
            break;
          }
          case 'log':
            await mirror.log(event.data as BridgeEvents['log']);
            break;
          case 'progress':
            await mirror.progress((event.data as BridgeEvents['progress']).progress);
            break;
          case 'completed':
            return { type: 'completed', returnvalue: (event.data as BridgeEvents['completed']).returnvalue };
          case 'failed':
            return { type: 'failed', failedReason: (event.data as BridgeEvents['failed']).failedReason };
        }
      }
    }
  } finally {
    clearTimeout(timer);
    reader.cancel().catch(() => {});
  }
}

/** One SSE block: its event name and JSON data (null for comments and blocks without data). */
function parseEvent(block: string): { name: string; data: unknown } | null {
  let name = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    if (colon === 0) continue;
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return null;
  return { name, data: JSON.parse(data.join('\n')) };
}

async function post(url: string, body: CreateJobBody, headers: Record<string, string>, signal: AbortSignal): Promise<JobStatus> {
  const blobs: [string, Blob][] = [];
  const json = JSON.stringify({ ...body, data: withoutBlobs(body.data, blobs) });
  let init: RequestInit;
  if (blobs.length === 0) {
    init = { body: json, headers: { ...headers, 'content-type': 'application/json' } };
  } else {
    const form = new FormData();
    form.append('job', json);
    for (const [field, blob] of blobs) form.append(field, blob);
    init = { body: form, headers };
  }
  const response = await request(url, { ...init, method: 'POST', signal }, signal);
  await check(response);
  return (await response.json()) as JobStatus;
}

/** A copy of the data with each Blob (or File) replaced by a `$blob` marker naming its field. */
function withoutBlobs(value: unknown, blobs: [string, Blob][]): unknown {
  if (typeof Blob !== 'undefined' && value instanceof Blob) {
    const field = `blob${blobs.length}`;
    blobs.push([field, value]);
    return { $blob: field };
  }
  if (Array.isArray(value)) return value.map((item) => withoutBlobs(item, blobs));
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutBlobs(item, blobs)]));
  }
  return value;
}

/** Throws for a response that is not a success: Unavailable for what may pass, else a final error. */
async function check(response: Response): Promise<void> {
  if (response.ok) return;
  const status = response.status;
  let message = `HTTP ${status}`;
  try {
    message = `${message}: ${((await response.json()) as ErrorBody).error.message}`;
  } catch {
    // not the bridge's error body (a proxy's page, say): the status says enough
  }
  if (status >= 500 || status === 408 || status === 429) throw new Unavailable(message, retryAfterHeader(response.headers.get('retry-after')));
  throw new UnrecoverableError(`The bridge refused the job: ${message}`);
}

function retryAfterHeader(header: string | null): number | undefined {
  return header !== null && /^\d+$/.test(header.trim()) ? Number(header.trim()) * 1000 : undefined;
}

/** fetch, with a network failure (not an abort) thrown as Unavailable. */
async function request(url: string, init: RequestInit, signal: AbortSignal): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw new Unavailable(`the request failed (${(err as Error).message})`);
  }
}

function isOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}
