// One queue, many tabs: pages of one browser context share the origin's IndexedDB,
// BroadcastChannel and Web Locks, as the tabs of a real browser do.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** The value of the promise at `window.state[key]`, or a failure if it takes more than `ms`. */
const within = (page: Page, ms: number, key: string) =>
  page.evaluate(
    ([ms, key]) =>
      Promise.race([
        window.state[key],
        new Promise((_, reject) => setTimeout(() => reject(new Error(`window.state.${key} did not settle within ${ms} ms`)), ms)),
      ]),
    [ms, key] as const,
  );

test('three tabs share 600 jobs: each completes exactly once, and the work is spread', async ({ openTab }) => {
  test.setTimeout(90_000);
  const tabs = [await openTab(), await openTab(), await openTab()];
  for (const tab of tabs) {
    await tab.evaluate(async () => {
      const queue = window.openQueue<{ n: number }, number>('shared');
      const processed: string[] = [];
      let running = 0;
      let mostRunning = 0;
      window.state = { queue, processed, mostRunning: () => mostRunning };
      await queue.process(4, async (job) => {
        processed.push(job.id);
        mostRunning = Math.max(mostRunning, ++running);
        // A little asynchronous work, as a real job would do, so attempts overlap.
        await new Promise((resolve) => setTimeout(resolve, 2));
        running--;
        return job.data.n * 2;
      });
    });
  }

  const results = await tabs[0]!.evaluate(async () => {
    const jobs = await window.state.queue.addBulk(Array.from({ length: 600 }, (_, n) => ({ data: { n } })));
    return Promise.all(jobs.map((job: any) => job.finished()));
  });
  expect(results).toEqual(Array.from({ length: 600 }, (_, n) => n * 2));

  const perTab = await Promise.all(tabs.map((tab) => tab.evaluate(() => ({ processed: window.state.processed as string[], mostRunning: window.state.mostRunning() as number }))));
  const all = perTab.flatMap((t) => t.processed);
  // Every job ran once in all (no tab ran a job another tab ran), and more than one tab worked.
  expect(all).toHaveLength(600);
  expect(new Set(all).size).toBe(600);
  expect(perTab.filter((t) => t.processed.length > 0).length).toBeGreaterThan(1);
  for (const t of perTab) expect(t.mostRunning).toBeLessThanOrEqual(4);

  // The log agrees: one claim and one `completed` event per job, none lost.
  const log = await tabs[1]!.evaluate(async () => {
    const queue = window.state.queue;
    const counts = await queue.getJobCounts();
    const completed = await queue.getCompleted();
    const histories = await Promise.all(completed.map(async (job: any) => ({ id: job.id, types: (await job.history()).map((e: any) => e.type) })));
    return { counts, histories };
  });
  expect(log.counts).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 600, failed: 0, 'waiting-children': 0 });
  expect(log.histories).toHaveLength(600);
  for (const { id, types } of log.histories) expect({ id, types }).toEqual({ id, types: ['added', 'active', 'completed'] });
});

test('global events reach a tab that did not process the job', async ({ openTab }) => {
  const [watcher, worker] = [await openTab(), await openTab()];
  await worker.evaluate(async () => {
    const queue = window.openQueue('global-events');
    await queue.process(async (job) => {
      await job.updateProgress(40);
      return { uploaded: job.data.file };
    });
  });
  const seen = await watcher.evaluate(async () => {
    const queue = window.openQueue('global-events');
    const events: unknown[][] = [];
    for (const name of ['global:active', 'global:progress'] as const) queue.on(name, (...args: unknown[]) => events.push([name, ...args]));
    const completed = new Promise((resolve) => queue.on('global:completed', (...args) => resolve(args)));
    await queue.add({ file: 'a.txt' });
    return { completed: await completed, events };
  });
  expect(seen.completed).toEqual(['1', { uploaded: 'a.txt' }]);
  expect(seen.events).toEqual([['global:active', '1'], ['global:progress', '1', 40]]);
});

test('finished() settles in a tab that did not process the job', async ({ openTab }) => {
  const [adder, worker] = [await openTab(), await openTab()];
  await worker.evaluate(async () => {
    const queue = window.openQueue('finished-elsewhere');
    await queue.process(async (job) => {
      if (job.data.fail) throw new Error('could not do it');
      return `did ${job.data.what}`;
    });
  });
  const out = await adder.evaluate(async () => {
    const queue = window.openQueue('finished-elsewhere');
    const ok = await queue.add({ what: 'the dishes' });
    const bad = await queue.add({ fail: true });
    return {
      ok: await ok.finished(),
      bad: await bad.finished().then(
        () => 'resolved',
        (err: Error & { failedReason?: string }) => `${err.name}: ${err.failedReason}`,
      ),
    };
  });
  expect(out).toEqual({ ok: 'did the dishes', bad: 'JobFailedError: could not do it' });
});

