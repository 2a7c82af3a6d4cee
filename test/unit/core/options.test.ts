// Every option is validated: a bad one is a TypeError naming the option and the value, and nothing
// is stored. Good edge values pass.
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, type JobOptions, type QueueOptions } from '../../../src/index.js';
import { makeQueue } from '../helpers.js';
import { stored } from './probe.js';

/** [bad options, what the message must name (the option, then the value)] */
const badJobOptions: [unknown, string, string][] = [
  [{ delay: -1 }, 'delay', '-1'],
  [{ delay: '100' }, 'delay', '"100"'],
  [{ delay: Number.NaN }, 'delay', 'NaN'],
  [{ delay: Number.POSITIVE_INFINITY }, 'delay', 'Infinity'],
  [{ attempts: 0 }, 'attempts', '0'],
  [{ attempts: 2.5 }, 'attempts', '2.5'],
  [{ attempts: '3' }, 'attempts', '"3"'],
  [{ priority: 0 }, 'priority', '0'],
  [{ priority: 2 ** 31 }, 'priority', '2147483648'],
  [{ priority: 1.5 }, 'priority', '1.5'],
  [{ priority: -3 }, 'priority', '-3'],
  [{ backoff: -10 }, 'backoff', '-10'],
  [{ backoff: 'fixed' }, 'backoff', '"fixed"'],
  [{ backoff: { type: 'linear', delay: 10 } }, 'backoff.type', '"linear"'],
  [{ backoff: { delay: 10 } }, 'backoff.type', 'undefined'],
  [{ backoff: { type: 'fixed', delay: -1 } }, 'backoff.delay', '-1'],
  [{ backoff: { type: 'exponential', delay: 10, jitter: 1.5 } }, 'backoff.jitter', '1.5'],
  [{ backoff: { type: 'exponential', delay: 10, jitter: -0.1 } }, 'backoff.jitter', '-0.1'],
  [{ backoff: { type: 'fixed', delay: 10, max: 100 } }, 'backoff.max', 'backoff.max'],
  [{ lifo: 'yes' }, 'lifo', '"yes"'],
  [{ timeout: 0 }, 'timeout', '0'],
  [{ timeout: -5 }, 'timeout', '-5'],
  [{ removeOnComplete: -1 }, 'removeOnComplete', '-1'],
  [{ removeOnComplete: 2.5 }, 'removeOnComplete', '2.5'],
  [{ removeOnComplete: 'always' }, 'removeOnComplete', '"always"'],
  [{ removeOnComplete: {} }, 'removeOnComplete', '{}'],
  [{ removeOnFail: { age: -1 } }, 'removeOnFail.age', '-1'],
  [{ removeOnFail: { count: 1.5 } }, 'removeOnFail.count', '1.5'],
  [{ removeOnFail: { keep: 3 } }, 'removeOnFail.keep', 'removeOnFail.keep'],
  [{ jobId: '' }, 'jobId', '""'],
  [{ jobId: 42 }, 'jobId', '42'],
  [{ jobId: '123' }, 'jobId', '"123"'],
  // Waits longer than the span of JavaScript dates (8.64e15 ms) are refused as absurd.
  [{ delay: 1e16 }, 'delay', '10000000000000000'],
  [{ delay: Number.MAX_VALUE }, 'delay', 'at most 8640000000000000 ms'],
  [{ timeout: 9e15 }, 'timeout', '9000000000000000'],
  [{ backoff: 1e300 }, 'backoff', '1e+300'],
  [{ backoff: { type: 'fixed', delay: 9e15 } }, 'backoff.delay', '9000000000000000'],
  [{ stackTraceLimit: -1 }, 'stackTraceLimit', '-1'],
  [{ stackTraceLimit: 0.5 }, 'stackTraceLimit', '0.5'],
  [{ retries: 3 }, 'retries', 'retries'],
  ['fast', 'options', '"fast"'],
  [[1], 'options', 'an array'],
];

describe('invalid job options', () => {
  it.each(badJobOptions)('%j is refused, naming %s and %s, and nothing is stored', async (opts, option, value) => {
    const queue = makeQueue();
    const err = await queue.add('job', { x: 1 }, opts as JobOptions).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect((err as InvalidOptionError).code).toBe('ERR_INVALID_OPTION');
    expect((err as Error).message).toContain(option);
    expect((err as Error).message).toContain(value);
    const { events, jobs } = await stored(queue);
    expect(events).toEqual([]);
    expect(jobs).toEqual([]);
  });

  it('the same checks apply to addBulk, naming the option', async () => {
    const queue = makeQueue();
    await expect(queue.addBulk([{ data: {}, opts: { attempts: 0 } }])).rejects.toThrow(/attempts.*0/);
    expect((await stored(queue)).events).toEqual([]);
  });

  it('a custom backoff type is valid once its strategy is in settings.backoffStrategies', async () => {
    const without = makeQueue('without');
    await expect(without.add({}, { backoff: { type: 'linear', delay: 5 } })).rejects.toThrow(/unknown backoff strategy "linear"/);
    const withIt = makeQueue('with', { settings: { backoffStrategies: { linear: (n) => n * 5 } } });
    expect((await withIt.add({}, { backoff: { type: 'linear', delay: 5 } })).opts.backoff).toEqual({ type: 'linear', delay: 5 });
  });
});

