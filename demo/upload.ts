// The upload itself, shared by the tabs' Web Workers and the service worker. The file goes up in
// chunks; each answer says how many bytes the server holds, which drives the progress bar and
// lets the next attempt resume there instead of starting over.
//
// What a failure means is decided by jobtrail's `jobFetch` (see src/processing/http.ts): a 5xx answer fails
// the attempt and the queue retries it with exponential backoff; a 4xx answer fails the job for
// good; a network error while offline gives the job back without using up an attempt. Going
// offline in the middle of an upload does the same.
import { jobFetch, RetryLaterError } from 'jobtrail';
import type { UploadData, UploadResult } from './uploads';

/** Bytes per request: small enough for a smooth progress bar, large enough to be cheap. */
export const CHUNK_BYTES = 256 * 1024;

/** What the upload needs of a job: the in-thread `Job` and the worker-side `WorkerJob` both fit. */
export interface UploadJob {
  readonly id: string;
  readonly data: UploadData;
  readonly attemptsMade: number;
  readonly opts: { attempts: number };
  updateProgress(progress: number): Promise<void>;
  log(line: string): Promise<number>;
}

export async function upload(job: UploadJob, signal: AbortSignal, by: string): Promise<UploadResult> {
  const { file, name, size, uploadId } = job.data;
  if (!navigator.onLine) throw new RetryLaterError('Offline: the upload waits for the network');

  const offline = new AbortController();
  const onOffline = () => offline.abort(new RetryLaterError('Went offline during the upload: it resumes when the connection returns'));
  globalThis.addEventListener('offline', onOffline);
  const requestSignal = AbortSignal.any([signal, offline.signal]);
  const url = `/api/uploads/${encodeURIComponent(uploadId)}`;
  try {
    let { received } = (await (await jobFetch(url, { signal: requestSignal, cache: 'no-store' })).json()) as { received: number };
    await job.log(
      `${by}: attempt ${job.attemptsMade + 1} of ${job.opts.attempts}, ` +
        (received > 0 ? `resuming at byte ${received} of ${size}` : `uploading ${size} bytes`),
    );
    let sha256: string | null = null;
    // At least one request, so that an empty file is uploaded too.
    do {
      const query = new URLSearchParams({ offset: String(received), size: String(size), name });
      const response = await jobFetch(`${url}?${query}`, {
        method: 'PUT',
        body: file.slice(received, received + CHUNK_BYTES),
        headers: { 'Content-Type': 'application/octet-stream' },
        signal: requestSignal,
      });
      ({ received, sha256 } = (await response.json()) as { received: number; sha256: string | null });
      await job.updateProgress(size === 0 ? 100 : Math.floor((received / size) * 100));
    } while (received < size);
    if (sha256 === null) throw new Error(`The server holds all ${size} bytes of ${name} but sent no checksum`);
    return { uploadId, bytes: size, sha256, by };
  } catch (err) {
    if (offline.signal.aborted && !signal.aborted) throw offline.signal.reason;
    throw err;
  } finally {
    globalThis.removeEventListener('offline', onOffline);
  }
}
