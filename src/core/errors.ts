// The few errors jobtrail throws. Each has a stable `code`; messages name the value at fault.

export type ErrorCode =
  | 'ERR_INVALID_OPTION'
  | 'ERR_NOT_CLONEABLE'
  | 'ERR_QUEUE_CLOSED'
  | 'ERR_REFUSED'
  | 'ERR_STALE_CLAIM'
  | 'ERR_NOT_FOUND'
  | 'ERR_QUOTA_EXCEEDED'
  | 'ERR_STORAGE'
  | 'ERR_JOB_FAILED'
  | 'ERR_TIMEOUT'
  | 'ERR_WORKER'
  | 'ERR_DATABASE_LOST'
  | 'ERR_UNRECOVERABLE'
  | 'ERR_RETRY_LATER'
  | 'ERR_HTTP';

/** Every runtime error of jobtrail (except option errors, which are `TypeError`s). */
export class JobtrailError extends Error {
  override name = 'JobtrailError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A bad option or argument. A `TypeError`, as a caller would expect. */
export class InvalidOptionError extends TypeError {
  override name = 'InvalidOptionError';
  readonly code = 'ERR_INVALID_OPTION' as const;
}

/** The rejection of `job.finished()` and of a failed attempt: carries the job's `failedReason`. */
export class JobFailedError extends JobtrailError {
  override name = 'JobFailedError';
  constructor(
    readonly jobId: string,
    readonly failedReason: string,
    readonly stacktrace: string[] = [],
  ) {
    super('ERR_JOB_FAILED', failedReason);
  }
}

/**
 * Throw it from a processor to fail the job now, whatever attempts are left (as in BullMQ).
 * @example throw new UnrecoverableError('the file was deleted');
 */
export class UnrecoverableError extends JobtrailError {
  override name = 'UnrecoverableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_UNRECOVERABLE', message, options);
  }
}

/**
 * Throw it from a processor to give the job back without using up an attempt, e.g. when the
 * network is down: the job waits `retryAfter` ms (default 1000), then runs again.
 * @example if (!navigator.onLine) throw new RetryLaterError('offline');
 */
export class RetryLaterError extends JobtrailError {
  override name = 'RetryLaterError';
  readonly retryAfter: number | undefined;
  constructor(message: string, options?: { retryAfter?: number; cause?: unknown }) {
    super('ERR_RETRY_LATER', message, options);
    this.retryAfter = options?.retryAfter;
  }
}

/**
 * What to do instead when a processor's return value cannot be stored (IndexedDB and workers clone
 * it): named after the value's kind when it is known, a fetch Response above all.
 */
export function returnValueHint(value?: unknown): string {
  const kind = typeof value === 'function' ? 'a function' : typeof value === 'object' && value !== null ? `a ${value.constructor?.name || 'value'}` : null;
  const what = kind === null ? 'it' : `it (${kind})`;
  const response = typeof Response !== 'undefined' && value instanceof Response;
  return (
    `Return plain data instead of ${what}: strings, numbers, plain objects and arrays, Blobs. ` +
    (response || kind === null
      ? 'For a fetch Response, return what you need of it: response.status, a header, or await response.text() / response.json().'
      : 'Keep only the fields you need.')
  );
}

/** The plain-data form of an error, for crossing worker and tab boundaries without losing fields. */
export interface ErrorData {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  /** Milliseconds to wait at least before the next attempt (RetryLaterError, HTTP Retry-After). */
  retryAfter?: number;
}

export function toErrorData(err: unknown): ErrorData {
  if (err instanceof Error) {
    const data: ErrorData = { name: err.name, message: err.message };
    if (err.stack) data.stack = err.stack;
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') data.code = code;
    const retryAfter = (err as { retryAfter?: unknown }).retryAfter;
    if (typeof retryAfter === 'number' && Number.isFinite(retryAfter)) data.retryAfter = retryAfter;
    return data;
  }
  return { name: 'Error', message: typeof err === 'string' ? err : safeString(err) };
}

export function fromErrorData(data: ErrorData): Error {
  const err = new Error(data.message);
  err.name = data.name;
  if (data.stack) err.stack = data.stack;
  if (data.code) (err as Error & { code?: string }).code = data.code;
  if (data.retryAfter !== undefined) (err as Error & { retryAfter?: number }).retryAfter = data.retryAfter;
  return err;
}

/** Turn whatever IndexedDB threw into an error that says what happened. */
export function storageError(err: unknown, doing: string): Error {
  if (err instanceof JobtrailError || err instanceof TypeError) return err;
  const name = (err as { name?: string } | null)?.name;
  if (name === 'QuotaExceededError') {
    return new JobtrailError('ERR_QUOTA_EXCEEDED', `Storage quota exceeded while ${doing}; nothing was written`, { cause: err });
  }
  if (name === 'DataCloneError') {
    return new JobtrailError('ERR_NOT_CLONEABLE', `Job data is not cloneable (${(err as Error).message}); nothing was written`, { cause: err });
  }
  const message = err instanceof Error ? err.message : safeString(err);
  return new JobtrailError('ERR_STORAGE', `IndexedDB failed while ${doing}: ${message || name || 'transaction aborted'}`, { cause: err });
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
