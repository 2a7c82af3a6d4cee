// `GET /jobs/:id/events`: one job's Server-Sent Events. The first event is the job as it is now
// (so a client that reconnects after the job finished still gets the outcome), then the log lines
// the client lacks, then live events from the queue's shared QueueEvents until the job finishes.
// BullMQ has no event for log lines, so they are read whenever an event for the job arrives and on
// every poll; the poll also re-reads the job, so an event missed while QueueEvents (re)connects
// only delays the stream by one poll — and before an outcome the job's last progress and lines are
// read, as no poll comes after it. Steps run one at a time, in order.
import type { Queue } from 'bullmq';
import { isFinished, jobStatus, readServerJob } from './job-status.js';
import type { BridgeEventName, BridgeEvents, ServerProgress } from './protocol.js';
import type { QueueWatch, WatchedEvent } from './queue-watch.js';

export interface JobStreamOptions {
  queue: Queue;
  watch: QueueWatch;
  jobId: string;
  browser: { queue: string; id: string };
  /** Log lines the client has (its Last-Event-ID). */
  cursor: number;
  pollMs: number;
  heartbeatMs: number;
  onError: (error: unknown) => void;
  /** Called with a function that ends the stream (the bridge closing); returns an untrack function. */
  track: (end: () => void) => () => void;
}

const REMOVED = 'The job was removed on the server';

export function jobEventStream(options: JobStreamOptions): Response {
  const { queue, jobId } = options;
  const encoder = new TextEncoder();
  let cursor = options.cursor;
  let lastProgress: string | undefined;
  let ended = false;
  let chain = Promise.resolve();
  let stop = () => {};

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        if (!ended) controller.enqueue(encoder.encode(text));
      };
      const send = <E extends BridgeEventName>(event: E, data: BridgeEvents[E]) => write(`id: ${cursor}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      const end = () => {
        if (ended) return;
        ended = true;
        stop();
        controller.close();
      };
      const step = (work: () => Promise<void> | void) => {
        chain = chain
          .then(() => (ended ? undefined : work()))
          .catch((err) => {
            options.onError(err);
            end(); // the client reconnects, here or to another bridge
          });
      };

      const sendLines = (lines: string[]) => {
        for (const line of lines) {
          cursor++;
          send('log', { index: cursor - 1, line });
        }
      };
      const sendLogs = async () => sendLines((await queue.getJobLogs(jobId, cursor, -1, true)).logs);
      const sendProgress = (progress: ServerProgress) => {
        const json = JSON.stringify(progress);
        if (json === lastProgress) return;
        lastProgress = json;
        send('progress', { progress });
      };
      // Before the outcome: the job's last progress and log lines, read from Redis. The progress
      // events may have been missed (a QueueEvents that is still connecting drops them), and the
      // poll that would catch up is not coming after the outcome. A job the server already removed
      // (removeOnComplete) has nothing left to read.
      const sendLast = async () => {
        const job = await queue.getJob(jobId);
        if (job) sendProgress(job.progress);
        await sendLogs();
      };
      const removed = () => {
        send('failed', { failedReason: REMOVED });
        end();
      };
      /** Read the job: send the new log lines, and its state (when `withState`) or new progress; end when finished. */
      const refresh = async (withState: boolean) => {
        const found = await readServerJob(queue, jobId);
        if (!found) return removed();
        const { logs, count } = await queue.getJobLogs(jobId, cursor, -1, true);
        if (withState) {
          lastProgress = JSON.stringify(found.job.progress);
          send('state', jobStatus(found, options.browser, count));
        }
        sendLines(logs);
        if (!withState) sendProgress(found.job.progress);
        if (found.state === 'completed') send('completed', { returnvalue: found.job.returnvalue ?? null });
        else if (found.state === 'failed') send('failed', { failedReason: found.job.failedReason });
        if (isFinished(found.state)) end();
      };
      const onEvent = async (event: WatchedEvent) => {
        switch (event.type) {
          case 'active':
            return send('active', {});
          case 'progress':
            await sendLogs();
            return sendProgress(event.progress);
          case 'completed':
            await sendLast();
            send('completed', { returnvalue: event.returnvalue ?? null });
            return end();
          case 'failed':
            await sendLast();
            send('failed', { failedReason: event.failedReason });
            return end();
          case 'removed':
            return removed();
          default:
            return refresh(true); // waiting or delayed: a failed attempt is retried, or a stalled job requeued
        }
      };

      // Watch first, then read: whatever happens after the read arrives as an event.
      const unwatch = options.watch.watch(jobId, (event) => step(() => onEvent(event)));
      const poll = setInterval(() => step(() => refresh(false)), options.pollMs);
      const heartbeat = setInterval(() => write(': ping\n\n'), options.heartbeatMs);
      const untrack = options.track(end);
      stop = () => {
        unwatch();
        clearInterval(poll);
        clearInterval(heartbeat);
        untrack();
      };
      write('retry: 1000\n\n');
      step(() => refresh(true));
    },
    cancel() {
      ended = true;
      stop();
    },
  });

  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    },
  });
}
