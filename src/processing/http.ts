// What an HTTP failure means for a job: the pattern offline-first uploads need, in one place.
// 5xx, 408, 425 and 429 are worth retrying (after Retry-After, if the server sent one); other 4xx
// will not get better, so they fail the job now; a network error while offline does not use up
// an attempt at all.
import { JobtrailError, RetryLaterError, UnrecoverableError } from '../core/errors.js';

/** An HTTP response that failed the attempt. `retryAfter` is in ms. */
export class HttpError extends JobtrailError {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfter: number | undefined,
  ) {
    super('ERR_HTTP', message);
  }
}

const RETRYABLE = new Set([408, 425, 429]);

/**
 * The error a response with this status should fail the attempt with, or null for success.
 * Retryable statuses give an `HttpError` (the attempt counts, the wait is at least Retry-After);
 * other client errors give an `UnrecoverableError` (no more attempts).
 */
export function errorForStatus(status: number, statusText = '', retryAfterHeader: string | null = null, now = Date.now()): Error | null {
  if (status < 400) return null;
  const text = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  if (RETRYABLE.has(status) || (status >= 500 && status !== 501 && status !== 505)) {
    return new HttpError(status, text, parseRetryAfter(retryAfterHeader, now));
  }
  return new UnrecoverableError(`${text} (not retried: a client error will not change by trying again)`);
}

/**
 * `fetch`, with failures turned into the errors jobtrail retries correctly: see `errorForStatus`;
 * a network error while `navigator.onLine` is false becomes a `RetryLaterError`.
 * @example
 * queue.process('upload', async (job, signal) => {
 *   const response = await jobFetch('/upload', { method: 'POST', body: job.data.file, signal });
 *   return response.status; // a result is stored: what you need of the Response, not the Response
 * });
 */
export async function jobFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(input, init);
  } catch (err) {
    // An aborted request was stopped by its caller (timeout, removal), whatever the abort reason is.
    const aborted = init?.signal?.aborted || (input instanceof Request && input.signal.aborted);
    if (!aborted && (err as Error).name !== 'AbortError' && typeof navigator !== 'undefined' && navigator.onLine === false) {
      throw new RetryLaterError('Network unavailable (offline)', { cause: err });
    }
    throw err;
  }
  const error = errorForStatus(response.status, response.statusText, response.headers.get('Retry-After'));
  if (error) throw error;
  return response;
}

/** Retry-After is delta-seconds or an HTTP date; returns milliseconds from `now`. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Every HTTP-date form names a day or month; without a letter, Date.parse would guess ('-5', '1.5').
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
