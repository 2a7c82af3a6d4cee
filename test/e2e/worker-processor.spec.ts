// Processors in module Web Workers (comlink): results, progress and logs in the log, errors with
// their stack, timeouts that terminate the worker, crashes, and data that is not JSON.
import { expect, test } from './fixtures';

test('a worker processor returns the result, and its progress and logs become events in the log', async ({ openTab }) => {
  const page = await openTab();
  const out = await page.evaluate(async () => {
    const queue = window.openQueue('worker-result');
    const progressEvents: unknown[] = [];
    queue.on('progress', (_job, progress) => progressEvents.push(progress));
    await queue.process(window.workers.echo);
    const job = await queue.add('echo', { logs: ['reading', 'writing'], progress: [50, { step: 'done' }] });
    const result = await job.finished();
    const history = await job.history();
    const logs = await queue.getJobLogs(job.id);
    const stored = await queue.getJob(job.id);
    return { result, types: history.map((e) => e.type), logs, progressEvents, progress: stored!.progress, returnvalue: stored!.returnvalue };
  });
  expect(out.result.inWorker).toBe(true);
  expect(out.result).toMatchObject({ id: '1', name: 'echo', attemptsMade: 0, progress: { step: 'done' } });
  // The job inside the worker offers Bull's toJSON() shape.
  expect(Object.keys(out.result.json)).toEqual([
    'id', 'name', 'data', 'opts', 'progress', 'delay', 'timestamp', 'attemptsMade',
    'failedReason', 'stacktrace', 'returnvalue', 'finishedOn', 'processedOn',
  ]);
  expect(out.types).toEqual(['added', 'active', 'log', 'log', 'progress', 'progress', 'completed']);
  expect(out.logs).toEqual({ logs: ['reading', 'writing'], count: 2 });
  expect(out.progressEvents).toEqual([50, { step: 'done' }]);
  expect(out.progress).toEqual({ step: 'done' });
  expect(out.returnvalue).toEqual(out.result);
});

test('the script URL form runs module workers, a pool of up to `concurrency` of them', async ({ openTab }) => {
  const page = await openTab();
  const out = await page.evaluate(async () => {
    const queue = window.openQueue('worker-url');
    let active = 0;
    let mostActive = 0;
    queue.on('active', () => (mostActive = Math.max(mostActive, ++active)));
    queue.on('completed', () => active--);
    await queue.process(2, window.workerUrls.echo);
    const jobs = await queue.addBulk(Array.from({ length: 6 }, () => ({ data: { wait: 100 } })));
    const results = await Promise.all(jobs.map((job) => job.finished()));
    return { workers: new Set(results.map((r) => r.workerId)).size, mostActive, inWorker: results.every((r) => r.inWorker) };
  });
  expect(out.inWorker).toBe(true);
  expect(out.mostActive).toBe(2);
  // Workers are reused between attempts, never more of them than the concurrency.
  expect(out.workers).toBe(2);
});

test('Blob data reaches the worker by structured clone, not as JSON', async ({ openTab }) => {
  const page = await openTab();
  const blob = await page.evaluate(async () => {
    const queue = window.openQueue('worker-blob');
    await queue.process(window.workers.echo);
    const job = await queue.add({ blob: new Blob(['hello from the tab'], { type: 'text/plain' }) });
    return (await job.finished()).blob;
  });
  expect(blob).toEqual({ isBlob: true, type: 'text/plain', text: 'hello from the tab' });
});

test('an error thrown in the worker fails the attempt with its message, stack and code', async ({ openTab }) => {
  const page = await openTab();
  const out = await page.evaluate(async () => {
    const queue = window.openQueue('worker-throw');
    const failures: { name: string; message: string }[] = [];
    queue.on('failed', (_job, err) => failures.push({ name: err.name, message: err.message }));
    await queue.process(window.workers.misbehave);
    const thrown = await queue.add({ do: 'throw', value: 42 });
    const failedReason = await thrown.finished().catch((err: Error) => err.message);
    // UnrecoverableError's `code` must survive the trip, or the job would be retried.
    const unrecoverable = await queue.add({ do: 'unrecoverable' }, { attempts: 3 });
    await unrecoverable.finished().catch(() => {});
    const [a, b] = await Promise.all([queue.getJob(thrown.id), queue.getJob(unrecoverable.id)]);
    return { failedReason, failures, stacktrace: a!.stacktrace, unrecoverable: { attemptsMade: b!.attemptsMade, state: await b!.getState() } };
  });
  expect(out.failedReason).toBe('bad input 42');
  expect(out.failures[0]).toEqual({ name: 'TypeError', message: 'bad input 42' });
  expect(out.stacktrace).toHaveLength(1);
  // The worker's own stack: it names the worker script, not the queue's code.
  expect(out.stacktrace![0]).toMatch(/^TypeError: bad input 42\n\s+at .*misbehave\.worker\.ts/);
  expect(out.unrecoverable).toEqual({ attemptsMade: 1, state: 'failed' });
});

test("Bull's job.progress(n) in a worker fails the attempt with a message naming updateProgress", async ({ openTab }) => {
  const page = await openTab();
  const failedReason = await page.evaluate(async () => {
    const queue = window.openQueue('worker-bull-progress');
    await queue.process(window.workers.misbehave);
    const job = await queue.add({ do: 'bull-progress' });
    return job.finished().catch((err: Error) => err.message);
  });
  expect(failedReason).toMatch(/progress is not a function: .*await job\.updateProgress\(value\)/);
});

