// Bull habits pasted into jobtrail processors: found by the parameter list or by the TypeError they
// cause, and explained with the jobtrail call to use instead.
import { describe, expect, it } from 'vitest';
import { bullProcessorProblem, explainBullHabit, secondParameterName } from '../../../src/core/bull-habits.js';


describe('secondParameterName', () => {
  it.each([
    ['an arrow', (job: unknown, signal: unknown) => [job, signal], 'signal'],
    ['an async arrow', async (job: unknown, done: unknown) => [job, done], 'done'],
    ['a function', function named(job: unknown, cb: unknown) { return [job, cb]; }, 'cb'],
    ['an async function', async function (job: unknown, callback: unknown) { return [job, callback]; }, 'callback'],
    ['a destructured first parameter', ({ data }: { data: unknown }, done: unknown) => [data, done], 'done'],
  ])('%s', (_, fn, expected) => {
    expect(secondParameterName(fn as (...args: never[]) => unknown)).toBe(expected);
  });

  it('is null for one parameter, a destructured second one, or code it cannot read', () => {
    expect(secondParameterName((job: unknown) => job)).toBeNull();
    expect(secondParameterName((job: unknown, { aborted }: AbortSignal) => [job, aborted])).toBeNull();
    expect(secondParameterName(((job: unknown, done: unknown) => [job, done]).bind(null))).toBeNull();
  });
});

describe('bullProcessorProblem', () => {
  it("refuses a processor whose second parameter is named like Bull's done callback", () => {
    for (const name of ['done', 'cb', 'callback', 'next']) {
      const fn = new Function('job', name, 'return 1') as (...args: never[]) => unknown;
      expect(bullProcessorProblem(fn, 'process()')).toMatch(new RegExp(`^process\\(\\): the handler's second parameter is named ${name}.*AbortSignal.*Return the result`));
    }
  });

  it('accepts (job) and (job, signal)', () => {
    expect(bullProcessorProblem((job: unknown) => job, 'process()')).toBeNull();
    expect(bullProcessorProblem((job: unknown, signal: unknown) => [job, signal], 'process()')).toBeNull();
  });
});

describe('explainBullHabit', () => {
  const thrown = (fn: () => void): TypeError => {
    try {
      fn();
    } catch (err) {
      return err as TypeError;
    }
    throw new Error('did not throw');
  };

  it('job.progress(n) names updateProgress', () => {
    const job = { progress: 0 };
    const err = thrown(() => (job.progress as unknown as (n: number) => void)(50));
    const explained = explainBullHabit(err);
    expect(explained).toBeInstanceOf(TypeError);
    expect(explained.message).toMatch(/progress is not a function: .*await job\.updateProgress\(value\)/);
    expect(explained.cause).toBe(err);
  });

  it("calling the signal as Bull's done callback says to return or throw", () => {
    const done = new AbortController().signal;
    const err = thrown(() => (done as unknown as (e: null, v: number) => void)(null, 1));
    expect(explainBullHabit(err, 'done').message).toMatch(/^done is not a function: .*AbortSignal, not Bull's done callback: return the result.*or throw/);
    // Another parameter name: only that name's call is explained.
    expect(explainBullHabit(err, 'signal')).toBe(err);
  });

  it('leaves every other error as it is', () => {
    const other = new TypeError('x is not a function');
    expect(explainBullHabit(other, 'done')).toBe(other);
    const plain = new Error('progress is not a function');
    expect(explainBullHabit(plain)).toBe(plain);
    expect(explainBullHabit('a string')).toBe('a string');
  });
});
