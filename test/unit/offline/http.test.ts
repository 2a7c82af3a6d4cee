// The HTTP failure policy: which statuses are worth retrying, how Retry-After is read, and jobFetch
// against a real HTTP server on 127.0.0.1 (and a port nobody listens on, for network errors).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { errorForStatus, HttpError, jobFetch, parseRetryAfter, RetryLaterError, UnrecoverableError } from '../../../src/index.js';
import { makeQueue } from '../helpers.js';
import { stubNetwork } from './support.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('errorForStatus', () => {
  it.each([200, 201, 204, 301, 304])('treats %i as success', (status) => {
    expect(errorForStatus(status)).toBeNull();
  });

  it.each([400, 401, 403, 404, 409, 410, 413, 422, 501, 505])('fails the job for good on %i: retrying will not change it', (status) => {
    const err = errorForStatus(status, 'Nope');
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect(err).toMatchObject({ code: 'ERR_UNRECOVERABLE' });
    expect(err!.message).toContain(`HTTP ${status} Nope`);
  });

  it.each([408, 425, 429, 500, 502, 503, 504, 599])('makes %i a retryable HttpError', (status) => {
    const err = errorForStatus(status, 'Busy');
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ code: 'ERR_HTTP', status, message: `HTTP ${status} Busy`, retryAfter: undefined });
  });

  it('carries Retry-After, in milliseconds, on retryable errors', () => {
    const now = Date.UTC(2030, 0, 1, 12, 0, 0);
    expect(errorForStatus(503, '', '30', now)).toMatchObject({ status: 503, message: 'HTTP 503', retryAfter: 30_000 });
    expect(errorForStatus(429, '', new Date(now + 90_000).toUTCString(), now)).toMatchObject({ retryAfter: 90_000 });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2030, 0, 1, 12, 0, 0);

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 5 ', now)).toBe(5_000);
    expect(parseRetryAfter('0', now)).toBe(0);
  });

  it('reads an HTTP date as the time left until then, and a past date as no wait', () => {
    expect(parseRetryAfter('Tue, 01 Jan 2030 12:00:45 GMT', now)).toBe(45_000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores a missing, empty or unreadable header', () => {
    for (const header of [null, '', '   ', 'soon', '5 minutes', '-5', '1.5', '0x10']) {
      expect(parseRetryAfter(header, now), JSON.stringify(header)).toBeUndefined();
    }
  });
});

describe('jobFetch', () => {
  let server: Server;
  let base: string;
  /** A URL on 127.0.0.1 where nothing listens: connecting fails at once. */
  let refused: string;
  let busyCalls = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/ok') return res.end('stored');
      if (req.url === '/busy') return res.writeHead(503, 'Service Unavailable', { 'Retry-After': '7' }).end();
      if (req.url === '/busy-once') {
        // Busy the first time, with a one-second Retry-After; fine afterwards.
        if (++busyCalls === 1) return res.writeHead(503, 'Service Unavailable', { 'Retry-After': '1' }).end();
        return res.end('stored');
      }
      res.writeHead(404, 'Not Found').end();
    });
    base = await listen(server);
    const closed = createServer();
    refused = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('returns the response when it is ok', async () => {
    const response = await jobFetch(`${base}/ok`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('stored');
  });

  it('throws a retryable HttpError with Retry-After on 5xx', async () => {
    const err = await jobFetch(`${base}/busy`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 503, retryAfter: 7_000, message: 'HTTP 503 Service Unavailable' });
  });

  it('throws an UnrecoverableError on 404', async () => {
    const err = await jobFetch(`${base}/nothing-here`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect((err as Error).message).toContain('HTTP 404 Not Found');
  });

  it('turns a network error while offline into a RetryLaterError carrying the cause', async () => {
    stubNetwork(false);
    const err = await jobFetch(refused).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryLaterError);
    expect((err as RetryLaterError).cause).toBeInstanceOf(TypeError);
  });

  it('rethrows a network error as it is while online, so it counts as a failed attempt', async () => {
    stubNetwork(true);
    const err = await jobFetch(refused).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(err).not.toBeInstanceOf(RetryLaterError);
  });

  it('rethrows an abort while offline: the caller stopped the request, the network did not', async () => {
    stubNetwork(false);
    const controller = new AbortController();
    const reason = new Error('job removed');
    controller.abort(reason);
    await expect(jobFetch(`${base}/ok`, { signal: controller.signal })).rejects.toBe(reason);
    await expect(jobFetch(`${base}/ok`, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(jobFetch(new Request(`${base}/ok`, { signal: controller.signal }))).rejects.toBe(reason);
  });

  it('in a processor: offline postpones, 404 fails now, 503 retries after Retry-After', async () => {
    const network = stubNetwork(false);
    const q = makeQueue<{ url: string }, string>();
    const offline = await q.add('upload', { url: refused }, { attempts: 1 });
    const missing = await q.add('upload', { url: `${base}/missing` }, { attempts: 3 });
    const busy = await q.add('upload', { url: `${base}/busy-once` }, { attempts: 2, backoff: 10 });
    const postponed = new Promise<void>((resolve) => q.on('delayed', (job) => job.id === offline.id && resolve()));
    await q.process('upload', async (job, signal) => {
      // The offline job's server comes back once the network does.
      const url = job.id === offline.id && network.navigator.onLine ? `${base}/ok` : job.data.url;
      return (await jobFetch(url, { signal })).text();
    });

    await postponed;
    expect((await offline.history()).at(-1)).toMatchObject({ type: 'postponed' });
    network.online();
    await offline.promote();
    expect(await offline.finished()).toBe('stored');
    expect(await q.getJob(offline.id)).toMatchObject({ attemptsMade: 0 });

    await expect(missing.finished()).rejects.toMatchObject({ failedReason: expect.stringContaining('HTTP 404') });
    expect(await q.getJob(missing.id)).toMatchObject({ attemptsMade: 1 });

    expect(await busy.finished()).toBe('stored');
    const failed = (await busy.history()).find((e) => e.type === 'failed')!;
    expect(failed.payload).toMatchObject({ retryDelay: 1_000 });
  });
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