test('a tab closed mid-job gives the job back; another tab takes it at once and finishes it', async ({ openTab }) => {
  const [survivor, doomed] = [await openTab(), await openTab()];
  await doomed.evaluate(async () => {
    const queue = window.openQueue('handover');
    let started!: (id: string) => void;
    window.state.started = new Promise<string>((resolve) => (started = resolve));
    await queue.process(async (job) => {
      started(job.id);
      await new Promise(() => {}); // the tab dies before this job ends
    });
  });
  await survivor.evaluate(async () => {
    const queue = window.openQueue('handover');
    window.state.queue = queue;
    window.state.stalled = [];
    queue.on('stalled', (job) => window.state.stalled.push(job.id));
    window.state.job = await queue.add({ photo: 'cat.jpg' });
  });
  expect(await doomed.evaluate(() => window.state.started)).toBe('1');
  // The survivor processes too, but the job is held by the doomed tab.
  await survivor.evaluate(async () => {
    await window.state.queue.process(async () => 'finished by the survivor');
    window.state.finished = window.state.job.finished();
  });
  expect(await survivor.evaluate(() => window.state.queue.getJobCounts())).toMatchObject({ active: 1, completed: 0 });

  await doomed.close({ runBeforeUnload: false });
  // The doomed tab gave the job back on its way out (pagehide), and its Web Lock went with it: no
  // lease has to run out (stalledInterval is 30 s). (A tab that crashes stalls its job: reload.spec.ts.)
  expect(await within(survivor, 10_000, 'finished')).toBe('finished by the survivor');
  const out = await survivor.evaluate(async () => ({
    stalled: window.state.stalled,
    types: (await window.state.job.history()).map((e: any) => e.type),
  }));
  expect(out).toEqual({ stalled: [], types: ['added', 'active', 'released', 'active', 'completed'] });
});

test('pause in one tab holds processing in every tab until resume', async ({ openTab }) => {
  const [pauser, worker] = [await openTab(), await openTab()];
  await worker.evaluate(async () => {
    const queue = window.openQueue('paused-everywhere');
    window.state.queue = queue;
    window.state.processed = [];
    window.state.paused = new Promise<void>((resolve) => queue.once('global:paused', resolve));
    await queue.process(async (job) => {
      window.state.processed.push(job.id);
      return job.id;
    });
  });
  await pauser.evaluate(async () => {
    const queue = window.openQueue('paused-everywhere');
    window.state.queue = queue;
    await queue.process(async (job) => {
      throw new Error(`the pausing tab ran job ${job.id}`);
    });
    await queue.pause();
  });
  await worker.evaluate(() => window.state.paused);

  const held = await worker.evaluate(async () => {
    const queue = window.state.queue;
    await queue.addBulk([{ data: 1 }, { data: 2 }, { data: 3 }]);
    // Both tabs' processors were woken by the new jobs; give them time to (wrongly) claim one.
    await new Promise((resolve) => setTimeout(resolve, 500));
    return { counts: await queue.getJobCounts(), processed: [...window.state.processed], isPaused: await queue.isPaused() };
  });
  expect(held).toEqual({ counts: { waiting: 3, delayed: 0, active: 0, completed: 0, failed: 0, 'waiting-children': 0 }, processed: [], isPaused: true });

  // The worker tab resumes; the pausing tab's processor stops claiming so only one tab is checked.
  await pauser.evaluate(() => window.state.queue.close());
  const after = await worker.evaluate(async () => {
    const queue = window.state.queue;
    await queue.resume();
    const jobs = await queue.getJobs('waiting');
    await Promise.all(jobs.map((job: any) => job.finished()));
    return (window.state.processed as string[]).sort();
  });
  expect(after).toEqual(['1', '2', '3']);
});

test('a delayed job runs on time in whichever tab is still open', async ({ openTab }) => {
  const [adder, other] = [await openTab(), await openTab()];
  for (const tab of [adder, other]) {
    await tab.evaluate(async (who) => {
      const queue = window.openQueue('delayed-across-tabs');
      window.state.queue = queue;
      await queue.process(async () => `ran in the ${who} tab`);
    }, tab === adder ? 'adding' : 'other');
  }
  const added = await adder.evaluate(async () => {
    const job = await window.state.queue.add({ reminder: 'stretch' }, { delay: 1500 });
    return { id: job.id, state: await job.getState() };
  });
  expect(added).toEqual({ id: '1', state: 'delayed' });
  // The tab that added it (and set a timer for it) goes away before it is due.
  await adder.close({ runBeforeUnload: false });

  await other.evaluate(() => (window.state.finished = window.state.queue.getJob('1').then((job: any) => job.finished())));
  expect(await within(other, 10_000, 'finished')).toBe('ran in the other tab');
  const job = await other.evaluate(async () => (await window.state.queue.getJob('1')).toJSON());
  expect(job.processedOn - job.timestamp).toBeGreaterThanOrEqual(1500);
});