describe('valid edge values pass', () => {
  it.each<[string, JobOptions]>([
    ['priority 1', { priority: 1 }],
    ['priority 2^31-1', { priority: 2 ** 31 - 1 }],
    ['delay 0', { delay: 0 }],
    ['attempts 1', { attempts: 1 }],
    ['backoff 0', { backoff: 0 }],
    ['jitter 0 and 1', { backoff: { type: 'exponential', delay: 1, jitter: 1 } }],
    ['removeOnComplete true / false', { removeOnComplete: true, removeOnFail: false }],
    ['removeOnComplete 0', { removeOnComplete: 0 }],
    ['KeepJobs with age or count', { removeOnComplete: { age: 3600 }, removeOnFail: { count: 0 } }],
    ['stackTraceLimit 0', { stackTraceLimit: 0 }],
    ['lifo false', { lifo: false }],
    ['a fractional delay and timeout', { delay: 0.5, timeout: 1.5 }],
    // Beyond setTimeout's 2^31-1 ms: the runner chains its timers.
    ['a delay and a timeout of 30 days', { delay: 30 * 86_400_000, timeout: 30 * 86_400_000 }],
    ['the longest wait, 8.64e15 ms', { delay: 8.64e15, backoff: 8.64e15 }],
  ])('%s', async (_label, opts) => {
    const queue = makeQueue();
    const job = await queue.add({}, opts);
    const { backoff, ...rest } = opts;
    expect(job.opts).toMatchObject(rest);
    if (backoff !== undefined) expect(job.opts.backoff).toEqual(typeof backoff === 'number' ? { type: 'fixed', delay: backoff } : backoff);
  });
});

/** [queue options, what the message must name] */
const badQueueOptions: [unknown, string[]][] = [
  [{ prefix: '' }, ['prefix', '""']],
  [{ prefix: 7 }, ['prefix', '7']],
  [{ prefix: 'jobtrail:a' }, ['prefix', '"jobtrail:a"', "contains ':'"]],
  [{ concurrency: 2 }, ['concurrency']],
  [{ settings: { lockDuration: 0 } }, ['settings.lockDuration', '0']],
  [{ settings: { lockRenewTime: -1 } }, ['settings.lockRenewTime', '-1']],
  [{ settings: { stalledInterval: 'often' } }, ['settings.stalledInterval', '"often"']],
  [{ settings: { stalledInterval: 1e16 } }, ['settings.stalledInterval', 'at most 8640000000000000 ms', '10000000000000000']],
  [{ settings: { lockDuration: Number.MAX_VALUE } }, ['settings.lockDuration', 'at most']],
  [{ settings: { maxStalledCount: -1 } }, ['settings.maxStalledCount', '-1']],
  [{ settings: { maxStalledCount: 1.5 } }, ['settings.maxStalledCount', '1.5']],
  [{ settings: { guardInterval: 5 } }, ['guardInterval']],
  [{ settings: { backoffStrategies: { linear: 5 } } }, ['backoffStrategies.linear', '5']],
  [{ settings: 'fast' }, ['settings', '"fast"']],
  [{ limiter: { max: 0, duration: 1000 } }, ['limiter.max', '0']],
  [{ limiter: { max: 2.5, duration: 1000 } }, ['limiter.max', '2.5']],
  [{ limiter: { max: 10, duration: 0 } }, ['limiter.duration', '0']],
  [{ limiter: { max: 10 } }, ['limiter.duration', 'undefined']],
  [{ limiter: { max: 10, duration: 1e16 } }, ['limiter.duration', '10000000000000000']],
  [{ limiter: { max: 10, duration: 1000, bounceBack: true } }, ['bounceBack']],
  [{ defaultJobOptions: { attempts: 0 } }, ['defaultJobOptions.attempts', '0']],
  [{ defaultJobOptions: { backoff: { type: 'linear' } } }, ['defaultJobOptions.backoff.type', '"linear"']],
  [{ defaultJobOptions: { jobId: 'x' } }, ['defaultJobOptions.jobId']],
  ['fast', ['Queue options', '"fast"']],
];

describe('invalid queue options', () => {
  it.each(badQueueOptions)('%j is refused with a TypeError naming %j', (options, names) => {
    let err: unknown;
    try {
      makeQueue('q', options as QueueOptions);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidOptionError);
    for (const name of names) expect((err as Error).message).toContain(name);
  });

  it('a queue name must be a non-empty string', () => {
    expect(() => makeQueue('')).toThrow(TypeError);
    expect(() => makeQueue(5 as never)).toThrow(/Queue name must be a non-empty string, got 5/);
  });

  it('good queue options are taken, with Bull defaults for the rest', () => {
    const queue = makeQueue('q', {
      prefix: 'app',
      settings: { lockDuration: 10_000, maxStalledCount: 0 },
      limiter: { max: 5, duration: 1000 },
      defaultJobOptions: { attempts: 2 },
    });
    expect(queue.prefix).toBe('app');
    expect(queue.settings).toMatchObject({ lockDuration: 10_000, lockRenewTime: 5000, stalledInterval: 30_000, maxStalledCount: 0 });
    expect(queue.limiter).toEqual({ max: 5, duration: 1000 });
    expect(queue.defaultJobOptions).toEqual({ attempts: 2 });
    // maxStalledCount is 10, not Bull's 1: reloads mid-job are routine in a browser.
    expect(makeQueue('plain').settings).toMatchObject({ lockDuration: 30_000, lockRenewTime: 15_000, stalledInterval: 30_000, maxStalledCount: 10 });
  });
});
