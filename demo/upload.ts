// The uploads themselves, shared by the tabs' Web Workers and the service worker. A file (or a part
// of a large one) goes up in chunks; each answer says how many bytes the server holds, which drives
// the progress bar and lets the next attempt resume there instead of starting over. A large file's
// `complete` job then lists its parts, with the ETags their jobs returned, to the server.
//
// What a failure means is decided by jobtrail's `jobFetch` (see src/processing/http.ts): a 5xx answer fails
// the attempt and the queue retries it with exponential backoff; a 4xx answer fails the job for
// good; a network error while offline gives the job back without using up an attempt. Going
// offline in the middle of an upload does the same.
import { jobFetch, RetryLaterError } from 'jobtrail';
import { PART_BYTES, type CompleteData, type PartData, type PartResult, type UploadData, type UploadJobData, type UploadJobResult, type UploadResult } from './uploads';

/** Bytes per request: small enough for a smooth progress bar, large enough to be cheap. */
export const CHUNK_BYTES = 256 * 1024;

/** What an upload needs of a job: the in-thread `Job` and the worker-side `WorkerJob` both fit. */
export interface UploadJob {
  readonly id: string;
  readonly name: string;
  readonly data: UploadJobData;
  readonly attemptsMade: number;
  readonly opts: { attempts: number };
  updateProgress(progress: number): Promise<void>;
  log(line: string): Promise<number>;
  getChildrenValues<ChildResult = unknown>(): Promise<Record<string, ChildResult>>;
}

/** Run a job of the uploads queue, whichever kind it is. */
export function runUploadJob(job: UploadJob, signal: AbortSignal, by: string): Promise<UploadJobResult> {
  switch (job.name) {
    case 'part':
      return uploadPart(job, signal, by);
    case 'complete':
      return completeUpload(job, signal, by);
    default:
      return upload(job, signal, by);
  }
}

/** A small file, in one job. */
export async function upload(job: UploadJob, signal: AbortSignal, by: string): Promise<UploadResult> {
  const { file, name, size, uploadId } = job.data as UploadData;
  return whileOnline(signal, async (requestSignal) => {
    const url = `/api/uploads/${encodeURIComponent(uploadId)}`;
    let { received } = (await (await jobFetch(url, { signal: requestSignal, cache: 'no-store' })).json()) as { received: number };
    await job.log(
      `${by}: attempt ${job.attemptsMade + 1} of ${job.opts.attempts}, ` +
        (received > 0 ? `resuming at byte ${received} of ${size}` : `uploading ${size} bytes`),
    );
    let sha256: string | null = null;
    // At least one request, so that an empty file is uploaded too.
    do {
      const query = new URLSearchParams({ offset: String(received), size: String(size), name });
      const response = await putChunk(`${url}?${query}`, file.slice(received, received + CHUNK_BYTES), requestSignal);
      ({ received, sha256 } = (await response.json()) as { received: number; sha256: string | null });
      await job.updateProgress(size === 0 ? 100 : Math.floor((received / size) * 100));
    } while (received < size);
    if (sha256 === null) throw new Error(`The server holds all ${size} bytes of ${name} but sent no checksum`);
    return { uploadId, bytes: size, sha256, by };
  });
}

/** One part of a large file: resumed from what the server holds of it, its ETag returned. */
export async function uploadPart(job: UploadJob, signal: AbortSignal, by: string): Promise<PartResult> {
  const { file, name, fileSize, uploadId, part, parts } = job.data as PartData;
  return whileOnline(signal, async (requestSignal) => {
    const url = `/api/multipart/${encodeURIComponent(uploadId)}`;
    // Creating the multipart upload again is harmless: every part's first request does it.
    await jobFetch(url, {
      method: 'POST',
      body: JSON.stringify({ name, size: fileSize, partBytes: PART_BYTES }),
      headers: { 'Content-Type': 'application/json' },
      signal: requestSignal,
    });
    let { received } = (await (await jobFetch(`${url}/parts/${part}`, { signal: requestSignal, cache: 'no-store' })).json()) as { received: number };
    await job.log(
      `${by}: part ${part} of ${parts}, attempt ${job.attemptsMade + 1} of ${job.opts.attempts}, ` +
        (received > 0 ? `resuming at byte ${received} of ${file.size}` : `uploading ${file.size} bytes`),
    );
    let etag: string | null = null;
    do {
      const response = await putChunk(`${url}/parts/${part}?offset=${received}`, file.slice(received, received + CHUNK_BYTES), requestSignal);
      ({ received, etag } = (await response.json()) as { received: number; etag: string | null });
      await job.updateProgress(Math.floor((received / file.size) * 100));
    } while (received < file.size);
    if (etag === null) throw new Error(`The server holds all of part ${part} of ${name} but sent no ETag`);
    return { part, etag, bytes: file.size, by };
  });
}

/** A large file's last step: every part is uploaded; the server checks them and assembles the file. */
export async function completeUpload(job: UploadJob, signal: AbortSignal, by: string): Promise<UploadResult> {
  const { name, size, uploadId, parts } = job.data as CompleteData;
  const values = Object.values(await job.getChildrenValues<PartResult>()).sort((a, b) => a.part - b.part);
  await job.log(`${by}: completing ${name} from ${values.length} of ${parts} parts`);
  return whileOnline(signal, async (requestSignal) => {
    const response = await jobFetch(`/api/multipart/${encodeURIComponent(uploadId)}/complete`, {
      method: 'POST',
      body: JSON.stringify({ parts: values.map(({ part, etag }) => ({ part, etag })) }),
      headers: { 'Content-Type': 'application/json' },
      signal: requestSignal,
    });
    const { sha256 } = (await response.json()) as { bytes: number; sha256: string };
    await job.updateProgress(100);
    return { uploadId, bytes: size, sha256, by, parts };
  });
}

function putChunk(url: string, body: Blob, signal: AbortSignal): Promise<Response> {
  return jobFetch(url, { method: 'PUT', body, headers: { 'Content-Type': 'application/octet-stream' }, signal });
}

/**
 * Run `work` with a signal that also aborts when the browser goes offline: the job is then given
 * back (RetryLaterError) without using an attempt, and resumes when the connection returns.
 */
async function whileOnline<T>(signal: AbortSignal, work: (requestSignal: AbortSignal) => Promise<T>): Promise<T> {
  if (!navigator.onLine) throw new RetryLaterError('Offline: the upload waits for the network');
  const offline = new AbortController();
  const onOffline = () => offline.abort(new RetryLaterError('Went offline during the upload: it resumes when the connection returns'));
  globalThis.addEventListener('offline', onOffline);
  try {
    return await work(AbortSignal.any([signal, offline.signal]));
  } catch (err) {
    if (offline.signal.aborted && !signal.aborted) throw offline.signal.reason;
    throw err;
  } finally {
    globalThis.removeEventListener('offline', onOffline);
  }
}
