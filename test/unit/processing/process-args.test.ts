// process(): its four shapes, '*', which handler gets which job, what the handler gets and returns.
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, JobFailedError, JobtrailError, type Job, type Queue } from '../../../src/index.js';
import { returnValueHint } from '../../../src/core/errors.js';
import { makeQueue, next, sleep } from '../helpers.js';
import { collect, deferred } from './support.js';

/**
 * Run `jobs` gated jobs through the handler `register` installs and report the most that were ever
 * active at once, in the handler and in the store.
 */
async function peakConcurrency(
  register: (q: Queue, handler: (job: Job) => Promise<void>) => Promise<void>,
  jobs: number,
  expected: number,
  names = ['x'],
): Promise<{ inHandler: number; inStore: number }> {
  const q = makeQueue();
  const gate = deferred();
  const reached = deferred();
  let active = 0;
  let peak = 0;
  await q.addBulk(Array.from({ length: jobs }, (_, i) => ({ name: names[i % names.length]!, data: i })));
  const completed = collect(q, 'completed', jobs);
  await register(q, async () => {
    active++;
    peak = Math.max(peak, active);
    if (active === expected) reached.resolve();
    await gate.promise;
    active--;
  });
  await reached.promise;
  // Give an over-eager runner the chance to claim more before the first job finishes.
  await sleep(30);
  const inStore = (await q.getJobCounts()).active;
  gate.resolve();
  await completed;
  return { inHandler: peak, inStore };
}

describe('the four shapes of process()', () => {
  it('process(handler) handles every name, one job at a time', async () => {
    const peak = await peakConcurrency((q, handler) => q.process(handler), 4, 1, ['a', 'b']);
    expect(peak).toEqual({ inHandler: 1, inStore: 1 });
  });

  it('process(concurrency, handler) handles every name, that many at a time', async () => {
    const peak = await peakConcurrency((q, handler) => q.process(3, handler), 7, 3, ['a', 'b']);
    expect(peak).toEqual({ inHandler: 3, inStore: 3 });
  });

  it('process(name, handler) handles that name, one at a time', async () => {
    const peak = await peakConcurrency((q, handler) => q.process('x', handler), 3, 1);
    expect(peak).toEqual({ inHandler: 1, inStore: 1 });
  });

  it('process(name, concurrency, handler) handles that name, that many at a time', async () => {
    const peak = await peakConcurrency((q, handler) => q.process('x', 2, handler), 5, 2);
    expect(peak).toEqual({ inHandler: 2, inStore: 2 });
  });
});

describe('which handler runs a job', () => {
  it("'*' handles every name, a named handler takes its own name first", async () => {
    const q = makeQueue();
    const ran: string[] = [];
    const done = collect(q, 'completed', 3);
    // Both handlers first: an instance takes every job it sees, and fails those it cannot handle.
    await q.process('resize', async (job) => {
      ran.push(`resize handler: ${job.name}`);
    });
    await q.process('*', async (job) => {
      ran.push(`* handler: ${job.name}`);
    });
    await q.addBulk([{ name: 'resize', data: 1 }, { name: 'upload', data: 2 }, { data: 3 }]);
    await done;
    expect(ran.sort()).toEqual(['* handler: __default__', '* handler: upload', 'resize handler: resize']);
  });

  it('a job whose name has no handler fails with a message naming the name', async () => {
    const q = makeQueue();
    await q.process('resize', async () => 'resized');
    const job = await q.add('thumbnail', {});
    await expect(job.finished()).rejects.toThrow(/thumbnail/);
    const failed = await q.getJob(job.id);
    expect(failed?.failedReason).toMatch(/handler/);
    expect(failed?.failedReason).toContain('thumbnail');
    expect(await failed?.getState()).toBe('failed');
  });

  it('refuses a second handler for the same name on one instance', async () => {
    const q = makeQueue();
    await q.process('a', async () => {});
    await expect(q.process('a', 2, async () => {})).rejects.toMatchObject({ code: 'ERR_REFUSED' });
    await q.process(async () => {});
    await expect(q.process('*', async () => {})).rejects.toMatchObject({ code: 'ERR_REFUSED' });
  });
});

describe('validation', () => {
  const handler = async () => {};
  it.each([
    ['no arguments', []],
    ['concurrency 0', [0, handler]],
    ['a negative concurrency', [-2, handler]],
    ['a fractional concurrency', [1.5, handler]],
    ['NaN concurrency', [Number.NaN, handler]],
    ['an empty name', ['', handler]],
    ['an empty name with concurrency', ['', 2, handler]],
    ['no handler after a name and concurrency', ['a', 2]],
    ['a number as handler', [42]],
    ['an object that is not a worker factory', [{ run: handler }]],
    ['null as handler', [null]],
    ['too many arguments', ['a', 2, handler, handler]],
    ['arguments in the wrong order', [2, 'a', handler]],
  ])('rejects %s with an InvalidOptionError', async (_, args) => {
    const q = makeQueue();
    await expect((q.process as (...a: unknown[]) => Promise<void>)(...args)).rejects.toBeInstanceOf(InvalidOptionError);
  });

  it('a rejected call registers nothing: the queue still takes a valid handler', async () => {
    const q = makeQueue();
    await expect(q.process(0, async () => 1)).rejects.toThrow(/concurrency/);
    await q.process(async () => 1);
    const job = await q.add({});
    expect(await job.finished()).toBe(1);
  });
});