test('the rate limiter counts the jobs started by every tab', async ({ openTab }) => {
  const tabs = [await openTab(), await openTab(), await openTab()];
  for (const tab of tabs) {
    await tab.evaluate(async () => {
      // At most 2 starts per 500 ms window for the whole queue, whichever tabs start them.
      const queue = window.openQueue('limited', { limiter: { max: 2, duration: 500 } });
      window.state.queue = queue;
      await queue.process(2, async () => 'ok');
    });
  }
  const starts = await tabs[0]!.evaluate(async () => {
    const jobs = await window.state.queue.addBulk(Array.from({ length: 6 }, (_, n) => ({ data: n })));
    await Promise.all(jobs.map((job: any) => job.finished()));
    const done = await Promise.all(jobs.map((job: any) => window.state.queue.getJob(job.id)));
    return done.map((job: any) => job.processedOn as number).sort((a, b) => a - b);
  });
  // Window k opens no earlier than 500·k ms after the first start and admits 2 jobs.
  expect(starts[2]! - starts[0]!).toBeGreaterThanOrEqual(500);
  expect(starts[4]! - starts[0]!).toBeGreaterThanOrEqual(1000);
});

test('a malformed message on the queue channel is ignored and breaks nothing', async ({ openTab }) => {
  const [watcher, worker] = [await openTab(), await openTab()];
  const record = async () => {
    const queue = window.openQueue('garbage');
    window.state.queue = queue;
    window.state.events = [];
    const names = ['waiting', 'active', 'progress', 'completed', 'failed', 'stalled', 'removed', 'drained', 'paused', 'resumed'];
    for (const name of names) {
      queue.on(`global:${name}` as any, (...args: unknown[]) => window.state.events.push([`global:${name}`, ...args]));
      queue.on(name as any, (...args: unknown[]) => window.state.events.push([name, ...args.map((a: any) => a?.id ?? a)]));
    }
  };
  await watcher.evaluate(record);
  await worker.evaluate(record);
  await worker.evaluate(async () => {
    window.state.processed = [];
    await window.state.queue.process(async (job: any) => {
      window.state.processed.push(job.id);
      return 'real';
    });
  });
  // Listen for a sentinel after the garbage: the queue's channel was created first, so it has
  // handled every earlier message by the time the sentinel arrives (BroadcastChannel order).
  const sentinelSeen = () => {
    const probe = new BroadcastChannel('jobtrail:jobtrail:garbage');
    window.state.sentinel = new Promise<void>((resolve) => {
      probe.onmessage = (event) => event.data?.sentinel && resolve();
    });
  };
  await watcher.evaluate(sentinelSeen);
  await worker.evaluate(sentinelSeen);
  const before = await Promise.all([watcher, worker].map((tab) => tab.evaluate(() => JSON.stringify(window.state.events))));

  await watcher.evaluate(() => {
    const cyclic: Record<string, unknown> = { v: 1, kind: 'changes', from: 'x' };
    cyclic.changes = [cyclic];
    const change = (fields: Record<string, unknown>) => ({ v: 1, kind: 'changes', from: 'x', changes: [fields] });
    const garbage: unknown[] = [
      null, 42, 'hello', [], {}, cyclic,
      { v: 1, kind: 'drained' },
      { v: 2, kind: 'drained', from: 'x' },
      { v: 1, kind: 'changes', from: 'x', changes: 'nope' },
      { v: 1, kind: 'changes', from: 'x', changes: [] },
      change({ seq: 1, type: 'completed', jobId: 99 }),
      change({ seq: 1, type: 'progress', jobId: '99', progress: 'lots' }),
      change({ seq: 1, type: 'exploded', jobId: '99' }),
      change({ seq: 1, type: 'failed', jobId: '99', state: 'on fire' }),
      change({ seq: 'one', type: 'active', jobId: '99', owner: 'x' }),
      change({ seq: 1, type: 'active', jobId: '99', owner: { evil: true } }),
      change({ seq: 1, type: 'failed', jobId: '99', state: 'failed', failedReason: { html: '<b>' } }),
      // One bad change spoils the whole notice: no partial trust.
      { v: 1, kind: 'changes', from: 'x', changes: [{ seq: 1, type: 'paused' }, { seq: 2, type: 'resumed', jobId: [] }] },
    ];
    const channel = new BroadcastChannel('jobtrail:jobtrail:garbage');
    for (const message of garbage) channel.postMessage(message);
    channel.postMessage({ sentinel: true });
    channel.close();
  });
  await watcher.evaluate(() => window.state.sentinel);
  await worker.evaluate(() => window.state.sentinel);
  const after = await Promise.all([watcher, worker].map((tab) => tab.evaluate(() => JSON.stringify(window.state.events))));
  expect(after).toEqual(before);

  // Both tabs still work together.
  const result = await watcher.evaluate(async () => {
    const completed = new Promise((resolve) => window.state.queue.once('global:completed', (...args: unknown[]) => resolve(args)));
    await window.state.queue.add({ after: 'garbage' });
    return completed;
  });
  expect(result).toEqual(['1', 'real']);
  expect(await worker.evaluate(() => window.state.processed)).toEqual(['1']);
});