test('a worker processor that returns a fetch Response fails with a message saying what to return instead', async ({ openTab }) => {
  const page = await openTab();
  const failedReason = await page.evaluate(async () => {
    const queue = window.openQueue('worker-response');
    await queue.process(window.workers.misbehave);
    return (await queue.add({ do: 'response' })).finished().catch((err: Error) => err.message);
  });
  expect(failedReason).toMatch(/cannot be cloned back to the queue\. Return plain data instead of it: .*For a fetch Response, return what you need of it/);
});

test('a timeout terminates a worker stuck in a loop, and the next job runs on a fresh worker', async ({ openTab }) => {
  const page = await openTab();
  const out = await page.evaluate(async () => {
    const queue = window.openQueue('worker-timeout');
    await queue.process(1, window.workers.misbehave);
    const before = await (await queue.add({ do: 'answer' })).finished();
    const stuck = await queue.add({ do: 'loop', lock: 'worker-timeout-loop' }, { timeout: 500 });
    const failedReason = await stuck.finished().catch((err: Error) => err.message);
    // The looping worker holds this lock until it dies: getting it proves the worker is gone.
    const released = await navigator.locks.request('worker-timeout-loop', async () => true);
    const after = await (await queue.add({ do: 'answer' })).finished();
    return { failedReason, released, before: before.workerId, after: after.workerId };
  });
  expect(out.failedReason).toBe('Job 2 timed out after 500 ms');
  expect(out.released).toBe(true);
  // Concurrency 1: the next job could only run because the stuck worker was replaced.
  expect(out.after).not.toBe(out.before);
});

test('a worker that crashes fails its attempt and is replaced; one that cannot load fails its job', async ({ openTab }) => {
  const page = await openTab();
  const out = await page.evaluate(async () => {
    const queue = window.openQueue('worker-crash');
    await queue.process(1, window.workers.misbehave);
    const before = await (await queue.add({ do: 'answer' })).finished();
    const crashed = await queue.add({ do: 'crash' }, { attempts: 2 });
    const crashReason = await crashed.finished().catch((err: Error) => err.message);
    const crashedJob = await queue.getJob(crashed.id);
    const after = await (await queue.add({ do: 'answer' })).finished();

    const missing = window.openQueue('worker-missing');
    await missing.process(new URL('/workers/no-such.worker.js', location.href));
    const loadReason = await (await missing.add({})).finished().catch((err: Error) => err.message);
    return { crashReason, attemptsMade: crashedJob!.attemptsMade, stack: crashedJob!.stacktrace![0], before: before.workerId, after: after.workerId, loadReason };
  });
  expect(out.crashReason).toMatch(/^The worker processor .* crashed: Uncaught Error: worker crashed on purpose$/);
  // Both attempts ran (each on a fresh worker) and failed.
  expect(out.attemptsMade).toBe(2);
  expect(out.stack).toMatch(/at \S*misbehave\.worker\.ts\S*:\d+:\d+$/);
  expect(out.after).not.toBe(out.before);
  expect(out.loadReason).toMatch(/no-such\.worker\.js failed to load/);
});

test('removing a running job, and a forced close, terminate the worker running it', async ({ openTab }) => {
  const page = await openTab();
  const out = await page.evaluate(async () => {
    const queue = window.openQueue('worker-abort');
    await queue.process(1, window.workers.misbehave);
    // The hanging worker holds the lock until it dies: getting it proves the worker is gone.
    const started = (lock: string) => navigator.locks.query().then(({ held = [] }) => held.some((l) => l.name === lock));
    const whenHeld = async (lock: string) => {
      while (!(await started(lock))) await new Promise((resolve) => setTimeout(resolve, 20));
    };

    await queue.add({ do: 'hang', lock: 'worker-abort-removed' });
    await whenHeld('worker-abort-removed');
    await queue.obliterate({ force: true });
    const removedReleased = await navigator.locks.request('worker-abort-removed', async () => true);
    const next = await (await queue.add({ do: 'answer' })).finished();

    await queue.add({ do: 'hang', lock: 'worker-abort-closed' });
    await whenHeld('worker-abort-closed');
    await queue.close({ force: true });
    const closedReleased = await navigator.locks.request('worker-abort-closed', async () => true);
    return { removedReleased, next: typeof next.workerId, closedReleased };
  });
  expect(out).toEqual({ removedReleased: true, next: 'string', closedReleased: true });
});

test("a parent of a flow run in a worker reads its children's results there; a child knows its parent", async ({ openTab }) => {
  const page = await openTab();
  const out = await page.evaluate(async () => {
    const files = window.openQueue('worker-flow');
    await files.process('assemble', window.workers.echo);
    await files.process('part', window.workers.echo);
    const flows = new window.jobtrail.FlowProducer();
    const { job, children } = await flows.add({
      name: 'assemble',
      queueName: 'worker-flow',
      data: {},
      children: [{ name: 'part', queueName: 'worker-flow', data: { n: 1 } }, { name: 'part', queueName: 'worker-flow', data: { n: 2 } }],
    });
    const result = (await job.finished()) as any;
    const childResults = (await Promise.all(children!.map((c) => c.job.finished()))) as any[];
    await flows.close();
    return { parentId: job.id, childIds: children!.map((c) => c.job.id), result, childResults };
  });
  expect(out.result.inWorker).toBe(true);
  expect(out.result.parent).toBeNull();
  expect(Object.keys(out.result.children)).toEqual(out.childIds.map((id) => `worker-flow:${id}`));
  expect(Object.values(out.result.children).map((c: any) => c.id)).toEqual(out.childIds);
  expect(out.result.ignored).toEqual({});
  expect(out.childResults.map((r) => r.parent)).toEqual([
    { id: out.parentId, queueName: 'worker-flow' },
    { id: out.parentId, queueName: 'worker-flow' },
  ]);
});