describe('the handler', () => {
  it('gets the job and a live AbortSignal; its value becomes returnvalue', async () => {
    const q = makeQueue<{ n: number }, { doubled: number }>();
    let seenSignal: AbortSignal | undefined;
    let seenJob: Job | undefined;
    await q.process(async (job, signal) => {
      seenJob = job;
      seenSignal = signal;
      return { doubled: job.data.n * 2 };
    });
    const completed = next(q, 'completed');
    const job = await q.add('double', { n: 21 });
    expect(await job.finished()).toEqual({ doubled: 42 });
    const [doneJob, result] = await completed;
    expect(result).toEqual({ doubled: 42 });
    expect((doneJob as Job).returnvalue).toEqual({ doubled: 42 });
    expect(seenJob?.id).toBe(job.id);
    expect(seenJob?.data).toEqual({ n: 21 });
    expect(seenSignal).toBeInstanceOf(AbortSignal);
    expect(seenSignal?.aborted).toBe(false);
    const stored = await q.getJob(job.id);
    expect(stored?.returnvalue).toEqual({ doubled: 42 });
    expect(stored?.finishedOn).toBeGreaterThanOrEqual(stored!.processedOn!);
    expect(stored?.processedOn).toBeGreaterThanOrEqual(stored!.timestamp);
  });

  it('a plain (non-async) handler works, and its synchronous throw fails the attempt', async () => {
    const q = makeQueue();
    await q.process((job) => {
      if (job.data === 'bad') throw new Error('bad input');
      return 'fine';
    });
    const good = await q.add('check', 'good');
    const bad = await q.add('check', 'bad');
    expect(await good.finished()).toBe('fine');
    await expect(bad.finished()).rejects.toThrow('bad input');
  });

  it('a rejection fails the attempt, whatever was thrown', async () => {
    const q = makeQueue();
    await q.process(async (job) => {
      throw job.data === 'string' ? 'just a string' : { not: 'an error' };
    });
    const a = await q.add('throw', 'string');
    const b = await q.add('throw', 'object');
    await expect(a.finished()).rejects.toBeInstanceOf(JobFailedError);
    await expect(b.finished()).rejects.toBeInstanceOf(JobtrailError);
    expect((await q.getJob(a.id))?.failedReason).toBe('just a string');
    expect((await q.getJob(b.id))?.failedReason).toContain('{"not":"an error"}');
  });
});

describe('Bull code pasted in (issue 12)', () => {
  it("process('upload') with the handler forgotten is refused, naming the way to pass a worker URL", async () => {
    const q = makeQueue();
    const call = (q.process as (...a: unknown[]) => Promise<void>)('upload');
    await expect(call).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(call).rejects.toThrow(/^process\("upload"\): no handler\. .*process\('\*', url\)/);
  });

  it("a handler taking Bull's done callback is refused when it is registered", async () => {
    const q = makeQueue();
    const bull = new Function('job', 'done', 'done(null, job.data)') as () => void;
    await expect(q.process(bull)).rejects.toThrow(/second parameter is named done, like Bull's done callback.*AbortSignal/);
    expect(await q.getJobCounts()).toMatchObject({ active: 0 });
  });

  it("job.progress(n) fails the attempt with a message naming updateProgress", async () => {
    const q = makeQueue();
    await q.process(async (job) => {
      (job.progress as unknown as (n: number) => void)(50);
    });
    const job = await q.add('upload', {});
    await expect(job.finished()).rejects.toThrow(/progress is not a function: .*await job\.updateProgress\(value\)/);
  });

  it("calling the signal under another name, as Bull's done, fails naming return and throw", async () => {
    const q = makeQueue();
    await q.process(async (job, finish) => {
      (finish as unknown as (err: null, value: unknown) => void)(null, job.data);
    });
    const job = await q.add('upload', {});
    await expect(job.finished()).rejects.toThrow(/^finish is not a function: the processor's second argument is an AbortSignal, not Bull's done callback/);
  });
});

describe('a result IndexedDB cannot store (issue 12)', () => {
  it('fails the attempt, naming the value and saying to return plain data', async () => {
    const q = makeQueue();
    await q.process(async () => ({ done: true, next: () => 1 }));
    const job = await q.add('x', {});
    await expect(job.finished()).rejects.toThrow(
      /^Job 1's return value is not cloneable, so IndexedDB cannot store it \(.*\); nothing was written\. Return plain data instead of it \(a Object\): strings, numbers, plain objects and arrays, Blobs\. Keep only the fields you need\.$/,
    );
  });

  it('for a fetch Response, says what to return of it (Node clones a Response, so the hint is checked alone; test/e2e/bull-api.spec.ts sees it in Chromium)', () => {
    expect(returnValueHint(new Response('x'))).toBe(
      'Return plain data instead of it (a Response): strings, numbers, plain objects and arrays, Blobs. For a fetch Response, return what you need of it: response.status, a header, or await response.text() / response.json().',
    );
  });
});
