// The upload queue, as every part of the demo opens it: the page, its Web Workers' host and the
// service worker all use these names and settings, so they share one queue. It holds three kinds of
// job: `upload` (a small file, in one job), and for a large file a flow: one `part` job per part,
// children of one `complete` job that runs once every part is uploaded.
import { Queue, type FlowJob, type JobOptions } from 'jobtrail';

export const QUEUE_NAME = 'uploads';

/** Files larger than this go up as a flow of parts (S3-style multipart), not in one job. */
export const LARGE_FILE_BYTES = 5 * 1024 * 1024;
/** The size of each part of a large file: a 20 MiB file has 8. */
export const PART_BYTES = 2.5 * 1024 * 1024;

/** A small file's job data: the file itself (a Blob in IndexedDB) and what the server needs to resume it. */
export interface UploadData {
  file: Blob;
  name: string;
  size: number;
  /** The server's name for this upload, chosen once when the job is added: every attempt resumes it. */
  uploadId: string;
}

/** A part's job data: its bytes, and where they go. */
export interface PartData {
  /** This part's bytes (a slice of the file). */
  file: Blob;
  /** The file's name and size, and the multipart upload's id on the server. */
  name: string;
  fileSize: number;
  uploadId: string;
  /** 1-based, as S3 numbers parts. */
  part: number;
  parts: number;
}

/** The finishing job's data: what the server needs to assemble the parts. */
export interface CompleteData {
  name: string;
  size: number;
  uploadId: string;
  parts: number;
}

export type UploadJobData = UploadData | PartData | CompleteData;

/** A file's result (an `upload` or a `complete` job). */
export interface UploadResult {
  uploadId: string;
  bytes: number;
  /** The SHA-256 of what the server received, as the server computed it. */
  sha256: string;
  /** Who did the upload (who completed it, for a file in parts): a tab's Web Worker or the service worker. */
  by: string;
  /** For a file uploaded in parts: how many. */
  parts?: number;
}

/** A part's result: what the "complete" call lists (S3's ETag). */
export interface PartResult {
  part: number;
  etag: string;
  bytes: number;
  by: string;
}

export type UploadJobResult = UploadResult | PartResult;

export const UPLOAD_OPTIONS: JobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
};

export function openUploadQueue(): Queue<UploadJobData, UploadJobResult> {
  return new Queue<UploadJobData, UploadJobResult>(QUEUE_NAME, {
    settings: {
      // Offline, claim nothing: the jobs wait without using up attempts.
      holdWhileOffline: true,
      // An interrupted upload costs little (it resumes from the server's offset), and closing the
      // tab that was uploading is part of the demo: let a job survive a few such interruptions.
      maxStalledCount: 3,
    },
  });
}

export function uploadJobData(file: Blob, name: string): UploadData {
  return { file, name, size: file.size, uploadId: crypto.randomUUID() };
}

/**
 * A large file as a flow: a `complete` job whose children are its parts. Each part is retried and
 * resumed on its own; a part that fails for good fails the file (`failParentOnFailure`).
 */
export function largeUploadFlow(file: Blob, name: string): FlowJob {
  const uploadId = crypto.randomUUID();
  const parts = Math.max(1, Math.ceil(file.size / PART_BYTES));
  return {
    name: 'complete',
    queueName: QUEUE_NAME,
    data: { name, size: file.size, uploadId, parts } satisfies CompleteData,
    opts: UPLOAD_OPTIONS,
    children: Array.from({ length: parts }, (_, k) => ({
      name: 'part',
      queueName: QUEUE_NAME,
      data: { file: file.slice(k * PART_BYTES, (k + 1) * PART_BYTES), name, fileSize: file.size, uploadId, part: k + 1, parts } satisfies PartData,
      opts: { ...UPLOAD_OPTIONS, failParentOnFailure: true },
    })),
  };
}
