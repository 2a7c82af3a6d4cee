// A timeline row's payload in one line: words where the event has some (who ran it, why it
// failed, what it returned), no claim tokens; and a stack trace as its lines.
import { describe, expect, it } from 'vitest';
import type { StoredJobEvent } from '../../../src/index.js';
import { formatDelay, payloadSummary, stackLines } from '../../../src/inspector/timeline-view.js';

const at = { time: 1, seq: 1, jobId: '1' };
const owner = (id: string) => `tab 1 · ${id.slice(0, 8)}`;

describe('payloadSummary', () => {
  it('names who ran an attempt, not the claim', () => {
    const e: StoredJobEvent = { ...at, type: 'active', payload: { token: 'tok-123', owner: '0123456789abcdef' } };
    expect(payloadSummary(e, owner)).toBe('run by tab 1 · 01234567');
  });

  it('gives a failure’s reason and what happens next, without the stack', () => {
    const e = (retryDelay: number | null): StoredJobEvent => ({ ...at, type: 'failed', payload: { token: 't', failedReason: 'busy', stack: 'Error: busy\n    at x (a.js:1:1)', retryDelay } });
    expect(payloadSummary(e(null), owner)).toBe('busy · no retry');
    expect(payloadSummary(e(0), owner)).toBe('busy · retry now');
    expect(payloadSummary(e(1500), owner)).toBe('busy · retry in 1.5 s');
  });

  it('writes an added job’s name and data on one line', () => {
    const e: StoredJobEvent = { ...at, type: 'added', payload: { name: 'resize', data: { n: 1, list: [1, 2] }, opts: { attempts: 1, delay: 0 } } };
    expect(payloadSummary(e, owner)).toBe('resize · data {"n": 1, "list": [1, 2]}');
  });

  it('writes other events’ fields on one line, leaving the token out', () => {
    expect(payloadSummary({ ...at, type: 'completed', payload: { token: 't', returnvalue: 42 } }, owner)).toBe('returned 42');
    expect(payloadSummary({ ...at, type: 'log', payload: { line: 'hello' } }, owner)).toBe('hello');
    expect(payloadSummary({ ...at, type: 'stalled', payload: { token: 't', maxStalledCount: 10 } }, owner)).toBe('{"maxStalledCount": 10}');
    expect(payloadSummary({ ...at, type: 'retried', payload: {} }, owner)).toBe('');
  });
});

describe('stackLines', () => {
  it('splits a stack into its lines, dropping blank ones', () => {
    expect(stackLines('Error: busy\n    at run (a.js:1:2)\n\n    at async b (b.js:3:4)\n')).toEqual(['Error: busy', '    at run (a.js:1:2)', '    at async b (b.js:3:4)']);
  });
});

describe('formatDelay', () => {
  it('uses the largest unit that reads well', () => {
    expect([250, 1500, 90_000, 7_200_000].map(formatDelay)).toEqual(['250 ms', '1.5 s', '1.5 min', '2 h']);
  });
});
