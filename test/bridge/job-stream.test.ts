// The event stream of one job, driven by hand: the QueueEvents of the bridge is replaced by a watch
// that delivers only what the test says, so an event BullMQ published but the watch never got
// (a QueueEvents still connecting drops them) can be left out on purpose.
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { jobEventStream } from '../../src/bridge/job-stream.js';
import type { QueueWatch, WatchedEvent } from '../../src/bridge/queue-watch.js';
import { startRedis, type TestRedis } from './support/redis.js';

let redis: TestRedis;
let queue: Queue;

beforeAll(async () => {
  redis = await startRedis();
  queue = new Queue('stream', { connection: redis.connection });
});

afterAll(async () => {
  await queue?.close();
  await redis?.stop();
});

/** A watch that hands the stream's watcher to the test instead of listening to Redis. */
function handWatch() {
  let deliver: (event: WatchedEvent) => void = () => {
    throw new Error('the stream has not started watching');
  };
  const watch = { watch: (_jobId: string, watcher: (event: WatchedEvent) => void) => ((deliver = watcher), () => {}) };
  return { watch: watch as unknown as QueueWatch, deliver: (event: WatchedEvent) => deliver(event) };
}

/** The stream's events, by name and data, until it ends. */
async function eventsOf(response: Response): Promise<{ event: string; data: unknown }[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .map((block) => ({ event: /^event: (.*)$/m.exec(block)?.[1], data: /^data: (.*)$/m.exec(block)?.[1] }))
    .filter((e): e is { event: string; data: string } => e.event !== undefined && e.data !== undefined)
    .map(({ event, data }) => ({ event, data: JSON.parse(data) as unknown }));
}

it('sends the last progress before the outcome even when no progress event reached it', async () => {
  const job = await queue.add('echo', { n: 1 }, { jobId: 'missed-progress' });
  const { watch, deliver } = handWatch();
  const response = jobEventStream({
    queue,
    watch,
    jobId: job.id!,
    browser: { queue: 'uploads', id: '1' },
    cursor: 0,
    pollMs: 60_000, // no poll in this test: only the outcome can carry the progress
    heartbeatMs: 60_000,
    onError: (err) => {
      throw err;
    },
    track: () => () => {},
  });
  const events = eventsOf(response);
  // The first read (the `state` event) sees the job waiting, at progress 0. Then the job runs to
  // 100 and logs a line, but only its outcome is delivered to the stream.
  await new Promise((resolve) => setTimeout(resolve, 200));
  await job.updateProgress(100);
  await queue.addJobLog(job.id!, 'done');
  deliver({ type: 'completed', returnvalue: { ok: true } });
  const seen = await events;
  expect(seen.map((e) => e.event)).toEqual(['state', 'progress', 'log', 'completed']);
  expect(seen[0]!.data).toMatchObject({ state: 'waiting', progress: 0 });
  expect(seen[1]!.data).toEqual({ progress: 100 });
  expect(seen[3]!.data).toEqual({ returnvalue: { ok: true } });
});
