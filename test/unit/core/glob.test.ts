// Bull's removeJobs pattern: a Redis glob over job ids.
import { describe, expect, it } from 'vitest';
import { idPattern } from '../../../src/core/glob.js';

describe('idPattern', () => {
  it.each([
    ['upload-*', ['upload-', 'upload-1', 'upload-a:b'], ['uploads', 'x-upload-1']],
    ['*', ['', '1', 'anything'], []],
    ['?', ['1', 'a'], ['', '12']],
    ['job-[12]', ['job-1', 'job-2'], ['job-3', 'job-12']],
    ['job-[^12]', ['job-3'], ['job-1', 'job-12']],
    ['job-[a-c]x', ['job-ax', 'job-cx'], ['job-dx']],
    ['a\\*b', ['a*b'], ['axb', 'ab']],
    ['a.b', ['a.b'], ['axb']],
    ['1', ['1'], ['10', '21']],
  ])('%s', (glob, matching, other) => {
    const pattern = idPattern(glob);
    for (const id of matching) expect(pattern.test(id), id).toBe(true);
    for (const id of other) expect(pattern.test(id), id).toBe(false);
  });

  it('knows the literal prefix every match starts with', () => {
    expect(idPattern('upload-*').prefix).toBe('upload-');
    expect(idPattern('a\\*b*').prefix).toBe('a*b');
    expect(idPattern('*x').prefix).toBe('');
    expect(idPattern('ab?').prefix).toBe('ab');
    expect(idPattern('ab[cd]').prefix).toBe('ab');
  });
});
