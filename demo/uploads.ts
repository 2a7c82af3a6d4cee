// The upload queue, as every part of the demo opens it: the page, its Web Workers' host and the
// service worker all use these names and settings, so they share one queue.
import { Queue, type JobOptions } from 'jobtrail';

export const QUEUE_NAME = 'uploads';

/** A job's data: the file itself (a Blob in IndexedDB) and what the server needs to resume it. */
export interface UploadData {
  file: Blob;
  name: string;
  size: number;
  /** The server's name for this upload, chosen once when the job is added: every attempt resumes it. */
  uploadId: string;
}

/** A job's result. */
export interface UploadResult {
  uploadId: string;
  bytes: number;
  /** The SHA-256 of what the server received, as the server computed it. */
  sha256: string;
  /** Who did the upload: a tab's Web Worker or the service worker. */
  by: string;
}

export const UPLOAD_OPTIONS: JobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
};

export function openUploadQueue(): Queue<UploadData, UploadResult> {
  return new Queue<UploadData, UploadResult>(QUEUE_NAME, {
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
