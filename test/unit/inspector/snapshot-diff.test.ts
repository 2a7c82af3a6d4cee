// What time travel marks as changed at a step: the keys added, removed and changed between two
// snapshots, down to the leaves.
import { describe, expect, it } from 'vitest';
import { diffSnapshots, formatPath } from '../../../src/inspector/snapshot-diff.js';

describe('diffSnapshots', () => {
  it('lists the changed leaves, in the order of the newer snapshot, and nothing else', () => {
    const before = { id: '1', attemptsMade: 0, failedReason: null, opts: { attempts: 2, delay: 0 }, progress: 50 };
    const after = { id: '1', attemptsMade: 1, failedReason: 'busy', opts: { attempts: 2, delay: 0 }, progress: 50 };
    expect(diffSnapshots(before, after)).toEqual([
      { path: ['attemptsMade'], kind: 'changed', before: 0, after: 1 },
      { path: ['failedReason'], kind: 'changed', before: null, after: 'busy' },
    ]);
  });

  it('gives added and removed keys, nested ones by their path', () => {
    expect(diffSnapshots({ a: 1, data: { x: 1, gone: true } }, { a: 1, data: { x: 1, extra: [1] }, b: 2 })).toEqual([
      { path: ['data', 'extra'], kind: 'added', after: [1] },
      { path: ['data', 'gone'], kind: 'removed', before: true },
      { path: ['b'], kind: 'added', after: 2 },
    ]);
  });

  it('compares arrays item by item: a stack trace that grows is one line added', () => {
    expect(diffSnapshots({ stacktrace: ['Error: a'] }, { stacktrace: ['Error: a', 'Error: b'] })).toEqual([
      { path: ['stacktrace', 1], kind: 'added', after: 'Error: b' },
    ]);
    expect(diffSnapshots({ list: [1, 2] }, { list: [1] })).toEqual([{ path: ['list', 1], kind: 'removed', before: 2 }]);
  });

  it('takes a value that turns into an object (null -> [...]) as one change', () => {
    expect(diffSnapshots({ stacktrace: null }, { stacktrace: ['Error: a'] })).toEqual([
      { path: ['stacktrace'], kind: 'changed', before: null, after: ['Error: a'] },
    ]);
  });

  it('compares values without a JSON form by what they hold, not by identity', () => {
    const t = Date.UTC(2026, 0, 1);
    expect(diffSnapshots({ at: new Date(t), m: new Map([['k', 1]]) }, { at: new Date(t), m: new Map([['k', 1]]) })).toEqual([]);
    expect(diffSnapshots({ at: new Date(t) }, { at: new Date(t + 1) })).toHaveLength(1);
    expect(diffSnapshots({ n: NaN }, { n: NaN })).toEqual([]);
  });

  it('finds nothing between equal snapshots', () => {
    const snapshot = { id: '1', data: { deep: { list: [1, { x: 'y' }] } } };
    expect(diffSnapshots(snapshot, structuredClone(snapshot))).toEqual([]);
  });
});

describe('formatPath', () => {
  it('writes paths as one would in JavaScript', () => {
    expect(formatPath(['attemptsMade'])).toBe('attemptsMade');
    expect(formatPath(['opts', 'attempts'])).toBe('opts.attempts');
    expect(formatPath(['stacktrace', 1])).toBe('stacktrace[1]');
    expect(formatPath(['data', 'a key'])).toBe('data["a key"]');
  });
});