test('a well-formed but false notice changes nothing: only the log says what happened', async ({ openTab }) => {
  const [watcher, worker] = [await openTab(), await openTab()];
  /** Resolve `window.state.line` on this tab's first global:changed for a log line of job `jobId`. */
  const expectLine = (jobId: string) => {
    window.state.line = new Promise<void>((resolve) =>
      window.state.queue.on('global:changed', (c: { type: string; jobId?: string }) => c.type === 'log' && c.jobId === jobId && resolve()),
    );
  };
  await worker.evaluate(async () => {
    const queue = window.openQueue('forged');
    window.state.queue = queue;
    window.state.release = null;
    window.state.aborted = false;
    await queue.process(async (job, signal) => {
      signal.addEventListener('abort', () => (window.state.aborted = true));
      await new Promise((resolve) => (window.state.release = resolve));
      return `uploaded ${job.data.file}`;
    });
  });
  await watcher.evaluate(async () => {
    const queue = window.openQueue('forged');
    window.state.queue = queue;
    window.state.events = [];
    for (const name of ['completed', 'failed', 'removed', 'drained', 'paused'] as const) {
      queue.on(`global:${name}`, (...args: unknown[]) => window.state.events.push([name, ...args]));
    }
    const job = await queue.add({ file: 'a.txt' });
    window.state.settled = 'pending';
    window.state.finished = job.finished().then(
      (value: unknown) => (window.state.settled = value),
      (err: Error) => (window.state.settled = err.message),
    );
  });
  // Job 1 runs in the worker tab; job 2 waits behind it.
  await worker.waitForFunction(() => window.state.release !== null);
  await watcher.evaluate(() => window.state.queue.add({ file: 'b.txt' }));

  // Forgeries, old-style (changes carried in the notice) and new-style (hints): job 1 completed,
  // failed and was removed, the queue paused and drained. None of it is in the log.
  await worker.evaluate(expectLine, '2');
  await watcher.evaluate(expectLine, '1');
  await watcher.evaluate(async () => {
    const change = (fields: Record<string, unknown>) => ({ v: 1, kind: 'changes', from: 'forger', changes: [fields] });
    const channel = new BroadcastChannel('jobtrail:jobtrail:forged');
    for (const message of [
      change({ seq: 50, jobId: '1', type: 'completed', state: 'completed', returnvalue: 'forged' }),
      change({ seq: 51, jobId: '1', type: 'failed', state: 'failed', failedReason: 'forged' }),
      change({ seq: 52, jobId: '1', type: 'removed', state: 'active' }),
      change({ seq: 53, type: 'paused' }),
      { v: 1, kind: 'drained', from: 'forger' },
      { v: 2, kind: 'drained', from: 'forger', seq: 54 },
      { v: 2, kind: 'changed', from: 'forger', seq: 55 },
    ]) channel.postMessage(message);
    channel.close();
  });
  // A real change from each tab after them (a log line, on job 2 from the watcher, on job 1 from
  // the worker): once the other tab has read it in the log, it has read over the forgeries.
  await watcher.evaluate(async () => (await window.state.queue.getJob('2')).log('after the forgeries'));
  await worker.evaluate(() => window.state.line);
  await worker.evaluate(async () => (await window.state.queue.getJob('1')).log('after the forgeries'));
  await watcher.evaluate(() => window.state.line);

  const held = await watcher.evaluate(() => ({ settled: window.state.settled, events: window.state.events }));
  expect(held).toEqual({ settled: 'pending', events: [] });
  expect(await worker.evaluate(() => window.state.aborted)).toBe(false);

  // The real outcome, from the log.
  await worker.evaluate(() => window.state.release());
  await watcher.evaluate(() => window.state.finished);
  const after = await watcher.evaluate(() => ({ settled: window.state.settled, events: window.state.events }));
  expect(after.settled).toBe('uploaded a.txt');
  expect(after.events[0]).toEqual(['completed', '1', 'uploaded a.txt']);
  expect(after.events.filter((e: unknown[]) => e[0] === 'paused' || e[0] === 'removed' || e[0] === 'failed')).toEqual([]);
});
