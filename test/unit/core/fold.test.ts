// Folding whole histories, and the Bull-shaped JSON of a job.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Job, foldJob, foldSteps, jobJson, type JobEvent } from '../../../src/index.js';
import { makeQueue } from '../helpers.js';
import { failWith, runJobs } from './probe.js';

const T0 = 1_700_000_000_000;
const BULL_KEYS = [
  'id', 'name', 'data', 'opts', 'progress', 'delay', 'timestamp',
  'attemptsMade', 'failedReason', 'stacktrace', 'returnvalue', 'finishedOn', 'processedOn',
];

const history: JobEvent[] = [
  { type: 'added', time: T0, payload: { name: 'resize', data: { w: 100 }, opts: { attempts: 1, delay: 0 } } },
  { type: 'active', time: T0 + 5, payload: { token: 'tok', owner: 'me' } },
  { type: 'progress', time: T0 + 6, payload: { progress: 50 } },
  { type: 'log', time: T0 + 7, payload: { line: 'halfway' } },
  { type: 'completed', time: T0 + 9, payload: { token: 'tok', returnvalue: { w: 50 } } },
];

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('foldJob / foldSteps', () => {
  it('foldJob gives the state and snapshot after the whole history', () => {
    const { state, job } = foldJob('7', history);
    expect(state).toBe('completed');
    expect(job).toMatchObject({
      id: '7',
      name: 'resize',
      data: { w: 100 },
      progress: 50,
      logCount: 1,
      processedOn: T0 + 5,
      finishedOn: T0 + 9,
      returnvalue: { w: 50 },
      timestamp: T0,
    });
  });

  it('foldSteps gives the job after each event, ending where foldJob ends', () => {
    const steps = foldSteps('7', history);
    expect(steps.map((s) => s.state)).toEqual(['waiting', 'active', 'active', 'active', 'completed']);
    expect(steps.map((s) => s.job.progress)).toEqual([0, 0, 50, 50, 50]);
    expect(steps.at(-1)).toEqual(foldJob('7', history));
  });

  it('is pure: frozen events fold, and the wall clock does not matter', () => {
    const frozen = deepFreeze(structuredClone(history));
    const first = foldJob('7', frozen);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0 + 86_400_000);
    expect(foldJob('7', frozen)).toEqual(first);
    expect(foldSteps('7', frozen).at(-1)).toEqual(first);
  });

  it('refuses a history that does not start with added', () => {
    expect(() => foldJob('7', history.slice(1))).toThrow(expect.objectContaining({ code: 'ERR_REFUSED' }));
    expect(() => foldJob('7', [])).toThrow(/must start with an added event/);
  });

  it('refuses a history with an impossible step, naming it', () => {
    const broken = [...history.slice(0, 2), { type: 'completed', time: T0 + 9, payload: { token: 'other', returnvalue: 1 } } as JobEvent];
    expect(() => foldJob('7', broken)).toThrow(expect.objectContaining({ code: 'ERR_STALE_CLAIM' }));
    expect(() => foldSteps('7', broken)).toThrow(expect.objectContaining({ code: 'ERR_STALE_CLAIM' }));
  });

  it('jobJson keeps exactly the Bull keys, in order, and drops the machine bookkeeping', () => {
    const json = jobJson(foldJob('7', history).job);
    expect(Object.keys(json)).toEqual(BULL_KEYS);
    expect(json).not.toHaveProperty('claim');
  });
});

describe('job.toJSON() and Job.fromJSON()', () => {
  it('has exactly the Bull keys in Bull order', async () => {
    const queue = makeQueue();
    const job = await queue.add('email', { to: 'a@b.c' });
    expect(Object.keys(job.toJSON())).toEqual(BULL_KEYS);
    expect(Object.keys((await queue.getJob(job.id))!.toJSON())).toEqual(BULL_KEYS);
  });

  it('a new job has progress 0, attemptsMade 0 and null for the rest', async () => {
    const queue = makeQueue();
    const before = Date.now();
    const job = await queue.add('email', { to: 'a@b.c' });
    const after = Date.now();
    const json = job.toJSON();
    expect(json).toEqual({
      id: '1',
      name: 'email',
      data: { to: 'a@b.c' },
      opts: { attempts: 1, delay: 0 },
      progress: 0,
      delay: 0,
      timestamp: json.timestamp,
      attemptsMade: 0,
      failedReason: null,
      stacktrace: null,
      returnvalue: null,
      finishedOn: null,
      processedOn: null,
    });
    expect(json.timestamp).toBeGreaterThanOrEqual(before);
    expect(json.timestamp).toBeLessThanOrEqual(after);
  });

  it('JSON.stringify works and parses back to the same values', async () => {
    const queue = makeQueue();
    const job = await queue.add('email', { to: 'a@b.c', tags: ['x'] }, { priority: 3, backoff: 100, attempts: 2 });
    const text = JSON.stringify(job.toJSON());
    expect(JSON.parse(text)).toEqual(job.toJSON());
  });

  it('stacktrace becomes an array of strings after the first failure', async () => {
    const queue = makeQueue();
    const job = await queue.add({ n: 1 });
    await runJobs(queue, [job], failWith('disk full'));
    const json = (await queue.getJob(job.id))!.toJSON();
    expect(json.stacktrace).toEqual([expect.stringContaining('disk full')]);
    expect(json.failedReason).toBe('disk full');
    expect(json.attemptsMade).toBe(1);
    expect(() => JSON.stringify(json)).not.toThrow();
  });

  it('Job.fromJSON gives back an equal job that still works', async () => {
    const queue = makeQueue();
    const job = await queue.add('email', { to: 'a@b.c' }, { delay: 5000 });
    const copy = Job.fromJSON(queue, JSON.parse(JSON.stringify(job.toJSON())));
    expect(copy).toBeInstanceOf(Job);
    expect(copy).toEqual(job);
    expect(copy.toJSON()).toEqual(job.toJSON());
    expect(await copy.getState()).toBe('delayed');
    await copy.promote();
    expect(await job.getState()).toBe('waiting');
  });

  it('Job.fromJSON round-trips a finished job too', async () => {
    const queue = makeQueue();
    const job = await queue.add({ n: 2 });
    await runJobs(queue, [job], (j) => j.data.n * 10);
    const done = (await queue.getJob(job.id))!;
    expect(done.returnvalue).toBe(20);
    expect(Job.fromJSON(queue, done.toJSON())).toEqual(done);
  });
});
