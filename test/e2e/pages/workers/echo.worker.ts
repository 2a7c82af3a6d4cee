// A well-behaved worker processor: reports the progress and log lines the job asks for, and
// returns what it saw of the job, so tests can check what crossed the boundary.
import { exposeProcessor } from 'jobtrail/worker';

/** Tells one worker of the pool from another. */
const workerId = crypto.randomUUID();

export interface EchoData {
  logs?: string[];
  progress?: (number | object)[];
  /** Delivered by structured clone: must arrive as a Blob, not as `{}`. */
  blob?: Blob;
  /** Milliseconds to wait before answering (to keep several workers busy at once). */
  wait?: number;
}

exposeProcessor<EchoData>(async (job) => {
  for (const line of job.data.logs ?? []) await job.log(line);
  for (const value of job.data.progress ?? []) await job.updateProgress(value);
  if (job.data.wait) await new Promise((resolve) => setTimeout(resolve, job.data.wait));
  const { blob } = job.data;
  return {
    workerId,
    inWorker: typeof document === 'undefined' && 'WorkerGlobalScope' in globalThis,
    id: job.id,
    name: job.name,
    attemptsMade: job.attemptsMade,
    progress: job.progress,
    json: { ...job.toJSON(), data: null },
    blob: blob === undefined ? null : { isBlob: blob instanceof Blob, type: blob.type, text: await blob.text() },
    // In a flow: the parent, and a parent's children's results (read through the queue).
    parent: job.parent ?? null,
    children: await job.getChildrenValues(),
    ignored: await job.getIgnoredChildrenFailures(),
  };
});
