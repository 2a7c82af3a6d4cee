import { describe, expect, it } from 'vitest';
import { formatCount, formatProgress, formatTime, formatValue, MAX_STRING, parseJsonInput } from '../../../src/inspector/format.js';

describe('formatValue', () => {
  it('prints plain JSON values as indented JSON', () => {
    expect(formatValue({ a: 1, b: ['x', null, true] })).toBe('{\n  "a": 1,\n  "b": [\n    "x",\n    null,\n    true\n  ]\n}');
    expect(formatValue({ a: 1, b: [] }, { indent: 0 })).toBe('{"a": 1, "b": []}');
  });

  it('names values JSON cannot show instead of printing them as {}', () => {
    const file = new File(['hello'], 'a.txt', { type: 'text/plain' });
    expect(formatValue({ file }, { indent: 0 })).toBe('{"file": File("a.txt", 5 bytes, text/plain)}');
    expect(formatValue(new Blob([new Uint8Array(2048)]))).toBe('Blob(2,048 bytes)');
    expect(formatValue(new Map([['k', 1]]), { indent: 0 })).toBe('Map(1) {"k" => 1}');
    expect(formatValue(new Set([1, 2]), { indent: 0 })).toBe('Set(2) [1, 2]');
    expect(formatValue(new Date(Date.UTC(2024, 0, 2)))).toBe('Date(2024-01-02T00:00:00.000Z)');
    expect(formatValue(new Uint8Array(3))).toBe('Uint8Array(3 bytes)');
    expect(formatValue([undefined, 10n, NaN], { indent: 0 })).toBe('[undefined, 10n, NaN]');
  });

  it('marks cycles instead of recursing forever, but prints shared objects twice', () => {
    const shared = { n: 1 };
    const loop: Record<string, unknown> = { shared, again: shared };
    loop.self = loop;
    expect(formatValue(loop, { indent: 0 })).toBe('{"shared": {"n": 1}, "again": {"n": 1}, "self": [Circular]}');
  });

  it('cuts very long strings and says how much is left out', () => {
    const text = formatValue('x'.repeat(MAX_STRING + 1234));
    expect(text.endsWith('… (1,234 more characters)')).toBe(true);
    expect(text.length).toBeLessThan(MAX_STRING + 40);
  });

  it('leaves markup as plain characters (the element renders it as text)', () => {
    expect(formatValue({ html: '<img src=x onerror=alert(1)>' }, { indent: 0 })).toBe('{"html": "<img src=x onerror=alert(1)>"}');
  });
});

describe('formatTime, formatCount, formatProgress', () => {
  it('formats local times to the millisecond, and missing times as a dash', () => {
    expect(formatTime(new Date(2024, 0, 2, 3, 4, 5, 6).getTime())).toBe('2024-01-02 03:04:05.006');
    expect(formatTime(null)).toBe('—');
  });

  it('groups thousands', () => {
    expect(formatCount(100000)).toBe('100,000');
  });

  it('shows numeric progress as a percentage and object progress compactly', () => {
    expect(formatProgress(42.5)).toBe('42.5%');
    expect(formatProgress({ sent: 3, of: 10 })).toBe('{"sent": 3, "of": 10}');
  });
});

describe('parseJsonInput', () => {
  it('parses JSON, and gives undefined for an empty field', () => {
    expect(parseJsonInput(' {"a": [1]} ', 'Data')).toEqual({ ok: true, value: { a: [1] } });
    expect(parseJsonInput('  \n', 'Options')).toEqual({ ok: true, value: undefined });
  });

  it('names the field and the line and column of a syntax error', () => {
    const result = parseJsonInput('{\n  "a": 1,\n  b: 2\n}', 'Data');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toMatch(/^Data is not valid JSON: /);
    expect(result.message).toMatch(/line 3,? column 3/);
  });
});
